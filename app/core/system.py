"""Facts about this computer's own network setup: interfaces, VPN adapters, proxy settings.

Types only; ``app/engine/interfaces.py`` and ``app/engine/proxy.py`` read them from the system.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Which interfaces are up with which usable addresses (for watching the links during a run).
LinkState = frozenset[tuple[str, bool, tuple[str, ...]]]


@dataclass(frozen=True)
class ProxySettings:
    """Which kinds of proxy are configured ("http", "https", "ftp", "all", "socks"...)."""

    kinds: tuple[str, ...] = ()
    error: str | None = None  # the settings could not be read

    @property
    def configured(self) -> bool:
        return bool(self.kinds)


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
