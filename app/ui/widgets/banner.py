"""The internet connection at the top of the results page, worded by explain_network.

One line when it does not change the answer («Подключение к интернету работает.»), plus one
line of causes and one action when something on this computer colours the results (a VPN, a
proxy, a slow line) or the state is unclear. When the connection IS the answer (no internet,
a Wi-Fi login page, only some Russian sites) it opens in full: what happened and its steps.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.analysis.model import NetworkResult, NetworkStatus, Verdict
from app.knowledge.explain import explain_cause, explain_network
from app.knowledge.names import status_word, term
from app.knowledge.workarounds import COMMON
from app.ui import icons, language, style
from app.ui.widgets import rich

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
    """The connection's icon and line. ``text`` (what happened, steps) is laid out by the
    owner when ``text_outside`` (the results page puts it in its scroll area, so a long list
    of steps never pushes the cards off the screen)."""

    def __init__(self, parent: QWidget | None = None, text_outside: bool = False) -> None:
        super().__init__(parent)
        self._network: NetworkResult | None = None
        self._note = ""  # extra sentence from the window ("some checks did not finish")
        self.setObjectName("banner")
        self.icon = QLabel()
        self.title = QLabel()
        style.set_font(self.title, style.ANSWER, bold=True)
        self.title.setWordWrap(True)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setVisible(False)
        self.line = QLabel()  # what colours the results, and its action: under the title
        self.line.setWordWrap(True)
        self.line.setVisible(False)
        column = QVBoxLayout()
        column.setSpacing(style.em(self, style.LINE_GAP_EM))
        column.addWidget(self.title)
        column.addWidget(self.line)
        if not text_outside:
            column.addWidget(self.text)
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

    def retranslate(self) -> None:
        network = self._network
        if network is None:
            self.setVisible(False)
            return
        tr = language.current()
        explanation = explain_network(network, tr)
        html = line = ""
        if self.replaces_answer(network):
            title = status_word(network.status, tr)  # "No internet connection" says it all
            html = rich.paragraph(explanation.body)  # the title already says the headline
            html += rich.workarounds(explanation.workarounds, term("what_you_can_do", tr))
            frame = "alternate-base"
        else:
            title = explanation.title
            if self.needed(network):
                line = _cause_sentences(network, explanation.body)  # one line, with its action
                primary = explanation.primary
                if primary is not None and primary.key not in COMMON:
                    line += f"  → {primary.title}"
            frame = ""
        if self._note:
            html += rich.paragraph(self._note)
        self.title.setText(title)
        self.line.setText(line)
        self.line.setVisible(bool(line))
        self.text.setText(html)
        self.text.setVisible(bool(html))
        if frame:  # the connection is the answer: its explanation and steps in a card
            style.frame_style(self.text, "QLabel", frame)
            pad = style.em(self, style.CARD_PADDING_EM)
            self.text.setContentsMargins(pad, round(pad * 0.5), pad, round(pad * 0.5))
        elif self.text.styleSheet():
            self.text.setStyleSheet("")
            self.text.setContentsMargins(0, 0, 0, 0)
        self._draw_icon(icons.verdict_icon_name(_STATUS_ICON[network.status]))
        self.setAccessibleName(title)
        self.setAccessibleDescription(explanation.headline + " " + explanation.body)
        self.setVisible(True)

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
