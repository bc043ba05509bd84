"""The first page: what the app does, the honest notice (until the first check), and one
large accent button. Enter starts the check from anywhere on the page. The language is
chosen in one place only: the menu bar's «Язык · Language», named in both languages."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import Catalog
from app.knowledge.names import term
from app.ui import icons, language, style
from app.ui.widgets.buttons import EnterButton
from app.ui.widgets.notice import Notice


class WelcomePage(QWidget):
    start = Signal()

    def __init__(self, catalog: Catalog | None, show_notice: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self._status_key = ""  # e.g. "ui.welcome.cancelled" after a cancelled run
        self.logo = QLabel()
        self.logo.setPixmap(icons.pixmap("app", style.em(self, 3.0), self.devicePixelRatioF()))
        self.title = QLabel()
        style.set_font(self.title, style.TITLE, bold=True)
        self.title.setWordWrap(True)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        style.set_font(self.intro, style.LARGE)
        self.notice = Notice(catalog)
        self.notice.setVisible(show_notice)
        self.button = EnterButton()
        style.primary_button(self.button)
        style.set_font(self.button, style.ANSWER, bold=True)
        self.button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.button.setMinimumHeight(style.em(self.button, 2.4))
        self.button.clicked.connect(self.start.emit)
        self.status = QLabel()
        self.status.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setSpacing(style.em(self, 0.8))
        heading = QHBoxLayout()
        heading.addWidget(self.logo)
        heading.addWidget(self.title, 1)
        layout.addLayout(heading)
        layout.addWidget(self.intro)
        layout.addWidget(self.notice)
        layout.addStretch(1)
        layout.addWidget(self.status)
        layout.addWidget(self.button)

        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._enter)
        self.retranslate()

    def _enter(self) -> None:
        if self.button.isEnabled():
            self.button.click()

    def set_catalog(self, catalog: Catalog | None) -> None:
        self.catalog = catalog
        self.notice.set_catalog(catalog)
        self.retranslate()

    def set_notice_visible(self, visible: bool) -> None:
        self.notice.setVisible(visible)

    def set_status(self, key: str) -> None:
        """A line above the button: "" for none, else a ui key (e.g. the check was cancelled)."""
        self._status_key = key
        self.retranslate()

    def retranslate(self) -> None:
        tr = language.current()
        self.title.setText(term("app_name", tr))
        intro = tr.gettext("ui.welcome.intro")
        if self.catalog is not None:
            seconds = int(self.catalog.deadline_s)
            intro += " " + tr.nformat("ui.welcome.duration", "ui.welcome.duration.plural",
                                      seconds)
        self.intro.setText(intro)
        self.button.setText(term("check_button", tr))
        self.button.setAccessibleName(term("check_button", tr))
        self.button.setAccessibleDescription(tr.gettext("ui.welcome.button.description"))
        self.status.setText(tr.gettext(self._status_key) if self._status_key else "")
        self.status.setVisible(bool(self._status_key))
        self.intro.setAccessibleName(term("app_name", tr))
        self.intro.setAccessibleDescription(intro)

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        super().changeEvent(event)
