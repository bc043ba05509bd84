"""The check code, large and grouped, to read out over the phone or send in a message."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.knowledge.names import term
from app.ui import language, style


class CodeDialog(QDialog):
    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.value = QLabel(code)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(style.relative_font(2.0).pointSizeF())
        font.setBold(True)
        self.value.setFont(font)
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.copy = QPushButton()
        self.copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.code))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.value)
        layout.addWidget(self.buttons)
        self.retranslate()

    def retranslate(self) -> None:
        tr = language.current()
        self.setWindowTitle(term("check_code", tr))
        self.hint.setText(tr.gettext("ui.code.hint"))
        self.value.setAccessibleName(term("check_code", tr))
        self.value.setAccessibleDescription(" ".join(self.code))  # read out letter by letter
        self.copy.setText(tr.gettext("ui.code.copy"))
        self.copy.setAccessibleName(tr.gettext("ui.code.copy"))
        self.copy.setAccessibleDescription(tr.gettext("ui.code.copy.description"))
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(close.text().replace("&", ""))
        close.setAccessibleDescription(tr.gettext("ui.dialog.close.description"))

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        super().changeEvent(event)
