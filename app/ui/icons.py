"""SVG icons from resources/icons/, drawn sharp at any screen scale and in the palette's colours.

Monochrome icons are drawn in ``#000000`` (and ``#fffffe`` for cut-outs); they are recoloured
to the palette's text and window colours here, so they follow light and dark mode. Verdict
icons are drawn in the theme's status colours (app/ui/style.py, contrast-tested), and each
verdict also has its own shape (✓ circle, ! triangle, ✕ octagon, – square, ? dashed circle)
and a word next to it: colour is never the only signal.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.analysis.model import Verdict
from app.paths import resource
from app.ui import style

# The colours the verdict SVG files are drawn in, replaced by the theme's at render time.
_FILE_STATUS = {"#1e7b3c": Verdict.WORKS, "#a35c00": Verdict.DEGRADED, "#b3261e": Verdict.BLOCKED}

ICON_NAMES: tuple[str, ...] = (
    "app", "info", "feature-calls", "feature-messages", "feature-maps", "feature-network",
    *(f"verdict-{v.value}" for v in Verdict),
)


def svg_text(name: str) -> str:
    """The SVG source. Raises FileNotFoundError naming the file when it is missing."""
    return resource("icons", f"{name}.svg").read_text(encoding="utf-8")


def _renderer(name: str, palette: QPalette | None) -> QSvgRenderer:
    text = svg_text(name)
    pal = palette or QGuiApplication.palette()
    if name.startswith("verdict-"):
        theme = style.colors(pal)
        for colour, verdict in _FILE_STATUS.items():
            text = text.replace(colour, theme.status(verdict))
        text = text.replace("#ffffff", theme.on_status)
        text = text.replace("#000000", theme.unclear)
    text = text.replace("#000000", pal.color(QPalette.ColorRole.WindowText).name())
    text = text.replace("#fffffe", pal.color(QPalette.ColorRole.Window).name())
    renderer = QSvgRenderer(QByteArray(text.encode("utf-8")))
    if not renderer.isValid():
        raise ValueError(f"icon {name}.svg is not a valid SVG")
    return renderer


def pixmap(name: str, logical_size: int, dpr: float = 1.0,
           palette: QPalette | None = None) -> QPixmap:
    """A square pixmap of ``logical_size`` device-independent pixels, sharp at ``dpr``."""
    side = max(1, round(logical_size * dpr))
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(Qt.GlobalColor.transparent))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    _renderer(name, palette).render(painter, QRectF(0, 0, side, side))
    painter.end()
    result = QPixmap.fromImage(image)
    result.setDevicePixelRatio(dpr)
    return result


def icon(name: str, palette: QPalette | None = None) -> QIcon:
    """A QIcon with sizes from 16 to 256 px, so window managers and docks pick a sharp one."""
    result = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        result.addPixmap(pixmap(name, size, 1.0, palette))
    return result


def verdict_icon_name(verdict: Verdict) -> str:
    return f"verdict-{verdict.value}"
