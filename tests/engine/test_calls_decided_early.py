"""Calls plainly blocked are decided after the STUN retransmissions, not after the whole window.

When nothing at all has answered any calls check of the run 3.5 s in (timeouts.CALLS_SILENT_S:
STUN's tries at 0, 0.5, 1.5 s and its last 2 s wait), no later answer can change the calls
verdict: STUN checks and call-like flows stop there. When anything answered, they run on.
"""

from __future__ import annotations

import time
from dataclasses import replace

from app.core import failures as F
from app.core.model import Check, Feature, Kind, Role
from app.engine import timeouts
from app.engine.calls import call_flow
from app.engine.context import ProbeContext
from app.engine.probes import stun
from tests.calls.udp_servers import CallServer


def _check(kind: Kind, port: int, **fields: object) -> Check:
    base = Check(id=f"{kind.value}-{port}", service="Test call", feature=Feature.CALLS,
                 kind=kind, host="127.0.0.1", port=port, role=Role.CALL_TEST, timeout_s=6.0)
    return replace(base, **fields)  # type: ignore[arg-type]


def _heard() -> ProbeContext:
    ctx = ProbeContext()
    ctx.heard_udp()  # another calls check of this run got an answer
    return ctx


async def test_stun_with_no_answer_anywhere_stops_after_its_retransmissions() -> None:
    with CallServer("stun", answer_first=0) as server:
        started = time.monotonic()
        obs = await stun.run(_check(Kind.STUN, server.port), ProbeContext())
        took = time.monotonic() - started
    assert not obs.ok and obs.failure == F.GENERIC_TIMEOUT and obs.phase == "udp"
    assert timeouts.CALLS_SILENT_S - 0.1 <= took < 4.0
    assert "no calls check" in (obs.failure_detail or "")


async def test_stun_waits_its_whole_allowance_when_something_else_answered() -> None:
    with CallServer("stun", answer_first=0) as server:
        started = time.monotonic()
        obs = await stun.run(_check(Kind.STUN, server.port, timeout_s=4.8), _heard())
        took = time.monotonic() - started
    assert not obs.ok and obs.failure == F.GENERIC_TIMEOUT
    assert took >= 4.6


async def test_a_stun_answer_marks_the_run_as_heard() -> None:
    ctx = ProbeContext()
    with CallServer("stun") as server:
        obs = await stun.run(_check(Kind.STUN, server.port), ctx)
    assert obs.ok and ctx.udp_answer_at is not None


async def test_a_flow_nobody_answers_stops_early_when_nothing_answered_anywhere() -> None:
    with CallServer("stun", answer_first=0) as server:
        started = time.monotonic()
        obs = await call_flow.run(_check(Kind.CALL_FLOW, server.port, duration_s=6.0,
                                         packet_bytes=160, rate_pps=50, timeout_s=8.0),
                                  ProbeContext())
        took = time.monotonic() - started
    assert not obs.ok and obs.failure == F.GENERIC_TIMEOUT
    assert obs.facts is not None and obs.facts.flow is not None
    assert obs.facts.flow.received == 0
    assert obs.facts.flow.window_s < timeouts.CALLS_SILENT_S + 0.3
    assert took < 4.0


async def test_a_flow_runs_its_whole_window_when_something_answered() -> None:
    with CallServer("stun", answer_first=0) as server:
        obs = await call_flow.run(_check(Kind.CALL_FLOW, server.port, duration_s=4.5,
                                         packet_bytes=160, rate_pps=50, timeout_s=7.0),
                                  _heard())
    assert obs.facts is not None and obs.facts.flow is not None
    assert obs.facts.flow.window_s >= 4.3


async def test_a_flow_that_gets_answers_runs_on() -> None:
    ctx = ProbeContext()
    with CallServer("stun") as server:
        obs = await call_flow.run(_check(Kind.CALL_FLOW, server.port, duration_s=4.0,
                                         packet_bytes=160, rate_pps=50, timeout_s=7.0), ctx)
    assert obs.ok and obs.facts is not None and obs.facts.flow is not None
    assert obs.facts.flow.window_s >= 3.8 and ctx.udp_answer_at is not None
