"""A calm look that stays readable (issue 16): status colours pass WCAG AA in light and dark
(computed, not judged by eye), a type scale, one accent button, one language chooser, the
secondary actions in one menu, icon AND word, and progress words that match the time left."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton

from app.analysis.model import Verdict
from app.ui import style
from app.ui.pages.checking import estimate_left_s, left_words

THEMES = {"light": style.LIGHT, "dark": style.DARK}
TEXT_ROLES = ("text", "secondary", "works", "degraded", "blocked", "unclear")


@pytest.mark.parametrize("theme", THEMES.values(), ids=THEMES.keys())
def test_every_text_colour_passes_aa_on_the_window_and_on_a_card(theme: style.Colors) -> None:
    for role in TEXT_ROLES:
        for ground in ("background", "surface"):
            ratio = style.contrast(getattr(theme, role), getattr(theme, ground))
            assert ratio >= 4.5, f"{role} on {ground}: {ratio:.2f}"
    # the primary button's words on the accent, and the accent as link text
    assert style.contrast(theme.on_accent, theme.accent) >= 4.5
    assert style.contrast(theme.accent, theme.background) >= 4.5
    assert style.contrast(theme.accent, theme.surface) >= 4.5


@pytest.mark.parametrize("theme", THEMES.values(), ids=THEMES.keys())
def test_status_icons_stand_out_and_their_glyphs_too(theme: style.Colors) -> None:
    for verdict in Verdict:
        colour = theme.status(verdict)
        for ground in (theme.background, theme.surface):
            assert style.contrast(colour, ground) >= 3.0, (verdict, colour, ground)
        # the ✓ / ✕ / ! cut into the shape
        assert style.contrast(theme.on_status, colour) >= 3.0, (verdict, colour)


def test_contrast_is_computed_as_wcag_says() -> None:
    assert style.contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert style.contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_verdict_icons_are_drawn_in_the_theme_colours(qapp, dark: bool) -> None:  # type: ignore[no-untyped-def]
    from app.ui import icons

    palette = style.make_palette(style.DARK if dark else style.LIGHT)
    theme = style.colors(palette)
    assert theme.dark is dark
    for verdict in (Verdict.WORKS, Verdict.BLOCKED, Verdict.DEGRADED):
        image = icons.pixmap(icons.verdict_icon_name(verdict), 32, 1.0, palette).toImage()
        edge = QColor(image.pixel(16, 3 if verdict != Verdict.DEGRADED else 28))
        assert edge.name().upper() == theme.status(verdict).upper(), verdict


def _window(qtbot, lang: str = "ru"):  # type: ignore[no-untyped-def]
    from app.session import Options, prepare
    from app.ui import selftest_pages as pages
    from app.ui.app import create_window
    from app.ui.settings import Settings

    window = create_window(lang, settings=Settings(notice_seen=True))
    qtbot.addWidget(window)
    window.resize(1366, 697)
    window.show()
    catalog = prepare(Options())
    record = pages._outcome(pages.synthetic_run(catalog), pages.synthetic_diagnosis(), catalog)
    window.record = record
    window.results.show_record(record)
    return window


def test_type_scale_body_11_headings_16(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot)
    assert QApplication.font().pointSizeF() >= 11
    card = window.results.cards["calls"]
    assert card.title.font().pointSizeF() >= 16
    assert card.services.font().pointSizeF() >= 11
    assert card.action.font().pointSizeF() >= 11
    assert window.welcome.title.font().pointSizeF() >= 16


def test_one_accent_button_per_page_and_the_rest_in_a_menu(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot)
    for page in (window.welcome, window.results):
        window.stack.setCurrentWidget(page)
        primary = [b for b in page.findChildren(QPushButton)
                   if b.objectName() == "primary" and b.isVisibleTo(page)]
        assert len(primary) == 1, page
    results = window.results
    assert [a.text() for a in results.menu.actions() if a.text()] == [
        "Скопировать отчёт", "Сохранить отчёт…", "Подробности", "Прошлые проверки"]
    # not five equal grey buttons: the accent one, and "Show code" as a quiet link-like one
    plain = [b for b in results.findChildren(QPushButton)
             if b.isVisibleTo(results) and b.objectName() != "primary"
             and b not in [c.toggle for c in results.cards.values()]]
    assert plain == [results.code_button]


def test_one_language_chooser_named_in_both_languages(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot)
    assert window.findChildren(QComboBox) == []
    assert window.language_menu.title().replace("&", "") == "Язык · Language"
    window.set_language("en")
    assert window.language_menu.title().replace("&", "") == "Language · Язык"


def test_every_verdict_has_a_word_next_to_its_icon(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot)
    for card in window.results.cards.values():
        assert card.icon.pixmap() is not None and not card.icon.pixmap().isNull()
        assert card.icon.accessibleName()  # the status word for screen readers
        assert card.title.text()  # …and the sentence beside it on screen


def test_progress_words_match_the_time_left() -> None:
    # 1.5 s into a 6.6 s check: the quick checks are done, a 6 s call stream has 4.5 s to go
    left = estimate_left_s(1.5, 36, 40, 30.0, longest_running_s=4.5)
    assert left == pytest.approx(4.5)
    assert left_words(left, 36, 40) == ("left", 5)  # "about 5 seconds left", not "almost done"
    # the last checks, most of them done, a second to go: now it is almost done
    assert left_words(0.8, 39, 40) == ("almost", 0)
    # a second to go by the pace, but only half the checks done: say the last ones are running
    assert left_words(1.0, 20, 40)[0] == "finishing"
