"""The window's current language, and switching it at run time without a restart.

Every text on screen comes from one ``app.i18n.Translator`` (the knowledge base's domain
plus the window's own ``ui.*`` keys). Qt's own texts (standard dialog buttons, context
menus) come from ``qtbase_<lang>.qm``. Switching swaps both, then sends ``LanguageChange`` to
every widget; each widget re-reads its texts in ``retranslate()``.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QTranslator
from PySide6.QtWidgets import QApplication

from app.i18n import SUPPORTED, Translator, system_language, translator

# Native names: a person who cannot read the current language still finds their own.
LANGUAGE_NAMES: dict[str, str] = {"ru": "Русский", "en": "English"}

_current: Translator | None = None
_qt_translator: QTranslator | None = None


def current() -> Translator:
    """The translator every widget reads its texts from."""
    global _current
    if _current is None:
        _current = translator(system_language())
    return _current


def tr(key: str) -> str:
    return current().gettext(key)


def qt_translations_dir() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def load_qt_translator(lang: str) -> QTranslator | None:
    """Qt's own texts for ``lang``; None for English (Qt's built-in language)."""
    if lang == "en":
        return None
    qt = QTranslator()
    if not qt.load(f"qtbase_{lang}", str(qt_translations_dir())):
        return None
    return qt


def set_language(lang: str) -> Translator:
    """Switch every text now. Unknown languages fall back to the system's choice."""
    global _current, _qt_translator
    if lang not in SUPPORTED:
        lang = system_language()
    _current = translator(lang)
    app = QCoreApplication.instance()
    if app is None:
        return _current
    if _qt_translator is not None:
        QCoreApplication.removeTranslator(_qt_translator)
    _qt_translator = load_qt_translator(lang)
    if _qt_translator is not None:
        QCoreApplication.installTranslator(_qt_translator)
    # Qt posts LanguageChange only when a translator was added or removed; send it ourselves so
    # every widget is re-read now, whatever Qt had to swap.
    if isinstance(app, QApplication):
        for widget in QApplication.allWidgets():
            if shiboken6.isValid(widget):
                QCoreApplication.sendEvent(widget, QEvent(QEvent.Type.LanguageChange))
    return _current
