"""The privacy notice again, from Help: what the check contacts and who can see it."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from app.core.catalog import Catalog
from app.ui import language, style
from app.ui.widgets.notice import Notice


class NoticeDialog(QDialog):
    def __init__(self, catalog: Catalog | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notice = Notice(catalog)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(style.em(self, 28))
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(language.tr("ui.notice.title"))
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(close.text().replace("&", ""))
        close.setAccessibleDescription(language.tr("ui.dialog.close.description"))

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        super().changeEvent(event)
