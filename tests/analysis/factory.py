"""Hand-built observations and catalogs for analysis tests: no network, no files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from app.core.catalog import Catalog, Restriction
from app.core.failures import Failure
from app.core.model import Check, Feature, Kind, Observation, Phase, Role
from app.core.system import Interface, InterfaceSnapshot

CONNECTED = InterfaceSnapshot((Interface("eth0", True, ("203.0.113.7",), False),))
NO_INTERFACE = InterfaceSnapshot((Interface("eth0", False, (), False),))

# (id, service, feature, kind, role)
ENTRIES: list[tuple[str, str, Feature, Kind, Role]] = [
    ("ctl-ya", "Yandex", Feature.NETWORK, Kind.HTTPS, Role.CONTROL_DOMESTIC),
    ("ctl-vk", "VK", Feature.NETWORK, Kind.HTTPS, Role.CONTROL_DOMESTIC),
    ("ctl-wiki", "Wikipedia", Feature.NETWORK, Kind.HTTPS, Role.CONTROL_INTERNATIONAL),
    ("ctl-example", "Example", Feature.NETWORK, Kind.HTTPS, Role.CONTROL_INTERNATIONAL),
    ("captive", "Captive portal probe", Feature.NETWORK, Kind.HTTP, Role.CAPTIVE_PORTAL),
    ("doh-cf", "Cloudflare DNS", Feature.NETWORK, Kind.DOH, Role.RESOLVER),
    ("wa-e1-443", "WhatsApp", Feature.MESSAGES, Kind.TCP, Role.SERVICE),
    ("wa-e1-5222", "WhatsApp", Feature.MESSAGES, Kind.TCP, Role.SERVICE),
    ("wa-web", "WhatsApp", Feature.MESSAGES, Kind.HTTPS, Role.SERVICE),
    ("wa-register", "WhatsApp", Feature.MESSAGES, Kind.HTTPS, Role.SERVICE),
    ("wa-dns", "WhatsApp", Feature.MESSAGES, Kind.DNS, Role.SERVICE),
    ("tg-dc1", "Telegram", Feature.MESSAGES, Kind.TCP, Role.SERVICE),
    ("tg-web", "Telegram", Feature.MESSAGES, Kind.HTTPS, Role.SERVICE),
    ("wa-relay", "WhatsApp", Feature.CALLS, Kind.STUN, Role.SERVICE),
    ("tg-relay", "Telegram", Feature.CALLS, Kind.STUN, Role.SERVICE),
    ("signal-sfu", "Signal", Feature.CALLS, Kind.HTTPS, Role.SERVICE),
    ("signal-relay", "Signal", Feature.CALLS, Kind.STUN, Role.SERVICE),
    ("stun-google", "STUN servers", Feature.CALLS, Kind.STUN, Role.REFERENCE_STUN),
    ("stun-cf", "STUN servers", Feature.CALLS, Kind.STUN, Role.REFERENCE_STUN),
    ("maps-google", "Google Maps", Feature.MAPS, Kind.HTTPS, Role.SERVICE),
    ("maps-yandex", "Yandex Maps", Feature.MAPS, Kind.HTTPS, Role.SERVICE),
]

RESTRICTIONS = (
    Restriction("ru-2025-08-calls", "RU", dt.date(2025, 8, 13), Feature.CALLS,
                ("WhatsApp", "Telegram"), "https://example.org/source"),
)


def catalog() -> Catalog:
    checks = tuple(
        Check(id=i, service=s, feature=f, kind=k, host=f"{i}.test", port=443, role=r)
        for i, s, f, k, r in ENTRIES
    )
    return Catalog(path=Path("test.toml"), name="test", version="1", country="RU",
                   checks=checks, restrictions=RESTRICTIONS)


_KIND = {i: (s, f, k, r) for i, s, f, k, r in ENTRIES}
_LAST_PHASE = {Kind.DOH: Phase.HTTP, Kind.HTTPS: Phase.HTTP, Kind.HTTP: Phase.HTTP,
               Kind.TCP: Phase.TCP,
               Kind.STUN: Phase.UDP, Kind.DNS: Phase.DNS}


def ok(check_id: str, **facts: Any) -> Observation:
    service, feature, kind, role = _KIND[check_id]
    defaults: dict[str, Any] = {"timings_ms": {"dns": 5, "tcp": 20, "tls": 30, "ttfb": 40,
                                               "body": 50}}
    if kind in (Kind.HTTPS, Kind.HTTP):
        defaults["bytes_received"] = 65536
        defaults["status_code"] = 204 if role == Role.CAPTIVE_PORTAL else 200
    defaults.update(facts)
    return Observation(check_id, service, feature, kind, role,
                       f"{check_id}.test:443", True, None, _LAST_PHASE[kind], 100, **defaults)


def fail(check_id: str, failure: Failure | str, phase: Phase | str, **facts: Any) -> Observation:
    """``failure`` and ``phase`` may be given as their strings (``Observation`` turns them
    into the enums)."""
    service, feature, kind, role = _KIND[check_id]
    return Observation(check_id, service, feature, kind, role,
                       f"{check_id}.test:443", False, Failure(failure), Phase(phase), 3000,
                       **facts)


def healthy(**overrides: Observation) -> list[Observation]:
    """Every check works; pass check_id=<Observation> to replace individual ones."""
    result = []
    for i, *_ in ENTRIES:
        result.append(overrides.get(i.replace("-", "_"), ok(i)))
    return result
