"""Glossary words and names: verdicts, features, statuses, services, lists and dates.

Why here: every presenter must use the same word for the same idea (/work/shared/glossary.md),
and service names are brand data, not translations — only a few have a Russian form people
actually use (Яндекс Карты, 2ГИС).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from app.analysis.model import NetworkStatus, Verdict
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
