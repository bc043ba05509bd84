"""A snapshot of this computer's network interfaces (psutil): is anything connected at all?
Is a VPN adapter up, is a proxy set up (app/engine/proxy.py)?

Facts only. Local addresses never leave the computer unless the user asks for identifiers.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

import psutil

from app.engine.proxy import ProxySettings, detect

# Interface names that VPN software uses (OONI's desktop heuristic, extended).
_VPN_NAME = re.compile(
    r"^(tun|tap|wg|ppp|utun|ipsec|zt|tailscale|nordlynx|proton|outline|amn|awg)\d*|"
    r"(vpn|wireguard|openvpn|tap-windows|wintun|wan miniport)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Interface:
    name: str
    is_up: bool
    addresses: tuple[str, ...]
    looks_like_vpn: bool


@dataclass(frozen=True)
class InterfaceSnapshot:
    interfaces: tuple[Interface, ...]
    error: str | None = None  # psutil could not read them (permission, platform)
    proxy: ProxySettings = field(default_factory=ProxySettings)  # system proxy: kinds only
    # An interface went down or up, or changed its addresses, while the checks ran: the results
    # mix two networks (set by the engine, which watches the links during a run).
    changed_during_run: bool = False

    @property
    def connected(self) -> bool:
        """At least one non-loopback interface is up with a usable (non link-local) address."""
        return any(i.is_up and i.addresses for i in self.interfaces)

    @property
    def vpn_names(self) -> tuple[str, ...]:
        return tuple(
            i.name for i in self.interfaces if i.is_up and i.looks_like_vpn and i.addresses
        )


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified)


LinkState = frozenset[tuple[str, bool, tuple[str, ...]]]


def link_state() -> LinkState | None:
    """Which interfaces are up with which usable addresses (cheap: for watching during a run).
    None when psutil cannot tell."""
    try:
        stats = psutil.net_if_stats()
        addrs = psutil.net_if_addrs()
    except (OSError, psutil.Error):  # pragma: no cover - platform specific
        return None
    state = set()
    for name, entries in addrs.items():
        usable = tuple(sorted(e.address for e in entries
                              if e.family.name in ("AF_INET", "AF_INET6") and _usable(e.address)))
        st = stats.get(name)
        if usable:
            state.add((name, bool(st and st.isup), usable))
    return frozenset(state)


def snapshot() -> InterfaceSnapshot:
    proxy = detect()
    try:
        stats = psutil.net_if_stats()
        addrs = psutil.net_if_addrs()
    except (OSError, psutil.Error) as exc:  # pragma: no cover - platform specific
        return InterfaceSnapshot((), error=str(exc), proxy=proxy)
    result = []
    for name, entries in sorted(addrs.items()):
        usable = tuple(
            e.address for e in entries
            if e.family.name in ("AF_INET", "AF_INET6") and _usable(e.address)
        )
        st = stats.get(name)
        result.append(
            Interface(
                name=name,
                is_up=bool(st and st.isup),
                addresses=usable,
                looks_like_vpn=bool(_VPN_NAME.search(name)),
            )
        )
    return InterfaceSnapshot(tuple(result), proxy=proxy)
