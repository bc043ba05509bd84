"""One feature's result: icon AND word for the verdict, the headline, and — when opened — the
explanation and the numbered workarounds. Words come from app/knowledge; this only lays out."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.analysis.model import Diagnosis, FeatureResult, Verdict
from app.core.catalog import Restriction
from app.knowledge.explain import explain_feature
from app.knowledge.names import feature_name, term, verdict_word
from app.ui import icons, language, style
from app.ui.widgets import rich
from app.ui.widgets.buttons import EnterButton

ICON_EM = 2.0  # verdict icon size, in multiples of the text height


class FeatureCard(QFrame):
    """Click anywhere, or press Enter/Space on its button, to open or close it."""

    opened = Signal(bool)

    def __init__(self, feature: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.feature = feature
        self._result: FeatureResult | None = None
        self._diagnosis: Diagnosis | None = None
        self._restrictions: tuple[Restriction, ...] = ()
        style.frame_style(self, "FeatureCard")

        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.name = QLabel()
        style.set_font(self.name, style.HEADING, bold=True)
        self.verdict = QLabel()
        style.set_font(self.verdict, style.HEADING, bold=True)
        self.headline = QLabel()
        self.headline.setWordWrap(True)  # not selectable: a click on it opens the card
        self.toggle = EnterButton()
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._set_open)
        self.toggle.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.more = QLabel()
        self.more.setWordWrap(True)
        self.more.setTextFormat(Qt.TextFormat.RichText)
        self.more.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.more.setVisible(False)

        title = QHBoxLayout()
        title.addWidget(self.name)
        title.addWidget(self.verdict)
        title.addStretch(1)
        text = QVBoxLayout()
        text.addLayout(title)
        text.addWidget(self.headline)
        text.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        text.addWidget(self.more)
        row = QHBoxLayout(self)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the toggle button takes the focus
        self.retranslate()

    # -- content --------------------------------------------------------------------------
    def show_result(self, result: FeatureResult, diagnosis: Diagnosis,
                    restrictions: tuple[Restriction, ...] = ()) -> None:
        self._result, self._diagnosis, self._restrictions = result, diagnosis, restrictions
        self.toggle.setChecked(False)
        self.retranslate()

    def verdict_text(self) -> str:
        return self.verdict.text()

    def is_open(self) -> bool:
        return self.toggle.isChecked()

    def retranslate(self) -> None:
        tr = language.current()
        name = feature_name(self.feature, tr)
        self.name.setText(name)
        self.toggle.setText(self._toggle_text())
        result, diagnosis = self._result, self._diagnosis
        if result is None or diagnosis is None:
            self.verdict.setText("")
            self.headline.setText("")
            self.more.setText("")
            return
        verdict = Verdict(result.verdict)
        word = verdict_word(verdict, tr)
        explanation = explain_feature(result, diagnosis, tr, self._restrictions)
        self.icon.setPixmap(icons.pixmap(icons.verdict_icon_name(verdict),
                                         style.em(self, ICON_EM), self.devicePixelRatioF(),
                                         self.palette()))
        self.icon.setAccessibleName(word)
        self.verdict.setText(f"— {word}")
        self.headline.setText(explanation.headline)
        services = explanation.service_lines if len(result.services) > 1 else ()
        html = rich.paragraph(explanation.body) + rich.bullets(services)
        html += rich.workarounds(explanation.workarounds, term("what_you_can_do", tr))
        if explanation.support_line:
            html += rich.paragraph(explanation.support_line)
        self.more.setText(html)
        self.setAccessibleName(f"{name}: {word}")
        self.setAccessibleDescription(explanation.headline)
        self.toggle.setAccessibleName(tr.format("ui.card.toggle.name", feature=name))
        self.toggle.setAccessibleDescription(tr.gettext(
            "ui.card.toggle.opened" if self.is_open() else "ui.card.toggle.closed"))
        self.more.setAccessibleName(tr.format("ui.card.more.name", feature=name))
        self.more.setAccessibleDescription(
            explanation.body + "\n" + rich.plain_workarounds(explanation.workarounds))
        self.toggle.setVisible(bool(explanation.workarounds or explanation.body))

    # -- opening --------------------------------------------------------------------------
    def _set_open(self, opened: bool) -> None:
        self.more.setVisible(opened)
        self.toggle.setText(self._toggle_text())
        self.toggle.setAccessibleDescription(language.tr(
            "ui.card.toggle.opened" if opened else "ui.card.toggle.closed"))
        self.opened.emit(opened)

    def _toggle_text(self) -> str:
        arrow = "▾" if self.is_open() else "▸"
        return f"{arrow} {term('what_you_can_do', language.current())}"

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._result is not None:
            self.toggle.toggle()
            self.toggle.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.toggle.toggle()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange and self._result is not None:
            self.retranslate()  # redraw the icons in the new palette's colours
        super().changeEvent(event)
