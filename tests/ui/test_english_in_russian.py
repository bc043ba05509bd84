"""Every page of the window drawn in Russian shows no English outside the allowed names
(issue 16): Details' «Раздел» column, check labels, phases and units included."""

from __future__ import annotations

import pytest

from app.session import Options, prepare
from app.ui.selftest_pages import english_in_russian, page_texts


@pytest.fixture
def shipped_window(qtbot):  # type: ignore[no-untyped-def]
    from app.ui.app import create_window
    from app.ui.settings import Settings

    window = create_window("ru", settings=Settings(notice_seen=True))
    qtbot.addWidget(window)
    window.resize(1000, 760)
    window.show()
    return window


def test_no_english_on_any_page_in_russian(shipped_window) -> None:  # type: ignore[no-untyped-def]
    assert english_in_russian(shipped_window, prepare(Options())) == []


def test_details_speak_russian_around_the_technical_words(shipped_window) -> None:  # type: ignore[no-untyped-def]
    catalog = prepare(Options())
    english_in_russian(shipped_window, catalog)  # leaves Details filled with a made-up run
    texts = {t for _, t, _ in page_texts(shipped_window.details)}
    assert {"Звонки", "Сообщения", "Карты"} <= texts  # not calls/messages/maps
    assert "messages" not in texts and "calls" not in texts
    assert any(t.startswith("Сервер сообщений WhatsApp ") for t in texts)
    assert any(" мс" in t for t in texts)
    assert any(t in ("TLS-рукопожатие", "TCP-соединение") for t in texts)


def test_an_english_word_on_a_russian_page_is_caught(shipped_window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.ui.widgets.feature_card import FeatureCard

    monkeypatch.setattr(FeatureCard, "_toggle_text", lambda self: "More ▾")
    found = english_in_russian(shipped_window, prepare(Options()))
    assert any(line.startswith("results: ") and "More" in line for line in found), found


def test_check_translations_draws_the_window_in_russian() -> None:
    from app.knowledge import check_translations

    assert check_translations.english_in_russian_window() == []
