"""The internet connection at the top of the results page, worded by explain_network.

One line when it does not change the answer («Подключение к интернету работает.»), plus one
line of causes and one action when something on this computer colours the results (a VPN, a
proxy, a slow line) or the state is unclear. When the connection IS the answer (no internet,
a Wi-Fi login page, only some Russian sites) its title says so, with the ONE most useful
thing to do under it («→ Перезагрузите роутер»); why, and every step, are behind
«Подробнее», so the feature cards stay on the screen (tests/ui/test_layout.py, real runs).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.analysis.model import NetworkResult, NetworkStatus, Verdict
from app.knowledge.explain import explain_cause, explain_network
from app.knowledge.names import status_word, term
from app.knowledge.workarounds import COMMON
from app.ui import icons, language, style
from app.ui.widgets import rich
from app.ui.widgets.buttons import EnterButton

ICON_EM = 1.5
# The connection's state drawn with the verdict icons: a problem that is not a block is never red.
_STATUS_ICON = {
    NetworkStatus.ONLINE: Verdict.WORKS,
    NetworkStatus.WHITELIST_ONLY: Verdict.DEGRADED,
    NetworkStatus.CAPTIVE_PORTAL: Verdict.UNAVAILABLE,
    NetworkStatus.OFFLINE: Verdict.UNAVAILABLE,
    NetworkStatus.UNKNOWN: Verdict.UNKNOWN,
}
# States that are the answer themselves: the feature cards say no more than "no internet".
REPLACES_ANSWER = (NetworkStatus.OFFLINE, NetworkStatus.CAPTIVE_PORTAL,
                   NetworkStatus.WHITELIST_ONLY)
_COLOURING_CAUSES = ("vpn_active", "local_proxy", "proxy_configured", "throttled")


class Banner(QFrame):
    """The connection's icon and line; when the connection is the answer, the one action and
    «Подробнее». ``panel`` (the window's note; opened, what happened and every step) is laid
    out by the owner when ``text_outside`` (the results page puts it in its scroll area,
    above the cards)."""

    def __init__(self, parent: QWidget | None = None, text_outside: bool = False) -> None:
        super().__init__(parent)
        self._network: NetworkResult | None = None
        self._note = ""  # extra sentence from the window ("some checks did not finish")
        self._more = ""  # what the panel's "More" shows: the rest of the story, every step
        self.setObjectName("banner")
        self.icon = QLabel()
        self.title = QLabel()
        style.set_font(self.title, style.ANSWER, bold=True)
        self.title.setWordWrap(True)
        self.line = QLabel()  # what colours the results, and its action: under the title
        self.line.setWordWrap(True)
        self.line.setVisible(False)

        self.action = QLabel()  # → the one most useful thing to do, under the title
        self.action.setWordWrap(True)
        font = self.action.font()
        font.setWeight(font.Weight.DemiBold)
        self.action.setFont(font)
        self.toggle = EnterButton()  # «Подробнее ▾»: why, and every step
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._set_open)
        self.toggle.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        style.quiet_button(self.toggle)
        self.action_row = QWidget()
        action_row = QHBoxLayout(self.action_row)
        action_row.setContentsMargins(0, 0, 0, 0)
        action_row.addWidget(self.action, 1)
        action_row.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignBottom)
        self.action_row.setVisible(False)

        self.panel = QFrame()  # the window's note; opened: what happened, what to do
        self.text = QLabel()  # the window's note ("some checks did not finish")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.steps = QLabel()  # what happened, «Что можно сделать», every step
        self.steps.setWordWrap(True)
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        self.steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.steps.setVisible(False)
        inside = QVBoxLayout(self.panel)
        inside.setSpacing(style.em(self, style.LINE_GAP_EM))
        inside.setContentsMargins(0, 0, 0, 0)
        inside.addWidget(self.text)
        inside.addWidget(self.steps)
        self.panel.setVisible(False)

        column = QVBoxLayout()
        column.setSpacing(style.em(self, style.LINE_GAP_EM))
        column.addWidget(self.title)
        column.addWidget(self.line)
        column.addWidget(self.action_row)
        if not text_outside:
            column.addWidget(self.panel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(style.em(self, style.CARD_PADDING_EM))
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(column, 1)
        self.setVisible(False)

    def show_network(self, network: NetworkResult, note: str = "") -> None:
        """Show the connection's line (and more when it needs more words)."""
        self._network, self._note = network, note
        self.retranslate()

    @staticmethod
    def needed(network: NetworkResult) -> bool:
        """More than one line: the connection changes the answer, or colours it."""
        return network.status != NetworkStatus.ONLINE or any(
            c.id.value in _COLOURING_CAUSES for c in network.causes)

    @staticmethod
    def replaces_answer(network: NetworkResult) -> bool:
        return network.status in REPLACES_ANSWER

    def shown_steps(self) -> tuple[str, ...]:
        """Workaround ids this banner shows (the page does not repeat them below)."""
        network = self._network
        if network is None or not self.replaces_answer(network):
            return ()
        return tuple(w.key for w in explain_network(network, language.current()).workarounds)

    def is_open(self) -> bool:
        return self.toggle.isChecked()

    def retranslate(self) -> None:
        network = self._network
        if network is None:
            self.setVisible(False)
            return
        tr = language.current()
        explanation = explain_network(network, tr)
        line = action = more = ""
        replaces = self.replaces_answer(network)
        if replaces:
            # The title says what happened, the action what to do first; why, and every
            # step, are behind "More" (the cards stay on the screen).
            title = status_word(network.status, tr)  # "No internet connection" says it all
            primary = explanation.primary or next(iter(explanation.workarounds), None)
            action = f"→ {primary.title}" if primary is not None else ""
            more = rich.paragraph(explanation.body)
            more += rich.workarounds(explanation.workarounds, term("what_you_can_do", tr))
        else:
            title = explanation.title
            if self.needed(network):
                line = _cause_sentences(network, explanation.body)  # one line, with its action
                primary = explanation.primary
                if primary is not None and primary.key not in COMMON:
                    line += f"  → {primary.title}"
        note = rich.paragraph(self._note)
        self.title.setText(title)
        self.line.setText(line)
        self.line.setVisible(bool(line))
        self._more = more
        self.action.setText(action)
        self.action.setVisible(bool(action))
        self.action.setAccessibleName(tr.gettext("ui.results.action.name"))
        self.action.setAccessibleDescription(action.removeprefix("→ "))
        self.toggle.setVisible(bool(more))
        self.action_row.setVisible(bool(action or more))
        if not more and self.is_open():
            self.toggle.setChecked(False)
        self.text.setText(note)
        self.text.setVisible(bool(note))
        self.steps.setText(more)
        self.steps.setAccessibleDescription(explanation.body + "\n" + rich.plain_workarounds(
            explanation.workarounds))
        self._set_open(self.is_open())
        if replaces:  # the connection is the answer: its explanation and steps in a card
            style.frame_style(self.panel, "QFrame", "alternate-base")
            pad = style.em(self, style.CARD_PADDING_EM)
            self.panel.setContentsMargins(pad, round(pad * 0.5), pad, round(pad * 0.5))
        elif self.panel.styleSheet():
            self.panel.setStyleSheet("")
            self.panel.setContentsMargins(0, 0, 0, 0)
        self._draw_icon(icons.verdict_icon_name(_STATUS_ICON[network.status]))
        self.setAccessibleName(title)
        self.setAccessibleDescription(explanation.headline + " " + explanation.body)
        self.setVisible(True)

    def _set_open(self, opened: bool) -> None:
        self.steps.setVisible(opened and bool(self._more))
        self.panel.setVisible(self.steps.isVisibleTo(self.panel) or bool(self.text.text()))
        self._retranslate_toggle()

    def _retranslate_toggle(self) -> None:
        tr = language.current()
        opened = self.is_open()
        self.toggle.setText(f"{tr.gettext('ui.results.less')} ▴" if opened
                            else f"{tr.gettext('ui.results.more')} ▾")
        self.toggle.setAccessibleName(tr.format("ui.card.toggle.name",
                                                feature=term("network", tr)))
        self.toggle.setAccessibleDescription(tr.gettext(
            "ui.card.toggle.opened" if opened else "ui.card.toggle.closed"))

    def _draw_icon(self, name: str) -> None:
        self.icon.setPixmap(icons.pixmap(name, style.em(self, ICON_EM), self.devicePixelRatioF(),
                                         self.palette()))

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event) or event.type() == QEvent.Type.PaletteChange:
            self.retranslate()
        super().changeEvent(event)


def _cause_sentences(network: NetworkResult, body: str) -> str:
    """What colours the results (a VPN, a proxy, a slow line), without repeating the title;
    for an unclear connection, its whole explanation."""
    if network.status != NetworkStatus.ONLINE:
        return body
    tr = language.current()
    causes = dict.fromkeys(c.id for c in network.causes)
    return " ".join(explain_cause(c, tr).headline for c in causes)

