"""One line of the checking page: a feature (or the internet connection) filling in live."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from app.analysis.model import NetworkStatus, Verdict
from app.knowledge.names import feature_name, status_label, status_word, term
from app.ui import icons, language, style

ICON_EM = 1.6
# The network's status drawn with the verdict icons: a problem that is not a block is never red.
_STATUS_ICON = {
    NetworkStatus.ONLINE: Verdict.WORKS,
    NetworkStatus.WHITELIST_ONLY: Verdict.DEGRADED,
    NetworkStatus.CAPTIVE_PORTAL: Verdict.UNAVAILABLE,
    NetworkStatus.OFFLINE: Verdict.UNAVAILABLE,
    NetworkStatus.UNKNOWN: Verdict.UNKNOWN,
}


class ProgressCard(QFrame):
    def __init__(self, feature: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.feature = feature  # "calls" | "messages" | "maps" | "network"
        self.done = 0
        self.total = 0
        # Known before the run ends (app/analysis/progressive.py): shown at once, icon + word.
        self.verdict: Verdict | NetworkStatus | None = None
        style.frame_style(self, "ProgressCard")
        self.icon = QLabel()
        self.name = QLabel()
        style.set_font(self.name, style.LARGE, bold=True)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)  # the words below say it; the bar is a picture
        texts = QVBoxLayout()
        texts.addWidget(self.name)
        texts.addWidget(self.bar)
        texts.addWidget(self.state)
        row = QHBoxLayout(self)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(texts, 1)
        self._draw_icon()
        self.retranslate()

    def reset(self, total: int) -> None:
        self.done, self.total = 0, total
        self.verdict = None
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(0)
        self._draw_icon()
        self.retranslate()

    def show_verdict(self, verdict: Verdict | NetworkStatus) -> None:
        """The verdict is known: its word and icon replace the count (the bar fills up)."""
        self.verdict = verdict
        self.bar.setValue(self.bar.maximum())
        self._draw_icon()
        self.retranslate()

    def verdict_text(self) -> str:
        tr = language.current()
        if isinstance(self.verdict, NetworkStatus):
            return status_word(self.verdict, tr)  # «Подключение к интернету» / «Работает»
        if self.verdict is None:
            return ""
        # under «Звонки», a label that agrees with nothing: «Блокировка», «В порядке»
        label = status_label(self.verdict, tr)
        return label[:1].upper() + label[1:]

    def set_done(self, done: int) -> None:
        if done != self.done:
            self.done = done
            if self.verdict is None:
                self.bar.setValue(done)
            self.retranslate()

    def finished(self) -> bool:
        return self.total > 0 and self.done >= self.total

    def state_text(self) -> str:
        return self.state.text()

    def _title(self) -> str:
        tr = language.current()
        return term("network", tr) if self.feature == "network" else feature_name(self.feature, tr)

    def retranslate(self) -> None:
        tr = language.current()
        title = self._title()
        self.name.setText(title)
        if self.verdict is not None:
            state = self.verdict_text()
        elif self.total == 0:
            state = tr.gettext("ui.checking.card.waiting")
        elif self.finished():
            state = tr.gettext("ui.checking.card.done")
        else:
            state = tr.nformat("ui.checking.card.progress", "ui.checking.card.progress.plural",
                               self.total, done=self.done)
        self.state.setText(state)
        self.setAccessibleName(title)
        self.setAccessibleDescription(state)
        self.bar.setAccessibleName(tr.format("ui.checking.card.bar", feature=title))
        self.bar.setAccessibleDescription(state)

    def _draw_icon(self) -> None:
        if isinstance(self.verdict, NetworkStatus):
            name = icons.verdict_icon_name(_STATUS_ICON[self.verdict])
        elif self.verdict is not None:
            name = icons.verdict_icon_name(self.verdict)
        else:
            name = f"feature-{self.feature}"
        self.icon.setPixmap(icons.pixmap(name, style.em(self, ICON_EM),
                                         self.devicePixelRatioF(), self.palette()))

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self._draw_icon()
        super().changeEvent(event)
