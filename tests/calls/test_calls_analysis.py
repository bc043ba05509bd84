"""Calls rules with hand-built observations: what the person would be told, and why."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from app.analysis.calls import analyze_calls
from app.analysis.diagnose import diagnose
from app.analysis.model import CauseId, Verdict
from app.core import failures as F
from app.core.facts import (
    CallSound,
    CallStats,
    Facts,
    FlowFacts,
    FlowNumbers,
    ShapesFacts,
    ShapesSummary,
    TestCallFacts,
    UdpEchoFacts,
)
from app.core.model import Observation
from tests.analysis.factory import CONNECTED, catalog, fail, healthy


def obs(check_id: str, kind: str, good: bool, failure: str | None = None,
        facts: Facts | None = None, **extra: Any) -> Observation:
    """``extra``: a plain-UDP check's ``payload``; a call_shapes check's ``passed`` and
    ``filtered`` shapes."""
    if kind == "udp" and extra:
        facts = UdpEchoFacts(packet_bytes=20, **extra)
    elif kind == "call_shapes" and extra:
        passed, filtered = tuple(extra.get("passed", ())), tuple(extra.get("filtered", ()))
        facts = ShapesFacts(shapes={}, summary=ShapesSummary(
            bytes_sent=1200, passed=passed, dropped=filtered, filtered=filtered))
    return Observation(check_id, "Test call", "calls", kind, "call_test", f"{check_id}:1",
                       good, None if good else (failure or F.GENERIC_TIMEOUT), "udp", 100,
                       facts=facts)


def flow(check_id: str, *, cut: bool = False, received: int = 300, **numbers: Any
         ) -> Observation:
    measured = FlowNumbers(sent=300, received=received, loss_pct=0.0, jitter_ms=2.0,
                           rtt_ms_median=40.0, rtt_ms_p95=45.0,
                           answered_until_s=1.0 if cut else 5.98, window_s=6.0, cutoff=cut,
                           bytes_sent=300 * 160, wire_bytes_sent=300 * 188)
    facts = FlowFacts(payload="stun", packet_bytes=160, rate_pps=50,
                      flow=replace(measured, **numbers))
    if cut:
        return obs(check_id, "call_flow", False, F.STALLED, facts)
    if received == 0:
        return obs(check_id, "call_flow", False, None, facts)
    return obs(check_id, "call_flow", True, None, facts)


def turn(check_id: str, transport: str, good: bool, failure: str | None = None, **extra: Any
         ) -> Observation:
    """``extra``: the sound's ``answered_until_s`` and ``window_s``, the stats' ``loss_pct``,
    ``jitter_ms`` and ``rtt_ms``."""
    stats = CallStats(packets_sent=200, packets_received=200, packets_lost=0, loss_pct=0.0,
                      jitter_ms=3.0, rtt_ms=50.0)
    sound = CallSound(window_s=4.0, frames_received=190, frames_expected=200,
                      answered_until_s=3.98)
    facts = TestCallFacts(
        turn_transport=transport, relay_allocated=True, connected=True, connect_ms=300.0,
        sound=replace(sound, **{k: v for k, v in extra.items() if hasattr(sound, k)}),
        stats=replace(stats, **{k: v for k, v in extra.items() if hasattr(stats, k)}))
    return obs(check_id, "turn_call", good, failure, facts)


STUN_DOWN = {
    "wa_relay": fail("wa-relay", F.GENERIC_TIMEOUT, "udp"),
    "tg_relay": fail("tg-relay", F.GENERIC_TIMEOUT, "udp"),
    "signal_relay": fail("signal-relay", F.GENERIC_TIMEOUT, "udp"),
    "stun_google": fail("stun-google", F.GENERIC_TIMEOUT, "udp"),
    "stun_cf": fail("stun-cf", F.GENERIC_TIMEOUT, "udp"),
}


def calls_of(observations: list[Observation]) -> Any:
    return diagnose(observations, catalog(), CONNECTED).feature("calls")


def cause_ids(result: Any) -> set[CauseId]:
    return {c.id for c in result.causes}


# ------------------------------------------------------------------ can calls pass at all
def test_udp_blocked_when_plain_udp_and_stun_fail_but_tcp_works() -> None:
    observations = [*healthy(**STUN_DOWN), obs("echo-udp", "udp", False, payload="random")]
    calls = calls_of(observations)
    assert calls.verdict == Verdict.BLOCKED
    assert CauseId.UDP_BLOCKED in cause_ids(calls)
    assert CauseId.STUN_BLOCKED not in cause_ids(calls)
    whatsapp = calls.service("WhatsApp")
    assert whatsapp is not None
    assert [c.id for c in whatsapp.causes] == [CauseId.UDP_BLOCKED]


def test_stun_blocked_when_plain_udp_passes() -> None:
    observations = [*healthy(**STUN_DOWN), obs("echo-udp", "udp", True, payload="random")]
    calls = calls_of(observations)
    assert calls.verdict == Verdict.BLOCKED
    stun = next(c for c in calls.causes if c.id == CauseId.STUN_BLOCKED)
    assert "echo-udp" in stun.checks
    assert CauseId.UDP_BLOCKED not in cause_ids(calls)


def test_silence_to_a_classic_stun_request_is_no_proof_of_udp_blocking() -> None:
    observations = [*healthy(**STUN_DOWN), obs("classic", "udp", False, payload="stun_classic")]
    findings = analyze_calls(observations)
    assert not findings.has(CauseId.UDP_BLOCKED)


def test_no_udp_blocking_claimed_when_tcp_fails_too() -> None:
    observations = [*STUN_DOWN.values(), obs("echo-udp", "udp", False, payload="random")]
    assert not analyze_calls(observations).has(CauseId.UDP_BLOCKED)


def test_a_stun_flow_that_got_answers_means_stun_passes() -> None:
    observations = [*healthy(**STUN_DOWN), obs("echo-udp", "udp", True, payload="random"),
                    flow("flow-g")]
    assert not analyze_calls(observations).has(CauseId.STUN_BLOCKED)


# ------------------------------------------------------------------ do calls stay up
def test_calls_that_connect_and_die_are_call_cutoff() -> None:
    calls = calls_of([*healthy(), flow("flow-g", cut=True), flow("flow-c", cut=True)])
    assert calls.verdict == Verdict.DEGRADED  # one STUN request passes, a call does not last
    cut = next(c for c in calls.causes if c.id == CauseId.CALL_CUTOFF)
    assert set(cut.checks) == {"flow-g", "flow-c"}
    whatsapp = calls.service("WhatsApp")
    assert whatsapp is not None and whatsapp.verdict == Verdict.DEGRADED


def test_one_cut_flow_of_two_is_not_enough() -> None:
    findings = analyze_calls([*healthy(), flow("flow-g", cut=True), flow("flow-c")])
    assert not findings.has(CauseId.CALL_CUTOFF)


def test_a_test_call_whose_sound_stops_is_call_cutoff() -> None:
    observations = [*healthy(), turn("turn-udp", "udp", False, F.STALLED,
                                     answered_until_s=1.2, window_s=4.0)]
    assert analyze_calls(observations).has(CauseId.CALL_CUTOFF)


def test_healthy_calls_stay_works() -> None:
    observations = [*healthy(), flow("flow-g"), flow("flow-c"), turn("t-udp", "udp", True),
                    turn("t-tcp", "tcp", True)]
    calls = calls_of(observations)
    assert calls.verdict == Verdict.WORKS
    assert calls.causes == ()


# ------------------------------------------------------------------ how do they sound
@pytest.mark.parametrize(("facts", "poor"), [
    ({"loss_pct": 5.0}, True),
    ({"loss_pct": 3.0}, False),  # "> 3 %" is poor; exactly 3 % is still fair
    ({"jitter_ms": 60.0}, True),
    ({"jitter_ms": 50.0}, False),
    ({"rtt_ms": 350.0}, True),
    ({"rtt_ms": 250.0}, False),
])
def test_test_call_quality_thresholds(facts: dict[str, float], poor: bool) -> None:
    findings = analyze_calls([*healthy(), turn("t-udp", "udp", True, **facts)])
    assert findings.has(CauseId.POOR_CALL_QUALITY) is poor


def test_poor_quality_makes_working_calls_degraded() -> None:
    calls = calls_of([*healthy(), turn("t-udp", "udp", True, loss_pct=8.0)])
    assert calls.verdict == Verdict.DEGRADED
    assert CauseId.POOR_CALL_QUALITY in cause_ids(calls)


def test_flow_quality_needs_most_flows_to_agree() -> None:
    one = analyze_calls([flow("a", loss_pct=9.0), flow("b")])
    both = analyze_calls([flow("a", loss_pct=9.0), flow("b", rtt_ms_median=400.0)])
    assert not one.has(CauseId.POOR_CALL_QUALITY)
    assert both.has(CauseId.POOR_CALL_QUALITY)


# ------------------------------------------------------------------ which relay works
def test_relay_over_tcp_only_makes_blocked_calls_degraded() -> None:
    observations = [*healthy(**STUN_DOWN), turn("t-udp", "udp", False), turn("t-tcp", "tcp", True)]
    calls = calls_of(observations)
    assert calls.verdict == Verdict.DEGRADED  # "some apps still connect"
    assert CauseId.RELAY_TCP_ONLY in cause_ids(calls)
    assert analyze_calls(observations).relay == {"udp": False, "tcp": True}


def test_relay_down_on_both_transports_is_not_relay_tcp_only() -> None:
    findings = analyze_calls([turn("t-udp", "udp", False), turn("t-tcp", "tcp", False)])
    assert not findings.has(CauseId.RELAY_TCP_ONLY)
    assert findings.turn_configured


# ------------------------------------------------------------------ whose traffic is singled out
def test_app_shaped_packets_vanishing_is_call_traffic_filtered_for_that_app() -> None:
    shapes = obs("echo-shapes", "call_shapes", True, filtered=["whatsapp"],
                 passed=["stun", "telegram", "neutral_20", "neutral_40", "neutral_60"])
    calls = calls_of([*healthy(), shapes])
    cause = next(c for c in calls.causes if c.id == CauseId.CALL_TRAFFIC_FILTERED)
    assert cause.services == ("WhatsApp",)
    whatsapp, telegram = calls.service("WhatsApp"), calls.service("Telegram")
    assert whatsapp is not None and whatsapp.verdict == Verdict.DEGRADED
    assert telegram is not None and telegram.verdict == Verdict.WORKS


def test_checks_that_did_not_run_are_no_evidence() -> None:
    interrupted = obs("flow-g", "call_flow", False, F.INTERRUPTED)
    findings = analyze_calls([*healthy(), interrupted])
    assert findings.causes == ()
    assert not findings.turn_configured and not findings.echo_configured


def test_calls_findings_are_ignored_when_the_network_is_offline() -> None:
    offline = [fail(o.check_id, F.GENERIC_TIMEOUT, "tcp") for o in healthy()
               if o.kind != "stun"]
    calls = calls_of([*offline, flow("flow-g", cut=True)])
    assert calls.verdict == Verdict.UNAVAILABLE
    assert CauseId.CALL_CUTOFF not in cause_ids(calls)


def test_a_restriction_note_follows_the_final_calls_verdict() -> None:
    """Calls that connect and then die are a measured problem: the dated note applies."""
    calls = calls_of([*healthy(), flow("flow-g", cut=True), flow("flow-c", cut=True)])
    whatsapp = calls.service("WhatsApp")
    assert whatsapp is not None and whatsapp.verdict == Verdict.DEGRADED
    assert whatsapp.restriction_id == "ru-2025-08-calls"
