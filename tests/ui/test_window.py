"""The window against the real engine and real loopback servers: start, watch, read, cancel,
switch language, keyboard-only use, errors, closing mid-run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app.ui.dialogs.error_dialog import ErrorDialog

pytestmark = pytest.mark.gui

RUN_TIMEOUT_MS = 20_000


def wait_for_results(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=RUN_TIMEOUT_MS)


def test_a_check_fills_the_cards_and_shows_verdict_words(qtbot, make_window, quick_catalog):
    window = make_window(quick_catalog, "ru")
    assert window.welcome.button.text() == "Проверить связь"
    qtbot.mouseClick(window.welcome.button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.checking
    network = window.checking.network
    qtbot.waitUntil(lambda: network.finished(), timeout=RUN_TIMEOUT_MS)
    wait_for_results(qtbot, window)
    # every progress card reached its total before the results came
    assert all(card.finished() for card in window.checking.cards.values())
    assert window.checking.cards["maps"].state_text() == "В порядке"  # known before the end

    cards = window.results.cards
    # whole sentences, not "Карты — Работает" (issue 16: agreement by construction)
    assert cards["maps"].verdict_text() == "Карты работают"
    assert cards["messages"].verdict_text() == "Сообщения заблокированы"  # every reset
    assert "WhatsApp — блокировка" in cards["messages"].services.accessibleName()
    assert cards["messages"].action.text().startswith("→ ")  # the one thing to do
    assert not cards["maps"].toggle.isVisibleTo(cards["maps"])  # nothing to do: no "More"
    # the network is simply online: one line, no explanation under it
    assert window.results.banner.title.text() == "Подключение к интернету работает."
    assert not window.results.banner.text.isVisibleTo(window.results)


def test_opening_a_card_with_the_keyboard_shows_numbered_steps(qtbot, make_window,
                                                               quick_catalog):
    window = make_window(quick_catalog, "ru")
    qtbot.keyClick(window.welcome.button, Qt.Key.Key_Return)
    wait_for_results(qtbot, window)
    card = window.results.cards["messages"]
    assert not card.more.isVisible()
    card.toggle.setFocus()
    qtbot.keyClick(card.toggle, Qt.Key.Key_Space)
    assert card.more.isVisible()
    assert "Что можно сделать" in card.more.text()
    assert "<ol>" in card.more.text()
    qtbot.keyClick(card.toggle, Qt.Key.Key_Return)
    assert not card.more.isVisible()
    # a click anywhere on the card (here: on its sentence) opens it too
    qtbot.mouseClick(card.title, Qt.MouseButton.LeftButton)
    assert card.more.isVisible()


def test_details_lists_every_check_and_copies_rows_as_tsv(qtbot, make_window, quick_catalog):
    window = make_window(quick_catalog, "en")
    window.start_check()
    wait_for_results(qtbot, window)
    window.results.details_action.trigger()  # from the "Report and details" menu
    assert window.current_page() is window.details
    table = window.details.table
    assert table.model().rowCount() == 8
    labels = {table.source.row_texts(r)[2] for r in range(8)}  # built from kind, service, host
    assert any(label.startswith("WhatsApp message server 127.0.0.1 (port ") for label in labels)
    failures = {table.source.row_texts(r)[5] for r in range(8)}
    assert "connection_reset" in failures

    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by service
    services = [table.model().index(r, 0).data() for r in range(8)]
    assert services == sorted(services, key=str.casefold)

    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QGuiApplication.clipboard().text()
    assert copied.count("\n") == 1 and copied.split("\t")[0] == services[0]

    window.details.copy_everything()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].startswith("Service\tFeature")
    assert len(lines) == 9


def test_cancel_returns_to_a_ready_window_within_a_second(qtbot, make_window, slow_catalog):
    window = make_window(slow_catalog, "en")
    window.start_check()
    qtbot.waitUntil(lambda: window.checking.network.finished(), timeout=RUN_TIMEOUT_MS)
    assert window.current_page() is window.checking
    qtbot.waitUntil(lambda: window.checking.now.text() == "Checking WhatsApp…", timeout=2000)
    qtbot.mouseClick(window.checking.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_page() is window.welcome, timeout=1000)
    assert window.welcome.status.text() == (
        "The check was cancelled. You can start it again at any time.")
    assert window.welcome.button.isEnabled()
    assert window.bridge.wait(2.0)


def test_language_switch_mid_session_rewords_everything(qtbot, make_window, quick_catalog):
    window = make_window(quick_catalog, "ru")
    assert window.windowTitle() == "Проверка связи"
    window.language_actions["en"].trigger()  # the one language chooser: the menu
    assert window.welcome.button.text() == "Check my connection"
    assert window.windowTitle() == "Connection Check"
    window.start_check()
    wait_for_results(qtbot, window)
    assert window.results.cards["maps"].verdict_text() == "Maps work"
    window.language_actions["ru"].trigger()
    assert window.results.cards["maps"].verdict_text() == "Карты работают"
    assert window.results.again_button.text() == "Проверить снова"
    assert window.details.model.headerData(0, Qt.Orientation.Horizontal) == "Сервис"


def test_keyboard_only_tab_to_the_button_and_press_enter(qtbot, make_window, quick_catalog):
    window = make_window(quick_catalog, "ru")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    # the page opens with its one button focused; Tab around the chain comes back to it
    assert window.welcome.button.hasFocus()
    qtbot.keyClick(window.welcome.button, Qt.Key.Key_Tab)
    for _ in range(10):  # bounded: the tab chain is short
        if window.welcome.button.hasFocus():
            break
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert window.welcome.button.hasFocus()
    qtbot.keyClick(window.welcome.button, Qt.Key.Key_Return)
    assert window.current_page() is window.checking
    wait_for_results(qtbot, window)
    assert window.results.first_focus().hasFocus()  # the keyboard lands on the first card


def test_broken_catalog_shows_a_plain_message_with_copy_details(qtbot, make_window,
                                                                broken_catalog):
    window = make_window(broken_catalog, "ru")
    qtbot.waitUntil(lambda: any(isinstance(d, ErrorDialog) and d.isVisible()
                                for d in window.dialogs), timeout=5000)
    dialog = next(d for d in window.dialogs if isinstance(d, ErrorDialog))
    assert dialog.copy.text() == "Скопировать подробности"
    assert "Traceback" not in dialog.message.text()
    assert "port" not in dialog.message.text()  # the technical line is only in the details
    qtbot.mouseClick(dialog.copy, Qt.MouseButton.LeftButton)
    assert "port must be 1-65535" in QGuiApplication.clipboard().text()
    dialog.close()
    # pressing the button again explains again instead of doing nothing
    window.start_check()
    assert window.current_page() is window.welcome
    assert any(isinstance(d, ErrorDialog) and d.isVisible() for d in window.dialogs)


def test_an_unexpected_error_becomes_the_dialog_not_a_traceback(qtbot, make_window,
                                                                quick_catalog):
    window = make_window(quick_catalog, "en")
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    dialog = next(d for d in window.dialogs if isinstance(d, ErrorDialog))
    assert dialog.isVisible()
    assert dialog.title.text() == "Something went wrong"
    assert "boom in a slot" in dialog.details_text()
    assert "boom" not in dialog.message.text()


def test_closing_during_a_run_cancels_it_and_does_not_hang(qtbot, make_window, slow_catalog):
    window = make_window(slow_catalog, "en")
    window.start_check()
    qtbot.waitUntil(lambda: window.checking.network.finished(), timeout=RUN_TIMEOUT_MS)
    assert window.bridge.is_running()
    window.close()
    assert not window.bridge.is_running()


def test_window_remembers_size_language_and_notice(qtbot, make_window, quick_catalog,
                                                   private_settings: Path):
    window = make_window(quick_catalog, "ru")
    assert window.welcome.notice.isVisible()  # first start: the notice comes first
    window.set_language("en")
    window.resize(700, 640)
    window.start_check()
    wait_for_results(qtbot, window)
    window.close()
    saved = json.loads((private_settings / "window.json").read_text(encoding="utf-8"))
    assert saved == {"width": 700, "height": 640, "language": "en", "notice_seen": True,
                     "keep_catalog_updated": False}

    from app.session import Options
    from app.ui.app import create_window

    again = create_window(None, Options(catalog=quick_catalog))
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (700, 640)
    assert again.welcome.button.text() == "Check my connection"
    assert not again.welcome.notice.isVisible()
    again.close()


def test_notice_names_services_by_feature_and_reopens_from_help(qtbot, make_window,
                                                                quick_catalog):
    window = make_window(quick_catalog, "en")
    text = window.welcome.notice.plain_text()
    assert "Messages: WhatsApp and Telegram" in text
    assert "Maps: Yandex Maps and 2GIS" in text
    assert "internet provider can see" in text
    window.notice_action.trigger()
    from app.ui.dialogs.notice_dialog import NoticeDialog

    dialog = next(d for d in window.dialogs if isinstance(d, NoticeDialog))
    assert dialog.isVisible()
    assert "Calls: WhatsApp" in dialog.notice.plain_text()


def test_a_wifi_login_page_gets_a_banner_with_what_to_do(qtbot, make_window, portal_catalog):
    window = make_window(portal_catalog, "en")
    window.start_check()
    wait_for_results(qtbot, window)
    banner = window.results.banner
    assert banner.isVisible()
    assert banner.title.text() == "Wi-Fi asks you to log in"
    assert banner.action.text().startswith("→ ") and not banner.steps.isVisible()
    banner.toggle.click()  # every step behind «More»
    assert "What you can do" in banner.steps.text() and banner.steps.isVisible()


def test_copy_report_and_save_report_produce_the_report(qtbot, make_window, quick_catalog,
                                                        tmp_path: Path):
    from app.ui import language, support_actions

    window = make_window(quick_catalog, "ru")
    window.start_check()
    wait_for_results(qtbot, window)
    window.results.copy_action.trigger()  # from the "Report and details" menu
    report = QGuiApplication.clipboard().text()
    # what a reader sees: the feature with its agreement-free label (the glossary)
    assert "Сообщения — блокировка" in report.splitlines()
    code = window.record.code
    assert code and code in report
    assert window.results.status.text().startswith("Отчёт скопирован")

    target = tmp_path / "report.txt"
    assert support_actions.save_report(target, window.record, language.current()) is None
    assert "Сообщения — блокировка" in target.read_text(encoding="utf-8").splitlines()


def test_an_engine_failure_is_a_message_and_the_window_stays_usable(
        qtbot, make_window, quick_catalog, monkeypatch: pytest.MonkeyPatch):
    import app.session

    def broken_analysis(*args: object, **kwargs: object) -> object:
        raise ValueError("analysis broke")

    monkeypatch.setattr(app.session, "diagnose", broken_analysis)
    window = make_window(quick_catalog, "en")
    window.start_check()
    qtbot.waitUntil(lambda: any(isinstance(d, ErrorDialog) and d.isVisible()
                                for d in window.dialogs), timeout=RUN_TIMEOUT_MS)
    dialog = next(d for d in window.dialogs if isinstance(d, ErrorDialog))
    assert dialog.message.text().startswith("The check stopped because of an error in the app")
    assert "ValueError: analysis broke" in dialog.details_text()
    assert window.current_page() is window.welcome
    assert window.welcome.button.isEnabled()
