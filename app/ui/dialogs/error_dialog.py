"""A plain message for anything that went wrong, with "Copy details" for the helper.

Never a traceback on screen and never a silent close: the technical text is only on the
clipboard, where support staff want it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.ui import icons, language, style


class ErrorDialog(QDialog):
    def __init__(self, message_key: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message_key = message_key
        self.details = details
        self.log_path: Path | None = None  # where the crash log put this error, if it did
        self.setModal(True)
        self.icon = QLabel()
        self.icon.setPixmap(icons.pixmap("info", style.em(self, 2.0), self.devicePixelRatioF(),
                                         self.palette()))
        self.title = QLabel()
        style.set_font(self.title, style.HEADING, bold=True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_note = QLabel()  # "A record of this error was saved to …" (crash log)
        self.log_note.setWordWrap(True)
        self.log_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_note.setVisible(False)
        self.copied = QLabel()
        self.copy = QPushButton()
        self.copy.clicked.connect(self.copy_details)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        texts = QVBoxLayout()
        texts.addWidget(self.title)
        texts.addWidget(self.message)
        texts.addWidget(self.log_note)
        texts.addWidget(self.copied)
        top = QHBoxLayout()
        top.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(texts, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(style.em(self, 26))
        self.retranslate()

    def set_log_path(self, path: Path | None) -> None:
        """Say where the crash log recorded this error (nothing when it could not)."""
        self.log_path = path
        self.log_note.setVisible(path is not None)
        self.retranslate()

    def details_text(self) -> str:
        log = f"\nLog: {self.log_path}" if self.log_path is not None else ""
        return f"Connection Check {__version__}\n{self.message.text()}{log}\n\n{self.details}"

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
        self.copied.setText(language.tr("ui.error.copied"))

    def retranslate(self) -> None:
        tr = language.current()
        self.setWindowTitle(tr.gettext("ui.error.window_title"))
        self.title.setText(tr.gettext("ui.error.title"))
        self.message.setText(tr.gettext(self.message_key))
        self.copy.setText(tr.gettext("ui.error.copy"))
        self.copy.setAccessibleName(tr.gettext("ui.error.copy"))
        self.copy.setAccessibleDescription(tr.gettext("ui.error.copy.description"))
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(close.text().replace("&", ""))
        close.setAccessibleDescription(tr.gettext("ui.error.close.description"))
        self.message.setAccessibleName(tr.gettext("ui.error.title"))
        self.message.setAccessibleDescription(self.message.text())
        if self.copied.text():
            self.copied.setText(tr.gettext("ui.error.copied"))
        if self.log_path is not None:
            self.log_note.setText(tr.format("ui.error.logged", path=str(self.log_path)))

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        super().changeEvent(event)
