"""Per service and per feature verdicts, from evidence and the network's status.

Rules (docs/verdicts.md, "Services and features"):
- network offline or behind a login page          -> unavailable (never "blocked")
- no endpoint gave evidence                        -> unknown
- every endpoint worked and none was slow          -> works
- every endpoint reached, some slow                -> degraded (throttled)
- every look at its speed reads 10x slower than the controls' (and no pause: >= 150 ms)
                                                   -> degraded (throttled), never blocked;
  its silences then count as slowness, not as a block (app/analysis/speed.py)
- some worked, some failed                         -> degraded, naming the causes (partial block)
- none worked, failures telling, network works     -> blocked
- none worked, but the failures are silence on a very slow network -> degraded (throttled)
- a certificate from an unknown authority anywhere -> never "works" (tls_interception)
A feature is the sum of its services, leaving out those we could not judge: all works ->
works; all blocked -> blocked; all unavailable -> unavailable; none judged -> unknown;
anything else -> degraded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from app.analysis.evidence import Evidence, Outcome, evidence
from app.analysis.model import (
    Cause,
    CauseId,
    FeatureResult,
    NetworkStatus,
    ServiceResult,
    Verdict,
)
from app.analysis.network import BROKEN_RESOLVER_FAILURES, NetworkFacts
from app.analysis.speed import slowed_reads
from app.core.model import Observation, Phase

# When several causes are seen, the most telling first.
_CAUSE_ORDER = [
    CauseId.WHITELIST_ONLY, CauseId.TLS_INTERCEPTION, CauseId.DNS_TAMPERING,
    CauseId.SNI_FILTERING, CauseId.IP_BLOCKING, CauseId.TRANSFER_FREEZE, CauseId.UDP_BLOCKED,
    CauseId.STUN_BLOCKED, CauseId.CALL_CUTOFF, CauseId.CALL_TRAFFIC_FILTERED,
    CauseId.RELAY_TCP_ONLY, CauseId.POOR_CALL_QUALITY, CauseId.THROTTLED, CauseId.DNS_FAILURE,
    CauseId.UNEXPECTED_CONTENT, CauseId.CONNECTION_FAILURES, CauseId.LOCAL_PROXY,
]


def merge_causes(pairs: Iterable[tuple[CauseId, str]], service: str | None = None
                 ) -> tuple[Cause, ...]:
    """Group (cause, check id) pairs into Causes, most telling first."""
    grouped: dict[CauseId, list[str]] = {}
    for cause, check_id in pairs:
        ids = grouped.setdefault(cause, [])
        if check_id and check_id not in ids:
            ids.append(check_id)
    order = {c: i for i, c in enumerate(_CAUSE_ORDER)}
    services = (service,) if service else ()
    return tuple(
        Cause(c, tuple(ids), services)
        for c, ids in sorted(grouped.items(), key=lambda kv: order.get(kv[0], len(order)))
    )


def service_verdict(
    service: str, observations: Sequence[Observation], net: NetworkFacts,
    speed: Sequence[Observation] = (),
) -> ServiceResult:
    """``speed``: the service's speed-only reads (catalog ``speed_only``), which count for
    the slowdown rule and nothing else."""
    status = net.result.status
    if status in (NetworkStatus.OFFLINE, NetworkStatus.CAPTIVE_PORTAL):
        return ServiceResult(service, Verdict.UNAVAILABLE)
    evs = [_outage_or_evidence(o, net) for o in observations]
    judged = [e for e in evs if e.outcome != Outcome.NO_EVIDENCE]
    if not judged:
        return ServiceResult(service, Verdict.UNKNOWN)
    failed = [e for e in judged if e.outcome == Outcome.FAILED]
    slow = [e for e in judged if e.outcome == Outcome.SLOW]
    # A certificate nobody trusts, or an answer that is not what the service sends: the
    # server was reached, so not "blocked" — but never "works" either.
    intercepted = [e for e in failed
                   if e.cause in (CauseId.TLS_INTERCEPTION, CauseId.UNEXPECTED_CONTENT)]

    # A service ten times slower than the controls (app/analysis/speed.py), on a line that
    # is not slow itself: slowed down on purpose.
    slowed = () if net.slow else slowed_reads([*observations, *speed], net.yardstick)
    # Silence on a very slow network, or from a service shown to be slowed down, is not
    # evidence of a block: the handshake may still have been in the queue.
    weak = [e for e in failed if e.timeout and (net.slow or slowed)]
    strong = [e for e in failed if e not in weak]
    pairs: list[tuple[CauseId, str]] = [(_cause(e, status), e.check_id) for e in strong]
    pairs += [(CauseId.THROTTLED, e.check_id) for e in weak + slow]
    pairs += [(CauseId.THROTTLED, cid) for cid in slowed]
    causes = merge_causes(pairs, service)

    if not failed:
        throttled = any(c.id == CauseId.THROTTLED for c in causes)
        return ServiceResult(service, Verdict.DEGRADED if throttled else Verdict.WORKS, causes)
    if net.dns_broken and any(e.cause == CauseId.DNS_FAILURE for e in failed):
        # This network cannot look up addresses at all (the control sites' names fail too,
        # a trusted resolver answers): the app cannot find its servers, which is an outage,
        # not censorship. Neither "works" nor "blocked"; the cause says why.
        return ServiceResult(service, Verdict.UNKNOWN, causes)
    if status == NetworkStatus.UNKNOWN:
        # We cannot show the network works otherwise: no claim beyond "couldn't tell".
        # The evidence stays in the checks; the causes would read as findings, so they go.
        return ServiceResult(service, Verdict.UNKNOWN)
    if intercepted:
        return ServiceResult(service, Verdict.DEGRADED, causes)
    # Judge by the deepest checks this service has: a bare connect that succeeds while every
    # real exchange with the service is cut does not make it work (evidence.depth()).
    top = max(e.depth for e in judged)
    deepest = [e for e in judged if e.depth == top]
    if any(e.outcome in (Outcome.OK, Outcome.SLOW) for e in deepest):
        return ServiceResult(service, Verdict.DEGRADED, causes)  # partial: name the causes
    if not any(e in strong for e in deepest):
        return ServiceResult(service, Verdict.DEGRADED, causes)  # only silence on a slow line
    return ServiceResult(service, Verdict.BLOCKED, causes)


def _outage_or_evidence(obs: Observation, net: NetworkFacts) -> Evidence:
    """Evidence of one check; on a network whose resolver fails for every name, a failed
    lookup is that breakdown (``dns_failure``), not a lie about this one name."""
    found = evidence(obs)
    if (net.dns_broken and found.outcome == Outcome.FAILED and obs.phase == Phase.DNS
            and obs.failure in BROKEN_RESOLVER_FAILURES):
        return replace(found, cause=CauseId.DNS_FAILURE, timeout=False)
    return found


def _cause(e: Evidence, status: NetworkStatus) -> CauseId:
    if status == NetworkStatus.WHITELIST_ONLY and e.cause in (
        CauseId.SNI_FILTERING, CauseId.IP_BLOCKING, CauseId.CONNECTION_FAILURES,
        CauseId.TRANSFER_FREEZE, CauseId.STUN_BLOCKED, CauseId.DNS_FAILURE,
    ):
        return CauseId.WHITELIST_ONLY
    return e.cause or CauseId.CONNECTION_FAILURES


# A feature that is set up through another feature's servers (docs/verdicts.md, "Signalling"):
# a WhatsApp call is placed through WhatsApp's sign-in and message servers.
SIGNALLING: dict[str, str] = {"calls": "messages"}


def over_signalling(services: Sequence[ServiceResult], signalling: Sequence[ServiceResult]
                    ) -> list[ServiceResult]:
    """Each service's verdict, bounded by its signalling path's (``SIGNALLING``).

    - the service's message servers are blocked -> its calls are blocked too, whatever its
      call servers answered (a call cannot be set up), with the signalling's causes;
    - its message servers cannot be found because this network's address lookup is broken
      (unknown with ``dns_failure``) -> its calls are neither "works" nor "blocked": unknown,
      same cause (what stops the call is the broken lookup, and the fix is the lookup's).
    A service with no signalling result (not checked, or not in that feature) is left alone.
    """
    by_name = {s.service: s for s in signalling}
    adjusted = []
    for result in services:
        path = by_name.get(result.service)
        if path is None or result.verdict in (Verdict.UNAVAILABLE,):
            adjusted.append(result)
            continue
        causes = tuple(Cause(c.id, c.checks, (result.service,)) for c in path.causes)
        merged = merge_causes([(c.id, cid) for c in (*result.causes, *causes)
                               for cid in c.checks or ("",)], result.service)
        if path.verdict == Verdict.BLOCKED and result.verdict != Verdict.BLOCKED:
            adjusted.append(replace(result, verdict=Verdict.BLOCKED, causes=merged))
        elif (path.verdict == Verdict.UNKNOWN
              and any(c.id == CauseId.DNS_FAILURE for c in path.causes)
              and result.verdict != Verdict.UNAVAILABLE):
            adjusted.append(replace(result, verdict=Verdict.UNKNOWN, causes=merged))
        else:
            adjusted.append(result)
    return adjusted


def feature_verdict(feature: str, services: Sequence[ServiceResult],
                    extra_causes: Sequence[Cause] = ()) -> FeatureResult:
    verdicts = {s.verdict for s in services}
    # A service we could not judge says nothing about the others: leave it out of the sum
    # (its own line still says "couldn't tell").
    measured = verdicts - {Verdict.UNKNOWN}
    if not services or not measured:
        verdict = Verdict.UNKNOWN
    elif len(measured) == 1:
        verdict = next(iter(measured))
    elif measured <= {Verdict.UNAVAILABLE, Verdict.UNKNOWN}:
        verdict = Verdict.UNKNOWN
    else:
        verdict = Verdict.DEGRADED
    pairs = [(c.id, cid) for s in services for c in s.causes for cid in c.checks or ("",)]
    pairs += [(c.id, cid) for c in extra_causes for cid in c.checks or ("",)]
    causes = merge_causes(pairs)
    # keep which services each cause concerns
    by_cause = {c.id: tuple(s.service for s in services if any(x.id == c.id for x in s.causes))
                for c in causes}
    causes = tuple(Cause(c.id, c.checks, by_cause.get(c.id, ())) for c in causes)
    return FeatureResult(feature, verdict, causes, tuple(services))

