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
from typing import Any, Final

from app.analysis.evidence import Outcome, evidence
from app.analysis.model import Cause, CauseId, FeatureResult, ServiceResult, Verdict
from app.analysis.nat import NatInfo, nat_info
from app.analysis.verdicts import merge_causes
from app.core import failures as F
from app.core.model import Observation

# calls-dpi.md §1.6: "poor" above these (Teams / Twilio / testrtc consensus).
POOR_LOSS_PCT: Final = 3.0
POOR_JITTER_MS: Final = 50.0
POOR_RTT_MS: Final = 300.0

_TCP_KINDS = frozenset({"tcp", "tls", "https", "http", "doh"})
_CALL_KINDS = frozenset({"turn_call", "echo_call"})
# call_shapes shape name -> the service whose calls look like it
_SHAPE_SERVICE = {"whatsapp": "WhatsApp", "telegram": "Telegram"}


@dataclass(frozen=True)
class CallQuality:
    """One measured flow or test call, for Details."""

    check_id: str
    kind: str
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


def _num(extra: Any, key: str) -> float | None:
    value = extra.get(key) if hasattr(extra, "get") else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def quality_of(obs: Observation) -> CallQuality:
    extra = obs.extra
    rtt = _num(extra, "rtt_ms_median") if obs.kind == "call_flow" else _num(extra, "rtt_ms")
    loss, jitter = _num(extra, "loss_pct"), _num(extra, "jitter_ms")
    poor = tuple(name for name, value, limit in (
        ("loss", loss, POOR_LOSS_PCT), ("jitter", jitter, POOR_JITTER_MS),
        ("rtt", rtt, POOR_RTT_MS)) if value is not None and value > limit)
    return CallQuality(obs.check_id, obs.kind, loss, jitter, rtt, poor)


def _stalled(obs: Observation) -> bool:
    return obs.failure == F.STALLED


def _majority(part: Sequence[object], whole: Sequence[object]) -> bool:
    return bool(whole) and 2 * len(part) > len(whole)


def analyze_calls(observations: Sequence[Observation]) -> CallsFindings:
    calls = [o for o in observations if o.feature == "calls" and _judged(o)]
    tcp_works = any(o.ok for o in observations if o.kind in _TCP_KINDS)
    pairs: list[tuple[CauseId, str]] = []

    # -- can call traffic pass at all: plain UDP against STUN ------------------------------
    plain = [o for o in calls if o.kind == "udp"]
    plain_ok = [o for o in plain if o.ok]
    # Silence to an RFC 3489 request proves nothing: many STUN servers ignore that form.
    plain_failed = [o for o in plain if not o.ok and o.extra.get("payload") != "stun_classic"]
    stun = [o for o in calls if o.kind == "stun"]
    flows = [o for o in calls if o.kind == "call_flow"]
    stun_flows = [o for o in flows if o.extra.get("payload", "stun") == "stun"]
    stun_passes = [o for o in stun if o.ok] + [
        o for o in stun_flows if (_num(o.extra, "received") or 0) > 0]
    stun_tried = stun + stun_flows
    shapes = [o for o in calls if o.kind == "call_shapes" and o.ok]
    stun_shape_filtered = [o for o in shapes if "stun" in o.extra.get("filtered", ())]
    if stun_tried and not stun_passes:
        if plain_ok:
            pairs += [(CauseId.STUN_BLOCKED, o.check_id) for o in plain_ok + stun_tried]
        elif plain_failed and tcp_works:
            pairs += [(CauseId.UDP_BLOCKED, o.check_id) for o in plain_failed + stun_tried]
    pairs += [(CauseId.STUN_BLOCKED, o.check_id) for o in stun_shape_filtered]

    # -- do calls stay up ------------------------------------------------------------------
    tests = [o for o in calls if o.kind in _CALL_KINDS]
    cut_tests = [o for o in tests if _stalled(o)]
    cut_flows = [o for o in flows if _stalled(o)]
    answered_flows = [o for o in flows if o.ok or _stalled(o)]
    cut = cut_tests + (cut_flows if _majority(cut_flows, answered_flows) else [])
    pairs += [(CauseId.CALL_CUTOFF, o.check_id) for o in cut]

    # -- how do they sound -----------------------------------------------------------------
    done_tests = [quality_of(o) for o in tests if o.ok]
    done_flows = [quality_of(o) for o in flows if o.ok]
    poor_flows = [q for q in done_flows if q.poor]
    poor = [q for q in done_tests if q.poor] + (
        poor_flows if _majority(poor_flows, done_flows) else [])
    pairs += [(CauseId.POOR_CALL_QUALITY, q.check_id) for q in poor]

    # -- which relay transport works -------------------------------------------------------
    relay: dict[str, bool] = {}
    turn = [o for o in tests if o.kind == "turn_call"]
    for obs in turn:
        transport = str(obs.extra.get("turn_transport", "udp"))
        relay[transport] = relay.get(transport, False) or obs.ok
    if relay.get("udp") is False and (relay.get("tcp") or relay.get("tls")):
        pairs += [(CauseId.RELAY_TCP_ONLY, o.check_id) for o in turn]

    # -- which app's call traffic is singled out -------------------------------------------
    shape_pairs: list[tuple[CauseId, str, str]] = []
    for obs in shapes:
        for shape in obs.extra.get("filtered", ()):
            if shape in _SHAPE_SERVICE:
                shape_pairs.append((CauseId.CALL_TRAFFIC_FILTERED, obs.check_id,
                                    _SHAPE_SERVICE[shape]))
    causes = list(merge_causes(pairs))
    if shape_pairs:
        services = tuple(dict.fromkeys(s for _, _, s in shape_pairs))
        ids = tuple(dict.fromkeys(i for _, i, _ in shape_pairs))
        causes.append(Cause(CauseId.CALL_TRAFFIC_FILTERED, ids, services))
    return CallsFindings(
        causes=tuple(causes),
        quality=tuple(quality_of(o) for o in tests + flows
                      if o.ok or _stalled(o)),
        nat=nat_info(observations),
        relay=relay,
        turn_configured=any(o.kind == "turn_call" for o in observations),
        echo_configured=any(o.kind == "echo_call" for o in observations),
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


def calls_causes(findings: CallsFindings) -> tuple[Cause, ...]:
    """The findings as the feature's extra causes (for ``feature_verdict``)."""
    return findings.causes
