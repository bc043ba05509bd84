"""The window's look: one palette (light and dark) whose colours pass WCAG AA, a type scale
relative to the system font, spacing in multiples of the text height, one accent button.

Why fixed colours: the status colours must stay readable on their background whatever the
desktop theme is (a test computes every ratio: tests/ui/test_look.py), and the accent marks
the one thing to press. Fonts are never pixel sizes: the body is the system font, raised to
at least ``BODY_MIN_PT``, and headings scale it, so the user's text size is respected.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from app.analysis.model import Verdict

# Type scale, as multiples of the body font (body >= 11 pt, so headings >= 16 pt).
BODY_MIN_PT = 11.0
TITLE = 1.6  # page titles
HEADING = 1.46  # a feature's sentence on its card (16 pt at an 11 pt body)
ANSWER = 1.2  # the whole run's answer line
LARGE = 1.1

# Spacing, in multiples of the text height (about 16 px card padding, 12 px between cards).
CARD_PADDING_EM = 0.85
CARD_GAP_EM = 0.6
LINE_GAP_EM = 0.25


@dataclass(frozen=True)
class Colors:
    """One theme. Every text colour keeps >= 4.5:1 on ``background`` and ``surface``."""

    dark: bool
    background: str  # the window
    surface: str  # cards
    border: str
    text: str
    secondary: str  # service labels, the check code, hints
    accent: str  # the primary button, links, the focus ring
    on_accent: str  # text on the accent
    works: str
    degraded: str
    blocked: str
    unclear: str  # unknown and "no internet"
    on_status: str  # the glyph cut into a status icon

    def status(self, verdict: Verdict | str) -> str:
        v = Verdict(verdict)
        if v == Verdict.WORKS:
            return self.works
        if v == Verdict.DEGRADED:
            return self.degraded
        if v == Verdict.BLOCKED:
            return self.blocked
        return self.unclear


# /work/shared/design/results-screen.md ("A palette that passes WCAG AA")
LIGHT = Colors(
    dark=False, background="#FFFFFF", surface="#F5F6F8", border="#C9CED6", text="#1B1F24",
    secondary="#4A5361", accent="#1F5FAD", on_accent="#FFFFFF", works="#1E7B34",
    degraded="#8A5A00", blocked="#B3261E", unclear="#5F6B7A", on_status="#FFFFFF",
)
DARK = Colors(
    dark=True, background="#16181C", surface="#20242A", border="#3D444F", text="#E8EAED",
    secondary="#AAB2BD", accent="#7FB2F0", on_accent="#16181C", works="#5BC27A",
    degraded="#E0A43A", blocked="#F2726A", unclear="#9AA5B1", on_status="#16181C",
)

# Card and banner frames: colours are palette references, resolved by Qt at paint time, so a
# theme change repaints them without rebuilding the style sheet.
FRAME_QSS = (
    "{cls}#{name} {{ border: 1px solid palette(mid); border-radius: 8px;"
    " background: palette({background}); }}"
    "{cls}#{name}:focus {{ border: 2px solid palette(highlight); }}"
)
PRIMARY_QSS = (
    "QPushButton#primary { background: palette(highlight); color: palette(highlighted-text);"
    " border: none; border-radius: 6px; padding: 0.45em 1.3em; font-weight: 600; }"
    "QPushButton#primary:focus { border: 2px solid palette(text); }"
    "QPushButton#primary:disabled { background: palette(mid); }"
)
QUIET_QSS = (
    "{cls} {{ background: transparent; color: palette(link); border: 1px solid transparent;"
    " border-radius: 6px; padding: 0.3em 0.6em; }}"
    "{cls}:hover {{ border: 1px solid palette(mid); }}"
    "{cls}:focus {{ border: 2px solid palette(highlight); }}"
    "{cls}::menu-indicator {{ subcontrol-position: right center; right: 0.3em; }}"
)


def is_dark(palette: QPalette | None = None) -> bool:
    """Dark when the system says so, or when the palette in use is dark (e.g. a dark theme
    that does not report its colour scheme)."""
    if palette is None:
        hints = QGuiApplication.styleHints() if QGuiApplication.instance() else None
        if hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark:
            return True
        palette = QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def colors(palette: QPalette | None = None) -> Colors:
    """The theme matching ``palette`` (or the application's)."""
    return DARK if is_dark(palette) else LIGHT


def make_palette(theme: Colors) -> QPalette:
    pal = QPalette()
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, theme.background), (roles.WindowText, theme.text),
        (roles.Base, theme.background), (roles.AlternateBase, theme.surface),
        (roles.Text, theme.text), (roles.Button, theme.surface), (roles.ButtonText, theme.text),
        (roles.Highlight, theme.accent), (roles.HighlightedText, theme.on_accent),
        (roles.Link, theme.accent), (roles.LinkVisited, theme.accent), (roles.Mid, theme.border),
        (roles.PlaceholderText, theme.secondary), (roles.ToolTipBase, theme.surface),
        (roles.ToolTipText, theme.text), (roles.BrightText, theme.text),
    ):
        pal.setColor(role, QColor(colour))
    for group in (QPalette.ColorGroup.Disabled,):
        for role in (roles.WindowText, roles.Text, roles.ButtonText):
            pal.setColor(group, role, QColor(theme.secondary))
    return pal


def body_font(base: QFont | None = None) -> QFont:
    """The system font, at least ``BODY_MIN_PT``: larger system text stays larger."""
    font = QFont(base if base is not None else QApplication.font())
    if font.pointSizeF() > 0 and font.pointSizeF() < BODY_MIN_PT:
        font.setPointSizeF(BODY_MIN_PT)
    elif font.pointSizeF() <= 0 and 0 < font.pixelSize() < round(BODY_MIN_PT * 96 / 72):
        font.setPixelSize(round(BODY_MIN_PT * 96 / 72))
    return font


def apply(app: QApplication, dark: bool | None = None) -> Colors:
    """Give the application our palette (light or dark, as the system is) and body font."""
    theme = (DARK if dark else LIGHT) if dark is not None else colors()
    app.setPalette(make_palette(theme))
    app.setFont(body_font(app.font()))
    return theme


def relative_font(factor: float = 1.0, bold: bool = False) -> QFont:
    """The application font scaled by ``factor`` (follows the system's font size setting)."""
    font = QFont(QApplication.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    elif font.pixelSize() > 0:
        font.setPixelSize(round(font.pixelSize() * factor))
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    return font


def set_font(widget: QWidget, factor: float = 1.0, bold: bool = False) -> None:
    widget.setFont(relative_font(factor, bold))


def frame_style(widget: QWidget, cls: str, background: str = "alternate-base") -> None:
    """A rounded, palette-coloured frame with a visible focus ring. ``background`` is a
    palette role in Qt style-sheet spelling ("base", "alternate-base", "window")."""
    widget.setObjectName(cls.lower())
    sheet = FRAME_QSS.format(cls=cls, name=cls.lower(), background=background)
    if widget.styleSheet() != sheet:  # setting it sends a palette change: only when it differs
        widget.setStyleSheet(sheet)


def primary_button(button: QAbstractButton) -> None:
    """The one button a page leads to: accent colour, larger semibold text."""
    button.setObjectName("primary")
    button.setStyleSheet(PRIMARY_QSS)
    set_font(button, LARGE, bold=True)
    button.setMinimumHeight(em(button, 1.8))


def quiet_button(button: QAbstractButton, cls: str = "QPushButton") -> None:
    """A secondary action: text in the accent colour, no grey slab."""
    button.setStyleSheet(QUIET_QSS.format(cls=cls))


def is_language_change(event: QEvent) -> bool:
    return event.type() == QEvent.Type.LanguageChange


def em(widget: QWidget, factor: float = 1.0) -> int:
    """``factor`` times the widget's font height in pixels: spacing that scales with text."""
    return max(1, round(widget.fontMetrics().height() * factor))


# -- contrast (WCAG 2.x) -------------------------------------------------------------------

def luminance(colour: str) -> float:
    """Relative luminance of an sRGB colour "#RRGGBB"."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    rgb = QColor(colour)
    return (0.2126 * channel(rgb.red()) + 0.7152 * channel(rgb.green())
            + 0.0722 * channel(rgb.blue()))


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio, 1 to 21."""
    a, b = sorted((luminance(first), luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)
