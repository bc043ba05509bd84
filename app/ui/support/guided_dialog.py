""""Read this to your helper": the check code at the top, then short numbered lines in large
type, and a Copy button. Sizes scale the application font (never fixed pixels), so the
system's text-size setting still applies."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.analysis.model import Diagnosis
from app.knowledge.names import term
from app.report.guided import guided_lines
from app.ui import language, style

LINES_SCALE = 1.5  # the read-out lines, relative to the application font
CODE_SCALE = 2.0


class GuidedDialog(QDialog):
    def __init__(self, diagnosis: Diagnosis, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diagnosis = diagnosis
        self.code = code
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.code_label = QLabel()
        code_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        code_font.setPointSizeF(style.relative_font(CODE_SCALE).pointSizeF())
        code_font.setBold(True)
        self.code_label.setFont(code_font)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lines_label = QLabel()
        self.lines_label.setWordWrap(True)
        self.lines_label.setFont(style.relative_font(LINES_SCALE))
        self.lines_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lines_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.lines_label)
        self.status = QLabel()
        self.copy_button = QPushButton()
        self.copy_button.clicked.connect(self.copy)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.code_label)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.retranslate()
        self.resize(style.em(self, 36), style.em(self, 26))

    def lines(self) -> list[str]:
        """The numbered lines, without the code line (the code has its own label)."""
        return guided_lines(self.diagnosis, language.current(), "")

    def text(self) -> str:
        """What Copy puts on the clipboard: the code line, then the numbered lines."""
        return "\n".join(guided_lines(self.diagnosis, language.current(), self.code)) + "\n"

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.status.setText(language.tr("support.copied"))

    def retranslate(self) -> None:
        tr = language.current()
        self.setWindowTitle(tr.gettext("support.guided.title"))
        self.intro.setText(tr.gettext("support.guided.intro"))
        # the code on a line of its own: 24 digits in large type would widen the dialog
        self.code_label.setText(f"{term('check_code', tr)}:\n{self.code}" if self.code else "")
        self.code_label.setAccessibleName(term("check_code", tr))
        self.code_label.setAccessibleDescription(" ".join(self.code))
        lines = self.lines()
        self.lines_label.setText("\n\n".join(lines))
        self.lines_label.setAccessibleName(tr.gettext("support.guided.title"))
        self.lines_label.setAccessibleDescription("\n".join(lines))
        self.copy_button.setText(tr.gettext("support.copy"))
        self.copy_button.setAccessibleName(tr.gettext("support.copy"))
        self.copy_button.setAccessibleDescription(tr.gettext("support.copy.description"))
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(close.text().replace("&", ""))
        close.setAccessibleDescription(tr.gettext("support.close.description"))
        self.status.setText("")

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        super().changeEvent(event)
