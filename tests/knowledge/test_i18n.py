"""The translation mechanism: language choice, catalogs, Russian plurals."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest

from app import i18n
from app.i18n import Translator, negotiate, system_locales, translator


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["ru_RU.UTF-8"], "ru"),
        (["ru"], "ru"),
        (["ru-RU"], "ru"),
        (["en_US"], "en"),
        (["en_GB.UTF-8"], "en"),
        (["de_DE"], "en"),  # a language we don't speak: English
        (["uk_UA.UTF-8"], "en"),  # no guessing that Ukrainian speakers want Russian
        (["de_DE", "ru_RU"], "ru"),  # the first language we speak wins
        (["en_US", "ru_RU"], "en"),
        (["Russian_Russia"], "ru"),  # Windows long names
        (["English_United States"], "en"),
        ([""], "ru"),  # no language named at all: the product's first language
        (["C"], "ru"),
        (["POSIX", "C.UTF-8"], "ru"),
        ([], "ru"),
    ],
)
def test_negotiate(tags: list[str], expected: str) -> None:
    assert negotiate(tags) == expected


def test_system_locales_follow_gettext_precedence() -> None:
    env = {"LANGUAGE": "de:ru", "LC_ALL": "", "LC_MESSAGES": "en_US.UTF-8", "LANG": "C"}
    assert system_locales(env) == ["de", "ru", "en_US.UTF-8", "C"]
    assert negotiate(system_locales(env)) == "ru"
    assert negotiate(system_locales({"LANG": "en_US.UTF-8"})) == "en"


def test_system_language_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert i18n.system_language() == "en"
    monkeypatch.setenv("LANGUAGE", "ru_RU")
    assert i18n.system_language() == "ru"


def test_translators_are_cached_and_per_language() -> None:
    ru, en = translator("ru"), translator("en")
    assert translator("ru") is ru
    assert ru.gettext("term.check_button") == "Проверить связь"
    assert en.gettext("term.check_button") == "Check my connection"


def test_unsupported_language_is_refused() -> None:
    with pytest.raises(ValueError, match="de"):
        translator("de")


def test_missing_catalog_names_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("app.paths.resources_dir", lambda: tmp_path)
    translator.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match=r"conncheck\.mo"):
            translator("en")
    finally:
        translator.cache_clear()


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "1 проверка"), (2, "2 проверки"), (4, "4 проверки"), (5, "5 проверок"),
     (11, "11 проверок"), (12, "12 проверок"), (21, "21 проверка"), (22, "22 проверки"),
     (25, "25 проверок"), (111, "111 проверок"), (0, "0 проверок")],
)
def test_russian_plurals(n: int, expected: str) -> None:
    assert translator("ru").nformat("count.checks", "count.checks.plural", n) == expected


def test_russian_plural_agrees_with_verb() -> None:
    ru = translator("ru")
    key = ("count.checks_failed", "count.checks_failed.plural")
    assert ru.nformat(*key, 1) == "1 проверка не прошла"
    assert ru.nformat(*key, 3) == "3 проверки не прошли"
    assert ru.nformat(*key, 7) == "7 проверок не прошло"


def test_english_plurals() -> None:
    en = translator("en")
    assert en.nformat("count.checks", "count.checks.plural", 1) == "1 check"
    assert en.nformat("count.checks", "count.checks.plural", 2) == "2 checks"
    assert en.ngettext("count.checks", "count.checks.plural", 0) == "{n} checks"


def test_missing_key_falls_back_to_english_never_to_the_key() -> None:
    empty = Translator("ru", gettext.NullTranslations(), fallback=translator("en"))
    assert empty.gettext("term.details") == "Details"
    assert not empty.has("term.details")
    assert translator("ru").has("term.details")
    assert translator("en").gettext("no.such.key") == "no.such.key"


def test_format_fills_named_fields() -> None:
    assert translator("ru").format("restriction.matches", date="1 мая") == (
        "Это совпадает с ограничением, о котором объявили 1 мая."
    )
