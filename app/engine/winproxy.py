"""Windows: the proxy set in Settings → Network & Internet → Proxy (WinINet, per user).

``urllib.request.getproxies()`` already reads ``ProxyEnable``/``ProxyServer`` from the
registry, but not a proxy auto-configuration script (``AutoConfigURL``, "Use setup script"),
which is how companies and some "unblocking" tools set a proxy. This module reads all three
from ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings`` and returns a
``getproxies()``-style mapping for app/engine/proxy.py, which keeps only the kinds ("http",
"https", "socks", "pac"...): the addresses never leave this computer.

The registry access is a parameter so the logic is tested on any system (tests/engine).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

INTERNET_SETTINGS = r"Software\Microsoft\Windows\CurrentVersion\Internet Settings"
_VALUES = ("ProxyEnable", "ProxyServer", "AutoConfigURL")

Reader = Callable[[], Mapping[str, object]]


def _read_registry() -> Mapping[str, object]:  # pragma: no cover - Windows only
    # typeshed declares winreg for win32 only; mypy checks this file on Linux too.
    winreg: Any = importlib.import_module("winreg")

    values: dict[str, object] = {}
    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, INTERNET_SETTINGS) as key:
        for name in _VALUES:
            try:
                values[name], _kind = winreg.QueryValueEx(key, name)
            except FileNotFoundError:
                continue
    return values


def _server_entries(server: str) -> dict[str, str]:
    """``host:port`` (every protocol) or ``http=host:port;https=...;socks=...``."""
    proxies: dict[str, str] = {}
    text = server.strip()
    if not text:
        return proxies
    if "=" not in text:
        for scheme in ("http", "https"):
            proxies[scheme] = text
        return proxies
    for part in text.split(";"):
        scheme, _, address = part.partition("=")
        scheme, address = scheme.strip().lower(), address.strip()
        if scheme and address:
            proxies[scheme] = f"socks://{address}" if scheme == "socks" else address
    return proxies


def registry_proxies(read: Reader | None = None) -> dict[str, str]:
    """The WinINet proxy settings of the current user as ``{kind: address}``; ``{}`` when none
    is set or not on Windows. A proxy script counts as kind "pac". Raises only what reading
    the registry raises (app/engine/proxy.py turns that into an error note)."""
    if read is None:
        if sys.platform != "win32":
            return {}
        read = _read_registry
    values = read()
    proxies: dict[str, str] = {}
    enabled = values.get("ProxyEnable")
    server = values.get("ProxyServer")
    if isinstance(enabled, int) and enabled and isinstance(server, str):
        proxies.update(_server_entries(server))
    script = values.get("AutoConfigURL")
    if isinstance(script, str) and script.strip():
        proxies["pac"] = script.strip()
    return proxies
