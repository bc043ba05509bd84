"""Every page of the window in a known state, without a network: what ``--self-test`` draws (a
frozen build must draw each page in both languages); ``make screenshots`` (tools/) saves them.

The diagnosis here is synthetic on purpose — it shows a typical Russian mobile network today
(calls blocked in WhatsApp and Telegram, messages slow, maps fine) so every kind of card,
icon and workaround list gets drawn. It is never shown to a user as a result.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html import unescape

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QTableView,
    QTextEdit,
    QWidget,
)

from app.analysis.model import (
    Cause,
    CauseId,
    Diagnosis,
    FeatureResult,
    NetworkResult,
    NetworkStatus,
    ServiceResult,
    Verdict,
)
from app.core import failures
from app.core.catalog import Catalog
from app.core.events import CheckFinished, CheckStarted
from app.core.model import Observation, Phase, Role
from app.core.run import RunResult
from app.core.system import InterfaceSnapshot
from app.session import Outcome, check_code
from app.ui.dialogs.error_dialog import ErrorDialog
from app.ui.main_window import MainWindow
from app.ui.models.checks_model import rows_for

PAGES: tuple[str, ...] = ("welcome", "checking", "results", "results-open", "results-network",
                          "details", "error")


def synthetic_diagnosis(network: NetworkStatus = NetworkStatus.ONLINE) -> Diagnosis:
    calls = FeatureResult("calls", Verdict.DEGRADED, (Cause(CauseId.UDP_BLOCKED),), (
        ServiceResult("WhatsApp", Verdict.BLOCKED, (Cause(CauseId.UDP_BLOCKED),)),
        ServiceResult("Telegram", Verdict.BLOCKED, (Cause(CauseId.UDP_BLOCKED),)),
        ServiceResult("Signal", Verdict.WORKS),
    ))
    messages = FeatureResult("messages", Verdict.DEGRADED, (Cause(CauseId.THROTTLED),), (
        ServiceResult("WhatsApp", Verdict.DEGRADED, (Cause(CauseId.THROTTLED),)),
        ServiceResult("Telegram", Verdict.WORKS),
        ServiceResult("Signal", Verdict.WORKS),
    ))
    maps = FeatureResult("maps", Verdict.WORKS, (), (
        ServiceResult("Yandex Maps", Verdict.WORKS),
        ServiceResult("2GIS", Verdict.WORKS),
        ServiceResult("Google Maps", Verdict.WORKS),
    ))
    causes = (Cause(CauseId.WHITELIST_ONLY),) if network == NetworkStatus.WHITELIST_ONLY else ()
    return Diagnosis(NetworkResult(network, causes), (calls, messages, maps), "showcase", "1",
                     dt.date(2026, 3, 1))


def synthetic_run(catalog: Catalog) -> RunResult:
    """One made-up observation per catalog entry (every fifth one failing), for Details."""
    observations = []
    for n, check in enumerate(catalog.checks):
        ok = n % 5 != 2
        observations.append(Observation(
            check_id=check.id, service=check.service, feature=check.feature,
            kind=check.kind, role=check.role, target=check.target, ok=ok,
            failure=None if ok else failures.GENERIC_TIMEOUT, phase=Phase.TLS if ok else Phase.TCP,
            duration_ms=40 + 13 * n, timings_ms={"dns": 5.0, "tcp": 20.0 + n},
            failure_detail=None if ok else "no answer within 6 s",
        ))
    return RunResult(tuple(observations), dt.datetime(2026, 3, 1, 12, 0).astimezone(), 12.3,
                     InterfaceSnapshot(()))


def _outcome(run: RunResult, diagnosis: Diagnosis, catalog: Catalog) -> Outcome:
    return Outcome(run, catalog, diagnosis, check_code(diagnosis))


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _grab_image(widget: QWidget) -> QImage:
    _settle()
    return widget.grab().toImage()


def show_checking(window: MainWindow, catalog: Catalog) -> None:
    """The checking page part-way: the network done, a third of the rest finished."""
    page = window.checking
    page.begin(catalog, elapsed_s=9.0)
    page.timer.stop()  # a still picture: no live clock
    done = 0
    for n, check in enumerate(catalog.checks):
        page.on_event(CheckStarted(check, len(catalog.checks)))
        if check.role != Role.SERVICE or n % 3 == 0:
            done += 1
            obs = synthetic_run(Catalog(catalog.path, "", "", "", (check,))).observations[0]
            page.on_event(CheckFinished(check, obs, done, len(catalog.checks)))
    page.refresh()
    window.stack.setCurrentWidget(page)


PageHook = Callable[[str, QWidget], None]


def render_pages(window: MainWindow, catalog: Catalog,
                 network: NetworkStatus = NetworkStatus.ONLINE,
                 on_page: PageHook | None = None) -> dict[str, QImage]:
    """Draw every page (and the error dialog) in the current language; returns the images.
    ``on_page(name, widget)`` is called with each page as it is drawn (e.g. to read its
    texts)."""
    images: dict[str, QImage] = {}

    def _grab(widget: QWidget, name: str = "") -> QImage:
        image = _grab_image(widget)
        if on_page is not None and name:
            on_page(name, widget)
        return image

    window.welcome.set_notice_visible(True)
    window.stack.setCurrentWidget(window.welcome)
    images["welcome"] = _grab(window, "welcome")

    show_checking(window, catalog)
    images["checking"] = _grab(window, "checking")
    window.checking.end()

    record = _outcome(synthetic_run(catalog), synthetic_diagnosis(network), catalog)
    window.record = record
    window.results.show_record(record)
    window.details.set_rows(rows_for(record.run.observations, catalog))
    window.stack.setCurrentWidget(window.results)
    images["results"] = _grab(window, "results")
    window.results.cards["calls"].toggle.setChecked(True)
    images["results-open"] = _grab(window, "results-open")
    window.results.cards["calls"].toggle.setChecked(False)

    # the banner: mobile internet that lets only some Russian sites through
    limited = _outcome(record.run, synthetic_diagnosis(NetworkStatus.WHITELIST_ONLY), catalog)
    window.results.show_record(limited)
    images["results-network"] = _grab(window, "results-network")
    window.results.show_record(record)

    window.stack.setCurrentWidget(window.details)
    images["details"] = _grab(window, "details")

    dialog = ErrorDialog("ui.error.catalog",
                         "catalog default.toml: entry 'x' (check #3): port must be 1-65535",
                         window)
    dialog.show()
    images["error"] = _grab(dialog, "error")
    dialog.close()
    shiboken6.delete(dialog)  # now, not later: no half-dead dialog may get LanguageChange
    window.stack.setCurrentWidget(window.welcome)
    return images


def image_problem(image: QImage) -> str | None:
    """Why an image is not a real drawing (empty, or one flat colour), or None."""
    if image.isNull() or image.width() < 50 or image.height() < 50:
        return "empty image"
    first = image.pixel(0, 0)
    step_x, step_y = max(1, image.width() // 40), max(1, image.height() // 40)
    for y in range(0, image.height(), step_y):
        for x in range(0, image.width(), step_x):
            if image.pixel(x, y) != first:
                return None
    return "a blank, single-colour image"



# -- what a page says, for the check that no English is left in a Russian rendering ----------

_TAGS = re.compile(r"<[^>]+>")
# Details' columns of raw data: the target (a URL or host:port), the failure id, the
# system's own error text (as the operating system wrote it)
_RAW_COLUMNS = ("ui.details.col.target", "ui.details.col.failure", "ui.details.col.detail")


def _plain(text: str) -> str:
    return unescape(_TAGS.sub(" ", text)).replace("&", "")


def _table_texts(table: QTableView) -> list[tuple[str, str, bool]]:
    from app.ui.models.checks_model import COLUMNS

    model = table.model()
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal) or "")
               for c in range(model.columnCount())]
    found = [("table header", h, True) for h in headers]
    raw = {COLUMNS.index(k) for k in _RAW_COLUMNS}
    for r in range(model.rowCount()):
        found += [(f"table {headers[c]}", str(model.index(r, c).data()), True)
                  for c in range(model.columnCount()) if c not in raw]
    return found


def _menu_texts(where: str, menu: object) -> list[tuple[str, str, bool]]:
    if not isinstance(menu, QMenu):
        return []
    return [(f"{where} menu", _plain(a.text()), False) for a in menu.actions()]


def page_texts(root: QWidget) -> list[tuple[str, str, bool]]:
    """Every text a person can see on ``root``: (where, text, is_details). Labels, buttons,
    the menu bar and its menus, button menus, and table headers and cells. Everything on a
    page with the checks table (Details, for support staff) counts as Details."""
    found: list[tuple[str, str, bool]] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget is not root and not widget.isVisibleTo(root):
            continue
        where = type(widget).__name__
        if isinstance(widget, QLabel | QAbstractButton):
            found.append((where, _plain(widget.text()), False))
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            found.append((where, widget.toPlainText(), False))
        if isinstance(widget, QAbstractButton):
            found += _menu_texts(where, getattr(widget, "menu", lambda: None)())
        elif isinstance(widget, QTableView):
            found += _table_texts(widget)
    if isinstance(root, MainWindow):
        for action in root.menuBar().actions():
            found.append(("menu bar", _plain(action.text()), False))
            found += _menu_texts("menu bar", action.menu())
    if any(details for _, _, details in found):
        found = [(w, t, True) for w, t, _ in found]
    return [(w, t, d) for w, t, d in found if t.strip()]


def brand_words(catalog: Catalog) -> set[str]:
    """Latin words of service names that have no Russian name (brands: Cloudflare, Quad9)."""
    from app.i18n import translator
    from app.knowledge.names import service_name

    ru = translator("ru")
    words: set[str] = set()
    for check in catalog.checks:
        shown = service_name(check.service, ru)
        words |= set(re.findall(r"[A-Za-z][A-Za-z0-9]*", shown))
    return words


def english_in_russian(window: MainWindow, catalog: Catalog) -> list[str]:
    """Draw every page (and the helper's dialogs) in Russian and list the Latin words outside
    the allowed names (and, in Details, the glossary's technical words), and on the window's
    pages a verdict word with a capital after a dash: "page: where: word in «text»"."""
    from app.knowledge.latin import capital_after_dash, latin_words
    from app.ui import language

    previous = language.current().lang
    window.set_language("ru")
    allowed = brand_words(catalog)
    found: list[str] = []

    def read(page: str, widget: QWidget) -> None:
        for where, text, details in page_texts(widget):
            for word in latin_words(text, allowed, details=details):
                found.append(f"{page}: {where}: {word} in «{text.strip()[:80]}»")
            if page in PAGES:  # the window's own pages (the dialogs' words are the reports')
                for word in capital_after_dash(text):
                    found.append(f"{page}: {where}: a capital after a dash: {word} in "
                                 f"«{text.strip()[:80]}»")

    try:
        render_pages(window, catalog, on_page=read)
        for name, dialog in _support_dialogs(window, catalog):
            _settle()
            read(name, dialog)
            dialog.close()
            shiboken6.delete(dialog)
    finally:
        window.set_language(previous)
    return list(dict.fromkeys(found))


def _support_dialogs(window: MainWindow, catalog: Catalog) -> list[tuple[str, QWidget]]:
    """The helper's views, in the state a person sees them: the code read out line by line,
    a code decoded, the earlier checks."""
    from app.ui.support.decode_dialog import DecodeDialog
    from app.ui.support.guided_dialog import GuidedDialog
    from app.ui.support.history_view import HistoryDialog

    record = _outcome(synthetic_run(catalog), synthetic_diagnosis(), catalog)
    dialogs: list[tuple[str, QWidget]] = []
    if record.code is not None:
        dialogs.append(("guided", GuidedDialog(record.diagnosis, record.code, window)))
        decode = DecodeDialog(window)
        decode.entry.setText(record.code)
        decode.decode()
        dialogs.append(("decode", decode))
    dialogs.append(("history", HistoryDialog(parent=window)))
    for _, dialog in dialogs:
        dialog.show()
    return dialogs


# A maximised window on a 1366×768 laptop (taskbar and title bar taken off), at normal and at
# 150 % text: the sizes the answer must fit without scrolling (tests/ui/test_layout.py).
LAPTOP = (1366, 768 - 40 - 31)
TEXT_SCALES = {"100": 1.0, "150": 1.5}


def laptop_shots(out: str, scaled: bool = False) -> list[str]:
    """The results page as a 1366×768 laptop shows it, at 100 % and 150 % text, in both
    languages, light and dark (and a limited connection): PNG files in ``out``. ``scaled``:
    run under QT_SCALE_FACTOR=1.5 instead (150 % display scaling), normal text only."""
    from pathlib import Path

    from app.session import Options, prepare
    from app.ui import style
    from app.ui.app import application, create_window
    from app.ui.settings import Settings

    app = application()
    catalog = prepare(Options())
    written: list[str] = []
    size = (round(LAPTOP[0] / 1.5), round(LAPTOP[1] / 1.5)) if scaled else LAPTOP
    scales = {"scaled150": 1.0} if scaled else TEXT_SCALES
    for theme in ("light", "dark"):
        for text, scale in scales.items():
            style.apply(app, dark=theme == "dark")
            font = style.body_font(app.font())
            font.setPointSizeF(style.BODY_MIN_PT * scale)
            app.setFont(font)
            window = create_window("ru", settings=Settings(notice_seen=True))
            style.apply(app, dark=theme == "dark")
            window.resize(*size)
            window.show()
            for lang in ("ru", "en"):
                window.set_language(lang)
                for network, name in ((NetworkStatus.ONLINE, "results"),
                                      (NetworkStatus.WHITELIST_ONLY, "results-network")):
                    record = _outcome(synthetic_run(catalog), synthetic_diagnosis(network),
                                      catalog)
                    window.record = record
                    window.results.show_record(record)
                    window.stack.setCurrentWidget(window.results)
                    path = Path(out) / f"{name}-1366x768-{text}-{lang}-{theme}.png"
                    _grab_image(window).save(str(path))
                    written.append(str(path))
            window.close()
            shiboken6.delete(window)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m app.ui.selftest_pages --english-in-russian``: exit 1 and list every Latin
    word left in a Russian rendering of the window (run by check_translations, make lint).
    ``--laptop DIR``: the results page at 1366×768, 100 % and 150 % text, into DIR (with
    QT_SCALE_FACTOR=1.5: at 150 % display scaling)."""
    import os
    import sys
    import tempfile

    args = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("CONNCHECK_CONFIG_DIR", tempfile.mkdtemp(prefix="conncheck-pages-"))
    if len(args) == 2 and args[0] == "--laptop":
        scaled = os.environ.get("QT_SCALE_FACTOR") == "1.5"
        for path in laptop_shots(args[1], scaled):
            print(path)
        return 0
    if args != ["--english-in-russian"]:
        print("usage: python -m app.ui.selftest_pages --english-in-russian | --laptop DIR",
              file=sys.stderr)
        return 2
    from app.session import Options, prepare
    from app.ui.app import create_window
    from app.ui.settings import Settings

    catalog = prepare(Options())
    window = create_window("ru", settings=Settings(notice_seen=True))
    window.resize(1000, 760)
    window.show()
    found = english_in_russian(window, catalog)
    window.close()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
