"""The one translation mechanism of the app: gettext catalogs keyed by symbolic message ids.

Why gettext and not Qt's translator: the knowledge base, the CLI and the report writers are
Qt-free and must speak Russian too, with correct Russian plurals. Why symbolic keys
(``feature.calls.blocked.headline``) instead of English source text: English is a translation
like Russian, so both ``.po`` files carry the full text and a change of English wording never
silently orphans the Russian one.

One ``Translator`` per language, so a report can be written in English while the window
speaks Russian. Catalogs are ``resources/locale/<lang>/LC_MESSAGES/conncheck.mo``; how to
edit and compile them is in ``docs/translations.md``.
"""

from __future__ import annotations

import functools
import gettext
import locale
import os
from collections.abc import Iterable, Mapping
from typing import Any

from app.paths import MissingResource, resource

DOMAIN = "conncheck"
UI_DOMAIN = "ui"  # the window's texts (app/ui/), merged into the same Translator
REPORT_DOMAIN = "report"  # reports, guided mode, decode and history views (app/report/)
EXTRA_DOMAINS: tuple[str, ...] = (UI_DOMAIN, REPORT_DOMAIN)  # merged, in this order
SUPPORTED: tuple[str, ...] = ("ru", "en")
DEFAULT = "ru"  # Russian first: a machine that names no language gets the product's main language
FALLBACK_OTHER = "en"  # a named language we do not speak gets English

_ENV_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
# Windows reports long names from locale.getlocale(), e.g. "Russian_Russia".
_LONG_NAMES = {"russian": "ru", "english": "en"}


def _language_of(tag: str) -> str:
    """The lower-case language part of a locale tag ("ru_RU.UTF-8" -> "ru"); "" for none/C."""
    tag = tag.strip().split(".", 1)[0].split("@", 1)[0]
    lang = tag.replace("-", "_").split("_", 1)[0].lower()
    if lang in ("", "c", "posix"):
        return ""
    return _LONG_NAMES.get(lang, lang)


def negotiate(locales: Iterable[str]) -> str:
    """Pick "ru" or "en" for a list of locale tags, most preferred first.

    The first tag in a language we speak wins. If the list names only languages we do not
    speak (e.g. German), English. If it names no language at all (empty, "C", "POSIX"),
    Russian — the product's first language.
    """
    named_any = False
    for tag in locales:
        lang = _language_of(tag or "")
        if not lang:
            continue
        named_any = True
        if lang in SUPPORTED:
            return lang
    return FALLBACK_OTHER if named_any else DEFAULT


def system_locales(env: Mapping[str, str] | None = None) -> list[str]:
    """The user's locale tags in gettext's order of precedence, then the C library's locale."""
    env = os.environ if env is None else env
    tags: list[str] = []
    for var in _ENV_VARS:
        value = env.get(var, "")
        if value:
            tags.extend(part for part in value.split(":") if part)
    if env is os.environ:
        try:
            current = locale.getlocale()[0]
        except ValueError:  # an unparsable LANG value
            current = None
        if current:
            tags.append(current)
    return tags


def system_language() -> str:
    """The language to show by default on this machine: "ru" or "en"."""
    return negotiate(system_locales())


class Translator:
    """All texts of one language. Keys missing from the catalog fall back to English, then
    to the key itself — never an exception at display time (tests and the
    ``check_translations`` tool keep the catalogs complete)."""

    def __init__(
        self, lang: str, catalog: gettext.NullTranslations, fallback: Translator | None = None
    ) -> None:
        self.lang = lang
        self._catalog = catalog
        self._fallback = fallback

    def has(self, key: str) -> bool:
        """True when this language's catalog has a non-empty text for ``key``."""
        return self._catalog.gettext(key) != key

    def gettext(self, key: str) -> str:
        text = self._catalog.gettext(key)
        if text == key and self._fallback is not None:
            return self._fallback.gettext(key)
        return text

    def ngettext(self, key_singular: str, key_plural: str, n: int) -> str:
        """The plural form for ``n`` (Russian has three); the text still has its {n} field."""
        text = self._catalog.ngettext(key_singular, key_plural, n)
        if text in (key_singular, key_plural) and self._fallback is not None:
            return self._fallback.ngettext(key_singular, key_plural, n)
        return text

    def format(self, key: str, **fields: Any) -> str:
        """The text for ``key`` with its named {fields} filled in."""
        return self.gettext(key).format(**fields)

    def nformat(self, key_singular: str, key_plural: str, n: int, **fields: Any) -> str:
        """The plural form for ``n`` with {n} and the other named fields filled in."""
        return self.ngettext(key_singular, key_plural, n).format(n=n, **fields)

    def __repr__(self) -> str:
        return f"Translator({self.lang!r})"


def mo_path_parts(lang: str) -> tuple[str, ...]:
    return ("locale", lang, "LC_MESSAGES", f"{DOMAIN}.mo")


def _load_catalog(lang: str) -> gettext.GNUTranslations:
    try:
        path = resource(*mo_path_parts(lang))
    except FileNotFoundError as exc:
        raise MissingResource(
            f"translation catalog for {lang!r} is missing ({exc}); compile it as "
            "docs/translations.md explains"
        ) from None
    with path.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    # The window's own texts ("ui.*") and the reports' texts ("report.*", "support.*",
    # "history.*", "code.*") live in their own domains so the GUI, the reports and the
    # knowledge base can be edited apart; one Translator answers for all. Each is optional: a
    # Qt-free build (CLI only) ships without "ui"; the GUI's self-test checks it is there.
    for domain in EXTRA_DOMAINS:
        try:
            extra_path = resource("locale", lang, "LC_MESSAGES", f"{domain}.mo")
        except FileNotFoundError:
            continue
        with extra_path.open("rb") as handle:
            catalog.add_fallback(gettext.GNUTranslations(handle))
    return catalog


@functools.cache
def translator(lang: str) -> Translator:
    """The (cached) translator for "ru" or "en". Raises ValueError for other languages and
    FileNotFoundError, naming the file, when a compiled catalog is missing."""
    if lang not in SUPPORTED:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(SUPPORTED)}")
    fallback = None if lang == "en" else translator("en")
    return Translator(lang, _load_catalog(lang), fallback)
