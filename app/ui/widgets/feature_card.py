"""One feature's answer, first: icon AND a whole sentence («Звонки в WhatsApp и Telegram
заблокированы»), each service's agreement-free label («WhatsApp — блокировка»), the ONE most
useful action, and — behind "More", only when there is something to do — the explanation and
every workaround. Words come from app/knowledge; this only lays out."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.analysis.model import Diagnosis, FeatureResult, ServiceResult, Verdict
from app.core.catalog import Restriction
from app.knowledge.explain import Explanation, explain_feature
from app.knowledge.names import feature_name, service_name, status_label, term
from app.knowledge.workarounds import COMMON
from app.ui import icons, language, style
from app.ui.widgets import rich
from app.ui.widgets.buttons import EnterButton

ICON_EM = 1.5  # verdict icon size, in multiples of the text height (about 26 px at 11 pt)
NBSP = "\u00a0"


def _nowrap(text: str) -> str:
    """Escaped, with non-breaking spaces: «Яндекс Карты» never splits across lines."""
    return escape(text).replace(" ", NBSP)


class FeatureCard(QFrame):
    """Click anywhere, or press Enter/Space on its "More" button, to open or close it."""

    opened = Signal(bool)

    def __init__(self, feature: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.feature = feature
        self._result: FeatureResult | None = None
        self._diagnosis: Diagnosis | None = None
        self._restrictions: tuple[Restriction, ...] = ()
        self._quiet = False  # the network's own steps replace the card's action
        self.explanation: Explanation | None = None
        style.frame_style(self, "FeatureCard")

        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title = QLabel()  # the verdict as a whole sentence
        style.set_font(self.title, style.HEADING, bold=True)
        self.title.setWordWrap(True)
        self.services = QLabel()  # «WhatsApp — блокировка · Telegram — в порядке»
        self.services.setWordWrap(True)
        self.services.setTextFormat(Qt.TextFormat.RichText)
        self.action = QLabel()  # → the one most useful thing to do
        self.action.setWordWrap(True)
        self.toggle = EnterButton()
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._set_open)
        self.toggle.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        style.quiet_button(self.toggle)
        self.more = QLabel()
        self.more.setWordWrap(True)
        self.more.setTextFormat(Qt.TextFormat.RichText)
        self.more.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.more.setVisible(False)

        self.action_row = QWidget()  # hidden whole when there is nothing to do
        action_row = QHBoxLayout(self.action_row)
        action_row.setContentsMargins(0, 0, 0, 0)
        action_row.addWidget(self.action, 1)
        action_row.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignBottom)
        text = QVBoxLayout()
        text.setSpacing(style.em(self, style.LINE_GAP_EM))
        text.addWidget(self.title)
        text.addWidget(self.services)
        text.addWidget(self.action_row)
        text.addWidget(self.more)
        row = QHBoxLayout(self)
        pad = style.em(self, style.CARD_PADDING_EM)
        row.setContentsMargins(pad, round(pad * 0.75), pad, round(pad * 0.75))
        row.setSpacing(pad)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the toggle button takes the focus
        self.retranslate()

    # -- content --------------------------------------------------------------------------
    def show_result(self, result: FeatureResult, diagnosis: Diagnosis,
                    restrictions: tuple[Restriction, ...] = (), quiet: bool = False) -> None:
        """``quiet``: the connection itself is the answer (no internet, a login page, only
        some sites); its own steps are shown once, so the card shows no action of its own."""
        self._result, self._diagnosis, self._restrictions = result, diagnosis, restrictions
        self._quiet = quiet
        self.toggle.setChecked(False)
        self.retranslate()

    def verdict_text(self) -> str:
        """The sentence the card leads with («Карты работают»)."""
        return self.title.text()

    def is_open(self) -> bool:
        return self.toggle.isChecked()

    def has_more(self) -> bool:
        return self.toggle.isVisibleTo(self)

    def shown_services(self, result: FeatureResult, e: Explanation) -> list[ServiceResult]:
        """The services whose label adds to the sentence (each fact once): not those the
        sentence already names with their verdict («Звонки в WhatsApp и Telegram
        заблокированы» leaves «Signal — в порядке»), none when every one is "no internet"
        («Без интернета звонки не работают» says it of each), none for one service that works.
        """
        verdicts = {Verdict(s.verdict) for s in result.services}
        if verdicts == {Verdict.UNAVAILABLE}:
            return []
        if len(result.services) == 1 and verdicts == {Verdict.WORKS}:
            return []
        tr = language.current()
        title_verdict = Verdict(e.title_verdict or result.verdict)
        return [s for s in result.services
                if not (Verdict(s.verdict) == title_verdict
                        and service_name(s.service, tr) in e.title)]

    def _services_html(self, services: list[ServiceResult]) -> str:
        """«Яндекс Карты, 2ГИС — в порядке · Google Карты — блокировка»: each status said
        once, after the services that have it; a name, and the last name with its dash and
        status, never split across lines (a line breaks only after a comma or a dot)."""
        tr = language.current()
        theme = style.colors(self.palette())
        groups: dict[Verdict, list[str]] = {}
        for s in services:
            groups.setdefault(Verdict(s.verdict), []).append(_nowrap(service_name(s.service, tr)))
        parts = []
        for verdict, names in groups.items():
            colour = theme.status(verdict) if verdict != Verdict.WORKS else theme.secondary
            parts.append(f"{', '.join(names)}{NBSP}—{NBSP}"
                         f"<span style='color:{colour}'>{_nowrap(status_label(verdict, tr))}"
                         "</span>")
        return f"<span style='color:{theme.secondary}'>" + " · ".join(parts) + "</span>"

    def retranslate(self) -> None:
        tr = language.current()
        name = feature_name(self.feature, tr)
        result, diagnosis = self._result, self._diagnosis
        if result is None or diagnosis is None:
            self.title.setText(name)
            self.services.setText("")
            self.action.setText("")
            self.more.setText("")
            self.toggle.setVisible(False)
            self.action_row.setVisible(False)
            return
        e = explain_feature(result, diagnosis, tr, self._restrictions)
        self.explanation = e
        shown = Verdict(e.title_verdict or result.verdict)
        self.icon.setPixmap(icons.pixmap(icons.verdict_icon_name(shown),
                                         style.em(self, ICON_EM), self.devicePixelRatioF(),
                                         self.palette()))
        word = status_label(shown, tr)
        self.icon.setAccessibleName(word)
        self.title.setText(e.title)
        labelled = self.shown_services(result, e)
        self.services.setText(self._services_html(labelled))
        self.services.setAccessibleName(" · ".join(e.service_labels))  # all, for a reader
        self.services.setVisible(bool(labelled))
        primary = None if self._quiet else e.primary
        self.action.setText(f"→ {primary.title}" if primary else "")
        self.action.setVisible(primary is not None)
        self.action.setAccessibleName(tr.gettext("ui.results.action.name"))
        self.action.setAccessibleDescription(primary.title if primary else "")

        # "More": the explanation and every workaround, except the steps for everything
        # (said once under all the cards) — and only when there is something to do.
        own = tuple(w for w in e.workarounds if w.key not in COMMON)
        html = rich.paragraph(e.body)
        html += rich.workarounds(own, term("what_you_can_do", tr))
        if e.support_line:
            html += rich.paragraph(e.support_line)
        self.more.setText(html)
        has_more = Verdict(result.verdict) != Verdict.WORKS and not self._quiet and bool(own)
        self.toggle.setVisible(has_more)
        self.action_row.setVisible(has_more or primary is not None)
        if not has_more and self.is_open():
            self.toggle.setChecked(False)
        self.toggle.setText(self._toggle_text())
        self.setAccessibleName(f"{name}: {word}")
        self.setAccessibleDescription(e.title)
        self.toggle.setAccessibleName(tr.format("ui.card.toggle.name", feature=name))
        self.toggle.setAccessibleDescription(tr.gettext(
            "ui.card.toggle.opened" if self.is_open() else "ui.card.toggle.closed"))
        self.more.setAccessibleName(tr.format("ui.card.more.name", feature=name))
        self.more.setAccessibleDescription(e.body + "\n" + rich.plain_workarounds(own))

    # -- opening --------------------------------------------------------------------------
    def _set_open(self, opened: bool) -> None:
        self.more.setVisible(opened)
        self.toggle.setText(self._toggle_text())
        self.toggle.setAccessibleDescription(language.tr(
            "ui.card.toggle.opened" if opened else "ui.card.toggle.closed"))
        self.opened.emit(opened)

    def _toggle_text(self) -> str:
        tr = language.current()
        if self.is_open():
            return f"{tr.gettext('ui.results.less')} ▴"
        return f"{tr.gettext('ui.results.more')} ▾"

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if (event.button() == Qt.MouseButton.LeftButton and self._result is not None
                and self.has_more()):
            self.toggle.toggle()
            self.toggle.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) \
                and self.has_more():
            self.toggle.toggle()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if style.is_language_change(event):
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange and self._result is not None:
            self.retranslate()  # redraw the icons in the new palette's colours
        super().changeEvent(event)
