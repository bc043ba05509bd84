"""Details, for support staff: every check of the run in a sortable, copyable table.

Ctrl+C copies the selected rows as tab-separated text (pastes into a spreadsheet or a chat);
"Copy all" copies the whole table with its headers.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.knowledge.names import term
from app.ui import language, style
from app.ui.models.checks_model import ChecksModel, Row, tsv


class ChecksTable(QTableView):
    """A table view whose Copy (Ctrl+C) puts the selected rows on the clipboard as TSV."""

    def __init__(self, model: ChecksModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(style.em(self, 1.5))
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # catalog order until a click

    def selected_source_rows(self) -> list[int]:
        rows = {self.proxy.mapToSource(i).row() for i in self.selectionModel().selectedRows()}
        # keep the order the user sees
        return sorted(rows, key=lambda r: self.proxy.mapFromSource(self.source.index(r, 0)).row())

    def copy_selection(self) -> str:
        text = tsv([self.source.row_texts(r) for r in self.selected_source_rows()])
        QGuiApplication.clipboard().setText(text)
        return text

    def keyPressEvent(self, event: object) -> None:
        from PySide6.QtGui import QKeyEvent

        if isinstance(event, QKeyEvent) and event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]


class DetailsPage(QWidget):
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ChecksModel()
        self.title = QLabel()
        style.set_font(self.title, style.TITLE, bold=True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.table = ChecksTable(self.model)
        self.copied = QLabel()
        self.copy_all = QPushButton()
        self.copy_all.clicked.connect(self.copy_everything)
        self.back_button = QPushButton()
        self.back_button.clicked.connect(self.back.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.copied)
        buttons.addWidget(self.copy_all)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.setTabOrder(self.table, self.copy_all)
        self.setTabOrder(self.copy_all, self.back_button)
        self.retranslate()

    def set_rows(self, rows: list[Row]) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.copied.setText("")

    def copy_everything(self) -> str:
        lines = [self.model.header_texts()]
        lines += [self.model.row_texts(r) for r in range(self.model.rowCount())]
        text = tsv(lines)
        QGuiApplication.clipboard().setText(text)
        self.copied.setText(language.tr("ui.details.copied"))
        return text

    def retranslate(self) -> None:
        tr = language.current()
        self.title.setText(term("details", tr))
        self.hint.setText(tr.gettext("ui.details.hint"))
        self.copy_all.setText(tr.gettext("ui.details.copy_all"))
        self.copy_all.setAccessibleName(tr.gettext("ui.details.copy_all"))
        self.copy_all.setAccessibleDescription(tr.gettext("ui.details.copy_all.description"))
        self.back_button.setText(tr.gettext("ui.details.back"))
        self.back_button.setAccessibleName(tr.gettext("ui.details.back"))
        self.back_button.setAccessibleDescription(tr.gettext("ui.details.back.description"))
        self.table.setAccessibleName(term("details", tr))
        self.table.setAccessibleDescription(tr.gettext("ui.details.hint"))
        if self.copied.text():
            self.copied.setText(tr.gettext("ui.details.copied"))
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        super().changeEvent(event)
