"""Answers in seconds: the offline rule stops a run nothing answers, sequential mode exists for
benchmarks, and verdicts are handed out as soon as their evidence is in."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from app.analysis.diagnose import diagnose
from app.analysis.model import NetworkStatus, Verdict
from app.analysis.progressive import Progressive
from app.core import failures
from app.core.catalog import Catalog
from app.core.events import CheckFinished, RunStarted, StoppedEarly
from app.core.model import Check, Feature, Kind, Observation, Role
from app.core.system import Interface, InterfaceSnapshot
from app.engine.context import Clock, ProbeContext, observation
from app.engine.runner import Engine

ONLINE = InterfaceSnapshot((Interface("eth0", True, ("198.18.0.2",), False),))


def catalog(*checks: Check, deadline_s: float = 10.0) -> Catalog:
    return Catalog(path=Path("t.toml"), name="t", version="1", country="", checks=checks,
                   deadline_s=deadline_s, concurrency=16)


def check(id_: str, feature: Feature, role: Role = Role.SERVICE, service: str = "Svc",
          timeout_s: float = 5.0) -> Check:
    return Check(id=id_, service=service, feature=feature, kind=Kind.TCP, host="198.18.0.9",
                 port=443, role=role, timeout_s=timeout_s)


CONTROLS = (
    check("ctl-dom", Feature.NETWORK, Role.CONTROL_DOMESTIC, "Yandex"),
    check("ctl-int", Feature.NETWORK, Role.CONTROL_INTERNATIONAL, "Wikipedia"),
)


def probes(fn):
    return {kind: fn for kind in Kind}


async def silent(check: Check, ctx: ProbeContext) -> Observation:
    """A dropped SYN: nothing ever comes back (until the check's own timeout)."""
    clock = Clock()
    await asyncio.sleep(check.timeout_s)
    return observation(check, clock, ok=False, phase="tcp", failure=failures.GENERIC_TIMEOUT)


async def test_nothing_answers_so_the_run_stops_as_offline_long_before_the_timeouts():
    events: list[object] = []
    cat = catalog(*CONTROLS, check("wa", Feature.MESSAGES), check("maps", Feature.MAPS))
    engine = Engine(cat, probes=probes(silent), on_event=events.append, use_trusted_dns=False,
                    offline_after_s=0.3)
    t0 = time.monotonic()
    run = await asyncio.wait_for(engine.run(), 5)
    assert time.monotonic() - t0 < 2.0  # not the 5 s every check would wait
    assert run.stopped_early == "offline" and not run.cancelled
    assert {o.failure for o in run.observations} == {failures.SKIPPED_OFFLINE}
    assert any(isinstance(e, StoppedEarly) for e in events)
    finished = [e for e in events if isinstance(e, CheckFinished)]
    assert len(finished) == 4  # every stopped check is reported, so progress completes
    diagnosis = diagnose(run.observations, cat, ONLINE)
    assert diagnosis.network.status == NetworkStatus.OFFLINE
    verdicts = {f.feature: f.verdict for f in diagnosis.features}
    assert verdicts["messages"] == verdicts["maps"] == Verdict.UNAVAILABLE


async def test_one_answer_keeps_the_run_going():
    async def slow_but_heard(check: Check, ctx: ProbeContext) -> Observation:
        clock = Clock()
        if check.id == "ctl-dom":
            ctx.heard_back()  # e.g. a refused connection: the network is there
        await asyncio.sleep(0.6)
        clock.mark("tcp")
        return observation(check, clock, ok=True, phase="tcp")

    cat = catalog(*CONTROLS, check("wa", Feature.MESSAGES))
    engine = Engine(cat, probes=probes(slow_but_heard), use_trusted_dns=False,
                    offline_after_s=0.2)
    run = await asyncio.wait_for(engine.run(), 5)
    assert run.stopped_early is None
    assert all(o.ok for o in run.observations)


async def test_without_control_sites_silence_is_never_called_offline():
    """`--only`-style catalogs without controls: silence could be a block of just those."""
    cat = catalog(check("wa", Feature.MESSAGES, timeout_s=0.5))
    engine = Engine(cat, probes=probes(silent), use_trusted_dns=False, offline_after_s=0.1)
    run = await asyncio.wait_for(engine.run(), 5)
    assert run.stopped_early is None
    assert run.observations[0].failure == failures.GENERIC_TIMEOUT


async def test_sequential_mode_runs_one_check_at_a_time():
    running = peak = 0

    async def counting(check: Check, ctx: ProbeContext) -> Observation:
        nonlocal running, peak
        ctx.heard_back()
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.02)
        running -= 1
        return observation(check, Clock(), ok=True, phase="tcp")

    cat = catalog(*CONTROLS, *(check(f"s{i}", Feature.MAPS) for i in range(5)))
    run = await Engine(cat, probes=probes(counting), use_trusted_dns=False,
                       sequential=True).run()
    assert peak == 1 and run.sequential
    assert all(o.ok for o in run.observations)


def _ok(c: Check) -> Observation:
    return observation(c, Clock(), ok=True, phase="tls")


def test_a_feature_is_decided_when_its_checks_and_the_network_are_in():
    messages = check("wa", Feature.MESSAGES, service="WhatsApp")
    calls = check("call", Feature.CALLS, service="WhatsApp")
    cat = catalog(*CONTROLS, messages, calls)
    progressive = Progressive(cat)
    assert progressive.on_event(RunStarted(ONLINE, 4, time.monotonic())) == []
    assert progressive.on_event(CheckFinished(messages, _ok(messages), 1, 4)) == []
    assert progressive.on_event(CheckFinished(CONTROLS[0], _ok(CONTROLS[0]), 2, 4)) == []
    decided = progressive.on_event(CheckFinished(CONTROLS[1], _ok(CONTROLS[1]), 3, 4))
    # The network's status and messages are known now (maps has no checks here: nothing to
    # wait for); calls still waits for its check.
    assert [d.feature for d in decided] == ["network", "messages", "maps"]
    assert decided[1].result is not None and decided[1].result.verdict == Verdict.WORKS
    later = progressive.on_event(CheckFinished(calls, _ok(calls), 4, 4))
    assert [d.feature for d in later] == ["calls"]
    observations = [_ok(c) for c in cat.checks]
    final = diagnose(observations, cat, ONLINE)
    timing = progressive.timing(final, duration_s=9.0)
    assert timing["features"]["messages"] <= timing["features"]["calls"] < 9.0
    assert timing["first_verdict_s"] == timing["features"]["messages"]


def test_an_early_verdict_that_did_not_hold_counts_as_known_at_the_end():
    messages = check("wa", Feature.MESSAGES, service="WhatsApp")
    cat = catalog(*CONTROLS, messages)
    progressive = Progressive(cat)
    progressive.on_event(RunStarted(ONLINE, 3, time.monotonic()))
    for c in cat.checks:
        progressive.on_event(CheckFinished(c, _ok(c), 1, 3))
    blocked = [_ok(CONTROLS[0]), _ok(CONTROLS[1]),
               observation(messages, Clock(), ok=False, phase="tls",
                           failure=failures.CONNECTION_RESET)]
    final = diagnose(blocked, cat, ONLINE)
    assert final.features[1].verdict != Verdict.WORKS
    timing = progressive.timing(final, duration_s=7.5)
    assert timing["features"]["messages"] == 7.5


async def test_a_link_that_drops_during_the_run_is_noticed(monkeypatch):
    """The engine watches the interfaces: a drop-and-return inside one run marks the snapshot,
    and the analysis then makes no claims (network unknown, cause network_changed)."""
    from app.engine import runner

    states = iter([frozenset({("eth0", True, ("198.18.0.2",))}),
                   frozenset({("eth0", False, ("198.18.0.2",))})])
    last = frozenset({("eth0", True, ("198.18.0.2",))})
    monkeypatch.setattr(runner, "link_state", lambda: next(states, last))
    monkeypatch.setattr(runner, "_LINK_WATCH_S", 0.01)

    async def half_and_half(check: Check, ctx: ProbeContext) -> Observation:
        ctx.heard_back()
        await asyncio.sleep(0.1)
        if check.id == "ctl-int":  # timed out while the link was down
            return observation(check, Clock(), ok=False, phase="tcp",
                               failure=failures.GENERIC_TIMEOUT)
        return observation(check, Clock(), ok=True, phase="tcp")

    cat = catalog(*CONTROLS, check("wa", Feature.MESSAGES))
    run = await Engine(cat, probes=probes(half_and_half), use_trusted_dns=False).run()
    assert run.interfaces.changed_during_run
    diagnosis = diagnose(run.observations, cat, run.interfaces)
    assert diagnosis.network.status == NetworkStatus.UNKNOWN  # not "allow-list only"
    assert [c.id.value for c in diagnosis.network.causes] == ["network_changed"]
    assert diagnosis.features[1].verdict == Verdict.WORKS  # what did connect still counts


async def test_a_steady_link_is_not_reported_as_changed(monkeypatch):
    from app.engine import runner

    steady = frozenset({("eth0", True, ("198.18.0.2",))})
    monkeypatch.setattr(runner, "link_state", lambda: steady)
    monkeypatch.setattr(runner, "_LINK_WATCH_S", 0.01)

    async def fine(check: Check, ctx: ProbeContext) -> Observation:
        ctx.heard_back()
        await asyncio.sleep(0.05)
        return observation(check, Clock(), ok=True, phase="tcp")

    run = await Engine(catalog(*CONTROLS), probes=probes(fine), use_trusted_dns=False).run()
    assert not run.interfaces.changed_during_run
