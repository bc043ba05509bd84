"""Scheduling: run checks as tasks, a bounded number at a time, the network's own checks first,
until they are all in — or the run is cancelled, reaches its deadline, or the offline rule
stops it."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import time
from collections.abc import Awaitable, Callable, Iterable

from app.core.events import CheckFinished, CheckStarted, Event
from app.core.model import Check, Feature, Observation
from app.engine.offline import OfflineRule

# After cancel or the deadline, how long probes get to close their sockets.
STOP_GRACE_S = 0.5


class Ending(enum.Enum):
    """Why ``Schedule.wait`` returned."""

    FINISHED = "finished"  # every started check is in
    CANCELLED = "cancelled"
    DEADLINE = "deadline"
    OFFLINE = "offline"  # the offline rule: nothing answered in time


def network_first(checks: Iterable[Check]) -> list[Check]:
    """The network's own checks go first: they decide every verdict (and the offline rule),
    so they never wait behind a queue of services. Otherwise catalog order."""
    return sorted(checks, key=lambda c: c.feature != Feature.NETWORK)


class Schedule:
    """The checks of one run as tasks, at most ``concurrency`` probing at once. Keeps their
    observations (``results``) and reports progress (CheckStarted, CheckFinished)."""

    def __init__(self, run_check: Callable[[Check], Awaitable[Observation]], *,
                 concurrency: int, total: int, emit: Callable[[Event], None]) -> None:
        self._run_check = run_check
        self._sem = asyncio.Semaphore(concurrency)
        self._total = total
        self._emit = emit
        self.results: dict[str, Observation] = {}
        self.done = 0  # checks reported finished (CheckFinished.done of the last one)
        self.pending: set[asyncio.Task[None]] = set()  # started and not yet seen finished

    def start(self, checks: Iterable[Check]) -> None:
        for check in network_first(checks):
            self.pending.add(asyncio.create_task(self._one(check), name=f"check:{check.id}"))

    def report_finished(self, check: Check, obs: Observation) -> None:
        """Count one more check as done and tell the listener."""
        self.done += 1
        self._emit(CheckFinished(check, obs, self.done, self._total))

    async def _one(self, check: Check) -> None:
        async with self._sem:
            self._emit(CheckStarted(check, self._total))
            obs = await self._run_check(check)
        self.results[check.id] = obs
        self.report_finished(check, obs)

    async def wait(self, *, deadline: float, offline: OfflineRule,
                   first_answer: Callable[[], float | None], cancel: asyncio.Event) -> Ending:
        """Until every started check is in, ``cancel`` is set, ``deadline`` (monotonic) is
        reached or the offline rule says stop. Unfinished tasks stay in ``pending``."""
        cancel_waiter = asyncio.create_task(cancel.wait())
        try:
            # Bounded: every pass finishes a task, or ends on cancel, the offline rule or the
            # deadline (the offline rule is looked at once, then disarmed).
            while self.pending:
                now = time.monotonic()
                if now >= deadline:
                    return Ending.DEADLINE
                if offline.offline_now(now, first_answer()):
                    return Ending.OFFLINE
                done, _ = await asyncio.wait(
                    self.pending | {cancel_waiter}, timeout=max(offline.wake(deadline) - now, 0.0),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                self.pending -= done
                if cancel_waiter in done:
                    return Ending.CANCELLED
            return Ending.FINISHED
        finally:
            cancel_waiter.cancel()

    async def stop(self, grace_s: float = STOP_GRACE_S) -> None:
        """Cancel the unfinished checks and give their probes ``grace_s`` to close sockets."""
        for task in self.pending:
            task.cancel()
        if self.pending:
            with contextlib.suppress(Exception):
                await asyncio.wait(self.pending, timeout=grace_s)
