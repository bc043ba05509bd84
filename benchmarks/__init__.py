"""Benchmarks: numbers against budgets, printed as tables (``python -m benchmarks``).

Not tests: speed and size depend on the machine, so nothing here passes or fails a build. Each
module in this package that defines ``run() -> list[Table]`` is run by ``benchmarks.__main__``.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Table:
    """One printed table: a title, column names, rows of already-formatted cells."""

    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def render(self) -> str:
        cells = [self.columns, *self.rows]
        widths = [max(len(row[i]) if i < len(row) else 0 for row in cells)
                  for i in range(len(self.columns))]
        lines = [f"## {self.title}", ""]
        for index, row in enumerate(cells):
            padded = [(row[i] if i < len(row) else "").ljust(widths[i])
                      for i in range(len(widths))]
            lines.append("| " + " | ".join(padded) + " |")
            if index == 0:
                lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


def verdict(value: float | None, budget: float) -> str:
    """'ok' / 'OVER' for a lower-is-better number; 'n/a' when it could not be measured."""
    if value is None:
        return "n/a"
    return "ok" if value <= budget else "OVER"


def at_least(value: float | None, floor: float) -> str:
    """'ok' / 'BELOW' for a higher-is-better number (a speed-up); 'n/a' when unmeasured."""
    if value is None:
        return "n/a"
    return "ok" if value >= floor else "BELOW"


def median(values: Iterable[float | None]) -> float | None:
    """The median of the measured values (None = not measured is left out); None if none."""
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def cell(value: float | None, digits: int = 1) -> str:
    """A number for a table cell, or 'n/a'."""
    return "n/a" if value is None else f"{value:.{digits}f}"
