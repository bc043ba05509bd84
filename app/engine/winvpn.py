"""Windows: which network adapters belong to VPN software, by the driver's description.

On Windows psutil names adapters by their *connection* name, which the user can change and
which is often just "Ethernet 2" for a VPN's virtual adapter. The driver's description ("TAP-
Windows Adapter V9", "Wintun Userspace Tunnel", "WireGuard Tunnel"...) is stable; Windows keeps
it in the registry (network adapter class key: ``DriverDesc`` and ``NetCfgInstanceId``), and
the connection name under ``Control\\Network\\{class}\\{id}\\Connection\\Name`` — both
readable without administrator rights. app/engine/interfaces.py marks an adapter as a VPN when
its name or (here) its description looks like one.

The registry access is a parameter so the matching is tested on any system (tests/engine).
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

# Driver descriptions (and connection names) of VPN and overlay-network adapters on Windows.
WINDOWS_VPN = re.compile(
    r"tap-windows|tap-protonvpn|tap-nordvpn|tap-surfshark|tap-windscribe|\btap\d|wintun"
    r"|wireguard|openvpn|nordlynx|protonvpn|mullvad|cloudflare warp|\bwarp\b|windscribe"
    r"|expressvpn|surfshark|hotspot shield|kaspersky (secure connection|vpn)|amnezia"
    r"|outline|anyconnect|globalprotect|pangp|fortinet|fortissl|forticlient|sonicwall"
    r"|juniper|pulse secure|ivanti|check point virtual|zerotier|tailscale|hamachi"
    r"|radmin vpn|softether|vpn",
    re.IGNORECASE,
)
_CLASS = "{4D36E972-E325-11CE-BFC1-08002BE10318}"
_CLASS_KEY = rf"SYSTEM\CurrentControlSet\Control\Class\{_CLASS}"
_NETWORK_KEY = rf"SYSTEM\CurrentControlSet\Control\Network\{_CLASS}"

# (connection name, driver description) of every network adapter.
Reader = Callable[[], Iterable[tuple[str, str]]]


def _read_registry() -> list[tuple[str, str]]:  # pragma: no cover - Windows only
    # typeshed declares winreg for win32 only; mypy checks this file on Linux too.
    winreg: Any = importlib.import_module("winreg")

    adapters = []
    with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, _CLASS_KEY) as classes:
        index = 0
        while True:
            try:
                sub = winreg.EnumKey(classes, index)
            except OSError:
                break
            index += 1
            try:
                with winreg.OpenKey(classes, sub) as key:
                    description = str(winreg.QueryValueEx(key, "DriverDesc")[0])
                    guid = str(winreg.QueryValueEx(key, "NetCfgInstanceId")[0])
                with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE,
                                    rf"{_NETWORK_KEY}\{guid}\Connection") as conn:
                    name = str(winreg.QueryValueEx(conn, "Name")[0])
            except OSError:  # "Properties" and adapters without a connection
                continue
            adapters.append((name, description))
    return adapters


def vpn_adapter_names(read: Reader | None = None) -> frozenset[str]:
    """Connection names of the adapters whose driver description looks like a VPN's. Empty
    when not on Windows or the registry cannot be read (never raises)."""
    if read is None:
        if sys.platform != "win32":
            return frozenset()
        read = _read_registry
    try:
        adapters = list(read())
    except Exception:  # a registry we cannot read only loses this hint
        return frozenset()
    return frozenset(name for name, description in adapters
                     if WINDOWS_VPN.search(description) or WINDOWS_VPN.search(name))
