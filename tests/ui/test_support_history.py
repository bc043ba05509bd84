"""Earlier checks: changes since the check before, the list, and a damaged file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.analysis.model import Verdict
from app.report.history import HistoryEntry, HistoryStore
from app.ui import language
from app.ui.support.history_view import HistoryDialog, HistoryView
from tests.report import sample

pytestmark = pytest.mark.gui
NOW = dt.datetime(2026, 11, 21, 10, 0).astimezone()


@pytest.fixture(autouse=True)
def russian():  # type: ignore[no-untyped-def]
    language.set_language("ru")
    yield
    language.set_language("ru")


def _store(tmp_path: Path) -> HistoryStore:
    store = HistoryStore(tmp_path / "history.jsonl")
    earlier = HistoryEntry.from_diagnosis(sample.diagnosis(), "AAAA-BBBB-CCCC-DD",
                                          dt.datetime(2026, 11, 20, 18, 4))
    services = {f: dict(s) for f, s in earlier.services.items()}
    services["calls"]["Telegram"] = Verdict.WORKS
    assert store.append(earlier)
    later_services = {f: dict(s) for f, s in services.items()}
    later_services["calls"]["Telegram"] = Verdict.BLOCKED
    later = HistoryEntry(time=NOW, network=earlier.network, features=earlier.features,
                         services=later_services, code="EEEE-FFFF-GGGG-HH")
    assert store.append(later)
    return store


def test_lists_runs_newest_first_and_says_what_changed(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    view = HistoryView(_store(tmp_path), now=NOW)
    qtbot.addWidget(view)
    assert view.changes_label.text() == (
        "Звонки в Telegram работали вчера в 18:04; сейчас заблокированы.")
    rows = [[view.list.topLevelItem(i).text(c) for c in range(3)]
            for i in range(view.list.topLevelItemCount())]
    assert [r[1] for r in rows] == ["EEEE-FFFF-GGGG-HH", "AAAA-BBBB-CCCC-DD"]
    assert rows[0][0] == "сегодня в 10:00" and rows[1][0] == "вчера в 18:04"
    assert rows[0][2] == "Звонки: блокировка · Сообщения: с перебоями · Карты: в порядке"
    assert view.problem_label.isHidden()
    language.set_language("en")
    assert view.changes_label.text() == "Calls in Telegram worked yesterday at 18:04; now blocked."


def test_corrupt_file_shows_a_calm_message_and_what_could_be_read(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = _store(tmp_path)
    with store.path.open("a", encoding="utf-8") as handle:
        handle.write('{"schema": 1, "time": "broken\n\x00\x01 not json at all\n')
    dialog = HistoryDialog(store, now=NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    view = dialog.view
    assert not view.problem_label.isHidden()
    assert view.problem_label.text() == language.current().format(
        "history.problem.damaged", lost=2, kept=2)
    assert view.list.topLevelItemCount() == 2
    assert "Telegram" in view.changes_label.text()


def test_unreadable_file_and_empty_history(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "history.jsonl"
    folder.mkdir()  # a folder where the file should be: cannot be read
    view = HistoryView(HistoryStore(folder), now=NOW)
    qtbot.addWidget(view)
    assert view.problem_label.text() == language.current().gettext("history.problem.unreadable")
    assert view.list.topLevelItem(0).text(0) == language.current().gettext("history.empty")
    empty = HistoryView(HistoryStore(tmp_path / "none.jsonl"), now=NOW)
    qtbot.addWidget(empty)
    assert empty.problem_label.isHidden()
    assert empty.changes_label.isHidden()


def test_a_store_that_raises_never_crashes_the_view(qtbot) -> None:  # type: ignore[no-untyped-def]
    class Exploding(HistoryStore):
        def load(self) -> list[HistoryEntry]:
            raise RuntimeError("boom")

    view = HistoryView(Exploding(Path("/nonexistent/h.jsonl")), now=NOW)
    qtbot.addWidget(view)
    assert view.problem_label.text() == language.current().gettext("history.problem.unreadable")


def test_an_unclear_run_says_about_what_and_is_never_cut_mid_word(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.analysis.model import NetworkStatus

    store = HistoryStore(tmp_path / "history.jsonl")
    unclear = {"calls": Verdict.UNKNOWN, "messages": Verdict.UNKNOWN, "maps": Verdict.UNKNOWN}
    assert store.append(HistoryEntry(time=NOW, network=NetworkStatus.UNKNOWN, features=unclear,
                                     services={}, code="0431-4106-4333-9134-8576-0186"))
    view = HistoryView(store, now=NOW)
    qtbot.addWidget(view)
    view.resize(420, 300)
    view.show()
    summary = view.list.topLevelItem(0).text(2)
    assert summary.startswith("Подключение к интернету: неясно · Звонки: неясно")
    assert "Не удалось определить" not in summary
    from PySide6.QtCore import Qt

    assert view.list.textElideMode() == Qt.TextElideMode.ElideNone and view.list.wordWrap()
