"""No English left in Russian (issue 16): the glossary allows only names (WhatsApp, Wi-Fi…)
in Latin letters, and the technical words only where support staff read them."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog

from app.knowledge import check_translations
from app.knowledge.latin import is_details_key, latin_words


def test_an_english_word_in_a_russian_sentence_is_found() -> None:
    assert latin_words("Звонки — Works") == ["Works"]
    assert latin_words("Звонки работают on this network") == ["on", "this", "network"]
    assert latin_words("(Этап dns; 73 ms; Байт: 0)") == ["dns", "ms"]


def test_names_placeholders_hosts_and_codes_are_not_english() -> None:
    assert latin_words("WhatsApp — блокировка · Telegram — в порядке · Signal — в порядке") == []
    assert latin_words("Подключитесь к Wi-Fi или выключите VPN") == []
    assert latin_words("Звонки в {services} заблокированы") == []
    assert latin_words("Откройте ya.ru в браузере; код 39W8-WM2B") == []


def test_technical_words_only_where_support_staff_read_them() -> None:
    assert latin_words("TLS-рукопожатие") == ["TLS"]
    assert latin_words("TLS-рукопожатие", details=True) == []
    assert latin_words("сбой connection_reset", details=True) == []
    assert is_details_key("cause.sni_filtering.details")
    assert is_details_key("check.server.messages") and is_details_key("phase.tls")
    assert not is_details_key("feature.calls.blocked.title")


def test_the_russian_catalogs_have_no_english_left() -> None:
    assert check_translations.english_in_russian_texts() == []


def test_the_checker_fails_on_an_english_text(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = Catalog(locale="ru", domain="ui")
    catalog.add("ui.results.title", "Results")
    catalog.add("cause.udp_blocked.details", "UDP не проходит")  # fine for support staff
    monkeypatch.setattr(check_translations, "read_catalog", lambda lang, domain: catalog)
    found = check_translations.english_in_russian_texts()
    assert found and all("ui.results.title" in line for line in found)
    assert "Results" in found[0]
