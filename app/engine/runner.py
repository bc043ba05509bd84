"""Run a catalog's checks concurrently, each with its own timeout, all under one deadline.

The engine never raises into its caller for anything a probe does: an unexpected exception
becomes that check's ``internal_error`` observation. Cancelling (``Engine.cancel()`` from the
loop's thread, or cancelling the task running ``Engine.run()``) stops every probe promptly;
checks that did not finish are recorded as ``interrupted`` (or ``deadline_exceeded``).

The pieces, each tested on its own: ``schedule.py`` (bounded concurrency, network checks first,
waiting under the deadline), ``offline.py`` (the offline rule), ``linkwatch.py`` (the link
watcher) and ``outcome.py`` (what unfinished checks are recorded as, in catalog order).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import replace

from app.core import failures
from app.core.catalog import Catalog
from app.core.events import Event, RunStarted, StoppedEarly
from app.core.model import Check, Kind, Observation
from app.core.run import RunResult
from app.core.system import InterfaceSnapshot
from app.engine import timeouts
from app.engine.context import ProbeContext, ProbeFn, TrustedResolver
from app.engine.interfaces import link_state, snapshot
from app.engine.linkwatch import LINK_WATCH_S, watch_links
from app.engine.offline import OfflineRule
from app.engine.outcome import failed_observation, in_catalog_order, unfinished_as
from app.engine.schedule import Ending, Schedule

__all__ = ["Engine", "failed_observation"]

logger = logging.getLogger(__name__)

# Grace on top of a check's own timeout before the engine gives up on the probe itself.
_GRACE_S = 1.0
# How often the network interfaces are looked at during a run (module-level, read at each
# run, so tests can shorten it; the watcher itself is app/engine/linkwatch.py).
_LINK_WATCH_S = LINK_WATCH_S


def _default_probes() -> Mapping[Kind, ProbeFn]:
    from app.engine.probes.registry import PROBES

    return PROBES


def _default_trusted(catalog: Catalog, ctx: ProbeContext) -> TrustedResolver | None:
    resolvers = catalog.resolvers()
    if not resolvers:
        return None
    from app.engine.trusted_dns import DohResolver

    return DohResolver(resolvers, ctx)


class Engine:
    """One run of one catalog. Create a new Engine for each run."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        on_event: Callable[[Event], None] | None = None,
        probes: Mapping[Kind, ProbeFn] | None = None,
        deadline_s: float | None = None,
        concurrency: int | None = None,
        trusted: TrustedResolver | None = None,
        use_trusted_dns: bool = True,
        sequential: bool = False,
        offline_after_s: float | None = timeouts.OFFLINE_AFTER_S,
    ) -> None:
        """``sequential`` runs the checks one after another (kept for benchmarks: the same
        probes, to compare against). ``offline_after_s``: stop the run when no host has
        answered anything by then (None: never stop early)."""
        self.catalog = catalog
        self.sequential = sequential
        self.offline_after_s = offline_after_s
        self._on_event = on_event
        self._probes = probes if probes is not None else _default_probes()
        self.deadline_s = deadline_s if deadline_s is not None else catalog.deadline_s
        self._concurrency = 1 if sequential else (concurrency or catalog.concurrency)
        self.ctx = ProbeContext(extra_ca=catalog.extra_ca, ordinary_ranges=catalog.ordinary_ranges)
        if trusted is not None:
            self.ctx.trusted = trusted
        elif use_trusted_dns:
            self.ctx.trusted = _default_trusted(catalog, self.ctx)
        self._cancel_event: asyncio.Event | None = None
        self._cancel_requested = False

    def cancel(self) -> None:
        """Ask the run to stop. Call on the engine loop's thread (GUI: call_soon_threadsafe)."""
        self._cancel_requested = True
        if self._cancel_event is not None:
            self._cancel_event.set()

    def _emit(self, event: Event) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(event)
        except Exception:  # a broken listener must not break the measurement
            logger.exception("a listener failed on %s", type(event).__name__)

    async def run(self) -> RunResult:
        """Run every check once; never raises for what a probe does (see the module doc)."""
        started_at = dt.datetime.now(dt.UTC).astimezone()
        t0 = time.monotonic()
        interfaces = await asyncio.to_thread(snapshot)
        checks = list(self.catalog.checks)
        self._emit(RunStarted(interfaces, len(checks), t0))
        cancel = self._cancel_event = asyncio.Event()
        if self._cancel_requested:
            cancel.set()
        offline = OfflineRule.for_run(checks, self.offline_after_s, t0)
        schedule = Schedule(self._run_probe, concurrency=self._concurrency, total=len(checks),
                            emit=self._emit)
        stopped_early = self._start(schedule, checks, offline, interfaces)
        watcher = asyncio.create_task(watch_links(link_state, _LINK_WATCH_S))
        try:
            ending = await schedule.wait(deadline=t0 + self.deadline_s, offline=offline,
                                         first_answer=lambda: self.ctx.first_answer_at,
                                         cancel=cancel)
        except asyncio.CancelledError:
            self._cancel_requested = True
            await schedule.stop()
            watcher.cancel()
            self.ctx.system_dns.close()
            raise
        if ending is Ending.OFFLINE:
            stopped_early = "offline"
        link_changed = watcher.done() and watcher.result()
        watcher.cancel()
        cancelled = (self._cancel_requested and stopped_early is None
                     and (bool(schedule.pending) or len(schedule.results) < len(checks)))
        if stopped_early is not None:
            self._emit(StoppedEarly(stopped_early, round(time.monotonic() - t0, 2)))
        await schedule.stop()
        self.ctx.system_dns.close()

        unfinished = unfinished_as(
            offline_why=offline.why(interfaces) if stopped_early is not None else None,
            cancelled=cancelled, deadline_s=self.deadline_s)
        observations = in_catalog_order(checks, schedule.results, unfinished,
                                        int((time.monotonic() - t0) * 1000),
                                        on_stopped=schedule.report_finished)
        return RunResult(
            observations=observations,
            started_at=started_at,
            duration_s=round(time.monotonic() - t0, 2),
            interfaces=replace(interfaces, changed_during_run=True) if link_changed
            else interfaces,
            cancelled=cancelled,
            deadline_hit=ending is Ending.DEADLINE,
            stopped_early=stopped_early,
            sequential=self.sequential,
        )

    def _start(self, schedule: Schedule, checks: list[Check], offline: OfflineRule,
               interfaces: InterfaceSnapshot) -> str | None:
        """Start the run's checks; "offline" when the offline rule starts none of them."""
        if self._cancel_requested:  # cancelled before it began: start nothing
            return None
        if offline.offline_before_start(interfaces):
            return "offline"
        schedule.start(checks)
        return None

    async def _run_probe(self, check: Check) -> Observation:
        probe = self._probes.get(check.kind)
        t0 = time.monotonic()

        def ms() -> int:
            return int((time.monotonic() - t0) * 1000)

        if probe is None:
            return failed_observation(check, failures.INTERNAL_ERROR,
                                      f"no probe for kind {check.kind.value}", 0)
        try:
            async with asyncio.timeout(check.timeout_s + _GRACE_S):
                return await probe(check, self.ctx)
        except TimeoutError:
            return failed_observation(check, failures.GENERIC_TIMEOUT,
                                      f"no result within {check.timeout_s:g} s", ms())
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            detail = f"{type(exc).__name__}: {exc}"
            return failed_observation(check, failures.INTERNAL_ERROR, detail, ms())
