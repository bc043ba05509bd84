"""Facts in, diagnosis out: the one entry point of the analysis. Pure: no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from app.analysis.calls import adjust_feature, adjust_services, analyze_calls
from app.analysis.evidence import Outcome, evidence
from app.analysis.model import (
    Cause,
    CauseId,
    Diagnosis,
    NetworkStatus,
    ServiceResult,
    Verdict,
)
from app.analysis.network import analyze_network
from app.analysis.qualify import qualify
from app.analysis.verdicts import (
    SIGNALLING,
    feature_verdict,
    over_signalling,
    service_verdict,
)
from app.core.catalog import Catalog, Restriction
from app.core.model import USER_FEATURES, Feature, Observation, Role
from app.core.system import InterfaceSnapshot


def diagnose(
    observations: Sequence[Observation],
    catalog: Catalog,
    interfaces: InterfaceSnapshot | None = None,
    *,
    features: Sequence[str] | None = None,
    date: dt.date | None = None,
) -> Diagnosis:
    net = analyze_network(observations, interfaces)
    wanted = [f.value for f in USER_FEATURES if features is None or f.value in features]
    results = []
    unverified = {c.id for c in catalog.checks if c.unverified}
    speed_only = {c.id for c in catalog.checks if c.speed_only}

    def judged_services(feature: str) -> list[ServiceResult]:
        mine = [o for o in observations if o.feature == feature]
        trusted = _trustworthy(mine, unverified)
        own = {service: [o for o in trusted if o.service == service and o.role == Role.SERVICE]
               for service in catalog.services(feature)}
        return [service_verdict(service, [o for o in obs if o.check_id not in speed_only], net,
                                speed=[o for o in obs if o.check_id in speed_only])
                for service, obs in own.items()]

    for feature in wanted:
        mine = [o for o in observations if o.feature == feature]
        services = judged_services(feature)
        online = net.result.status == NetworkStatus.ONLINE
        extra = _reference_causes(mine) if online else ()
        findings = analyze_calls(observations) if online and feature == Feature.CALLS else None
        if findings is not None:  # app/analysis/calls.py: flows, test calls, shapes
            services = adjust_services(services, findings)
            extra = (*extra, *findings.causes)
        if feature in SIGNALLING:  # calls are set up through the service's message servers
            services = over_signalling(services, judged_services(SIGNALLING[feature]))
        # Notes are matched last, against the final measured verdicts.
        services = [_with_note(catalog, feature, s, date) for s in services]
        result_f = feature_verdict(feature, services, extra)
        results.append(adjust_feature(result_f, findings) if findings else result_f)
    return qualify(Diagnosis(
        network=net.result,
        features=tuple(results),
        catalog_name=catalog.name,
        catalog_version=catalog.version,
        date=date or dt.date.today(),
    ), observations)


def _trustworthy(observations: Sequence[Observation], unverified: set[str]
                 ) -> list[Observation]:
    """Leave out failures of entries whose normal behaviour is not confirmed (catalog
    ``unverified``), unless the reference servers fail the same way.

    An app's call relay that does not answer a standard STUN request may simply never answer
    one; only when the public STUN servers are silent too is its silence evidence.
    """
    if not unverified or _reference_causes(observations):
        return list(observations)
    return [o for o in observations if o.ok or o.check_id not in unverified]


def _reference_causes(observations: Sequence[Observation]) -> tuple[Cause, ...]:
    """Reference servers (public STUN) that all fail say something about the feature as a whole."""
    refs = [o for o in observations if o.role == Role.REFERENCE_STUN]
    evs = [evidence(o) for o in refs]
    judged = [e for e in evs if e.outcome != Outcome.NO_EVIDENCE]
    if judged and all(e.outcome == Outcome.FAILED for e in judged):
        return (Cause(CauseId.STUN_BLOCKED, tuple(e.check_id for e in judged)),)
    return ()


def _with_note(catalog: Catalog, feature: str, result: ServiceResult,
               date: dt.date | None) -> ServiceResult:
    note = _matching_restriction(catalog, feature, result, date)
    return result if note is None else replace(result, restriction_id=note.id)


def _matching_restriction(catalog: Catalog, feature: str, result: ServiceResult,
                          date: dt.date | None) -> Restriction | None:
    """A dated note that matches a *measured* problem. A note never makes a verdict."""
    if result.verdict not in (Verdict.BLOCKED, Verdict.DEGRADED):
        return None
    today = date or dt.date.today()
    measured = {c.id.value for c in result.causes}
    notes = [
        r for r in catalog.restrictions
        if r.feature == feature and result.service in r.services
        and (not catalog.country or r.country == catalog.country) and r.announced <= today
        # a note about one kind of problem (a slowdown, names removed from DNS) stands only
        # beside that problem
        and (not r.causes or measured & set(r.causes))
    ]
    return max(notes, key=lambda r: r.announced) if notes else None
