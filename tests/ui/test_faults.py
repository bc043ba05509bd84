"""The window when things go wrong: a bug in a slot, a full disk, a missing file of the app,
closing at any moment, two windows at once. Offscreen, real engine, loopback servers."""

from __future__ import annotations

import errno
import json
import shutil
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from app import crashlog
from app.report.history import HistoryStore
from app.ui.dialogs.error_dialog import ErrorDialog
from tests.report.test_files import fail_writes, leftovers

pytestmark = pytest.mark.gui

RUN_TIMEOUT_MS = 20_000
SECRET_HOME = "/home/annapetrova"
SECRET_ADDRESS = "192.168.31.7"


def error_dialogs(window) -> list[ErrorDialog]:  # type: ignore[no-untyped-def]
    return [d for d in window.dialogs if isinstance(d, ErrorDialog) and d.isVisible()]


def wait_for_results(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=RUN_TIMEOUT_MS)


@pytest.mark.qt_no_exception_capture
def test_a_bug_in_a_slot_shows_the_dialog_logs_it_privately_and_the_window_goes_on(
        qtbot, make_window, quick_catalog, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HOME", SECRET_HOME)
    window = make_window(quick_catalog, "en")

    def buggy_slot() -> None:
        raise KeyError(f"{SECRET_HOME}/.config/x from {SECRET_ADDRESS}")

    QTimer.singleShot(0, buggy_slot)  # raised inside Qt's event loop, as a real slot would
    qtbot.waitUntil(lambda: bool(error_dialogs(window)), timeout=5000)
    (dialog,) = error_dialogs(window)
    assert dialog.title.text() == "Something went wrong"
    assert "KeyError" not in dialog.message.text()  # the technical text is in the details
    log = crashlog.log_file()
    assert dialog.log_note.isVisible()
    assert dialog.log_note.text() == (f"A record of this error was saved in {log}. "
                                      "It has no personal information in it.")
    text = log.read_text(encoding="utf-8")
    assert "KeyError" in text and "buggy_slot" in text and "window" in text
    assert SECRET_HOME not in text and SECRET_ADDRESS not in text
    assert "~/.config/x from <address>" in text

    qtbot.mouseClick(dialog.copy, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert "buggy_slot" in copied and str(log) in copied
    assert SECRET_HOME not in copied and SECRET_ADDRESS not in copied

    dialog.close()
    window.start_check()  # the window still works: a whole new check, to the results
    wait_for_results(qtbot, window)
    assert window.results.cards["maps"].verdict_text() == "Maps work"


def test_the_dialog_speaks_russian_too(qtbot, make_window, quick_catalog):
    window = make_window(quick_catalog, "ru")
    try:
        raise RuntimeError("bug")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    (dialog,) = error_dialogs(window)
    assert dialog.log_note.text().startswith("Запись об этой ошибке сохранена в файле ")
    window.set_language("en")
    assert dialog.log_note.text().startswith("A record of this error was saved in ")


@pytest.mark.parametrize(("code", "lang", "message"), [
    (errno.ENOSPC, "ru", "Не удалось сохранить отчёт: на диске закончилось место. "
                         "Освободите место или выберите другое, например флешку."),
    (errno.ENOSPC, "en", "The report could not be saved: the disk is full. Free up some space, "
                         "or choose another place, such as a USB stick."),
    (errno.EACCES, "en", "The report could not be saved: files can't be saved in this folder. "
                         "Please choose another one, such as Documents."),
])
def test_saving_a_report_on_a_full_disk_says_so_and_keeps_the_old_file(
        qtbot, make_window, quick_catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        code: int, lang: str, message: str):
    window = make_window(quick_catalog, lang)
    window.start_check()
    wait_for_results(qtbot, window)
    target = tmp_path / "saved" / "report.html"
    target.parent.mkdir()
    target.write_text("the report from last week", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(target), "")))
    fail_writes(monkeypatch, code)
    window.results.save_action.trigger()  # "Report and details" → Save
    qtbot.waitUntil(lambda: bool(error_dialogs(window)), timeout=5000)
    (dialog,) = error_dialogs(window)
    assert dialog.message.text() == message, dialog.details_text()
    assert str(target) in dialog.details_text()
    assert target.read_text(encoding="utf-8") == "the report from last week"
    assert leftovers(target.parent) == []
    dialog.close()
    monkeypatch.undo()  # space was freed: the same button now works
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(target), "")))
    window.results.save_action.trigger()  # "Report and details" → Save
    assert "<html" in target.read_text(encoding="utf-8").lower()


def test_a_missing_icon_ends_the_start_with_a_clear_message_and_exit_3(
        qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]):
    import app.paths
    from app.ui.app import run_gui

    folder = tmp_path / "resources"
    shutil.copytree(app.paths.resources_dir(), folder)
    (folder / "icons" / "app.svg").unlink()
    monkeypatch.setattr(app.paths, "resources_dir", lambda: folder)
    assert run_gui("en") == 3
    err = capsys.readouterr().err
    assert "Some of the app's own files are missing or damaged" in err
    assert "app.svg" in err and "Reinstalling the app fixes this" in err


# ── closing at any moment, two windows ────────────────────────────────────────────────────


def engine_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("engine-")]


def client_sockets(server_ports: set[int]) -> list[object]:
    return [c for c in psutil.Process().net_connections(kind="all")
            if c.laddr and c.laddr.port not in server_ports]


def history_is_sound() -> int:
    """Every line of the history is a valid entry and nothing was set aside; the count."""
    store = HistoryStore()
    entries = store.load()
    assert store.last_problem is None
    if store.path.exists():
        lines = store.path.read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(entries)
        for line in lines:
            json.loads(line)
    assert not list(store.path.parent.glob("history.corrupt-*"))
    return len(entries)


@pytest.mark.parametrize("delay_ms", [0, 50, 400, 2500])
def test_closing_at_any_moment_ends_the_engine_and_leaves_nothing(
        qtbot, make_window, slow_catalog, https_server, silent_server, delay_ms: int):
    ports = {https_server.port, silent_server.port}
    baseline = client_sockets(ports)
    window = make_window(slow_catalog, "en")
    window.start_check()
    if delay_ms:
        qtbot.wait(delay_ms)
    t0 = time.monotonic()
    window.close()
    closed_in = time.monotonic() - t0
    assert closed_in < 2.0, f"closing took {closed_in:.2f} s"
    assert not window.bridge.is_running()
    assert engine_threads() == []
    qtbot.waitUntil(lambda: len(client_sockets(ports)) <= len(baseline), timeout=3000)
    assert history_is_sound() == 0  # a cancelled run is not kept


@pytest.mark.parametrize("delay_ms", [200, 450, 800])
def test_closing_around_the_end_of_a_run_never_damages_the_history(
        qtbot, make_window, quick_catalog, delay_ms: int):
    window = make_window(quick_catalog, "en")
    window.start_check()
    qtbot.wait(delay_ms)  # the quick run ends in roughly this span: before, during, after
    window.close()
    assert engine_threads() == []
    qtbot.wait(100)  # let a late "finished" reach the closed window
    assert history_is_sound() in (0, 1)


def test_two_windows_checking_at_once_both_finish_and_both_are_kept(
        qtbot, make_window, quick_catalog):
    first = make_window(quick_catalog, "en")
    second = make_window(quick_catalog, "en")  # one process speaks one language
    first.start_check()
    second.start_check()
    assert len(engine_threads()) == 2
    wait_for_results(qtbot, first)
    wait_for_results(qtbot, second)
    assert first.results.cards["maps"].verdict_text() == "Maps work"
    assert second.results.cards["maps"].verdict_text() == "Maps work"
    assert history_is_sound() == 2
    second.start_check()
    first.close()  # one closes while the other runs: the other is untouched
    wait_for_results(qtbot, second)
    second.close()
    assert engine_threads() == []
    assert history_is_sound() == 3
