"""Every kind's facts survive the JSON report: ``to_dict`` writes them as ``extra`` and
``from_dict`` gives the same facts back, so a recorded run replays byte for byte."""

from __future__ import annotations

import dataclasses
import json

import pytest

from app.core.facts import (
    CallSound,
    CallStats,
    DohFacts,
    Facts,
    FlowFacts,
    FlowNumbers,
    ShapeCount,
    ShapesFacts,
    ShapesSummary,
    StunFacts,
    TestCallFacts,
    UdpEchoFacts,
    WebFacts,
    facts_from_dict,
    facts_to_dict,
    identifying_keys,
)
from app.core.failures import Failure
from app.core.model import FACTS_OF_KIND, Feature, Kind, Observation, Phase, Role
from app.report import json_report, privacy

_SOUND = CallSound(window_s=4.01, frames_received=190, frames_expected=200,
                   answered_until_s=3.98)
_STATS = CallStats(packets_sent=400, packets_received=396, packets_lost=4, loss_pct=1.0,
                   jitter_ms=None, rtt_ms=12.5)
_FLOW = FlowNumbers(sent=200, received=0, loss_pct=100.0, jitter_ms=None, rtt_ms_median=None,
                    rtt_ms_p95=None, answered_until_s=None, window_s=4.0, cutoff=False,
                    bytes_sent=32000, wire_bytes_sent=37600)
_SHAPES = {name: ShapeCount(sent=5, echoed=0 if name == "whatsapp" else 5)
           for name in ("stun", "whatsapp", "neutral_60")}

# Every kind that reports facts: what the probe writes when it got everywhere, and when it
# stopped early (the facts it had gathered so far).
EXAMPLES: dict[Kind, list[Facts]] = {
    Kind.DOH: [DohFacts(query="example.com A")],
    Kind.HTTPS: [WebFacts(complete=True),
                 WebFacts(silence_ms=3001, complete=False, truncated_at_max_bytes=True)],
    Kind.HTTP: [WebFacts(complete=True, body_hint="login_page", title="Wi-Fi login"),
                WebFacts(complete=False, body_hint="empty")],
    Kind.STUN: [StunFacts(rtt_ms=41.5, tries=2, mapped_address="[2001:db8::5]:5000"),
                StunFacts(rtt_ms=3.0, tries=1)],
    Kind.UDP_ECHO: [UdpEchoFacts(payload="random", packet_bytes=20, rtt_ms=1.5, tries=1),
                    UdpEchoFacts(payload="stun_classic", packet_bytes=20)],
    Kind.CALL_FLOW: [FlowFacts(payload="echo", packet_bytes=160, rate_pps=50, flow=_FLOW),
                     FlowFacts(payload="stun", packet_bytes=160, rate_pps=50)],
    Kind.CALL_SHAPES: [
        ShapesFacts(shapes=_SHAPES, summary=ShapesSummary(
            bytes_sent=700, passed=("stun", "neutral_60"), dropped=("whatsapp",),
            filtered=("whatsapp",))),
        ShapesFacts(shapes={})],
    Kind.TURN_CALL: [
        TestCallFacts(turn_transport="tcp", relay_allocated=True, connected=True,
                      connect_ms=310.2, sound=_SOUND, stats=_STATS),
        TestCallFacts(turn_transport="udp", relay_allocated=False, connected=False)],
    Kind.ECHO_CALL: [TestCallFacts(connected=True, connect_ms=80.0, sound=_SOUND, stats=_STATS),
                     TestCallFacts(connected=False)],
}


def _observation(kind: Kind, facts: Facts | None) -> Observation:
    return Observation("c1", "Test", Feature.CALLS, kind, Role.SERVICE, "x:1", False,
                       Failure.STALLED, Phase.UDP, 1200, {"udp": 12.3}, facts=facts)


def test_every_kind_with_facts_has_examples() -> None:
    assert set(EXAMPLES) == set(FACTS_OF_KIND)


@pytest.mark.parametrize(("kind", "facts"), [(k, f) for k, fs in EXAMPLES.items() for f in fs])
def test_facts_round_trip_through_the_report(kind: Kind, facts: Facts) -> None:
    obs = _observation(kind, facts)
    text = json.dumps(obs.to_dict(), ensure_ascii=False, indent=1)
    again = Observation.from_dict(json.loads(text))
    assert again == obs
    assert json.dumps(again.to_dict(), ensure_ascii=False, indent=1) == text


@pytest.mark.parametrize("kind", list(Kind))
def test_no_facts_is_an_empty_extra(kind: Kind) -> None:
    obs = _observation(kind, None)
    assert obs.to_dict()["extra"] == {}
    assert Observation.from_dict(obs.to_dict()) == obs


def test_extra_keys_keep_the_order_the_probes_always_wrote() -> None:
    turn = EXAMPLES[Kind.TURN_CALL][0]
    assert list(facts_to_dict(turn)) == [
        "turn_transport", "relay_allocated", "connected", "connect_ms", "window_s",
        "frames_received", "frames_expected", "answered_until_s", "packets_sent",
        "packets_received", "packets_lost", "loss_pct", "jitter_ms", "rtt_ms"]
    assert list(facts_to_dict(EXAMPLES[Kind.HTTPS][1])) == [
        "silence_ms", "complete", "truncated_at_max_bytes"]
    assert facts_to_dict(EXAMPLES[Kind.CALL_SHAPES][0])["shapes"]["whatsapp"] == {
        "sent": 5, "echoed": 0}


def test_a_fact_measured_as_nothing_is_written_as_null() -> None:
    assert facts_to_dict(_STATS)["jitter_ms"] is None
    assert facts_to_dict(EXAMPLES[Kind.CALL_FLOW][0])["answered_until_s"] is None


def test_numbers_come_back_as_they_were_written() -> None:
    """An integer in a float field stays an integer: the replayed report must not change."""
    facts = facts_from_dict(StunFacts, {"rtt_ms": 41, "tries": 1})
    assert facts.rtt_ms == 41 and isinstance(facts.rtt_ms, int)


@pytest.mark.parametrize(("data", "error"), [
    ({"rtt_ms": 1.0}, KeyError),  # tries missing
    ({"rtt_ms": 1.0, "tries": "1"}, TypeError),
    ({"rtt_ms": True, "tries": 1}, TypeError),
    ({"rtt_ms": 1.0, "tries": 1, "local_address": "192.168.1.2"}, ValueError),
])
def test_malformed_facts_are_refused(data: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        facts_from_dict(StunFacts, data)


def test_a_kind_without_facts_refuses_an_extra() -> None:
    item = _observation(Kind.TCP, None).to_dict()
    item["extra"] = {"complete": True}
    with pytest.raises(ValueError):
        Observation.from_dict(item)


def test_facts_of_another_kind_are_refused() -> None:
    with pytest.raises(TypeError):
        _observation(Kind.STUN, DohFacts(query="example.com A"))


def test_strings_become_the_enums_and_wrong_ones_are_refused() -> None:
    obs = Observation("c1", "Test", "calls", "stun", "reference_stun", "x:1", False,
                      "stalled", "udp", 5, dns_flags=("bogon",))
    assert obs.kind is Kind.STUN and obs.role is Role.REFERENCE_STUN
    assert obs.phase is Phase.UDP and obs.failure is Failure.STALLED
    with pytest.raises(ValueError):
        Observation("c1", "Test", "calls", "stun", "service", "x:1", True, None, "ttfb", 5)


def test_identifying_facts_are_the_ones_reports_leave_out() -> None:
    found = identifying_keys(*FACTS_OF_KIND.values())
    assert found == {"mapped_address"}
    assert found <= privacy.IDENTIFYING_EXTRA
    assert found <= json_report._IDENTIFYING_EXTRA


def test_facts_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        EXAMPLES[Kind.STUN][0].tries = 3  # type: ignore[misc]
