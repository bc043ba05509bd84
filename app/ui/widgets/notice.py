"""The honest notice before the first check: whom the check contacts (from the catalog, grouped
by feature), that the internet provider can see those connections, and that nothing is sent to
us. Shown on the welcome page until the first check; reopened from Help."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.core.catalog import Catalog
from app.core.model import USER_FEATURES
from app.knowledge.names import feature_name, join_services
from app.ui import language, style
from app.ui.widgets import rich


def notice_lines(catalog: Catalog | None) -> list[str]:
    """"Calls: WhatsApp, Telegram and Signal" — one line per feature, in the UI language."""
    if catalog is None:
        return []
    tr = language.current()
    lines = []
    for feature in USER_FEATURES:
        services = catalog.services(feature)
        if services:
            lines.append(f"{feature_name(feature.value, tr)}: {join_services(services, tr)}")
    return lines


class Notice(QWidget):
    def __init__(self, catalog: Catalog | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.title = QLabel()
        style.set_font(self.title, style.LARGE, bold=True)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        self.retranslate()

    def set_catalog(self, catalog: Catalog | None) -> None:
        self.catalog = catalog
        self.retranslate()

    def plain_text(self) -> str:
        tr = language.current()
        return "\n".join([
            tr.gettext("ui.notice.title"), tr.gettext("ui.notice.contacts"),
            *notice_lines(self.catalog), tr.gettext("ui.notice.provider"),
            tr.gettext("ui.notice.nothing_sent"),
        ])

    def retranslate(self) -> None:
        tr = language.current()
        self.title.setText(tr.gettext("ui.notice.title"))
        html = rich.paragraph(tr.gettext("ui.notice.contacts"))
        html += rich.bullets(notice_lines(self.catalog))
        html += rich.paragraph(tr.gettext("ui.notice.provider"))
        html += rich.paragraph(tr.gettext("ui.notice.nothing_sent"))
        self.text.setText(html)
        self.setAccessibleName(tr.gettext("ui.notice.title"))
        self.setAccessibleDescription(self.plain_text())
        self.text.setAccessibleName(tr.gettext("ui.notice.title"))
        self.text.setAccessibleDescription(self.plain_text())

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        super().changeEvent(event)
