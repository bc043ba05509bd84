"""Is a proxy set up on this computer? Facts only.

The probes never use a proxy: they open raw sockets to the catalog's addresses (asyncio
``open_connection`` / datagram endpoints, aiortc), so ``HTTP(S)_PROXY``, ``ALL_PROXY`` and the
system's proxy settings do not change what they measure. Other apps on this computer may use
the proxy, though, and then they take another path than the one the check saw — the analysis
says so (cause ``proxy_configured``).

``urllib.request.getproxies()`` reads the environment variables everywhere, the registry on
Windows and System Configuration on macOS. Only the *kinds* of proxy (the URL schemes it is
set for: "http", "https", "socks"...) are kept; the proxy's address stays in memory and is
never written to a report (a proxy address can identify the user's company or home server).
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from app.core.system import ProxySettings

# Keys getproxies() returns that are not proxies: the bypass list.
_NOT_A_PROXY = frozenset({"no"})


def from_mapping(proxies: Mapping[str, str]) -> ProxySettings:
    """Kinds from a ``getproxies()``-style mapping; empty or unusable values do not count."""
    kinds = set()
    for scheme, value in proxies.items():
        scheme = scheme.lower()
        if scheme in _NOT_A_PROXY or not isinstance(value, str) or not value.strip():
            continue
        text = value.strip()
        target = urlsplit(text if "://" in text else f"http://{text}")
        if not target.hostname:
            continue
        kinds.add("socks" if target.scheme.startswith("socks") else scheme)
    return ProxySettings(tuple(sorted(kinds)))


def system_proxies() -> Mapping[str, str]:
    """``getproxies()``, plus on Windows a proxy script (AutoConfigURL, app/engine/winproxy.py)."""
    from app.engine.winproxy import registry_proxies

    return {**urllib.request.getproxies(), **registry_proxies()}


def detect(read: Callable[[], Mapping[str, str]] = system_proxies) -> ProxySettings:
    """The proxy settings of this computer (never raises)."""
    try:
        return from_mapping(read())
    except Exception as exc:  # a broken registry or System Configuration: say so, go on
        return ProxySettings((), error=type(exc).__name__)
