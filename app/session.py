"""One way to do a run, for every front end: the terminal, the window and the benchmarks.

prepare (catalog from the options) → run (engine, with event and early-verdict callbacks) →
conclude (diagnosis, check code, when each verdict was known) → remember (history, what
changed since last time). Presenters only word what comes back.

Errors: a run that cannot start raises a :class:`SessionError` subclass (a catalog that
cannot be used, a ``--turn``/``--echo-peer`` value that is wrong); presenters turn it into
words and an exit code. Trouble that must not cost the user the results (the check code's
encoder, the history file) is logged — to the crash log, once the front end has called
``app.crashlog.setup_logging()`` — and degrades gracefully.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.analysis.diagnose import diagnose
from app.analysis.model import Diagnosis
from app.analysis.progressive import Decided, Progressive
from app.catalog import CatalogError, load_catalog
from app.catalog.call_options import CallArgsError, with_call_options
from app.catalog.update import UpdateResult, stored_catalog
from app.core.catalog import Catalog
from app.core.events import Event
from app.core.model import Observation
from app.core.run import RunResult
from app.core.system import Interface, InterfaceSnapshot
from app.engine.runner import Engine
from app.i18n import Translator, translator
from app.paths import default_catalog_path
from app.report.code import encode
from app.report.history import HistoryEntry, HistoryStore, Remembered, keep

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Options:
    """What a person can ask of a run, from the command line or the window's command line."""

    catalog: Path | None = None  # None: the shipped catalog
    only: tuple[str, ...] | None = None  # user features to check; None: all
    turn: tuple[str, ...] = ()  # turn:USER:PASS@HOST:PORT — real test calls through a relay
    echo_peer: str | None = None  # URL of a `conncheck echo-peer`
    calls_long: bool = False  # call tests run about 20 s instead of 6 s
    deadline_s: float | None = None  # overall limit; None: the catalog's
    sequential: bool = False  # one check after another (benchmarks only)
    no_update: bool = False  # the window: no catalog update this time, even if agreed


class SessionError(Exception):
    """A run that cannot start. ``str()`` is the one-line problem (not translated)."""


class CatalogProblem(SessionError):
    """The catalog is missing or cannot be used."""


class CallOptionsProblem(SessionError):
    """A ``--turn`` or ``--echo-peer`` value that cannot be used."""


class OptionsProblem(SessionError):
    """Another run option that cannot be used (a deadline that is not a positive number)."""


def prepare(options: Options) -> Catalog:
    """The catalog a run with ``options`` checks. Raises :class:`SessionError` — before
    anything is sent."""
    deadline = options.deadline_s
    if deadline is not None and not (math.isfinite(deadline) and deadline > 0):
        raise OptionsProblem(f"the deadline must be a number of seconds above 0, not {deadline}")
    try:
        catalog = load_catalog(options.catalog) if options.catalog else catalog_in_use()
    except CatalogError as exc:  # (a missing *shipped* catalog is MissingResource: reinstall)
        raise CatalogProblem(str(exc)) from exc
    if options.only:
        catalog = catalog.only(set(options.only))
    try:
        return with_call_options(catalog, turn=options.turn, echo_peer=options.echo_peer,
                                 calls_long=options.calls_long)
    except CallArgsError as exc:
        raise CallOptionsProblem(str(exc)) from exc


def catalog_in_use() -> Catalog:
    """The catalog a run uses without ``--catalog``: the update kept earlier when it is still
    valid and newer than the shipped catalog, else the shipped one (docs/catalog.md
    "Updates"). Raises CatalogError only for a broken shipped catalog."""
    shipped = load_catalog(default_catalog_path())
    return stored_catalog(newer_than=shipped.version) or shipped


async def update_catalog(options: Options = Options()) -> UpdateResult:
    """Fetch a newer signed catalog from the update sources of the catalog in use (or of
    ``--catalog``, which also names the extra CA the download may trust: the lab) and keep it
    for the next runs. Contacts only those sources, and only when called: the presenters call
    it when the person agreed. Never raises for what a network or a mirror does (that is in
    the result); raises CatalogProblem for a ``--catalog`` that cannot be used."""
    from app.catalog.update import is_newer, update
    from app.engine.fetch_update import fetch, tls_context

    try:
        in_use = catalog_in_use()
        chosen = load_catalog(options.catalog) if options.catalog else None
    except CatalogError as exc:
        raise CatalogProblem(str(exc)) from exc
    source = chosen or in_use
    current = in_use.version
    if chosen is not None and is_newer(chosen.version, current):
        current = chosen.version
    try:
        ctx = tls_context(source.extra_ca)
    except OSError as exc:  # ssl.SSLError is an OSError: an extra CA that is not a certificate
        raise CatalogProblem(f"catalog {source.path}: extra_ca: {exc}") from exc

    async def get(url: str, max_bytes: int, timeout_s: float) -> bytes:
        return await fetch(url, max_bytes, timeout_s, ctx=ctx)

    return await update(source.update_urls, current, get, name=in_use.name)


def check_code(diagnosis: Diagnosis, started_at: dt.datetime | None = None) -> str | None:
    """The grouped check code of a run that started at ``started_at``, or None if the encoder
    failed (a bug: logged, never raised — the results are worth more than the code)."""
    try:
        return encode(diagnosis, started_at)
    except Exception:
        logger.exception("check code could not be encoded")
        return None


@dataclass(frozen=True)
class Outcome:
    """One finished run, concluded: what every presenter shows."""

    run: RunResult
    catalog: Catalog
    diagnosis: Diagnosis
    code: str | None
    timing: Mapping[str, Any] | None = None  # when each verdict was known (None: at the end)
    features: tuple[str, ...] | None = None  # the user features asked for (None: all)

    def document(self, lang: str | Translator, *, include_identifiers: bool = False,
                 timing: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The JSON report (a public contract: docs/verdicts.md)."""
        from app.report.json_report import build_document

        tr = translator(lang) if isinstance(lang, str) else lang
        return build_document(self.run, self.diagnosis, tr, code=self.code,
                              restrictions=self.catalog.restrictions,
                              include_identifiers=include_identifiers,
                              timing=timing if timing is not None else self.timing)


def conclude(run: RunResult, catalog: Catalog, *, features: Sequence[str] | None = None,
             progressive: Progressive | None = None) -> Outcome:
    """Diagnosis, check code and timing of a finished run (pure but for the code's log)."""
    wanted = tuple(features) if features else None
    diagnosis = diagnose(run.observations, catalog, run.interfaces, features=wanted,
                         date=run.started_at.date())
    timing = None if progressive is None else progressive.timing(
        diagnosis, run.duration_s, sequential=run.sequential, stopped_early=run.stopped_early)
    return Outcome(run, catalog, diagnosis, check_code(diagnosis, run.started_at), timing,
                   wanted)


class Session:
    """One run of a prepared catalog. Make a new one for each run.

    ``on_event`` gets every engine event, ``on_verdict`` each verdict as soon as it is known
    (both on the engine loop's thread; exceptions they raise are logged, never break the run).
    """

    def __init__(self, catalog: Catalog, options: Options = Options(), *,
                 on_event: Callable[[Event], None] | None = None,
                 on_verdict: Callable[[Decided], None] | None = None) -> None:
        self.catalog = catalog
        self.options = options
        self._on_event = on_event
        self._on_verdict = on_verdict
        self.progressive = Progressive(catalog, features=options.only)
        self.engine = Engine(catalog, on_event=self._event, deadline_s=options.deadline_s,
                             sequential=options.sequential)

    def _event(self, event: Event) -> None:
        if self._on_event is not None:
            self._on_event(event)
        for decided in self.progressive.on_event(event):  # pure analysis, a few ms at most
            if self._on_verdict is not None:
                self._on_verdict(decided)

    async def run(self) -> Outcome:
        run = await self.engine.run()
        return conclude(run, self.catalog, features=self.options.only,
                        progressive=self.progressive)

    def cancel(self) -> None:
        """Ask the run to stop (on the engine loop's thread)."""
        self.engine.cancel()


def remember(outcome: Outcome, store: HistoryStore | None = None) -> Remembered:
    """Keep the run in the local history. Never raises: a problem comes back in the result."""
    entry = HistoryEntry.from_diagnosis(outcome.diagnosis, outcome.code or "")
    return keep(entry, store)


def replay(document: Mapping[str, Any], catalog: Catalog) -> Outcome:
    """A recorded ``check --json`` document back through the analysis (tests, support).

    The interfaces are taken from the document when it has them (``--include-identifiers``);
    otherwise they count as not recorded, which the analysis treats as "no claim".
    Raises KeyError/TypeError/ValueError for a document that is not a report."""
    observations = tuple(Observation.from_dict(item) for item in document["checks"])
    recorded = document.get("interfaces")
    if recorded is None:
        interfaces = InterfaceSnapshot((), error="not recorded")
    else:
        interfaces = InterfaceSnapshot(tuple(
            Interface(str(i["name"]), bool(i["up"]), tuple(i["addresses"]), False)
            for i in recorded))
    timing = document.get("timing") or {}
    run = RunResult(
        observations=observations,
        started_at=dt.datetime.fromisoformat(document["started_at"]),
        duration_s=float(document["duration_s"]),
        interfaces=interfaces,
        cancelled=not document.get("complete", True),
        stopped_early=timing.get("stopped_early"),
        sequential=timing.get("mode") == "sequential",
    )
    features = tuple(document["features"]) or None
    return conclude(run, catalog, features=features)
