"""The checking page: three cards (calls, messages, maps) and the internet connection, filling
in live; what is being checked now in plain words; roughly how long is left; Cancel.

Events only update counters; a timer redraws at most four times a second, so a burst of
finished checks never floods the window.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.analysis.progressive import Decided
from app.core.call_defaults import default_duration, is_call_kind
from app.core.catalog import Catalog
from app.core.events import CheckFinished, CheckStarted, Event
from app.core.model import USER_FEATURES, Check, Feature, Role
from app.knowledge.names import service_name, term
from app.ui import language, style
from app.ui.widgets.buttons import EnterButton
from app.ui.widgets.progress_card import ProgressCard

REFRESH_MS = 250
ROTATE_S = 1.5  # how long each running service is named
ALMOST_DONE_S = 3.0  # "almost done" only this close to the end...
ALMOST_DONE_SHARE = 0.9  # ...and with this share of the checks finished


def estimate_left_s(elapsed_s: float, done: int, total: int, deadline_s: float,
                    longest_running_s: float = 0.0) -> float:
    """Time left, roughly: the pace so far, but never less than the call-length checks still
    running need (most checks end in a blink; a call stream takes its 6 s whatever the pace
    says), and never beyond the catalog's overall deadline."""
    cap = max(0.0, deadline_s - elapsed_s)
    if total <= 0 or done <= 0 or elapsed_s <= 0:
        return cap
    pace = elapsed_s / done * (total - done)
    return min(cap, max(pace, longest_running_s))


def left_words(left_s: float, done: int, total: int) -> tuple[str, int]:
    """Which words fit the time left: ("almost", 0) only at the very end, ("finishing", 0)
    when the last few checks are running, else ("left", seconds rounded up to 5)."""
    share = done / total if total > 0 else 0.0
    if left_s < ALMOST_DONE_S:
        return ("almost", 0) if share >= ALMOST_DONE_SHARE else ("finishing", 0)
    return "left", max(5, int(math.ceil(left_s / 5.0) * 5))


class CheckingPage(QWidget):
    cancel = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._deadline_s = 0.0
        self._started = 0.0
        self._done = 0
        self._total = 0
        self._running: dict[str, Check] = {}  # started, not finished, in start order
        self._since: dict[str, float] = {}  # when each running check started
        self._counts: dict[str, int] = {}  # finished checks per card
        self._stopping = False
        self.title = QLabel()
        style.set_font(self.title, style.TITLE, bold=True)
        self.network = ProgressCard("network")
        self.cards = {f.value: ProgressCard(f.value) for f in USER_FEATURES}
        self.now = QLabel()
        self.now.setWordWrap(True)
        style.set_font(self.now, style.LARGE)
        self.left = QLabel()
        self.button = EnterButton()  # Cancel: secondary, never the accent
        self.button.clicked.connect(self._cancel_clicked)
        row = QHBoxLayout()
        for card in self.cards.values():
            row.addWidget(card, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.left, 1)
        bottom.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setSpacing(style.em(self, 0.8))
        layout.addWidget(self.title)
        layout.addWidget(self.network)
        layout.addLayout(row)
        layout.addWidget(self.now)
        layout.addStretch(1)
        layout.addLayout(bottom)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.retranslate()

    def begin(self, catalog: Catalog, elapsed_s: float = 0.0) -> None:
        """Reset for a new run (``elapsed_s``: only for still pictures of a run under way)."""
        self._deadline_s = catalog.deadline_s
        self._started = time.monotonic() - elapsed_s
        self._done, self._total = 0, len(catalog.checks)
        self._running.clear()
        self._since.clear()
        self._counts = {feature: 0 for feature, _ in self._all_cards()}
        self._stopping = False
        self.button.setEnabled(True)
        for feature, card in self._all_cards():
            card.reset(sum(1 for c in catalog.checks if c.feature == feature))
        self.timer.start()
        self.refresh()

    def end(self) -> None:
        self.timer.stop()

    def _all_cards(self) -> list[tuple[str, ProgressCard]]:
        return [("network", self.network), *self.cards.items()]

    def on_event(self, event: Event) -> None:
        if isinstance(event, CheckStarted):
            self._running[event.check.id] = event.check
            self._since[event.check.id] = time.monotonic()
            return
        if isinstance(event, CheckFinished):
            self._running.pop(event.check.id, None)
            self._since.pop(event.check.id, None)
            self._done = max(self._done, event.done)
            feature = event.check.feature.value
            self._counts[feature] = self._counts.get(feature, 0) + 1  # drawn by refresh()
            card = self.network if event.check.feature == Feature.NETWORK else self.cards.get(
                feature)
            if card is not None and self._counts[feature] >= card.total:
                card.set_done(self._counts[feature])  # a card that completes shows it at once

    def on_verdict(self, decided: Decided) -> None:
        """A verdict known before the end of the run: its card shows it now."""
        if decided.result is None:
            self.network.show_verdict(decided.network.status)
            return
        card = self.cards.get(decided.feature)
        if card is not None:
            card.show_verdict(decided.result.verdict)

    def _cancel_clicked(self) -> None:
        self._stopping = True
        self.button.setEnabled(False)
        self.refresh()
        self.cancel.emit()

    def now_text(self) -> str:
        tr = language.current()
        if self._stopping:
            return tr.gettext("ui.checking.stopping")
        running = list(self._running.values())
        if not running:
            return tr.gettext("ui.checking.starting") if self._done == 0 else ""
        # Many checks run at once: name each service in turn, long enough to be read.
        services = list(dict.fromkeys(
            c.service for c in running if c.feature != Feature.NETWORK and c.role == Role.SERVICE
        ))
        if not services:
            return tr.gettext("ui.checking.now.network")
        turn = int((time.monotonic() - self._started) / ROTATE_S) % len(services)
        return tr.format("ui.checking.now.service", service=service_name(services[turn], tr))

    def left_text(self) -> str:
        tr = language.current()
        if self._total == 0 or self._stopping:
            return ""
        now = time.monotonic()
        longest = 0.0
        for check_id, check in self._running.items():
            if is_call_kind(check.kind):
                media = check.duration_s or default_duration(check.kind)
                longest = max(longest, media - (now - self._since.get(check_id, now)))
        left = estimate_left_s(now - self._started, self._done, self._total, self._deadline_s,
                               longest)
        words, seconds = left_words(left, self._done, self._total)
        if words == "almost":
            return tr.gettext("ui.checking.almost_done")
        if words == "finishing":
            return tr.gettext("ui.checking.finishing")
        return tr.nformat("ui.checking.left", "ui.checking.left.plural", seconds)

    def refresh(self) -> None:
        for feature, card in self._all_cards():
            card.set_done(self._counts.get(feature, 0))
        now, left = self.now_text(), self.left_text()
        if self.now.text() != now:
            self.now.setText(now)
        if self.left.text() != left:
            self.left.setText(left)
        self.now.setAccessibleDescription(now)
        self.left.setAccessibleDescription(left)

    def retranslate(self) -> None:
        tr = language.current()
        self.title.setText(tr.gettext("ui.checking.title"))
        self.button.setText(term("cancel", tr))
        self.button.setAccessibleName(term("cancel", tr))
        self.button.setAccessibleDescription(tr.gettext("ui.checking.cancel.description"))
        self.now.setAccessibleName(tr.gettext("ui.checking.now.name"))
        self.left.setAccessibleName(tr.gettext("ui.checking.left.name"))
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        super().changeEvent(event)
