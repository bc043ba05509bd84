"""A snapshot of this computer's network interfaces (psutil): is anything connected at all?
Is a VPN adapter up, is a proxy set up (app/engine/proxy.py)?

Facts only. Local addresses never leave the computer unless the user asks for identifiers.
"""

from __future__ import annotations

import ipaddress
import re

import psutil

from app.core.system import Interface, InterfaceSnapshot, LinkState
from app.engine.proxy import detect
from app.engine.winvpn import vpn_adapter_names

# Interface names that VPN software uses (OONI's desktop heuristic, extended).
_VPN_NAME = re.compile(
    r"^(tun|tap|wg|ppp|utun|ipsec|zt|tailscale|nordlynx|proton|outline|amn|awg)\d*|"
    r"(vpn|wireguard|openvpn|tap-windows|wintun|wan miniport)",
    re.IGNORECASE,
)


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified)


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
    windows_vpn = vpn_adapter_names()  # by driver description; empty except on Windows
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
                looks_like_vpn=bool(_VPN_NAME.search(name)) or name in windows_vpn,
            )
        )
    return InterfaceSnapshot(tuple(result), proxy=proxy)
