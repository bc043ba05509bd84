"""Sizes and colours derived from the system: relative fonts, palette-based frames.

No pixel font sizes and no fixed colours: headings scale the application font, frames take
their colours from the palette (so light and dark mode both work), and the only accents are
the verdict icons, whose shapes carry the meaning on their own.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

TITLE = 1.6
HEADING = 1.25
LARGE = 1.1

# Card and banner frames: colours are palette references, resolved by Qt at paint time.
FRAME_QSS = (
    "{cls}#{name} {{ border: 1px solid palette(mid); border-radius: 8px;"
    " background: palette({background}); }}"
    "{cls}#{name}:focus {{ border: 2px solid palette(highlight); }}"
)


def relative_font(factor: float = 1.0, bold: bool = False) -> QFont:
    """The application font scaled by ``factor`` (follows the system's font size setting)."""
    font = QFont(QApplication.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    elif font.pixelSize() > 0:
        font.setPixelSize(round(font.pixelSize() * factor))
    font.setBold(bold)
    return font


def set_font(widget: QWidget, factor: float = 1.0, bold: bool = False) -> None:
    widget.setFont(relative_font(factor, bold))


def frame_style(widget: QWidget, cls: str, background: str = "base") -> None:
    """A rounded, palette-coloured frame with a visible focus ring. ``background`` is a
    palette role in Qt style-sheet spelling ("base", "alternate-base", "window")."""
    widget.setObjectName(cls.lower())
    widget.setStyleSheet(FRAME_QSS.format(cls=cls, name=cls.lower(), background=background))


def is_language_change(event: QEvent) -> bool:
    return event.type() == QEvent.Type.LanguageChange


def em(widget: QWidget, factor: float = 1.0) -> int:
    """``factor`` times the widget's font height in pixels: spacing that scales with text."""
    return max(1, round(widget.fontMetrics().height() * factor))
