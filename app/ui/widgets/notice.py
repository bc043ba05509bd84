"""The honest notice before the first check: whom the check contacts (from the catalog, grouped
by feature), that the internet provider can see those connections, and that nothing is sent to
us. Shown on the welcome page until the first check; reopened from Help.

Below it, when the catalog names update sources, the one switch that lets the app keep the
list of services up to date (off until the person turns it on; docs/catalog.md "Updates"),
and one line saying how the last update went."""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

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


def update_hosts(catalog: Catalog | None) -> list[str]:
    """The hosts an update contacts, in order, without repeats."""
    hosts: list[str] = []
    for url in catalog.update_urls if catalog is not None else ():
        host = urlsplit(url).hostname or ""
        if host and host not in hosts:
            hosts.append(host)
    return hosts


class Notice(QWidget):
    keep_updated_changed = Signal(bool)

    def __init__(self, catalog: Catalog | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self._update_line = ""
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
        self.keep_updated = QCheckBox()
        self.keep_updated.toggled.connect(self.keep_updated_changed.emit)
        self.update_text = QLabel()
        self.update_text.setWordWrap(True)
        layout.addWidget(self.keep_updated)
        layout.addWidget(self.update_text)
        self.retranslate()

    def set_keep_updated(self, on: bool) -> None:
        """Show the person's choice (without announcing it as a new one)."""
        self.keep_updated.blockSignals(True)
        self.keep_updated.setChecked(on)
        self.keep_updated.blockSignals(False)

    def set_update_line(self, text: str) -> None:
        """One line on how the last update went ("" for none)."""
        self._update_line = text
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
        hosts = update_hosts(self.catalog)
        self.keep_updated.setVisible(bool(hosts))
        self.update_text.setVisible(bool(hosts))
        self.keep_updated.setText(tr.gettext("ui.notice.keep_updated"))
        self.keep_updated.setAccessibleName(tr.gettext("ui.notice.keep_updated"))
        detail = tr.format("ui.notice.keep_updated.detail", hosts=", ".join(hosts))
        self.keep_updated.setAccessibleDescription(detail)
        self.update_text.setText(" ".join(filter(None, [detail, self._update_line])))

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        super().changeEvent(event)
