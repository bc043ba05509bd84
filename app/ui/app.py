"""Starting the window: ``run_gui(lang)`` is what ``conncheck`` with no arguments calls.

Also installs the GUI's ``sys.excepthook``: an unexpected error shows a plain message with
"Copy details" instead of a traceback in a terminal nobody sees, writes the error (scrubbed of
personal data) to the crash log (app/crashlog.py) and says where, and the window stays open.
"""

from __future__ import annotations

import signal
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from app import APP_NAME, __version__, crashlog
from app.core import exit_codes
from app.i18n import SUPPORTED, system_language
from app.paths import MissingResource, resource
from app.session import Options
from app.ui import icons, language, style
from app.ui.main_window import MainWindow
from app.ui.settings import Settings

DESKTOP_ID = "org.conncheck.ConnectionCheck"


def application() -> QApplication:
    """The one QApplication (made here unless a test or the self-test made it already)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_ID)  # Wayland app id / taskbar grouping
    return app


def choose_language(lang: str | None, settings: Settings) -> str:
    """The command line wins, then what the user chose last time, then the system's."""
    for candidate in (lang, settings.language):
        if candidate in SUPPORTED:
            return candidate
    return system_language()


def check_resources() -> None:
    """Raise MissingResource now if an icon the window draws is missing: found half-way
    through building the window, it would leave a half-made window behind."""
    for name in icons.ICON_NAMES:
        resource("icons", f"{name}.svg")


def create_window(lang: str | None = None, options: Options | None = None,
                  settings: Settings | None = None) -> MainWindow:
    style.apply(application())  # our palette (light or dark, as the system is) and body font
    check_resources()
    settings = settings or Settings.load()
    language.set_language(choose_language(lang, settings))  # a missing translation raises here
    window = MainWindow(settings, options)
    install_excepthook(window)
    return window


def install_excepthook(window: MainWindow) -> None:
    """Unexpected errors in slots become the error dialog; never a traceback, never a crash."""
    showing = False

    def hook(kind: type[BaseException], value: BaseException,
             tb: TracebackType | None) -> None:
        nonlocal showing
        details = crashlog.scrub("".join(traceback.format_exception(kind, value, tb)))
        if issubclass(kind, KeyboardInterrupt) or showing:
            sys.__excepthook__(kind, value, tb)
            return
        showing = True
        try:
            log = crashlog.record("window", (kind, value, tb))
            dialog = window.show_error("ui.error.unexpected", details)
            dialog.set_log_path(log)
        except Exception:  # the dialog itself failed: fall back to stderr, keep running
            sys.__excepthook__(kind, value, tb)
        finally:
            showing = False

    sys.excepthook = hook


def run_gui(lang: str | None = None, options: Options | None = None) -> int:
    app = application()
    try:
        window = create_window(lang, options)
    except MissingResource as exc:  # a damaged install (an icon, a translation): say so plainly
        text = crashlog.missing_files_message(str(exc), lang)
        print(text, file=sys.stderr)
        if app.platformName() != "offscreen":  # nobody to click OK offscreen (tests, self-test)
            QMessageBox.critical(None, APP_NAME, text)
        return exit_codes.BROKEN_INSTALL
    window.show()
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl+C in the terminal still quits
    return app.exec()
