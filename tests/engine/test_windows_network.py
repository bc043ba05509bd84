"""Windows-only network facts, tested here with the registry injected: the WinINet proxy
(ProxyEnable/ProxyServer/AutoConfigURL) becomes ``proxy_configured`` with kinds only, and VPN
adapters are recognised by their driver description (TAP-Windows, Wintun, WireGuard...)."""

from __future__ import annotations

import socket
import sys
from types import SimpleNamespace

import pytest

from app.engine import interfaces, proxy, winproxy, winvpn

SECRET = "corp-proxy.example"


@pytest.mark.parametrize(("values", "kinds"), [
    ({"ProxyEnable": 1, "ProxyServer": f"{SECRET}:3128"}, ("http", "https")),
    ({"ProxyEnable": 1, "ProxyServer": f"http={SECRET}:80;https={SECRET}:443;socks={SECRET}:1080"},
     ("http", "https", "socks")),
    ({"ProxyEnable": 1, "ProxyServer": f"socks={SECRET}:1080"}, ("socks",)),
    ({"AutoConfigURL": f"http://{SECRET}/proxy.pac"}, ("pac",)),
    ({"ProxyEnable": 1, "ProxyServer": f"{SECRET}:8080", "AutoConfigURL": f"http://{SECRET}/p"},
     ("http", "https", "pac")),
    # Switched off, or nothing set: no proxy.
    ({"ProxyEnable": 0, "ProxyServer": f"{SECRET}:3128"}, ()),
    ({"ProxyEnable": 1, "ProxyServer": ""}, ()),
    ({"AutoConfigURL": "  "}, ()),
    ({}, ()),
])
def test_wininet_registry_gives_kinds_only(values: dict[str, object],
                                           kinds: tuple[str, ...]) -> None:
    settings = proxy.from_mapping(winproxy.registry_proxies(lambda: values))
    assert settings.kinds == kinds
    assert settings.configured == bool(kinds)
    assert SECRET not in repr(settings)


def test_detect_on_windows_reads_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(winproxy, "_read_registry",
                        lambda: {"AutoConfigURL": f"http://{SECRET}/wpad.dat"})
    monkeypatch.setattr(proxy.urllib.request, "getproxies", lambda: {})
    settings = proxy.detect()
    assert settings.kinds == ("pac",) and settings.error is None


def test_detect_elsewhere_ignores_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(proxy.urllib.request, "getproxies", lambda: {})
    assert winproxy.registry_proxies() == {}
    assert proxy.detect().kinds == ()


def test_unreadable_registry_is_an_error_note_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> dict[str, object]:
        raise PermissionError("denied")

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(winproxy, "_read_registry", broken)
    settings = proxy.detect()
    assert settings.kinds == () and settings.error == "PermissionError"


ADAPTERS = [
    ("Ethernet", "Intel(R) Ethernet Connection (7) I219-V"),
    ("Wi-Fi", "Intel(R) Wi-Fi 6 AX201 160MHz"),
    ("Ethernet 2", "TAP-Windows Adapter V9"),
    ("Ethernet 3", "Wintun Userspace Tunnel"),
    ("home", "WireGuard Tunnel"),
    ("Local Area Connection", "OpenVPN Data Channel Offload"),
    ("Ethernet 4", "TAP-ProtonVPN Windows Adapter V9"),
    ("NordLynx", "NordLynx Tunnel"),
    ("Ethernet 5", "Cisco AnyConnect Secure Mobility Client Virtual Miniport Adapter"),
    ("Ethernet 6", "PANGP Virtual Ethernet Adapter Secure"),
    ("Ethernet 7", "ZeroTier Virtual Port"),
    ("Tailscale", "Tailscale Tunnel"),
    ("Bluetooth Network Connection", "Bluetooth Device (Personal Area Network)"),
    ("vEthernet (WSL)", "Hyper-V Virtual Ethernet Adapter"),
]


def test_windows_vpn_adapters_by_driver_description() -> None:
    names = winvpn.vpn_adapter_names(lambda: ADAPTERS)
    assert names == {"Ethernet 2", "Ethernet 3", "home", "Local Area Connection", "Ethernet 4",
                     "NordLynx", "Ethernet 5", "Ethernet 6", "Ethernet 7", "Tailscale"}


def test_vpn_adapter_names_never_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> list[tuple[str, str]]:
        raise OSError("no registry")

    assert winvpn.vpn_adapter_names(broken) == frozenset()
    monkeypatch.setattr(sys, "platform", "linux")
    assert winvpn.vpn_adapter_names() == frozenset()


def test_snapshot_marks_a_windows_vpn_adapter(monkeypatch: pytest.MonkeyPatch) -> None:
    """'Ethernet 2' says nothing by its name; its TAP-Windows driver makes it a VPN."""
    addr = SimpleNamespace(family=socket.AddressFamily.AF_INET, address="10.8.0.6")
    lan = SimpleNamespace(family=socket.AddressFamily.AF_INET, address="192.168.1.20")
    monkeypatch.setattr(interfaces.psutil, "net_if_addrs",
                        lambda: {"Ethernet 2": [addr], "Ethernet": [lan]})
    monkeypatch.setattr(interfaces.psutil, "net_if_stats",
                        lambda: {"Ethernet 2": SimpleNamespace(isup=True),
                                 "Ethernet": SimpleNamespace(isup=True)})
    monkeypatch.setattr(interfaces, "vpn_adapter_names", lambda: frozenset({"Ethernet 2"}))
    monkeypatch.setattr(interfaces, "detect", lambda: proxy.ProxySettings())
    snap = interfaces.snapshot()
    assert snap.vpn_names == ("Ethernet 2",)
