"""PDF reports through Qt's own PDF writer (QPdfWriter + QTextDocument), no extra dependency.

Why Qt: PySide6-Essentials is already a dependency and its rich-text engine lays out the same
HTML as :mod:`app.report.html`, Cyrillic included. Qt is imported lazily, inside the
functions, so the CLI loads Qt only when somebody asks for a PDF. Without a running Qt
application (the CLI) one off-screen ``QApplication`` is made for fonts and layout.
"""

from __future__ import annotations

import os
from typing import Any

from app.i18n import Translator
from app.report.content import ReportContent
from app.report.html import render_html

_APP: Any = None  # the off-screen application made here, kept alive for later PDFs


class PdfError(RuntimeError):
    """Qt could not produce the PDF (no Qt, no usable platform plugin)."""


def _ensure_gui_application() -> None:
    """Fonts and text layout need a QGuiApplication; make an off-screen one if none runs."""
    global _APP
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication

    existing = QCoreApplication.instance()
    if isinstance(existing, QGuiApplication):
        return
    if existing is not None:
        raise PdfError("a non-graphical Qt application is running; PDF needs QGuiApplication")
    # A QApplication (not just a QGuiApplication), so that widgets can still be made later in
    # the same process (tests, the self-test); Qt allows only one application per process.
    from PySide6.QtWidgets import QApplication

    previous = os.environ.get("QT_QPA_PLATFORM")
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no window is shown: works without a display
    try:
        _APP = QApplication(["conncheck"])
    finally:
        if previous is None:
            os.environ.pop("QT_QPA_PLATFORM", None)
        else:
            os.environ["QT_QPA_PLATFORM"] = previous


def render_pdf(content: ReportContent, tr: Translator) -> bytes:
    """The report as PDF bytes (A4, 15 mm margins, as many pages as the text needs)."""
    try:
        _ensure_gui_application()
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
        from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument
    except ImportError as exc:
        raise PdfError(f"Qt is not available: {exc}") from exc

    data = QByteArray()
    buffer = QBuffer(data)
    if not buffer.open(QIODevice.OpenModeFlag.WriteOnly):
        raise PdfError("cannot open an in-memory buffer")
    writer = QPdfWriter(buffer)
    writer.setTitle(f"{content.title} — {content.checked_at}")
    writer.setCreator("Connection Check")
    writer.setResolution(150)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)

    document = QTextDocument()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(10.0)
    document.setDefaultFont(font)
    document.setHtml(render_html(content, tr, for_pdf=True))
    document.print_(writer)
    del writer  # finishes the PDF into the buffer
    buffer.close()
    pdf = bytes(data.data())
    if not pdf.startswith(b"%PDF"):
        raise PdfError("Qt produced no PDF")
    return pdf
