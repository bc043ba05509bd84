"""Every check of a run as a table for support staff: service, target, what happened, the
failure string, timings. Technical words are fine here — this is Details — but the words
around them are the window's language: feature names, check labels (built from templates in
app/knowledge/names.py), phases and units («мс», «байт»)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.core.catalog import Catalog
from app.core.facts import WebFacts
from app.core.model import Check, Observation
from app.i18n import Translator
from app.knowledge.keys import DETAILS_READ_AGAIN, DETAILS_STALLED
from app.knowledge.names import (
    byte_count,
    check_label,
    feature_name,
    milliseconds,
    phase_name,
    service_name,
    term,
    timings_text,
)
from app.ui import language

# (ui key of the header, how to read the cell)
COLUMNS: tuple[str, ...] = (
    "ui.details.col.service",
    "ui.details.col.feature",
    "ui.details.col.check",
    "ui.details.col.target",
    "ui.details.col.result",
    "ui.details.col.failure",
    "ui.details.col.phase",
    "ui.details.col.duration",
    "ui.details.col.timings",
    "ui.details.col.detail",
)
DURATION_COLUMN = COLUMNS.index("ui.details.col.duration")

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Row:
    observation: Observation
    check: Check | None  # the catalog entry (its label is built per language), if known

    def label(self, tr: Translator) -> str:
        return check_label(self.check, tr) if self.check is not None else self.observation.check_id

    def cells(self) -> tuple[str, ...]:
        o = self.observation
        tr = language.current()
        result = tr.gettext("ui.details.ok") if o.ok else tr.gettext("ui.details.failed")
        detail = o.failure_detail or ""  # the system's own error text, as it was
        if o.status_code is not None:
            detail = f"HTTP {o.status_code} {detail}".strip()
        if o.stalled_after_bytes is not None:
            stalled = tr.format(DETAILS_STALLED, bytes=byte_count(o.stalled_after_bytes, tr))
            detail = f"{detail} {stalled}".strip()
        again = o.facts if isinstance(o.facts, WebFacts) else None
        if again is not None and again.second_bytes is not None:
            looked = tr.format(DETAILS_READ_AGAIN, bytes=byte_count(again.second_bytes, tr),
                               ttfb=milliseconds(again.second_ttfb_ms or 0.0, tr),
                               body=milliseconds(again.second_body_ms or 0.0, tr))
            detail = f"{detail} {looked}".strip()
        feature = str(getattr(o.feature, "value", o.feature))
        feature_text = term("network", tr) if feature == "network" else feature_name(feature, tr)
        return (service_name(o.service, tr), feature_text, self.label(tr), o.target, result,
                str(o.failure or ""), phase_name(o.phase, tr), str(o.duration_ms),
                timings_text(o.timings_ms, tr), detail)


def rows_for(observations: Sequence[Observation], catalog: Catalog | None) -> list[Row]:
    checks = {c.id: c for c in catalog.checks} if catalog else {}
    return [Row(o, checks.get(o.check_id)) for o in observations]


class ChecksModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def retranslate(self) -> None:
        """Headers and the ok/failed words are in the UI language."""
        if self._rows:
            last = self.index(len(self._rows) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row.cells()[index.column()]
        if role == Qt.ItemDataRole.UserRole:  # sort key: numbers sort as numbers
            if index.column() == DURATION_COLUMN:
                return row.observation.duration_ms
            return row.cells()[index.column()].casefold()
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return language.tr(COLUMNS[section])
        return None

    def row_texts(self, row: int) -> tuple[str, ...]:
        return self._rows[row].cells()

    def header_texts(self) -> tuple[str, ...]:
        return tuple(language.tr(key) for key in COLUMNS)


def tsv(lines: Sequence[Sequence[str]]) -> str:
    """Tab-separated lines; tabs and newlines inside a cell become spaces."""
    def clean(cell: str) -> str:
        return " ".join(cell.replace("\t", " ").split())
    return "\n".join("\t".join(clean(c) for c in line) for line in lines) + "\n"
