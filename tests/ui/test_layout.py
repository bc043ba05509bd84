"""Answer first (issue 16): on a 1366×768 laptop, at normal and at 150 % text, the results
page shows without scrolling the three features — each sentence, each service's label and
the one action — the steps said once for everything, the code strip and «Проверить снова».

The window is the size a maximised window has on such a screen (the taskbar and the title
bar taken off); 150 % text is the application font at 1.5×, as Windows' "Make text bigger"
gives it. A card's rectangle must lie inside the scroll area's viewport, with nothing to
scroll to.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QApplication, QWidget

from app.analysis.model import NetworkStatus
from app.session import Options, prepare

MAXIMISED_1366x768 = (1366, 768 - 40 - 31)  # the taskbar, the title bar
# 150 % display scaling on the same screen: Qt sees 1366/1.5 × 768/1.5 logical pixels
SCALED_150_LOGICAL = (910, 512 - 27 - 21)


@pytest.fixture
def text_scale(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    saved = QApplication.font()
    yield
    QApplication.setFont(saved)


def _results(qtbot, size: tuple[int, int], scale: float,  # type: ignore[no-untyped-def]
             network: NetworkStatus = NetworkStatus.ONLINE, lang: str = "ru"):
    from app.ui import selftest_pages as pages
    from app.ui import style
    from app.ui.app import create_window
    from app.ui.settings import Settings

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = style.body_font(app.font())
    font.setPointSizeF(style.BODY_MIN_PT * scale)
    app.setFont(font)
    window = create_window(lang, settings=Settings(notice_seen=True))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    catalog = prepare(Options())
    record = pages._outcome(pages.synthetic_run(catalog), pages.synthetic_diagnosis(network),
                            catalog)
    window.record = record
    window.results.show_record(record)
    window.stack.setCurrentWidget(window.results)
    for _ in range(5):
        QApplication.processEvents()
    return window


def _rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def _inside(widget: QWidget, ancestor: QWidget) -> bool:
    return ancestor.rect().contains(_rect_in(widget, ancestor))


@pytest.mark.parametrize(("size", "scale"), [
    (MAXIMISED_1366x768, 1.0),
    (MAXIMISED_1366x768, 1.5),
    (SCALED_150_LOGICAL, 1.0),
], ids=["1366x768", "1366x768-150%-text", "1366x768-150%-scaling"])
def test_the_whole_answer_is_visible_without_scrolling(qtbot, text_scale, size, scale):  # type: ignore[no-untyped-def]
    window = _results(qtbot, size, scale)
    page = window.results
    viewport = page.area.viewport()
    assert page.area.verticalScrollBar().maximum() == 0, "the answer needs scrolling"
    for name, card in page.cards.items():
        assert card.isVisible(), name
        assert _inside(card, viewport), f"{name} card is cut off: {_rect_in(card, viewport)}"
        for part in (card.title, card.services):
            assert part.isVisible() and _inside(part, viewport), (name, part.text())
    # the one action where there is something to do, and none on the card that works
    assert page.cards["calls"].action.isVisible()
    assert page.cards["messages"].action.isVisible()
    assert not page.cards["maps"].action.isVisibleTo(page)
    assert not page.cards["maps"].toggle.isVisibleTo(page)
    assert page.common.isVisible() and _inside(page.common, viewport)
    # the connection in one line, the primary button and the code strip on screen
    assert not page.banner.text.isVisibleTo(page)
    for widget in (page.banner.title, page.again_button, page.code, page.more_button):
        assert widget.isVisible() and _inside(widget, window), widget
    assert page.banner.title.height() < 2 * page.banner.title.fontMetrics().lineSpacing()


def test_sentences_are_whole_and_labels_agree_with_nothing(qtbot, text_scale):  # type: ignore[no-untyped-def]
    page = _results(qtbot, MAXIMISED_1366x768, 1.0).results
    assert page.cards["calls"].title.text() == "Звонки в WhatsApp и Telegram заблокированы"
    assert page.cards["maps"].title.text() == "Карты работают"
    assert page.cards["calls"].services.accessibleName() == (
        "WhatsApp — блокировка · Telegram — блокировка · Signal — в порядке")
    assert page.cards["calls"].action.text() == "→ Позвоните через Signal: там звонки работают"
    assert page.banner.title.text() == "Подключение к интернету работает."


def test_steps_for_everything_are_said_once(qtbot, text_scale):  # type: ignore[no-untyped-def]
    page = _results(qtbot, MAXIMISED_1366x768, 1.0).results
    other_network = "попробуйте другую сеть"
    assert other_network in page.common.text()
    for card in page.cards.values():
        card.toggle.setChecked(card.has_more())
        assert "другую сеть" not in card.more.text().lower()
        assert "другую сеть" not in card.action.text().lower()


def test_a_limited_connection_is_the_answer_with_its_action_first(qtbot, text_scale):  # type: ignore[no-untyped-def]
    window = _results(qtbot, MAXIMISED_1366x768, 1.5, NetworkStatus.WHITELIST_ONLY)
    page = window.results
    assert page.banner.title.text() == "Работают только некоторые российские сайты"
    assert page.banner.action.isVisible()  # the one action; every step behind «Подробнее»
    assert page.area.verticalScrollBar().maximum() == 0
    page.banner.toggle.click()
    steps = page.banner.steps
    assert steps.isVisible() and "Что можно сделать" in steps.text()
    viewport = page.area.viewport()
    assert _rect_in(steps, viewport).top() >= 0  # the steps start on screen, above the cards
    assert _rect_in(steps, viewport).top() < _rect_in(page.cards["calls"], viewport).top()
    # the cards say what does not work, but their own actions give way to the connection's
    assert all(not card.action.isVisibleTo(page) for card in page.cards.values())


def test_a_small_window_still_fits_the_page_and_the_code_stays_whole(qtbot, text_scale):  # type: ignore[no-untyped-def]
    window = _results(qtbot, (700, 600), 1.0)
    page = window.results
    assert page.minimumSizeHint().width() <= 700  # nothing forces a wider window
    assert window.width() == 700
    code = window.record.code
    assert code and code in page.code.text()  # one unbreakable piece: read out as one
    assert "white-space:nowrap" in page.code.text()


def test_a_vpn_gets_one_more_line_and_its_one_action(qtbot, text_scale):  # type: ignore[no-untyped-def]
    import dataclasses

    from app.analysis.model import Cause, CauseId, NetworkResult
    from app.ui import selftest_pages as pages

    window = _results(qtbot, MAXIMISED_1366x768, 1.5)
    catalog = prepare(Options())
    diagnosis = dataclasses.replace(
        pages.synthetic_diagnosis(),
        network=NetworkResult(NetworkStatus.ONLINE, (Cause(CauseId.VPN_ACTIVE),)))
    window.results.show_record(pages._outcome(pages.synthetic_run(catalog), diagnosis, catalog))
    QApplication.processEvents()
    page = window.results
    assert page.banner.title.text() == "Подключение к интернету работает."
    line = page.banner.line.text()  # under the title, beside the button: one line
    assert "VPN" in line and "→ " in line and not page.banner.text.isVisibleTo(page)
    assert page.area.verticalScrollBar().maximum() == 0  # the cards still fit
    assert page.cards["calls"].action.isVisible()  # the VPN colours the answer, not replaces it


# -- real lab runs (tests/golden/runs), replayed through today's analysis -----------------

RUNS = Path(__file__).resolve().parents[1] / "golden" / "runs"
LAB_RUNS = ("healthy", "udp_blocked", "domestic_whitelist", "offline")
# A new user's window on a 1366×768 laptop: MainWindow's first size (52 × 44 text heights),
# within 90 % of the screen above a 40-pixel taskbar (tools/screenshots.py)
FIRST_RUN_BOUND = (round(1366 * 0.9), round((768 - 40) * 0.9))


def _lab_outcome(name: str):  # type: ignore[no-untyped-def]
    from app.catalog import load_catalog
    from app.session import replay

    document = json.loads((RUNS / f"{name}.json").read_text(encoding="utf-8"))
    return replay(document, load_catalog(RUNS / "lab-catalog.toml"))


def _lab_results(qtbot, name: str, size: str, scale: float,  # type: ignore[no-untyped-def]
                 lang: str = "ru"):
    from app.ui import style
    from app.ui.app import create_window
    from app.ui.settings import Settings

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = style.body_font(app.font())
    font.setPointSizeF(style.BODY_MIN_PT * scale)
    app.setFont(font)
    window = create_window(lang, settings=Settings(notice_seen=True))
    qtbot.addWidget(window)
    if size == "first":
        first = QSize(style.em(window, 52), style.em(window, 44))
        window.resize(first.boundedTo(QSize(*FIRST_RUN_BOUND)))
    else:
        window.resize(*MAXIMISED_1366x768)
    window.show()
    record = _lab_outcome(name)
    window.record = record
    window.results.show_record(record)
    window.stack.setCurrentWidget(window.results)
    for _ in range(5):
        QApplication.processEvents()
    return window


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("scale", [1.0, 1.5], ids=["text100", "text150"])
@pytest.mark.parametrize("size", ["1366x768", "first"])
@pytest.mark.parametrize("name", LAB_RUNS)
def test_a_real_runs_answer_is_visible_without_scrolling(qtbot, text_scale, name, size,  # type: ignore[no-untyped-def]
                                                        scale, lang):
    window = _lab_results(qtbot, name, size, scale, lang)
    page = window.results
    viewport = page.area.viewport()
    assert page.area.verticalScrollBar().maximum() == 0, (
        f"{name} at {window.width()}×{window.height()} needs scrolling")
    visible = [c for c in page.cards.values() if c.isVisibleTo(page)]
    assert len(visible) == 3
    for card in visible:
        assert _inside(card, viewport), (card.feature, _rect_in(card, viewport))
        assert card.title.isVisible() and _inside(card.title, viewport), card.title.text()
    for widget in (page.banner.title, page.again_button, page.code, page.more_button):
        assert widget.isVisible() and _inside(widget, window), widget
    banner = page.banner
    if banner.replaces_answer(window.record.diagnosis.network):
        # the connection's title and its ONE action on screen; why and every step behind "More"
        assert banner.action.isVisible() and banner.action.text().startswith("→ ")
        assert _inside(banner.action, window) and _inside(banner.toggle, window)
        assert not banner.steps.isVisible()


def test_no_internet_is_said_once_not_per_service(qtbot, text_scale):  # type: ignore[no-untyped-def]
    page = _lab_results(qtbot, "offline", "1366x768", 1.0).results
    assert page.banner.title.text() == "Нет подключения к интернету"
    assert page.banner.action.text() == "→ Перезагрузите роутер"
    assert page.cards["calls"].title.text() == "Без интернета звонки не работают"
    for card in page.cards.values():  # "WhatsApp — нет интернета · Telegram — …" says nothing new
        assert not card.services.isVisibleTo(page), card.services.accessibleName()
        assert not card.action_row.isVisibleTo(page)
    # every step, and the steps for everything, behind the connection's "More", once
    banner = page.banner
    banner.toggle.click()
    assert banner.steps.isVisible()
    assert "Что можно сделать" in banner.steps.text()
    assert banner.steps.text().count("Попробуйте другую сеть") == 1
    assert not page.common.isVisible()
    banner.toggle.click()
    assert not banner.steps.isVisible()


def test_a_step_the_connection_gave_is_not_repeated_below(qtbot, text_scale):  # type: ignore[no-untyped-def]
    # only Russian sites: «Подключитесь к Wi-Fi вместо мобильного интернета» already says
    # «попробуйте другую сеть»
    page = _lab_results(qtbot, "domestic_whitelist", "1366x768", 1.0).results
    assert "Wi-Fi" in page.banner.action.text()
    assert "другую сеть" not in page.common.text()
    page.banner.toggle.click()
    assert "другую сеть" not in page.banner.steps.text()
    assert not page.common.isVisible()


def test_a_sentence_that_names_services_is_not_repeated_by_their_labels(qtbot, text_scale):  # type: ignore[no-untyped-def]
    page = _lab_results(qtbot, "domestic_whitelist", "1366x768", 1.0).results
    maps = page.cards["maps"]
    assert maps.title.text().startswith("Заблокированы карты: Google Карты")
    assert maps.services.text().count("—") == 1  # «Яндекс Карты, 2ГИС — в порядке»
    assert "Яндекс\u00a0Карты, 2ГИС\u00a0—" in maps.services.text()
    assert "Google" not in maps.services.text()
    assert "Google Карты — блокировка" in maps.services.accessibleName()  # a reader hears all


@pytest.mark.parametrize("name", ["domestic_whitelist", "udp_blocked"])
def test_service_labels_break_only_between_labels(qtbot, text_scale, name):  # type: ignore[no-untyped-def]
    import re

    page = _lab_results(qtbot, name, "first", 1.5).results
    for card in page.cards.values():
        text = re.sub("<[^>]+>", "", card.services.text())  # what the label shows
        # «2ГИС — в порядке», «Apple Карты»: a line breaks only between services
        assert "—" not in text or "\u00a0—\u00a0" in text
        for piece in re.split("[,·]", text):
            assert " " not in piece.strip(), (card.feature, piece)


def test_a_row_says_each_status_once_and_no_internet_needs_no_rows(qtbot, text_scale):  # type: ignore[no-untyped-def]
    page = _lab_results(qtbot, "healthy", "1366x768", 1.0).results
    maps = page.cards["maps"]  # «Карты работают» over «Google Карты, …, OsmAnd — в порядке»
    assert maps.services.isVisible() and maps.services.text().count("в\u00a0порядке") == 1
    assert maps.services.accessibleName().count("в порядке") == len(maps._result.services)
    page = _lab_results(qtbot, "offline", "1366x768", 1.0).results
    for card in page.cards.values():  # «Без интернета звонки не работают» says it of each
        assert card.title.text().startswith("Без интернета")
        assert not card.services.isVisibleTo(page), card.services.accessibleName()
