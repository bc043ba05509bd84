"""Glossary words and names: verdicts, features, statuses, services, lists and dates.

Why here: every presenter must use the same word for the same idea (/work/shared/glossary.md),
and service names are brand data, not translations — only a few have a Russian form people
actually use (Яндекс Карты, 2ГИС).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from app.analysis.model import NetworkStatus, Verdict
from app.core.model import Check, Kind, Role
from app.i18n import Translator
from app.knowledge import keys

# Map services a person can open as an app (OpenStreetMap and Mapbox serve other apps' maps).
MAP_APPS: frozenset[str] = frozenset({"google maps", "yandex maps", "yandex", "2gis", "apple maps"})

# Services with an in-app proxy setting -> the workaround that explains it.
PROXY_WORKAROUNDS: dict[str, str] = {
    "telegram": "messages.proxy.telegram",
    "whatsapp": "messages.proxy.whatsapp",
    "signal": "messages.proxy.signal",
}


def service_name(service: str, tr: Translator) -> str:
    """How to write a service's name in the translator's language."""
    key = keys.service_name_key(service)
    if tr.has(key):
        return tr.gettext(key)
    return service


def verdict_word(verdict: Verdict | str, tr: Translator) -> str:
    return tr.gettext(keys.verdict_word(Verdict(verdict)))


def feature_name(feature: str, tr: Translator) -> str:
    return tr.gettext(keys.feature_name(feature))


def status_word(status: NetworkStatus | str, tr: Translator) -> str:
    return tr.gettext(keys.status_word(NetworkStatus(status)))


def term(name: str, tr: Translator) -> str:
    """A glossary term for buttons and labels, e.g. term("details") -> "Details"."""
    return tr.gettext(keys.term(name))


def join_names(names: Iterable[str], tr: Translator) -> str:
    """"A", "A and B", "A, B and C" in the translator's language."""
    items = list(dict.fromkeys(names))
    if len(items) <= 1:
        return "".join(items)
    return tr.format(keys.LIST_AND, rest=", ".join(items[:-1]), last=items[-1])


def join_services(services: Iterable[str], tr: Translator) -> str:
    return join_names((service_name(s, tr) for s in services), tr)


def format_date(date: dt.date, tr: Translator) -> str:
    """"13 August 2025" / «13 августа 2025 г.» — no dependency on the C library's locale."""
    return tr.format(
        keys.DATE_FORMAT, day=date.day, month=tr.gettext(keys.month(date.month)), year=date.year
    )


def count_checks(n: int, tr: Translator, *, failed: bool = False) -> str:
    """"3 checks" / «3 проверки»; with failed=True "3 checks failed" / «3 проверки не прошли»."""
    singular, plural = keys.PLURALS[1] if failed else keys.PLURALS[0]
    return tr.nformat(singular, plural, n)


def status_label(verdict: Verdict | str, tr: Translator) -> str:
    """A label that agrees with no subject, for a service row or a table cell:
    «блокировка», «в порядке» (the glossary's "status label")."""
    return tr.gettext(keys.status_label(Verdict(verdict)))


def service_label(service: str, verdict: Verdict | str, tr: Translator) -> str:
    """«WhatsApp — блокировка», «Яндекс Карты — в порядке»: true whatever the name's gender."""
    return f"{service_name(service, tr)} — {status_label(verdict, tr)}"


def check_label(check: Check, tr: Translator) -> str:
    """What a check contacts, in the translator's language, from a template by role, kind,
    feature, service, host and port: «Сервер сообщений WhatsApp e1.whatsapp.net (порт 443)» (the
whole host: a part of it, "web" or "api", would read as an English word). English keeps
    the catalog's own label when it has one (it is written in English)."""
    if tr.lang == "en" and check.label:
        return check.label
    fields = {"service": service_name(check.service, tr), "host": check.host,
              "port": check.port}
    role = check.role.value if isinstance(check.role, Role) else str(check.role)
    kind = check.kind.value if isinstance(check.kind, Kind) else str(check.kind)
    feature = getattr(check.feature, "value", check.feature)
    if role in keys.CHECK_LABEL_ROLES:
        template = role
    elif kind in (Kind.TURN_CALL.value, Kind.ECHO_CALL.value):
        template = "test_call"
    elif kind in (Kind.CALL_FLOW.value, Kind.CALL_SHAPES.value, Kind.UDP_ECHO.value):
        template = "call_flow"
    elif kind == Kind.DNS.value:
        template = "dns"
    else:
        template = f"server.{feature if feature in keys.FEATURES else 'network'}"
    return tr.format(keys.check_label(template), **fields)


def phase_name(phase: str, tr: Translator) -> str:
    """«TLS-рукопожатие» / "TLS handshake"; an unknown phase is shown as it is."""
    key = keys.phase_name(str(getattr(phase, "value", phase)))
    return tr.gettext(key) if tr.has(key) else str(phase)


def milliseconds(value: float, tr: Translator) -> str:
    return tr.format(keys.UNIT_MS, n=f"{value:.0f}")


def byte_count(n: int, tr: Translator) -> str:
    """«0 байт», «2 байта», "1 byte"."""
    return tr.nformat(*keys.PLURALS[2], n)


def timings_text(timings_ms: Mapping[str, float], tr: Translator) -> str:
    """«DNS 5 мс · TCP 20 мс · первый байт 41 мс»."""
    parts = []
    for step, value in timings_ms.items():
        key = keys.timing_name(step)
        name = tr.gettext(key) if tr.has(key) else step
        parts.append(f"{name} {milliseconds(value, tr)}")
    return " · ".join(parts)
