"""The results page: a banner when the connection itself needs a word, one card per feature
(icon AND word, headline; opened: explanation and numbered workarounds), the check code and
the buttons: Check again, Copy report, Save report…, Show code, Details."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.model import USER_FEATURES
from app.knowledge.names import term
from app.session import Outcome
from app.ui import language, style
from app.ui.widgets.banner import Banner
from app.ui.widgets.buttons import EnterButton
from app.ui.widgets.feature_card import FeatureCard


class ResultsPage(QWidget):
    again = Signal()
    details = Signal()
    copy_report = Signal()
    save_report = Signal()
    show_code = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record: Outcome | None = None
        self.title = QLabel()
        style.set_font(self.title, style.TITLE, bold=True)
        self.banner = Banner()
        self.cards = {f.value: FeatureCard(f.value) for f in USER_FEATURES}
        self.code = QLabel()
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()  # "Report copied", "Saved to …"
        self.status.setWordWrap(True)

        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self.banner)
        for card in self.cards.values():
            column.addWidget(card)
        column.addWidget(self.code)
        column.addStretch(1)
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setWidget(content)
        self.area.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.again_button = EnterButton()
        style.set_font(self.again_button, style.LARGE, bold=True)
        self.copy_button = EnterButton()
        self.save_button = EnterButton()
        self.code_button = EnterButton()
        self.details_button = EnterButton()
        self.again_button.clicked.connect(self.again.emit)
        self.copy_button.clicked.connect(self.copy_report.emit)
        self.save_button.clicked.connect(self.save_report.emit)
        self.code_button.clicked.connect(self.show_code.emit)
        self.details_button.clicked.connect(self.details.emit)
        buttons = QGridLayout()
        buttons.addWidget(self.again_button, 0, 0, 1, 2)
        buttons.addWidget(self.copy_button, 1, 0)
        buttons.addWidget(self.save_button, 1, 1)
        buttons.addWidget(self.code_button, 2, 0)
        buttons.addWidget(self.details_button, 2, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.area, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        order = [c.toggle for c in self.cards.values()] + [
            self.again_button, self.copy_button, self.save_button, self.code_button,
            self.details_button,
        ]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)
        self.retranslate()

    def show_record(self, record: Outcome) -> None:
        self.record = record
        diagnosis = record.diagnosis
        restrictions = record.catalog.restrictions
        for result in diagnosis.features:
            card = self.cards.get(result.feature)
            if card is not None:
                card.show_result(result, diagnosis, restrictions)
        for feature, card in self.cards.items():
            card.setVisible(any(f.feature == feature for f in diagnosis.features))
        self.status.setText("")
        self.retranslate()
        self.area.verticalScrollBar().setValue(0)

    def first_focus(self) -> QWidget:
        return self.cards["calls"].toggle

    def set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setAccessibleDescription(text)

    def _note(self) -> str:
        record = self.record
        if record is None:
            return ""
        if record.run.cancelled:
            return language.tr("ui.results.partial.cancelled")
        if record.run.deadline_hit:
            return language.tr("ui.results.partial.deadline")
        return ""

    def retranslate(self) -> None:
        tr = language.current()
        self.title.setText(tr.gettext("ui.results.title"))
        if self.record is not None:
            self.banner.show_network(self.record.diagnosis.network, self._note())
            code = self.record.code
            self.code.setText(f"{term('check_code', tr)}: {code}" if code else "")
            self.code.setAccessibleName(term("check_code", tr))
            self.code.setAccessibleDescription(" ".join(code or ""))
            self.code_button.setEnabled(code is not None)
        for button, key in (
            (self.again_button, "term.check_again"),
            (self.copy_button, "ui.results.copy"),
            (self.save_button, "ui.results.save"),
            (self.code_button, "ui.results.code"),
            (self.details_button, "term.details"),
        ):
            button.setText(tr.gettext(key))
            button.setAccessibleName(tr.gettext(key).rstrip("…"))
            button.setAccessibleDescription(tr.gettext(
                key.replace("term.", "ui.results.") + ".description"))
        self.area.setAccessibleName(tr.gettext("ui.results.title"))
        self.area.setAccessibleDescription(tr.gettext("ui.results.cards.description"))

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        super().changeEvent(event)
