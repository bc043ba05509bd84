"""The window: four pages in a stack, the menus, and the run's life cycle.

It presents and routes; texts come from app/knowledge and the ui.* keys, verdicts from
app/analysis, measurements from the engine thread behind app/ui/bridge.py.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QStackedWidget, QWidget
from shiboken6 import isValid

from app import crashlog
from app.catalog.update import Status, UpdateResult
from app.core.catalog import Catalog
from app.knowledge.names import term
from app.session import Options, Outcome, SessionError, prepare
from app.ui import icons, language, style, support_actions
from app.ui.bridge import EngineBridge, RunFailure
from app.ui.dialogs.error_dialog import ErrorDialog
from app.ui.dialogs.notice_dialog import NoticeDialog
from app.ui.language import LANGUAGE_NAMES
from app.ui.models.checks_model import rows_for
from app.ui.pages.checking import CheckingPage
from app.ui.pages.details import DetailsPage
from app.ui.pages.results import ResultsPage
from app.ui.pages.welcome import WelcomePage
from app.ui.settings import Settings
from app.ui.update_thread import CatalogUpdater
from app.ui.widgets.notice import Notice

CLOSE_WAIT_S = 3.0  # closing during a run: how long to wait for the engine thread


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings, options: Options | None = None,
                 parent: QWidget | None = None) -> None:
        """``options``: what to check (the command line's ``--catalog``, ``--only``,
        ``--turn``, ``--echo-peer``, ``--calls-long``, ``--deadline``), as for the terminal."""
        super().__init__(parent)
        self.settings = settings
        self.options = options or Options()
        self.catalog: Catalog | None = None
        self.catalog_problem: str | None = None
        self.record: Outcome | None = None
        self.dialogs: list[QWidget] = []  # open dialogs, kept alive and findable by tests
        self._cancelling = False
        self._load_catalog()

        self.bridge = EngineBridge(self)
        self.bridge.progress.connect(self._on_progress)
        self.bridge.verdict.connect(self._on_verdict)
        self.bridge.finished.connect(self._on_finished)
        self.bridge.failed.connect(self._on_failed)
        self.updater = CatalogUpdater(self)
        self.updater.done.connect(self._on_catalog_update)

        self.welcome = WelcomePage(self.catalog, show_notice=not settings.notice_seen)
        self.checking = CheckingPage()
        self.results = ResultsPage()
        self.details = DetailsPage()
        self.stack = QStackedWidget()
        for page in (self.welcome, self.checking, self.results, self.details):
            self.stack.addWidget(page)
        self.setCentralWidget(self.stack)
        margin = style.em(self, 1.0)
        self.stack.setContentsMargins(margin, margin // 2, margin, margin // 2)

        self.welcome.start.connect(self.start_check)
        self._connect_notice(self.welcome.notice)
        self.checking.cancel.connect(self.cancel_check)
        self.results.again.connect(self.start_check)
        self.results.details.connect(self.show_details)
        self.results.copy_report.connect(self.copy_report)
        self.results.save_report.connect(self.save_report)
        self.results.show_code.connect(self.show_code)
        self.results.history.connect(self.show_history)
        self.details.back.connect(lambda: self._show_page(self.results))

        self._build_menus()
        self.setWindowIcon(icons.icon("app"))
        if settings.width > 0 and settings.height > 0:
            self.resize(settings.width, settings.height)
        else:
            self.resize(self._first_size())
        self.retranslate()
        self._show_page(self.welcome)
        if self.catalog_problem is not None:
            QTimer.singleShot(0, self._show_catalog_problem)
        if settings.keep_catalog_updated:
            QTimer.singleShot(0, self.update_catalog)

    def _first_size(self) -> QSize:
        """Roomy enough for the cards at the user's font size, never larger than the screen."""
        wanted = QSize(style.em(self, 52), style.em(self, 44))
        screen = self.screen()
        if screen is not None:
            room = screen.availableGeometry().size() * 0.9
            wanted = wanted.boundedTo(room)
        return wanted

    # -- catalog --------------------------------------------------------------------------
    def _load_catalog(self) -> None:
        try:
            self.catalog = prepare(self.options)
            self.catalog_problem = None
        except (SessionError, FileNotFoundError) as exc:  # FileNotFoundError: a damaged install
            self.catalog, self.catalog_problem = None, str(exc)
        except Exception:  # a loader bug: still a message with details, never a crash
            self.catalog, self.catalog_problem = None, traceback.format_exc()

    # -- catalog updates (docs/catalog.md "Updates"): only when the person agreed ---------
    def _connect_notice(self, notice: Notice) -> None:
        notice.set_keep_updated(self.settings.keep_catalog_updated)
        notice.keep_updated_changed.connect(self._set_keep_updated)

    def _notices(self) -> list[Notice]:
        return [self.welcome.notice, *(d.notice for d in self.dialogs
                                       if isinstance(d, NoticeDialog))]

    def _set_keep_updated(self, on: bool) -> None:
        self.settings.keep_catalog_updated = on
        self.settings.save()
        for notice in self._notices():
            notice.set_keep_updated(on)
        if on:
            self.update_catalog()

    def update_catalog(self) -> None:
        """Fetch a newer list of services on its own thread (never the GUI thread)."""
        if self.settings.keep_catalog_updated and not self.options.no_update:
            self.updater.start(self.options)

    def _on_catalog_update(self, result: UpdateResult) -> None:
        line = language.current().format(f"cli.update.{result.status.value}",
                                         version=result.version)
        for notice in self._notices():
            notice.set_update_line(line)
        if result.status == Status.UPDATED and not self.bridge.is_running():
            self._load_catalog()
            self.welcome.set_catalog(self.catalog)

    def _show_catalog_problem(self) -> None:
        if self.catalog_problem is not None:
            self.show_error("ui.error.catalog", self.catalog_problem)

    # -- menus ----------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.check_menu = bar.addMenu("")
        self.start_action = QAction(self)
        self.start_action.setShortcut(QKeySequence("Ctrl+R"))
        self.start_action.triggered.connect(self.start_check)
        self.details_action = QAction(self)
        self.details_action.triggered.connect(self.show_details)
        self.details_action.setEnabled(False)
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.check_menu.addAction(self.start_action)
        self.check_menu.addAction(self.details_action)
        self.check_menu.addSeparator()
        self.check_menu.addAction(self.quit_action)

        self.language_menu = bar.addMenu("")
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGE_NAMES.items():
            action = QAction(name, self, checkable=True)
            action.setChecked(code == language.current().lang)
            action.triggered.connect(lambda _=False, c=code: self.set_language(c))
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action

        self.help_menu = bar.addMenu("")
        self.notice_action = QAction(self)
        self.notice_action.triggered.connect(self.show_notice)
        self.help_menu.addAction(self.notice_action)
        self.guided_action = QAction(self)
        self.guided_action.triggered.connect(self.show_guided)
        self.guided_action.setEnabled(False)
        self.decode_action = QAction(self)
        self.decode_action.triggered.connect(self.show_decode)
        self.history_action = QAction(self)
        self.history_action.triggered.connect(self.show_history)
        self.help_menu.addSeparator()
        self.help_menu.addActions([self.guided_action, self.decode_action, self.history_action])

    # -- language -------------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        if lang == language.current().lang:
            return
        language.set_language(lang)  # sends LanguageChange to every widget
        self.settings.language = lang
        self.settings.save()
        for code, action in self.language_actions.items():
            action.setChecked(code == lang)

    def retranslate(self) -> None:
        tr = language.current()
        self.setWindowTitle(term("app_name", tr))
        self.check_menu.setTitle(tr.gettext("ui.menu.check"))
        self.start_action.setText(term("check_button", tr))
        self.details_action.setText(term("details", tr))
        self.quit_action.setText(tr.gettext("ui.menu.quit"))
        self.language_menu.setTitle(tr.gettext("ui.menu.language"))
        self.help_menu.setTitle(tr.gettext("ui.menu.help"))
        self.notice_action.setText(tr.gettext("ui.menu.notice"))
        self.guided_action.setText(tr.gettext("support.guided.menu"))
        self.decode_action.setText(tr.gettext("support.decode.menu"))
        self.history_action.setText(tr.gettext("support.history.menu"))
        self.setAccessibleName(term("app_name", tr))
        self.setAccessibleDescription(tr.gettext("ui.welcome.intro"))
        self.stack.setAccessibleName(term("app_name", tr))
        self.stack.setAccessibleDescription(tr.gettext("ui.welcome.intro"))
        self.menuBar().setAccessibleName(tr.gettext("ui.menu.name"))
        self.menuBar().setAccessibleDescription(tr.gettext("ui.menu.description"))

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    # -- pages ----------------------------------------------------------------------------
    def _show_page(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)
        target: QWidget = page
        if page is self.welcome:
            target = self.welcome.button
        elif page is self.checking:
            target = self.checking.button
        elif page is self.results:
            target = self.results.first_focus()
        elif page is self.details:
            target = self.details.table
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def current_page(self) -> QWidget | None:
        return self.stack.currentWidget()

    # -- the run --------------------------------------------------------------------------
    def start_check(self) -> None:
        if self.bridge.is_running():
            return
        if self.catalog is None:
            self._load_catalog()
            self.welcome.set_catalog(self.catalog)
        if self.catalog is None:
            self._show_catalog_problem()
            return
        if not self.settings.notice_seen:
            self.settings.notice_seen = True
            self.settings.save()
        self.welcome.set_notice_visible(False)
        self.welcome.set_status("")
        self._cancelling = False
        try:
            self.bridge.start(self.catalog, self.options)
        except Exception as exc:  # the engine could not even be built (e.g. a CA file)
            self.show_error("ui.error.engine", f"{type(exc).__name__}: {exc}")
            return
        self.checking.begin(self.catalog)
        self.start_action.setEnabled(False)
        self._show_page(self.checking)

    def cancel_check(self) -> None:
        self._cancelling = True
        self.bridge.cancel()

    def _on_progress(self, number: int, event: object) -> None:
        if number == self.bridge.run_number and not self._cancelling:
            self.checking.on_event(event)  # type: ignore[arg-type]

    def _on_verdict(self, number: int, decided: object) -> None:
        if number == self.bridge.run_number and not self._cancelling:
            self.checking.on_verdict(decided)  # type: ignore[arg-type]

    def _run_over(self) -> None:
        self.checking.end()
        self.start_action.setEnabled(True)

    def _on_finished(self, number: int, outcome: Outcome) -> None:
        if number != self.bridge.run_number:
            return
        self._run_over()
        if self._cancelling:
            self._cancelling = False
            self.welcome.set_status("ui.welcome.cancelled")
            self._show_page(self.welcome)
            return
        self.record = outcome
        self.results.show_record(outcome)
        self.details.set_rows(rows_for(outcome.run.observations, outcome.catalog))
        self.details_action.setEnabled(True)
        self.guided_action.setEnabled(True)
        since = support_actions.remember_run(self.record, language.current())
        if since:
            self.results.set_status(since)
        self._show_page(self.results)

    def _on_failed(self, number: int, failure: RunFailure) -> None:
        if number != self.bridge.run_number:
            return
        self._run_over()
        self._cancelling = False
        self.welcome.set_status("")
        self._show_page(self.welcome)
        dialog = self.show_error("ui.error.engine", failure.summary + "\n\n" + failure.details)
        dialog.set_log_path(crashlog.record("engine thread", message=failure.details))

    # -- support actions ------------------------------------------------------------------
    def show_details(self) -> None:
        if self.record is not None:
            self._show_page(self.details)

    def copy_report(self) -> None:
        if self.record is None:
            return
        text = support_actions.report_text(self.record, language.current())
        QGuiApplication.clipboard().setText(text)
        self.results.set_status(language.tr("ui.results.copied"))

    def save_report(self) -> None:
        if self.record is None:
            return
        tr = language.current()
        path, _ = QFileDialog.getSaveFileName(
            self, tr.gettext("ui.save.title"), support_actions.default_file_name(self.record),
            support_actions.save_filters(tr))
        if not path:
            return
        problem = support_actions.save_report(Path(path), self.record, tr)
        if problem is None:
            self.results.set_status(tr.format("ui.results.saved", path=path))
        else:
            self.show_error(problem.message_key, problem.detail)

    def show_code(self) -> None:
        """The code first, then the numbered lines a helper asks for (guided mode)."""
        self.show_guided()

    def show_guided(self) -> None:
        if self.record is None:
            return
        code = self.record.code
        if code is None:
            return
        from app.ui.support.guided_dialog import GuidedDialog

        self._open(GuidedDialog(self.record.diagnosis, code, self))

    def show_decode(self) -> None:
        from app.ui.support.decode_dialog import DecodeDialog

        self._open(DecodeDialog(self))

    def show_history(self) -> None:
        from app.ui.support.history_view import HistoryDialog

        self._open(HistoryDialog(parent=self))

    def show_notice(self) -> None:
        dialog = NoticeDialog(self.catalog, self)
        self._connect_notice(dialog.notice)
        self._open(dialog)

    def show_error(self, message_key: str, details: str) -> ErrorDialog:
        dialog = ErrorDialog(message_key, details, self)
        self._open(dialog)
        return dialog

    def _open(self, dialog: QWidget) -> None:
        self.dialogs = [d for d in self.dialogs if isValid(d) and d.isVisible()]
        self.dialogs.append(dialog)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # type: ignore[attr-defined]

    # -- closing --------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Cancel a running check and wait (bounded) for the engine thread; remember size."""
        if self.bridge.is_running():
            self._cancelling = True
            self.bridge.cancel()
            self.bridge.wait(CLOSE_WAIT_S)
        self.checking.end()
        self.settings.width, self.settings.height = self.width(), self.height()
        self.settings.language = language.current().lang
        self.settings.save()
        super().closeEvent(event)
