"""Calls beyond "does one STUN request pass": can calls connect, do they stay up, how do
they sound, which transport still works, which app's call traffic is singled out. Pure.

Rules (docs/verdicts.md, "Calls"; thresholds from calls-dpi.md §1.6):
- udp_blocked: plain UDP (random bytes to an echo) fails, every STUN check fails, TCP works.
- stun_blocked: plain UDP (or an RFC 3489 request) gets an answer, every STUN check fails.
- call_cutoff: a test call's sound, or most call-like flows, stop midway (answers arrived,
  then nothing for >= 2 s while we kept sending).
- poor_call_quality: loss > 3 %, jitter > 50 ms or round trip > 300 ms in a test call, or
  in most call-like flows that ran to the end.
- relay_tcp_only: every TURN-over-UDP test call fails, one over TCP/TLS works.
- call_traffic_filtered: WhatsApp- or Telegram-shaped packets vanish while neutral packets
  of the same size to the same echo come back.
How they change the calls feature: see ``adjust_services`` and ``adjust_feature``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Final

from app.analysis.evidence import Outcome, evidence
from app.analysis.model import Cause, CauseId, FeatureResult, ServiceResult, Verdict
from app.analysis.nat import NatInfo, nat_info
from app.analysis.verdicts import merge_causes
from app.core.facts import FlowFacts, ShapesFacts, TestCallFacts, UdpEchoFacts
from app.core.failures import Failure
from app.core.model import Feature, Kind, Observation

# calls-dpi.md §1.6: "poor" above these (Teams / Twilio / testrtc consensus).
POOR_LOSS_PCT: Final = 3.0
POOR_JITTER_MS: Final = 50.0
POOR_RTT_MS: Final = 300.0

_TCP_KINDS = frozenset({Kind.TCP, Kind.TLS, Kind.HTTPS, Kind.HTTP, Kind.DOH})
_CALL_KINDS = frozenset({Kind.TURN_CALL, Kind.ECHO_CALL})
# call_shapes shape name -> the service whose calls look like it
_SHAPE_SERVICE = {"whatsapp": "WhatsApp", "telegram": "Telegram"}


@dataclass(frozen=True)
class CallQuality:
    """One measured flow or test call, for Details."""

    check_id: str
    kind: Kind
    loss_pct: float | None
    jitter_ms: float | None
    rtt_ms: float | None
    poor: tuple[str, ...]  # which of "loss", "jitter", "rtt" are over the thresholds


@dataclass(frozen=True)
class CallsFindings:
    causes: tuple[Cause, ...]
    quality: tuple[CallQuality, ...]
    nat: NatInfo
    relay: dict[str, bool]  # TURN transport ("udp"/"tcp"/"tls") -> a test call worked
    turn_configured: bool  # False: no TURN server given, the relay test call was skipped
    echo_configured: bool  # False: no echo peer given, the end-to-end checks were skipped

    def has(self, cause: CauseId) -> bool:
        return any(c.id == cause for c in self.causes)


def _judged(obs: Observation) -> bool:
    return evidence(obs).outcome != Outcome.NO_EVIDENCE


def _numbers(obs: Observation) -> tuple[float | None, float | None, float | None]:
    """(loss %, jitter ms, round trip ms) of a flow or a test call, as far as measured."""
    facts = obs.facts
    if isinstance(facts, FlowFacts) and facts.flow is not None:
        return facts.flow.loss_pct, facts.flow.jitter_ms, facts.flow.rtt_ms_median
    if isinstance(facts, TestCallFacts) and facts.stats is not None:
        return facts.stats.loss_pct, facts.stats.jitter_ms, facts.stats.rtt_ms
    return None, None, None


def quality_of(obs: Observation) -> CallQuality:
    loss, jitter, rtt = _numbers(obs)
    poor = tuple(name for name, value, limit in (
        ("loss", loss, POOR_LOSS_PCT), ("jitter", jitter, POOR_JITTER_MS),
        ("rtt", rtt, POOR_RTT_MS)) if value is not None and value > limit)
    return CallQuality(obs.check_id, obs.kind, loss, jitter, rtt, poor)


def _stalled(obs: Observation) -> bool:
    return obs.failure == Failure.STALLED


def _majority(part: Sequence[object], whole: Sequence[object]) -> bool:
    return bool(whole) and 2 * len(part) > len(whole)


def _of_kind(observations: Sequence[Observation], *kinds: Kind) -> list[Observation]:
    return [o for o in observations if o.kind in kinds]


def _classic_stun(obs: Observation) -> bool:
    """A plain-UDP check that sent an RFC 3489 request (silence to it proves nothing: many
    STUN servers ignore that form)."""
    return isinstance(obs.facts, UdpEchoFacts) and obs.facts.payload == "stun_classic"


def _stun_flow(obs: Observation) -> bool:
    return not isinstance(obs.facts, FlowFacts) or obs.facts.payload == "stun"


def _answered(obs: Observation) -> bool:
    """A flow that got at least one answer."""
    facts = obs.facts
    return isinstance(facts, FlowFacts) and facts.flow is not None and facts.flow.received > 0


def _filtered(obs: Observation) -> tuple[str, ...]:
    """The app shapes a call_shapes check saw singled out."""
    facts = obs.facts
    if isinstance(facts, ShapesFacts) and facts.summary is not None:
        return facts.summary.filtered
    return ()


def _turn_transport(obs: Observation) -> str:
    facts = obs.facts
    if isinstance(facts, TestCallFacts) and facts.turn_transport:
        return facts.turn_transport
    return "udp"


Pairs = list[tuple[CauseId, str]]


def _passage(calls: Sequence[Observation], tcp_works: bool) -> Pairs:
    """Can call traffic pass at all: plain UDP against STUN (udp_blocked, stun_blocked)."""
    plain = _of_kind(calls, Kind.UDP_ECHO)
    plain_ok = [o for o in plain if o.ok]
    plain_failed = [o for o in plain if not o.ok and not _classic_stun(o)]
    stun = _of_kind(calls, Kind.STUN)
    stun_flows = [o for o in _of_kind(calls, Kind.CALL_FLOW) if _stun_flow(o)]
    stun_passes = [o for o in stun if o.ok] + [o for o in stun_flows if _answered(o)]
    stun_tried = stun + stun_flows
    shapes = [o for o in _of_kind(calls, Kind.CALL_SHAPES) if o.ok]
    pairs: Pairs = []
    if stun_tried and not stun_passes:
        if plain_ok:
            pairs += [(CauseId.STUN_BLOCKED, o.check_id) for o in plain_ok + stun_tried]
        elif plain_failed and tcp_works:
            pairs += [(CauseId.UDP_BLOCKED, o.check_id) for o in plain_failed + stun_tried]
    pairs += [(CauseId.STUN_BLOCKED, o.check_id) for o in shapes if "stun" in _filtered(o)]
    return pairs


def _cutoff(tests: Sequence[Observation], flows: Sequence[Observation]) -> Pairs:
    """Do calls stay up: any test call, or most flows, cut off midway (call_cutoff)."""
    cut_flows = [o for o in flows if _stalled(o)]
    answered_flows = [o for o in flows if o.ok or _stalled(o)]
    cut = [o for o in tests if _stalled(o)] + (
        cut_flows if _majority(cut_flows, answered_flows) else [])
    return [(CauseId.CALL_CUTOFF, o.check_id) for o in cut]


def _sound(tests: Sequence[Observation], flows: Sequence[Observation]) -> Pairs:
    """How do they sound: any test call, or most flows, over a threshold (poor_call_quality)."""
    done_flows = [quality_of(o) for o in flows if o.ok]
    poor_flows = [q for q in done_flows if q.poor]
    poor = [q for q in (quality_of(o) for o in tests if o.ok) if q.poor] + (
        poor_flows if _majority(poor_flows, done_flows) else [])
    return [(CauseId.POOR_CALL_QUALITY, q.check_id) for q in poor]


def _relays(tests: Sequence[Observation]) -> tuple[dict[str, bool], Pairs]:
    """Which relay transport works (relay_tcp_only when only TCP/TLS does)."""
    relay: dict[str, bool] = {}
    turn = _of_kind(tests, Kind.TURN_CALL)
    for obs in turn:
        transport = _turn_transport(obs)
        relay[transport] = relay.get(transport, False) or obs.ok
    if relay.get("udp") is False and (relay.get("tcp") or relay.get("tls")):
        return relay, [(CauseId.RELAY_TCP_ONLY, o.check_id) for o in turn]
    return relay, []


def _singled_out(calls: Sequence[Observation]) -> Cause | None:
    """Which app's call traffic is singled out (call_traffic_filtered, with the services)."""
    found = [(obs.check_id, _SHAPE_SERVICE[shape])
             for obs in _of_kind(calls, Kind.CALL_SHAPES) if obs.ok
             for shape in _filtered(obs) if shape in _SHAPE_SERVICE]
    if not found:
        return None
    ids = tuple(dict.fromkeys(i for i, _ in found))
    services = tuple(dict.fromkeys(s for _, s in found))
    return Cause(CauseId.CALL_TRAFFIC_FILTERED, ids, services)


def analyze_calls(observations: Sequence[Observation]) -> CallsFindings:
    calls = [o for o in observations if o.feature == Feature.CALLS and _judged(o)]
    tcp_works = any(o.ok for o in observations if o.kind in _TCP_KINDS)
    tests = [o for o in calls if o.kind in _CALL_KINDS]
    flows = _of_kind(calls, Kind.CALL_FLOW)
    relay, relay_pairs = _relays(tests)
    pairs = (_passage(calls, tcp_works) + _cutoff(tests, flows) + _sound(tests, flows)
             + relay_pairs)
    causes = list(merge_causes(pairs))
    filtered = _singled_out(calls)
    if filtered is not None:
        causes.append(filtered)
    return CallsFindings(
        causes=tuple(causes),
        quality=tuple(quality_of(o) for o in tests + flows if o.ok or _stalled(o)),
        nat=nat_info(observations),
        relay=relay,
        turn_configured=any(o.kind == Kind.TURN_CALL for o in observations),
        echo_configured=any(o.kind == Kind.ECHO_CALL for o in observations),
    )


# ------------------------------------------------------------------ effect on the verdicts
_LIFTED_BY_RELAY = {Verdict.BLOCKED, Verdict.WORKS}


def _with_causes(result: ServiceResult, extra: Iterable[tuple[CauseId, str]],
                 verdict: Verdict | None = None) -> ServiceResult:
    pairs = [(c.id, i) for c in result.causes for i in c.checks or ("",)] + list(extra)
    return replace(result, verdict=verdict or result.verdict,
                   causes=merge_causes(pairs, result.service))


def adjust_services(services: Sequence[ServiceResult], findings: CallsFindings
                    ) -> list[ServiceResult]:
    """Apply the findings to each app's calls verdict.

    - udp_blocked: the app's stun_blocked becomes udp_blocked (the more precise cause).
    - call_cutoff / poor_call_quality: an app that "works" (one STUN request passed) is
      only degraded — its calls would connect and then break, or sound bad.
    - call_traffic_filtered: an app whose call packets are singled out is never "works".
    """
    udp_blocked = findings.has(CauseId.UDP_BLOCKED)
    general = [c for c in findings.causes
               if c.id in (CauseId.CALL_CUTOFF, CauseId.POOR_CALL_QUALITY)]
    out = []
    for result in services:
        if udp_blocked and any(c.id == CauseId.STUN_BLOCKED for c in result.causes):
            causes = tuple(replace(c, id=CauseId.UDP_BLOCKED) if c.id == CauseId.STUN_BLOCKED
                           else c for c in result.causes)
            result = _with_causes(replace(result, causes=causes), ())
        extra = [(c.id, i) for c in general for i in c.checks]
        extra += [(c.id, i) for c in findings.causes if c.id == CauseId.CALL_TRAFFIC_FILTERED
                  and result.service in c.services for i in c.checks]
        if extra:
            degrade = result.verdict == Verdict.WORKS
            result = _with_causes(result, extra, Verdict.DEGRADED if degrade else None)
        out.append(result)
    return out


def adjust_feature(feature: FeatureResult, findings: CallsFindings) -> FeatureResult:
    """relay_tcp_only: calls over TCP relays work, so calls are degraded — not blocked, and
    not fully working either. Replaces stun_blocked with udp_blocked when UDP is gone."""
    causes = feature.causes
    if findings.has(CauseId.UDP_BLOCKED):
        causes = tuple(c for c in causes if c.id != CauseId.STUN_BLOCKED)
    verdict = feature.verdict
    if findings.has(CauseId.RELAY_TCP_ONLY) and verdict in _LIFTED_BY_RELAY:
        verdict = Verdict.DEGRADED
    return replace(feature, verdict=verdict, causes=causes)

