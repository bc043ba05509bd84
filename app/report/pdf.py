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


PAGE_MARGIN_MM = 15
RESOLUTION = 150


def pdf_writer(device: Any) -> Any:
    """A QPdfWriter on ``device``: A4, 15 mm margins, 150 dpi."""
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

    writer = QPdfWriter(device)
    writer.setCreator("Connection Check")
    writer.setResolution(RESOLUTION)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    margin = PAGE_MARGIN_MM
    writer.setPageMargins(QMarginsF(margin, margin, margin, margin), QPageLayout.Unit.Millimeter)
    return writer


def page_document(content: ReportContent, tr: Translator, writer: Any) -> Any:
    """The report as a QTextDocument laid out for ``writer``'s pages, as it will be printed.

    Lines wrap only between words (``WordWrap``): Qt's default also breaks inside a word when
    a table column is narrow («Проверк а», «dns_nxdo main»). The details table is narrow
    enough for A4 (five columns, ids in a small monospace, addresses that wrap after dots).
    """
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QFont, QTextDocument, QTextOption

    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)  # fonts measured at the PDF's dpi
    font = QFont("DejaVu Sans")
    font.setPointSizeF(10.0)
    document.setDefaultFont(font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    document.setDefaultTextOption(option)
    document.setHtml(render_html(content, tr, for_pdf=True))
    document.setPageSize(QSizeF(writer.width(), writer.height()))
    return document


def render_pdf(content: ReportContent, tr: Translator) -> bytes:
    """The report as PDF bytes (A4, 15 mm margins, as many pages as the text needs)."""
    try:
        _ensure_gui_application()
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    except ImportError as exc:
        raise PdfError(f"Qt is not available: {exc}") from exc

    data = QByteArray()
    buffer = QBuffer(data)
    if not buffer.open(QIODevice.OpenModeFlag.WriteOnly):
        raise PdfError("cannot open an in-memory buffer")
    writer = pdf_writer(buffer)
    writer.setTitle(f"{content.title} — {content.checked_at}")
    document = page_document(content, tr, writer)
    document.print_(writer)
    del writer  # finishes the PDF into the buffer
    buffer.close()
    pdf = bytes(data.data())
    if not pdf.startswith(b"%PDF"):
        raise PdfError("Qt produced no PDF")
    return pdf


def ensure_gui_application() -> None:
    """For tests that lay out a report page without writing a PDF."""
    _ensure_gui_application()
