"""Help → Decode a code: type a check code, read the diagnosis it carries in plain words.

A code with a typo, a missing character or a character that cannot be in a code shows the
plain-language reason and clears any earlier result: the dialog never shows a diagnosis that
the typed text does not carry (the code's check characters guarantee a slip is caught).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.analysis.model import Diagnosis
from app.knowledge.names import term
from app.report.code import CodeError, read
from app.report.decoded_text import code_error_text, decoded_text
from app.ui import language, style


class DecodeDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.today = today  # the decoder's reference day (tests pin it)
        self.diagnosis: Diagnosis | None = None
        self.time: dt.datetime | None = None  # when the check ran (a version-2 code)
        self.error: CodeError | None = None
        self.empty = False
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.entry = QLineEdit()
        self.entry.setFont(style.relative_font(style.HEADING))
        self.entry.returnPressed.connect(self.decode)
        self.decode_button = QPushButton()
        self.decode_button.setDefault(True)
        self.decode_button.clicked.connect(self.decode)
        row = QHBoxLayout()
        row.addWidget(self.entry, 1)
        row.addWidget(self.decode_button)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setFont(style.relative_font(style.LARGE, bold=True))
        self.problem.hide()
        self.result_view = QPlainTextEdit()
        self.result_view.setReadOnly(True)
        self.result_view.setFont(style.relative_font(style.LARGE))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addWidget(self.result_view, 1)
        layout.addWidget(self.buttons)
        self.retranslate()
        self.resize(style.em(self, 40), style.em(self, 34))

    def decode(self) -> None:
        """Decode what is typed; show the diagnosis or, for any problem, only the problem."""
        text = self.entry.text().strip()
        self.diagnosis, self.time, self.error, self.empty = None, None, None, not text
        if text:
            try:
                decoded = read(text, self.today)
                self.diagnosis, self.time = decoded.diagnosis, decoded.time
            except CodeError as exc:
                self.error = exc
        self._show()

    def _show(self) -> None:
        tr = language.current()
        if self.diagnosis is not None:
            self.problem.hide()
            self.problem.setText("")
            self.result_view.setPlainText(decoded_text(self.diagnosis, tr, self.time))
            return
        self.result_view.clear()
        if self.error is not None:
            message = code_error_text(self.error, tr)
        elif self.empty:
            message = tr.gettext("support.decode.empty")
        else:
            message = ""
        self.problem.setText(message)
        self.problem.setVisible(bool(message))

    def retranslate(self) -> None:
        tr = language.current()
        self.setWindowTitle(tr.gettext("support.decode.title"))
        self.prompt.setText(tr.gettext("support.decode.prompt"))
        self.entry.setPlaceholderText(tr.gettext("support.decode.placeholder"))
        self.entry.setAccessibleName(term("check_code", tr))
        self.entry.setAccessibleDescription(tr.gettext("support.decode.prompt"))
        self.decode_button.setText(tr.gettext("support.decode.button"))
        self.decode_button.setAccessibleName(tr.gettext("support.decode.button"))
        self.decode_button.setAccessibleDescription(tr.gettext("support.decode.title"))
        self.result_view.setAccessibleName(tr.gettext("support.decode.result"))
        self.result_view.setAccessibleDescription(tr.gettext("support.decode.lossy"))
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(close.text().replace("&", ""))
        close.setAccessibleDescription(tr.gettext("support.close.description"))
        self._show()

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        super().changeEvent(event)
