"""Censorship profiles: what the lab's ISP does, as readable iptables / tc commands.

Each profile is a function of the lab plan (which knows every host's lab address) that
returns a ``Profile``: commands run in the router namespace, plus the two things a router
cannot do with a rule — a resolver that lies, and a server presenting a foreign certificate.
Commands only touch FORWARD (traffic passing through the ISP), never the router's own traffic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tests.lab.labcatalog import DOMESTIC_NET, INTERNATIONAL_NET, LabPlan

TO_CLIENT = "cli0"  # the router's interface facing the client
TO_WORLD = "wan0"  # the router's interface facing the world
STUN_COOKIE_MATCH = "0>>22&0x3C@12=0x2112A442"  # magic cookie at UDP payload offset 4


@dataclass(frozen=True)
class Profile:
    name: str
    isp_commands: tuple[str, ...] = ()
    dns_lies: Mapping[str, str] = field(default_factory=dict)  # host -> bogon|wrong|nxdomain
    intercepted: tuple[str, ...] = ()  # lab addresses whose HTTPS uses an untrusted CA
    # lab address -> what its web server answers instead: html|garbage|tiny (world.py)
    content: Mapping[str, str] = field(default_factory=dict)

    def __add__(self, other: Profile) -> Profile:
        return Profile(
            name=f"{self.name}+{other.name}",
            isp_commands=self.isp_commands + other.isp_commands,
            dns_lies={**self.dns_lies, **other.dns_lies},
            intercepted=self.intercepted + other.intercepted,
            content={**self.content, **other.content},
        )


def none() -> Profile:
    return Profile("none")


def drop_everything() -> Profile:
    """The provider forwards nothing at all (an outage, or no service)."""
    return Profile("drop_everything", ("iptables -P FORWARD DROP",))


def _allow_dns() -> tuple[str, ...]:
    return (
        "iptables -A FORWARD -p udp --dport 53 -j ACCEPT",
        "iptables -A FORWARD -p udp --sport 53 -j ACCEPT",
    )


def drop_udp_except_dns() -> Profile:
    """Mobile-style: no UDP at all except DNS; TCP untouched."""
    return Profile("drop_udp_except_dns", (*_allow_dns(), "iptables -A FORWARD -p udp -j DROP"))


def drop_stun() -> Profile:
    """DPI drops UDP carrying the STUN magic cookie; other UDP passes."""
    return Profile("drop_stun", (
        f"iptables -A FORWARD -p udp -m u32 --u32 '{STUN_COOKIE_MATCH}' -j DROP",
    ))


def udp_cutoff(packets: int = 8) -> Profile:
    """Each UDP flow passes for its first ``packets`` packets, then is dropped (a call cut off)."""
    return Profile(f"udp_cutoff_{packets}", (
        *_allow_dns(),
        f"iptables -A FORWARD -p udp -m connbytes --connbytes {packets + 1}: "
        "--connbytes-dir both --connbytes-mode packets -j DROP",
    ))


def sni_reset(*names: str) -> Profile:
    """A TCP reset as soon as a name appears in what the client sends (TLS ClientHello, Host)."""
    return Profile("sni_reset", tuple(
        f"iptables -A FORWARD -i {TO_CLIENT} -p tcp -m string --algo bm --string {name} "
        "-j REJECT --reject-with tcp-reset" for name in names
    ))


def sni_drop(*names: str) -> Profile:
    """Silently drop a connection's packets once a name appears in what the client sends."""
    return Profile("sni_drop", tuple(
        f"iptables -A FORWARD -i {TO_CLIENT} -p tcp -m string --algo bm --string {name} -j DROP"
        for name in names
    ))


def drop_ips(*addresses: str) -> Profile:
    """Every packet to these addresses vanishes."""
    return Profile("drop_ips", tuple(f"iptables -A FORWARD -d {a} -j DROP" for a in addresses))


def freeze_after(destinations: str = INTERNATIONAL_NET, limit: int = 16384) -> Profile:
    """The "16 KB freeze": a TCP flow dies once the server has sent ``limit`` bytes."""
    return Profile("freeze_after", (
        f"iptables -A FORWARD -p tcp -m conntrack --ctorigdst {destinations} "
        f"-m connbytes --connbytes {limit}: --connbytes-dir reply --connbytes-mode bytes -j DROP",
    ))


def throttle(rate: str = "256kbit") -> Profile:
    """Everything slowed to ``rate`` both ways (token bucket on both router interfaces)."""
    return Profile("throttle", tuple(
        f"tc qdisc add dev {dev} root tbf rate {rate} burst 8kb latency 2s"
        for dev in (TO_CLIENT, TO_WORLD)
    ))


def throttle_service(rate: str, *addresses: str) -> Profile:
    """Only traffic to and from ``addresses`` slowed to ``rate``, both ways; everything else
    at full speed (how Russia slows one service: Telegram from 2026-02-10, WhatsApp in
    December 2025). An htb shaper with a queue, not a policer: the handshake gets through,
    slowly, as it does under the real slowdown.

    Each direction gets an htb root whose default class is unshaped and one class at
    ``rate``, chosen by ``u32`` address filters; each class has its own fifo queue (an htb
    class without one drops too eagerly on these veths). The shaped queue holds about one
    second of traffic, like a provider's shaper: a longer one (these kernels have no
    per-flow fair queueing) would keep a new connection's handshake waiting behind the
    bodies of earlier ones for tens of seconds, which no real slowdown does.
    """
    queue = max(_bytes_per_second(rate), 3000)
    commands: list[str] = []
    for dev, field_ in ((TO_CLIENT, "src"), (TO_WORLD, "dst")):
        commands += [
            f"tc qdisc add dev {dev} root handle 1: htb default 10",
            f"tc class add dev {dev} parent 1: classid 1:10 htb rate 10gbit",
            f"tc class add dev {dev} parent 1: classid 1:20 htb rate {rate} ceil {rate} "
            "burst 4k cburst 4k",
            f"tc qdisc add dev {dev} parent 1:10 handle 10: pfifo limit 1000",
            f"tc qdisc add dev {dev} parent 1:20 handle 20: bfifo limit {queue}",
            *(f"tc filter add dev {dev} parent 1: protocol ip prio 1 u32 "
              f"match ip {field_} {address}/32 flowid 1:20" for address in addresses),
        ]
    return Profile("throttle_service", tuple(commands))


def _bytes_per_second(rate: str) -> int:
    """ "64kbit" -> 8000, "2mbit" -> 250000 (tc's decimal units)."""
    units = {"kbit": 1000, "mbit": 1000_000, "gbit": 1000_000_000, "bit": 1}
    for unit, scale in units.items():
        if rate.endswith(unit):
            return int(float(rate.removesuffix(unit)) * scale / 8)
    raise ValueError(f"rate {rate!r}: use kbit, mbit or gbit")


def whitelist(*allowed: str) -> Profile:
    """Only the listed networks answer (mobile "whitelist mode"); everything else vanishes."""
    return Profile("whitelist", (
        "iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
        *(f"iptables -A FORWARD -d {net} -j ACCEPT" for net in allowed),
        "iptables -A FORWARD -j DROP",
    ))


def domestic_whitelist(plan: LabPlan) -> Profile:
    """Whitelist mode allowing the ISP resolver and domestic sites."""
    return whitelist(f"{plan.resolver_ip}/32", DOMESTIC_NET)


def captive_portal(plan: LabPlan) -> Profile:
    """Before login: web pages go to the portal, HTTPS is reset, other traffic dropped."""
    return Profile("captive_portal", (
        f"iptables -t nat -A PREROUTING -i {TO_CLIENT} -p tcp --dport 80 "
        f"-j DNAT --to-destination {plan.portal_ip}:80",
        *_allow_dns(),
        f"iptables -A FORWARD -d {plan.portal_ip} -p tcp --dport 80 -j ACCEPT",
        "iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
        f"iptables -A FORWARD -i {TO_CLIENT} -p tcp -j REJECT --reject-with tcp-reset",
        "iptables -A FORWARD -j DROP",
    ))


def dns_lie(kind: str, *names: str) -> Profile:
    """The ISP resolver answers ``names`` with a lie: bogon (10.10.34.35), wrong (the captive
    portal's address), blockpage (a block page at an ordinary address, with a certificate for
    its own name only), nxdomain, silent, servfail."""
    return Profile(f"dns_{kind}", dns_lies=dict.fromkeys(names, kind))


def broken_resolver(mode: str = "servfail") -> Profile:
    """The ISP resolver fails for every name — ``servfail``, ``silent`` (no answer at all) or
    ``dns-malformed`` (replies no resolver can parse) — while traffic by address flows."""
    return Profile(f"broken_resolver_{mode}", dns_lies={"*": mode})


def reject_ips(*addresses: str) -> Profile:
    """TCP to these addresses is answered with a reset (REJECT --reject-with tcp-reset)."""
    return Profile("reject_ips", tuple(
        f"iptables -A FORWARD -p tcp -d {a} -j REJECT --reject-with tcp-reset"
        for a in addresses))


def wrong_content(mode: str, *addresses: str) -> Profile:
    """Web servers at these addresses answer 200 with something else: ``html`` (a page),
    ``garbage`` (random bytes that keep coming, no length), ``tiny`` (a 3-byte "image")."""
    return Profile(f"content_{mode}", content=dict.fromkeys(addresses, mode))


def intercept(*addresses: str) -> Profile:
    """HTTPS to these addresses is answered with a certificate from an unknown CA."""
    return Profile("intercept", intercepted=tuple(addresses))
