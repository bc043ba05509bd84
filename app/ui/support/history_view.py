"""Earlier checks: what changed since the check before, and a short list of past runs.

The history is a convenience: a damaged or unreadable file shows one calm sentence
(``history.problem.*``) and whatever could be read; it never raises into the window.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.report.changes_text import change_sentences, entry_summary, problem_text, when
from app.report.history import HistoryEntry, HistoryProblem, HistoryStore, ProblemReason
from app.ui import language, style

SHOWN_RUNS = 20  # a short list: older runs stay in the file, for support


class HistoryView(QWidget):
    def __init__(self, store: HistoryStore | None = None, parent: QWidget | None = None, *,
                 now: dt.datetime | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.now = now  # "today"/"yesterday" are relative to this (tests pin it)
        self.entries: list[HistoryEntry] = []
        self.problem: HistoryProblem | None = None
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.changes_title = QLabel()
        self.changes_title.setFont(style.relative_font(style.HEADING, bold=True))
        self.changes_label = QLabel()
        self.changes_label.setWordWrap(True)
        self.changes_label.setFont(style.relative_font(style.LARGE))
        self.list_title = QLabel()
        self.list_title.setFont(style.relative_font(style.HEADING, bold=True))
        self.list = QTreeWidget()
        self.list.setColumnCount(3)
        self.list.setRootIsDecorated(False)
        # The result says what each part is about and is never cut off mid-word ("Calls:
        # Couldn't determi…"): it wraps between words, and its row grows to fit.
        self.list.setUniformRowHeights(False)
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        layout = QVBoxLayout(self)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.changes_title)
        layout.addWidget(self.changes_label)
        layout.addWidget(self.list_title)
        layout.addWidget(self.list, 1)
        self.reload()

    def reload(self) -> None:
        """Read the history again. Never raises: any failure becomes the calm message."""
        self.entries, self.problem = [], None
        try:
            store = self.store if self.store is not None else HistoryStore()
            self.entries = store.load()
            self.problem = store.last_problem
        except Exception as exc:  # the history must never take the window down
            self.problem = HistoryProblem(ProblemReason.UNREADABLE, detail=str(exc))
        self.retranslate()

    def change_lines(self) -> list[str]:
        tr = language.current()
        if len(self.entries) < 2:
            return [tr.gettext("history.changes.first")] if self.entries else []
        found = change_sentences(self.entries[-2], self.entries[-1], tr, self.now)
        return found or [tr.gettext("history.changes.none")]

    def retranslate(self) -> None:
        tr = language.current()
        message = problem_text(self.problem, tr) if self.problem else ""
        self.problem_label.setText(message)
        self.problem_label.setVisible(bool(message))
        self.changes_title.setText(tr.gettext("history.changes.title"))
        lines = self.change_lines()
        self.changes_label.setText("\n".join(lines))
        self.changes_title.setVisible(bool(lines))
        self.changes_label.setVisible(bool(lines))
        self.list_title.setText(tr.gettext("history.title"))
        self.list.setHeaderLabels([tr.gettext("history.col.time"),
                                   tr.gettext("history.col.code"),
                                   tr.gettext("history.col.result")])
        self.list.setAccessibleName(tr.gettext("history.title"))
        self.list.setAccessibleDescription(tr.gettext("history.changes.title"))
        self.list.clear()
        for entry in reversed(self.entries[-SHOWN_RUNS:]):
            summary = entry_summary(entry, tr)
            item = QTreeWidgetItem([when(entry.time, tr, self.now), entry.code, summary])
            item.setToolTip(2, summary)
            self.list.addTopLevelItem(item)
        if not self.entries:
            self.list.addTopLevelItem(QTreeWidgetItem([tr.gettext("history.empty")]))
            self.list.setFirstColumnSpanned(0, self.list.rootIndex(), True)
        for column in range(2):
            self.list.resizeColumnToContents(column)

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        super().changeEvent(event)


class HistoryDialog(QDialog):
    """The view in a window of its own, for Help → Earlier checks."""

    def __init__(self, store: HistoryStore | None = None, parent: QWidget | None = None, *,
                 now: dt.datetime | None = None) -> None:
        super().__init__(parent)
        self.view = HistoryView(store, self, now=now)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        self.retranslate()
        self.resize(style.em(self, 48), style.em(self, 30))

    def retranslate(self) -> None:
        tr = language.current()
        self.setWindowTitle(tr.gettext("history.title"))
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(close.text().replace("&", ""))
        close.setAccessibleDescription(tr.gettext("support.close.description"))

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        super().changeEvent(event)
