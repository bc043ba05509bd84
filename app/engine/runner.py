"""Run a catalog's checks concurrently, each with its own timeout, all under one deadline.

The engine never raises into its caller for anything a probe does: an unexpected exception
becomes that check's ``internal_error`` observation. Cancelling (``Engine.cancel()`` from the
loop's thread, or cancelling the task running ``Engine.run()``) stops every probe promptly;
checks that did not finish are recorded as ``interrupted`` (or ``deadline_exceeded``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import replace

from app.core import failures
from app.core.catalog import Catalog
from app.core.events import CheckFinished, CheckStarted, Event, RunStarted, StoppedEarly
from app.core.model import Check, Feature, Kind, Observation, Phase, Role
from app.core.run import RunResult
from app.core.system import LinkState
from app.engine import timeouts
from app.engine.interfaces import link_state, snapshot
from app.engine.probes.base import ProbeContext, ProbeFn, TrustedResolver, observation_for

_FIRST_PHASE = {
    Kind.DNS: Phase.DNS,
    Kind.DOH: Phase.TCP,
    Kind.TCP: Phase.DNS,
    Kind.TLS: Phase.DNS,
    Kind.HTTPS: Phase.DNS,
    Kind.HTTP: Phase.DNS,
    Kind.STUN: Phase.UDP,
    Kind.UDP_ECHO: Phase.UDP,
    Kind.CALL_FLOW: Phase.UDP,
    Kind.TURN_CALL: Phase.UDP,
    Kind.ECHO_CALL: Phase.HTTP,
    Kind.CALL_SHAPES: Phase.UDP,
}
# Grace on top of a check's own timeout before the engine gives up on the probe itself.
_GRACE_S = 1.0
# After cancel or the deadline, how long probes get to close their sockets.
_STOP_GRACE_S = 0.5
# How often the network interfaces are looked at during a run (a link that drops and comes
# back within a check must not pass unnoticed: its timeouts would read as a block).
_LINK_WATCH_S = 0.25


def failed_observation(check: Check, failure: str, detail: str, duration_ms: int,
                       phase: str | None = None) -> Observation:
    """What the engine records for a check whose probe gave no observation of its own."""
    return observation_for(
        check, ok=False, failure=failure, phase=phase or _FIRST_PHASE[check.kind].value,
        duration_ms=duration_ms, timings_ms={}, failure_detail=detail,
    )


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
            traceback.print_exc()

    def _offline_rule_applies(self, checks: list[Check]) -> bool:
        """Only a run that includes the network's control sites can call the network offline:
        without them, silence could be a block of exactly what was checked."""
        return self.offline_after_s is not None and any(
            c.role in (Role.CONTROL_DOMESTIC, Role.CONTROL_INTERNATIONAL) for c in checks)

    async def run(self) -> RunResult:
        started_at = dt.datetime.now(dt.UTC).astimezone()
        t0 = time.monotonic()
        interfaces = await asyncio.to_thread(snapshot)
        checks = list(self.catalog.checks)
        total = len(checks)
        self._emit(RunStarted(interfaces, total, t0))
        sem = asyncio.Semaphore(self._concurrency)
        results: dict[str, Observation] = {}
        self._cancel_event = asyncio.Event()
        if self._cancel_requested:
            self._cancel_event.set()
        done_count = 0

        async def one(check: Check) -> None:
            nonlocal done_count
            async with sem:
                self._emit(CheckStarted(check, total))
                obs = await self._run_probe(check)
            results[check.id] = obs
            done_count += 1
            self._emit(CheckFinished(check, obs, done_count, total))

        deadline = t0 + self.deadline_s
        deadline_hit = False
        stopped_early: str | None = None
        offline_rule = self._offline_rule_applies(checks)
        no_interface = interfaces.error is None and not interfaces.connected
        if self._cancel_requested:  # cancelled before it began: start nothing
            checks_to_run: list[Check] = []
        elif no_interface and offline_rule:
            # Nothing to send packets through: every check would fail at once anyway.
            stopped_early = "offline"
            checks_to_run = []
        else:
            checks_to_run = checks
        gate_at = t0 + self.offline_after_s if offline_rule and self.offline_after_s else None
        # The network's own checks go first: they decide every verdict (and the offline rule),
        # so they never wait behind a queue of services.
        checks_to_run = sorted(checks_to_run, key=lambda c: c.feature != Feature.NETWORK)
        tasks = {asyncio.create_task(one(c), name=f"check:{c.id}"): c for c in checks_to_run}
        cancel_waiter = asyncio.create_task(self._cancel_event.wait())
        watcher = asyncio.create_task(self._watch_links())
        pending: set[asyncio.Task[None]] = set(tasks)
        try:
            # Bounded: every pass finishes a task, or ends on cancel, the offline rule or the
            # deadline (the offline rule is looked at once, then disarmed).
            while pending:
                now = time.monotonic()
                if now >= deadline:
                    deadline_hit = True
                    break
                if gate_at is not None and now >= gate_at:
                    gate_at = None
                    if self.ctx.first_answer_at is None:
                        stopped_early = "offline"
                        break
                wake = deadline if gate_at is None else min(deadline, gate_at)
                done, _ = await asyncio.wait(
                    pending | {cancel_waiter}, timeout=max(wake - now, 0.0),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                pending -= done
                if cancel_waiter in done:
                    break
        except asyncio.CancelledError:
            self._cancel_requested = True
            await self._stop(pending)
            cancel_waiter.cancel()
            watcher.cancel()
            self.ctx.system_dns.close()
            raise
        cancel_waiter.cancel()
        if watcher.done() and watcher.result():
            interfaces = replace(interfaces, changed_during_run=True)
        watcher.cancel()
        cancelled = (self._cancel_requested and stopped_early is None
                     and (bool(pending) or len(results) < len(checks)))
        if stopped_early is not None:
            self._emit(StoppedEarly(stopped_early, round(time.monotonic() - t0, 2)))
        await self._stop(pending)
        self.ctx.system_dns.close()

        elapsed_ms = int((time.monotonic() - t0) * 1000)
        if stopped_early is not None:
            why = ("stopped: no network interface is connected" if no_interface else
                   "stopped: no host on the internet answered any check within "
                   f"{self.offline_after_s:g} s")
            unfinished = (failures.SKIPPED_OFFLINE, why)
        elif cancelled:
            unfinished = (failures.INTERRUPTED, "cancelled")
        else:
            unfinished = (failures.DEADLINE_EXCEEDED,
                          f"overall deadline of {self.deadline_s:g} s reached")
        ordered: list[Observation] = []
        for check in checks:
            obs = results.get(check.id)
            if obs is None:
                obs = failed_observation(check, *unfinished, elapsed_ms)
                if stopped_early is not None:  # stopped, not abandoned: progress completes
                    done_count += 1
                    self._emit(CheckFinished(check, obs, done_count, total))
            ordered.append(obs)
        return RunResult(
            observations=tuple(ordered),
            started_at=started_at,
            duration_s=round(time.monotonic() - t0, 2),
            interfaces=interfaces,
            cancelled=cancelled,
            deadline_hit=deadline_hit,
            stopped_early=stopped_early,
            sequential=self.sequential,
        )

    async def _watch_links(self) -> bool:
        """True as soon as an interface goes down or up or changes its addresses; False at
        once when the interfaces cannot be read. Otherwise runs until the run cancels it."""
        start: LinkState | None = link_state()
        if start is None:
            return False
        while True:
            await asyncio.sleep(_LINK_WATCH_S)
            now = link_state()
            if now is not None and now != start:
                return True

    async def _stop(self, pending: set[asyncio.Task[None]]) -> None:
        for task in pending:
            task.cancel()
        if pending:
            with contextlib.suppress(Exception):
                await asyncio.wait(pending, timeout=_STOP_GRACE_S)

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
