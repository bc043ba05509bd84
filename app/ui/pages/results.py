"""The results page, answer first: the internet connection in one line (when it is the answer,
its one most useful action under it, why and every step behind «Подробнее»), one card per
feature (a whole sentence, each service's label, the one most useful action), the steps that
apply to everything said once below them — never a step the connection already gave (each
fact once per screen: ``workarounds.said_by``) — then a quiet strip:
the check code, "Show code", and one menu for the rest (copy or save the report, Details,
earlier checks). "Check again" is the page's one primary button.

Everything above the strip fits a 1366×768 screen, and the window's first-run size, at 150 %
text without scrolling, for the made-up result and for real lab runs (tests/ui/test_layout.py);
the scroll area is only for smaller windows and opened cards.
"""

from __future__ import annotations

import itertools
from html import escape

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.model import USER_FEATURES
from app.knowledge import workarounds as wa
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
    history = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record: Outcome | None = None
        self.banner = Banner(text_outside=True)
        self.cards = {f.value: FeatureCard(f.value) for f in USER_FEATURES}
        self.common = QLabel()  # steps for everything, said once
        self.common.setWordWrap(True)
        self.common.setTextFormat(Qt.TextFormat.RichText)
        self.code = QLabel()  # wraps after «Код проверки:», never inside the code itself
        self.code.setWordWrap(True)
        self.code.setTextFormat(Qt.TextFormat.RichText)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()  # "Report copied", "Saved to …"
        self.status.setWordWrap(True)

        self.area = self._scroll_area()

        self.again_button = EnterButton()
        style.primary_button(self.again_button)
        self.again_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.again_button.clicked.connect(self.again.emit)
        self.code_button = EnterButton()
        style.quiet_button(self.code_button)
        self.code_button.clicked.connect(self.show_code.emit)

        self.more_button = self._more_menu()

        top = QHBoxLayout()
        top.addWidget(self.banner, 1)
        top.addWidget(self.again_button, 0, Qt.AlignmentFlag.AlignTop)
        strip = QHBoxLayout()
        strip.addWidget(self.code, 1)
        strip.addWidget(self.code_button)
        strip.addWidget(self.more_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(style.em(self, style.CARD_GAP_EM))
        layout.addLayout(top)
        layout.addWidget(self.area, 1)
        layout.addWidget(self.status)
        layout.addLayout(strip)
        order = [self.again_button, self.banner.toggle, *(c.toggle for c in self.cards.values()),
                 self.code_button, self.more_button]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)
        self.retranslate()

    def _scroll_area(self) -> QScrollArea:
        """The answer: the connection's steps when it is the answer, the cards, the common
        steps — scrolling only when even 150 % text cannot fit it."""
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(style.em(self, style.CARD_GAP_EM))
        column.addWidget(self.banner.panel)
        for card in self.cards.values():
            column.addWidget(card)
        column.addWidget(self.common)
        column.addStretch(1)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(content)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return area

    def _more_menu(self) -> QToolButton:
        """Secondary actions: one menu, not a wall of equal grey buttons."""
        self.copy_action = QAction(self)
        self.save_action = QAction(self)
        self.details_action = QAction(self)
        self.history_action = QAction(self)
        self.copy_action.triggered.connect(self.copy_report.emit)
        self.save_action.triggered.connect(self.save_report.emit)
        self.details_action.triggered.connect(self.details.emit)
        self.history_action.triggered.connect(self.history.emit)
        self.menu = QMenu(self)
        self.menu.addActions([self.copy_action, self.save_action])
        self.menu.addSeparator()
        self.menu.addActions([self.details_action, self.history_action])
        button = QToolButton()
        button.setMenu(self.menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        style.quiet_button(button, "QToolButton")
        return button

    def show_record(self, record: Outcome) -> None:
        self.record = record
        diagnosis = record.diagnosis
        restrictions = record.catalog.restrictions
        quiet = Banner.replaces_answer(diagnosis.network)
        self.banner.toggle.setChecked(False)  # a new answer opens closed
        for result in diagnosis.features:
            card = self.cards.get(result.feature)
            if card is not None:
                card.show_result(result, diagnosis, restrictions, quiet=quiet)
        for feature, card in self.cards.items():
            card.setVisible(any(f.feature == feature for f in diagnosis.features))
        self.status.setText("")
        self.status.setVisible(False)
        self.retranslate()
        self.area.verticalScrollBar().setValue(0)

    def first_focus(self) -> QWidget:
        if self.banner.toggle.isVisibleTo(self):
            return self.banner.toggle
        for card in self.cards.values():
            if card.has_more():
                return card.toggle
        return self.again_button

    def set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
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

    def common_steps(self) -> list[str]:
        """Workaround ids for everything that some card or the connection offers, once."""
        if self.record is None:
            return []
        offered: set[str] = set()
        for card in self.cards.values():
            if card.isVisibleTo(self) and card.explanation is not None:
                offered |= {w.key for w in card.explanation.workarounds}
        said = wa.said_by(self.banner.shown_steps())  # each fact once per screen
        return [w for w in wa.COMMON if w in offered and w not in said]

    def _common_html(self) -> str:
        tr = language.current()
        steps = [wa.build(w, tr) for w in self.common_steps()]
        if not steps:
            return ""
        heading = escape(tr.gettext("ui.results.common"))
        # After a colon, a lower-case letter (the glossary): both titles start with a verb.
        clauses = "; ".join(escape(s.title[:1].lower() + s.title[1:].rstrip(".")) for s in steps)
        return f"<b>{heading}:</b> {clauses}."

    def retranslate(self) -> None:
        tr = language.current()
        if self.record is not None:
            self.banner.show_network(self.record.diagnosis.network, self._note())
            code = self.record.code
            self.code.setText(
                f"{escape(term('check_code', tr))}: "
                f"<span style='white-space:nowrap'>{escape(code)}</span>" if code else "")
            self.code.setAccessibleName(term("check_code", tr))
            self.code.setAccessibleDescription(" ".join(code or ""))
            self.code_button.setEnabled(code is not None)
        html = self._common_html()
        self.common.setText(html)
        self.common.setVisible(bool(html))
        for button, key in (
            (self.again_button, "term.check_again"),
            (self.code_button, "ui.results.code"),
        ):
            button.setText(tr.gettext(key))
            button.setAccessibleName(tr.gettext(key).rstrip("…"))
            button.setAccessibleDescription(tr.gettext(
                key.replace("term.", "ui.results.") + ".description"))
        for action, key, description in (
            (self.copy_action, "ui.results.copy", "ui.results.copy.description"),
            (self.save_action, "ui.results.save", "ui.results.save.description"),
            (self.details_action, "term.details", "ui.results.details.description"),
            (self.history_action, "ui.results.history", "ui.results.actions.description"),
        ):
            action.setText(tr.gettext(key))
            action.setToolTip(tr.gettext(description))
            action.setStatusTip(tr.gettext(description))
        self.more_button.setText(tr.gettext("ui.results.actions") + "  ")
        self.more_button.setAccessibleName(tr.gettext("ui.results.actions"))
        self.more_button.setAccessibleDescription(tr.gettext("ui.results.actions.description"))
        self.area.setAccessibleName(tr.gettext("ui.results.title"))
        self.area.setAccessibleDescription(tr.gettext("ui.results.cards.description"))

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        super().changeEvent(event)
