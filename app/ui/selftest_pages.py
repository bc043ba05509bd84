"""Every page of the window in a known state, without a network: what ``--self-test`` draws (a
frozen build must draw each page in both languages); ``make screenshots`` (tools/) saves them.

The diagnosis here is synthetic on purpose — it shows a typical Russian mobile network today
(calls blocked in WhatsApp and Telegram, messages slow, maps fine) so every kind of card,
icon and workaround list gets drawn. It is never shown to a user as a result.
"""

from __future__ import annotations

import datetime as dt

import shiboken6
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

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
from app.ui.dialogs.error_dialog import ErrorDialog
from app.ui.main_window import MainWindow
from app.ui.models.checks_model import rows_for
from app.session import Outcome, check_code

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


def _grab(widget: QWidget) -> QImage:
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


def render_pages(window: MainWindow, catalog: Catalog,
                 network: NetworkStatus = NetworkStatus.ONLINE) -> dict[str, QImage]:
    """Draw every page (and the error dialog) in the current language; returns the images."""
    images: dict[str, QImage] = {}
    window.welcome.set_notice_visible(True)
    window.stack.setCurrentWidget(window.welcome)
    images["welcome"] = _grab(window)

    show_checking(window, catalog)
    images["checking"] = _grab(window)
    window.checking.end()

    record = _outcome(synthetic_run(catalog), synthetic_diagnosis(network), catalog)
    window.record = record
    window.results.show_record(record)
    window.details.set_rows(rows_for(record.run.observations, catalog))
    window.stack.setCurrentWidget(window.results)
    images["results"] = _grab(window)
    window.results.cards["calls"].toggle.setChecked(True)
    images["results-open"] = _grab(window)
    window.results.cards["calls"].toggle.setChecked(False)

    # the banner: mobile internet that lets only some Russian sites through
    limited = _outcome(record.run, synthetic_diagnosis(NetworkStatus.WHITELIST_ONLY), catalog)
    window.results.show_record(limited)
    images["results-network"] = _grab(window)
    window.results.show_record(record)

    window.stack.setCurrentWidget(window.details)
    images["details"] = _grab(window)

    dialog = ErrorDialog("ui.error.catalog",
                         "catalog default.toml: entry 'x' (check #3): port must be 1-65535",
                         window)
    dialog.show()
    images["error"] = _grab(dialog)
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

