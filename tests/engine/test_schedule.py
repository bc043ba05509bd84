"""Scheduling on its own: bounded concurrency, network checks first, progress events, and the
wait that ends on completion, cancel, deadline or the offline rule."""

from __future__ import annotations

import asyncio
import time

from app.core.events import CheckFinished, CheckStarted, Event
from app.core.model import Check, Feature, Kind, Observation, Role
from app.engine.context import Clock, observation
from app.engine.offline import OfflineRule
from app.engine.schedule import Ending, Schedule, network_first

NEVER = OfflineRule(after_s=None, applies=False, look_at=None)


def check(id_: str, feature: Feature = Feature.MESSAGES, role: Role = Role.SERVICE) -> Check:
    return Check(id=id_, service="Svc", feature=feature, kind=Kind.TCP, host="h", port=1,
                 role=role)


def ok(c: Check) -> Observation:
    return observation(c, Clock(), ok=True, phase="tcp")


async def quick(c: Check) -> Observation:
    await asyncio.sleep(0.01)
    return ok(c)


async def hang(c: Check) -> Observation:
    await asyncio.sleep(3600)
    raise AssertionError("unreachable")


async def wait(schedule: Schedule, *, deadline_in: float = 5.0, offline: OfflineRule = NEVER,
               first_answer: float | None = None, cancel: asyncio.Event | None = None) -> Ending:
    return await asyncio.wait_for(schedule.wait(
        deadline=time.monotonic() + deadline_in, offline=offline,
        first_answer=lambda: first_answer, cancel=cancel or asyncio.Event()), 10)


def test_network_checks_first_otherwise_catalog_order():
    checks = [check("m1"), check("n1", Feature.NETWORK), check("m2", Feature.MAPS),
              check("n2", Feature.NETWORK)]
    assert [c.id for c in network_first(checks)] == ["n1", "n2", "m1", "m2"]


async def test_runs_every_check_and_reports_progress():
    events: list[Event] = []
    checks = [check(f"c{i}") for i in range(5)]
    schedule = Schedule(quick, concurrency=2, total=5, emit=events.append)
    schedule.start(checks)
    assert await wait(schedule) is Ending.FINISHED
    assert sorted(schedule.results) == [c.id for c in checks] and not schedule.pending
    assert sum(isinstance(e, CheckStarted) for e in events) == 5
    assert [e.done for e in events if isinstance(e, CheckFinished)] == [1, 2, 3, 4, 5]
    assert schedule.done == 5


async def test_concurrency_is_bounded_and_network_checks_start_first():
    running = peak = 0
    started: list[str] = []

    async def counting(c: Check) -> Observation:
        nonlocal running, peak
        started.append(c.id)
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.02)
        running -= 1
        return ok(c)

    checks = [*(check(f"s{i}") for i in range(6)), check("net", Feature.NETWORK)]
    schedule = Schedule(counting, concurrency=3, total=7, emit=lambda e: None)
    schedule.start(checks)
    assert await wait(schedule) is Ending.FINISHED
    assert peak == 3 and started[0] == "net"


async def test_nothing_started_is_finished_at_once():
    schedule = Schedule(quick, concurrency=1, total=3, emit=lambda e: None)
    assert await wait(schedule) is Ending.FINISHED
    assert schedule.results == {}


async def test_deadline_ends_the_wait_and_stop_cancels_the_rest():
    schedule = Schedule(hang, concurrency=4, total=2, emit=lambda e: None)
    schedule.start([check("a"), check("b")])
    t0 = time.monotonic()
    assert await wait(schedule, deadline_in=0.1) is Ending.DEADLINE
    assert time.monotonic() - t0 < 1 and len(schedule.pending) == 2
    tasks = set(schedule.pending)
    await schedule.stop(grace_s=1)
    assert all(t.cancelled() for t in tasks)


async def test_cancel_ends_the_wait_and_keeps_what_finished():
    cancel = asyncio.Event()

    async def mixed(c: Check) -> Observation:
        if c.id == "fast":
            return ok(c)
        cancel.set()
        return await hang(c)

    schedule = Schedule(mixed, concurrency=4, total=2, emit=lambda e: None)
    schedule.start([check("fast"), check("slow")])
    assert await wait(schedule, cancel=cancel) is Ending.CANCELLED
    assert list(schedule.results) == ["fast"] and len(schedule.pending) == 1
    await schedule.stop(grace_s=1)


async def test_the_offline_rule_ends_the_wait_when_nothing_answered():
    rule = OfflineRule.for_run([check("ctl", role=Role.CONTROL_DOMESTIC)], 0.05,
                               time.monotonic())
    schedule = Schedule(hang, concurrency=4, total=1, emit=lambda e: None)
    schedule.start([check("ctl", Feature.NETWORK, Role.CONTROL_DOMESTIC)])
    t0 = time.monotonic()
    assert await wait(schedule, offline=rule) is Ending.OFFLINE
    assert time.monotonic() - t0 < 1
    await schedule.stop(grace_s=1)


async def test_an_answer_disarms_the_offline_rule():
    rule = OfflineRule.for_run([check("ctl", role=Role.CONTROL_DOMESTIC)], 0.05,
                               time.monotonic())
    schedule = Schedule(hang, concurrency=4, total=1, emit=lambda e: None)
    schedule.start([check("ctl", Feature.NETWORK, Role.CONTROL_DOMESTIC)])
    assert await wait(schedule, offline=rule, first_answer=1.0,
                      deadline_in=0.3) is Ending.DEADLINE
    assert rule.look_at is None
    await schedule.stop(grace_s=1)


async def test_report_finished_counts_on_from_the_checks_that_ran():
    events: list[Event] = []
    schedule = Schedule(quick, concurrency=1, total=2, emit=events.append)
    schedule.start([check("a")])
    await wait(schedule)
    schedule.report_finished(check("b"), ok(check("b")))
    assert [e.done for e in events if isinstance(e, CheckFinished)] == [1, 2]
