"""The engine: concurrency bound, per-check timeout, overall deadline, cancel, raising probes."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from app.core.catalog import Catalog
from app.core.events import CheckFinished, CheckStarted
from app.core.model import Check, Feature, Kind, Observation
from app.engine.context import Clock, ProbeContext, observation
from app.engine.runner import Engine


def make_catalog(n: int, *, timeout_s: float = 2.0, deadline_s: float = 10.0,
                 concurrency: int = 4) -> Catalog:
    checks = tuple(
        Check(id=f"c{i}", service="Svc", feature=Feature.MESSAGES, kind=Kind.TCP,
              host="127.0.0.1", port=9, timeout_s=timeout_s)
        for i in range(n)
    )
    return Catalog(path=Path("t.toml"), name="t", version="1", country="", checks=checks,
                   deadline_s=deadline_s, concurrency=concurrency)


def probes_of(fn):
    return {kind: fn for kind in Kind}


async def quick(check: Check, ctx: ProbeContext) -> Observation:
    clock = Clock()
    await asyncio.sleep(0.01)
    clock.mark("tcp")
    return observation(check, clock, ok=True, phase="tcp")


async def test_every_check_gets_one_observation_in_catalog_order():
    events = []
    engine = Engine(make_catalog(10), probes=probes_of(quick), on_event=events.append,
                    use_trusted_dns=False)
    result = await engine.run()
    assert [o.check_id for o in result.observations] == [f"c{i}" for i in range(10)]
    assert all(o.ok for o in result.observations)
    assert sum(isinstance(e, CheckStarted) for e in events) == 10
    finished = [e for e in events if isinstance(e, CheckFinished)]
    assert sorted(e.done for e in finished) == list(range(1, 11))
    assert not result.cancelled and not result.deadline_hit


async def test_concurrency_is_bounded():
    running = 0
    peak = 0

    async def counting(check: Check, ctx: ProbeContext) -> Observation:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.05)
        running -= 1
        return await quick(check, ctx)

    engine = Engine(make_catalog(12, concurrency=3), probes=probes_of(counting),
                    use_trusted_dns=False)
    await engine.run()
    assert peak == 3


async def test_checks_run_concurrently_not_one_by_one():
    async def slow(check: Check, ctx: ProbeContext) -> Observation:
        await asyncio.sleep(0.3)
        return await quick(check, ctx)

    engine = Engine(make_catalog(8, concurrency=8), probes=probes_of(slow), use_trusted_dns=False)
    result = await engine.run()
    assert result.duration_s < 8 * 0.3 / 2  # far from the 2.4 s a serial run would need


async def test_probe_that_raises_becomes_internal_error():
    async def broken(check: Check, ctx: ProbeContext) -> Observation:
        if check.id == "c1":
            raise ValueError("boom")
        return await quick(check, ctx)

    result = await Engine(make_catalog(3), probes=probes_of(broken),
                          use_trusted_dns=False).run()
    bad = result.observations[1]
    assert not bad.ok and bad.failure == "internal_error"
    assert "boom" in (bad.failure_detail or "")
    assert result.observations[0].ok and result.observations[2].ok


async def test_probe_that_hangs_is_stopped_by_its_own_timeout():
    async def hang(check: Check, ctx: ProbeContext) -> Observation:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    result = await Engine(make_catalog(2, timeout_s=0.2), probes=probes_of(hang),
                          use_trusted_dns=False).run()
    assert [o.failure for o in result.observations] == ["generic_timeout_error"] * 2
    assert result.duration_s < 5


async def test_overall_deadline_stops_the_run():
    async def hang(check: Check, ctx: ProbeContext) -> Observation:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    t0 = time.monotonic()
    result = await Engine(make_catalog(4, timeout_s=60), probes=probes_of(hang),
                          deadline_s=1.0, use_trusted_dns=False).run()
    assert time.monotonic() - t0 < 3
    assert result.deadline_hit
    assert {o.failure for o in result.observations} == {"deadline_exceeded"}


async def test_cancel_stops_within_a_second_and_keeps_finished_results():
    async def mixed(check: Check, ctx: ProbeContext) -> Observation:
        if check.id == "c0":
            return await quick(check, ctx)
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    engine = Engine(make_catalog(4, timeout_s=60, deadline_s=60), probes=probes_of(mixed),
                    use_trusted_dns=False)
    task = asyncio.create_task(engine.run())
    await asyncio.sleep(0.3)
    t0 = time.monotonic()
    engine.cancel()
    result = await asyncio.wait_for(task, 2)
    assert time.monotonic() - t0 < 1.0
    assert result.cancelled
    assert result.observations[0].ok
    assert {o.failure for o in result.observations[1:]} == {"interrupted"}


async def test_cancelling_the_task_propagates_and_leaves_no_probe_running():
    started = asyncio.Event()
    closed = []

    async def hang(check: Check, ctx: ProbeContext) -> Observation:
        started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            closed.append(check.id)
        raise AssertionError("unreachable")

    task = asyncio.create_task(Engine(make_catalog(2, timeout_s=60), probes=probes_of(hang),
                                      use_trusted_dns=False).run())
    await asyncio.wait_for(started.wait(), 2)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    else:
        raise AssertionError("run() swallowed the cancellation")
    assert sorted(closed) == ["c0", "c1"]


async def test_a_broken_progress_listener_does_not_break_the_run():
    def listener(event):
        raise RuntimeError("listener bug")

    result = await Engine(make_catalog(2), probes=probes_of(quick), on_event=listener,
                          use_trusted_dns=False).run()
    assert all(o.ok for o in result.observations)
