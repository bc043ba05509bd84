"""System name resolution (what the user's apps see) and judging the answers.

Judging is fact-finding only: an answer in a bogon range is a typical sign of DNS tampering
(a censor answering 10.x or 127.x), but one range needs care — 198.18.0.0/15 is where proxy
clients such as Clash and sing-box hand out "fake IPs". Unless the catalog declares that range
ordinary (the censorship lab does, in ``ordinary_ranges``), such answers are flagged
``fake_ip_proxy`` and not treated as tampering. See docs/failures.md.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.core.model import DnsFlag

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

FLAG_BOGON = DnsFlag.BOGON
FLAG_DIFFERS = DnsFlag.DIFFERS_FROM_TRUSTED
FLAG_FAKE_IP = DnsFlag.FAKE_IP_PROXY

FAKE_IP_RANGE = ipaddress.ip_network("198.18.0.0/15")

# OONI's bogon list (netxlite/bogon.go, from ipinfo.io/bogon). 6to4 and Teredo encodings of
# IPv4 bogons are decoded in is_bogon() instead of being listed.
BOGON_NETWORKS: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "255.255.255.255/32",
        "::/128", "::1/128", "::ffff:0:0/96", "::/96", "100::/64", "2001:10::/28",
        "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    )
)


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _parse(address: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None


def _in_any(ip: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    return any(ip.version == net.version and ip in net for net in networks)


def is_bogon(address: str, ordinary: Sequence[IPNetwork] = ()) -> bool:
    """True for addresses no public service can have; unparsable text counts as bogon."""
    ip = _parse(address)
    if ip is None:
        return True
    if _in_any(ip, ordinary):
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.sixtofour or (ip.teredo[1] if ip.teredo else None) or ip.ipv4_mapped
        if embedded is not None and _in_any(embedded, BOGON_NETWORKS):
            return True
    return _in_any(ip, BOGON_NETWORKS)


def is_fake_ip(address: str, ordinary: Sequence[IPNetwork] = ()) -> bool:
    """An answer in the proxy fake-IP range that the catalog did not declare ordinary."""
    ip = _parse(address)
    return ip is not None and ip in FAKE_IP_RANGE and not _in_any(ip, ordinary)


@dataclass(frozen=True)
class AnswerJudgement:
    flags: tuple[DnsFlag, ...]
    all_bogon: bool  # every answer is a bogon (fake IPs excluded): the name is unusable


def judge_answers(
    system: Sequence[str],
    trusted: Sequence[str] | None,
    ordinary: Sequence[IPNetwork] = (),
) -> AnswerJudgement:
    """Flags for a system-DNS answer, compared with the trusted DoH answer when there is one."""
    flags: list[DnsFlag] = []
    fake = [a for a in system if is_fake_ip(a, ordinary)]
    rest = [a for a in system if a not in fake]
    bogons = [a for a in rest if is_bogon(a, ordinary)]
    if fake:
        flags.append(FLAG_FAKE_IP)
    if bogons:
        flags.append(FLAG_BOGON)
    # Fake IPs differ from the real ones by design; comparing them would cry "tampering".
    if trusted is not None and rest and not fake and not set(rest) & set(trusted):
        flags.append(FLAG_DIFFERS)
    return AnswerJudgement(tuple(flags), all_bogon=bool(rest) and len(bogons) == len(rest))

