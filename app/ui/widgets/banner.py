"""The network banner on the results page: shown when the connection is not simply online
(no internet, a Wi-Fi login page, only some Russian sites), worded by explain_network."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.analysis.model import NetworkResult, NetworkStatus
from app.knowledge.explain import explain_network
from app.knowledge.names import status_word, term
from app.ui import icons, language, style
from app.ui.widgets import rich

ICON_EM = 2.0


class Banner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._network: NetworkResult | None = None
        self._note = ""  # extra sentence from the window ("some checks did not finish")
        style.frame_style(self, "Banner", "alternate-base")  # set apart from the cards
        self.icon = QLabel()
        self.title = QLabel()
        style.set_font(self.title, style.HEADING, bold=True)
        self.title.setWordWrap(True)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column = QVBoxLayout()
        column.addWidget(self.title)
        column.addWidget(self.text)
        row = QHBoxLayout(self)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(column, 1)
        self.setVisible(False)

    def show_network(self, network: NetworkResult, note: str = "") -> None:
        """Show the banner when the network needs a word, or a note is given; else hide."""
        self._network, self._note = network, note
        self.retranslate()

    @staticmethod
    def needed(network: NetworkResult) -> bool:
        return network.status != NetworkStatus.ONLINE or any(
            c.id.value in ("vpn_active", "local_proxy", "proxy_configured", "throttled")
            for c in network.causes
        )

    def retranslate(self) -> None:
        network = self._network
        if network is None:
            self.setVisible(False)
            return
        tr = language.current()
        if not self.needed(network):
            self.setVisible(bool(self._note))
            self.title.setText(self._note)
            self.text.setText("")
            self._draw_icon("info")
            self.setAccessibleName(self._note)
            return
        explanation = explain_network(network, tr)
        title = status_word(network.status, tr)  # "No internet connection" says it all
        if network.status in (NetworkStatus.ONLINE, NetworkStatus.UNKNOWN):
            # "Works" / "Couldn't tell" alone do not say what: name it, as the cards do
            title = f"{term('network', tr)}: {title}"
        html = rich.paragraph(explanation.headline) + rich.paragraph(explanation.body)
        html += rich.workarounds(explanation.workarounds, term("what_you_can_do", tr))
        if self._note:
            html += rich.paragraph(self._note)
        self.title.setText(title)
        self.text.setText(html)
        self._draw_icon("feature-network" if network.status == NetworkStatus.ONLINE else "info")
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
