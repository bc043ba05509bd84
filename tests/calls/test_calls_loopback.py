"""The calls probes against loopback servers: a STUN server, an echo, and a "censor" that
drops STUN by its cookie, drops app-shaped packets, or goes silent after N packets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.analysis.calls import analyze_calls
from app.analysis.model import CauseId
from app.core import failures as F
from app.core.catalog import Catalog
from app.core.model import Check, Feature, Kind, Role
from app.engine.calls import call_flow, call_shapes, udp_echo
from app.engine.context import ProbeContext
from app.engine.probes import stun
from app.engine.runner import Engine
from tests.calls.udp_servers import CallServer

CTX = ProbeContext()


def check(kind: Kind, port: int, **fields: object) -> Check:
    base = Check(id=f"{kind.value}-{port}", service="Test call", feature=Feature.CALLS,
                 kind=kind, host="127.0.0.1", port=port, role=Role.CALL_TEST, timeout_s=3.0)
    return replace(base, **fields)  # type: ignore[arg-type]


def flow_check(port: int, *, payload: str = "stun", duration_s: float = 3.0) -> Check:
    return check(Kind.CALL_FLOW, port, payload=payload, duration_s=duration_s,
                 packet_bytes=160, rate_pps=50, timeout_s=duration_s + 2.5)


async def test_call_flow_to_a_stun_server_measures_a_whole_call() -> None:
    with CallServer("stun") as server:
        obs = await call_flow.run(flow_check(server.port), CTX)
    assert obs.ok, obs.failure_detail
    # 150 voice-rhythm packets; the first 10 and then one in 5 ask for an answer: 10 + 28
    assert obs.facts.flow.sent == 38 and obs.facts.flow.received == 38
    assert obs.facts.flow.loss_pct == 0.0
    assert obs.facts.flow.answered_until_s >= 2.9
    assert obs.facts.flow.rtt_ms_median is not None and obs.facts.flow.jitter_ms is not None
    assert obs.facts.flow.bytes_sent == 150 * 160
    assert server.received == 150


async def test_a_flow_cut_after_n_packets_is_reported_stalled() -> None:
    with CallServer("stun", answer_first=40) as server:
        obs = await call_flow.run(flow_check(server.port, duration_s=4.0), CTX)
    assert not obs.ok
    assert obs.failure == F.STALLED and obs.phase == "udp"
    assert obs.facts.flow.received == 16  # the requests among the first 40 packets: 10 + 6
    assert obs.facts.flow.answered_until_s < 1.0 < obs.facts.flow.window_s - 2.0
    assert obs.facts.flow.cutoff is True
    assert analyze_calls([obs]).has(CauseId.CALL_CUTOFF)


async def test_a_flow_nobody_answers_is_a_timeout_not_a_cutoff() -> None:
    with CallServer("stun", answer_first=0) as server:
        obs = await call_flow.run(flow_check(server.port, duration_s=1.0), CTX)
    assert not obs.ok and obs.failure == F.GENERIC_TIMEOUT
    assert obs.facts.flow.received == 0


async def test_call_flow_to_an_echo() -> None:
    with CallServer("echo") as server:
        obs = await call_flow.run(flow_check(server.port, payload="echo", duration_s=1.0), CTX)
    assert obs.ok and obs.facts.flow.received == obs.facts.flow.sent == 50


async def test_cookie_filter_plain_udp_passes_stun_does_not() -> None:
    """The finding "payload filtering": same server, same port, only the STUN cookie differs."""
    with CallServer("stun", drop_cookie=True) as server:
        plain = await udp_echo.run(check(Kind.UDP_ECHO, server.port, payload="stun_classic",
                                         packet_bytes=20), CTX)
        modern = await stun.run(replace(check(Kind.STUN, server.port), id="stun"), CTX)
    assert plain.ok and plain.facts.payload == "stun_classic"
    assert not modern.ok and modern.failure == F.GENERIC_TIMEOUT
    findings = analyze_calls([plain, modern])
    assert findings.has(CauseId.STUN_BLOCKED)
    assert not findings.has(CauseId.UDP_BLOCKED)


async def test_plain_udp_random_payload_comes_back_from_an_echo() -> None:
    with CallServer("echo") as server:
        obs = await udp_echo.run(check(Kind.UDP_ECHO, server.port, payload="random",
                                       packet_bytes=20), CTX)
    assert obs.ok and obs.facts.tries == 1 and obs.facts.packet_bytes == 20


async def test_plain_udp_to_nobody_fails() -> None:
    with CallServer("echo", answer_first=0) as server:
        obs = await udp_echo.run(check(Kind.UDP_ECHO, server.port, payload="random",
                                       timeout_s=1.5), CTX)
    assert not obs.ok and obs.failure == F.GENERIC_TIMEOUT and obs.phase == "udp"


async def test_call_shapes_show_which_app_traffic_is_dropped() -> None:
    with CallServer("echo", drop_shapes=True) as server:
        obs = await call_shapes.run(check(Kind.CALL_SHAPES, server.port), CTX)
    assert obs.ok, obs.failure_detail
    assert set(obs.facts.summary.filtered) == {"whatsapp", "telegram"}
    assert "stun" in obs.facts.summary.passed and "neutral_60" in obs.facts.summary.passed
    cause = next(c for c in analyze_calls([obs]).causes
                 if c.id == CauseId.CALL_TRAFFIC_FILTERED)
    assert set(cause.services) == {"WhatsApp", "Telegram"}


async def test_call_shapes_all_pass_through_a_plain_echo() -> None:
    with CallServer("echo") as server:
        obs = await call_shapes.run(check(Kind.CALL_SHAPES, server.port), CTX)
    assert obs.ok and obs.facts.summary.filtered == () and obs.facts.summary.dropped == ()
    assert obs.facts.summary.bytes_sent == 5 * (20 + 60 + 40 + 20 + 40 + 60)


async def test_engine_runs_calls_checks_through_the_registry() -> None:
    with CallServer("stun") as stun_server, CallServer("echo") as echo:
        checks = (
            replace(flow_check(stun_server.port, duration_s=2.0), id="flow"),
            replace(check(Kind.UDP_ECHO, echo.port, payload="random"), id="udp"),
            replace(check(Kind.CALL_SHAPES, echo.port), id="shapes"),
        )
        catalog = Catalog(path=Path("calls.toml"), name="calls", version="1", country="",
                          checks=checks, deadline_s=15.0)
        result = await Engine(catalog, use_trusted_dns=False).run()
    by_id = {o.check_id: o for o in result.observations}
    assert all(o.ok for o in by_id.values()), [o.failure_detail for o in by_id.values()]
    # 100 packets in 2 s; the first 10 and one in 5 after them are answered requests
    assert by_id["flow"].facts.flow.received == by_id["flow"].facts.flow.sent == 28
    assert by_id["flow"].facts.flow.bytes_sent == 100 * 160


@pytest.mark.parametrize("kind", [Kind.UDP_ECHO, Kind.CALL_FLOW, Kind.CALL_SHAPES])
async def test_unreachable_port_is_reported_not_raised(kind: Kind) -> None:
    with CallServer("echo") as server:
        port = server.port
    # the server is gone: the port answers with ICMP port unreachable (or nothing)
    obs = await {Kind.UDP_ECHO: udp_echo.run, Kind.CALL_FLOW: call_flow.run,
                 Kind.CALL_SHAPES: call_shapes.run}[kind](
        check(kind, port, duration_s=1.0 if kind == Kind.CALL_FLOW else 0.0,
              payload="echo" if kind == Kind.CALL_FLOW else ""), CTX)
    assert not obs.ok
    assert obs.failure in (F.CONNECTION_REFUSED, F.GENERIC_TIMEOUT)
