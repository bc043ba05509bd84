"""Turn a diagnosis into what we tell people: headline, plain explanation, what to do.

Why it is pure wording: analysis has already decided the verdicts and causes; this module only
chooses and combines texts (and which advice fits which situation). It never looks at raw
observations and never upgrades a verdict — "blocked" words appear only for a blocked verdict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.analysis.model import (
    Cause,
    CauseId,
    Diagnosis,
    FeatureResult,
    NetworkDetail,
    NetworkResult,
    NetworkStatus,
    ServiceResult,
    Verdict,
)
from app.core.catalog import Restriction
from app.i18n import Translator
from app.knowledge import keys
from app.knowledge import workarounds as wa
from app.knowledge.names import (
    MAP_APPS,
    PROXY_WORKAROUNDS,
    feature_name,
    format_date,
    join_services,
    service_label,
    service_name,
    status_word,
    term,
    verdict_word,
)
from app.knowledge.workarounds import Workaround

# Re-exported so a presenter needs only this module: ``from app.knowledge import explain``.
__all__ = [
    "ExplainedDiagnosis", "Explanation", "Workaround", "explain_cause", "explain_diagnosis",
    "explain_feature", "explain_network", "feature_name", "service_line", "service_name",
    "status_word", "term", "verdict_word",
]

MEASURED_PROBLEM = (Verdict.BLOCKED, Verdict.DEGRADED)


@dataclass(frozen=True)
class Explanation:
    headline: str  # one or two short sentences; the first thing a person reads
    body: str  # plain explanation, no technical words
    workarounds: tuple[Workaround, ...]  # easiest first
    support_line: str  # "what to tell your support contact"
    details: tuple[str, ...]  # technical lines for Details / support staff
    service_lines: tuple[str, ...] = ()  # one sentence per service, in the result's order
    # The card's title: a whole sentence that never says less than the body ("Calls in
    # WhatsApp and Telegram are blocked", not "Calls work with problems" over that body).
    title: str = ""
    title_verdict: Verdict | None = None  # the verdict the title states (its icon)
    service_labels: tuple[str, ...] = ()  # «WhatsApp — блокировка», agreement-free
    # The one most useful thing to do, or None when there is nothing to do (a working feature)
    primary: Workaround | None = None


@dataclass(frozen=True)
class ExplainedDiagnosis:
    network: Explanation
    features: dict[str, Explanation]  # "calls" | "messages" | "maps", in the diagnosis' order


# ---------------------------------------------------------------- network

_OWN_CAUSE: dict[NetworkStatus, CauseId] = {
    NetworkStatus.OFFLINE: CauseId.OFFLINE,
    NetworkStatus.CAPTIVE_PORTAL: CauseId.CAPTIVE_PORTAL,
    NetworkStatus.WHITELIST_ONLY: CauseId.WHITELIST_ONLY,
}

_NETWORK_ADVICE: dict[tuple[NetworkStatus, NetworkDetail], tuple[str, ...]] = {
    (NetworkStatus.OFFLINE, NetworkDetail.NONE): (
        "network.check_connection", "network.restart_router",
    ),
    (NetworkStatus.OFFLINE, NetworkDetail.NO_INTERFACE): ("network.check_connection",),
    (NetworkStatus.OFFLINE, NetworkDetail.NOTHING_ANSWERS): (
        "network.restart_router", "network.check_account", "any.other_network",
    ),
    (NetworkStatus.CAPTIVE_PORTAL, NetworkDetail.NONE): ("network.login_page",),
    (NetworkStatus.WHITELIST_ONLY, NetworkDetail.NONE): (
        "network.use_wifi", "network.allowed_services",
    ),
    (NetworkStatus.UNKNOWN, NetworkDetail.NONE): ("any.check_again",),
}


def explain_network(result: NetworkResult, tr: Translator) -> Explanation:
    """The "Internet connection" card."""
    status = result.status
    detail = result.detail if status == NetworkStatus.OFFLINE else NetworkDetail.NONE
    own = _OWN_CAUSE.get(status)
    other_causes = [c for c in _unique_causes(result.causes) if c.id != own]

    body = [tr.gettext(keys.network_text(status, detail, "body"))]
    no_lookup = status == NetworkStatus.ONLINE and any(
        c.id == CauseId.DNS_FAILURE for c in other_causes)
    if no_lookup:  # "sites opened" would not be true: names did not resolve at all
        body = [tr.gettext(keys.NETWORK_NO_LOOKUP_BODY)]
    body += [_cause_sentence(c, "headline", tr) for c in other_causes
             if not (no_lookup and c.id == CauseId.DNS_FAILURE)]

    advice = list(_NETWORK_ADVICE.get((status, detail), ()))
    lead = ("any.check_again",) if status == NetworkStatus.UNKNOWN else ()
    for cause in other_causes:
        advice += [w for w in wa.BY_CAUSE[cause.id] if wa.fits_feature(w, None)]

    built = tuple(wa.build(w, tr) for w in wa.ordered(advice, lead))
    headline = tr.gettext(keys.NETWORK_NO_LOOKUP_HEADLINE if no_lookup
                          else keys.network_text(status, detail, "headline"))
    title = (tr.gettext(keys.network_line(status)) if status in keys.NETWORK_LINE_STATUSES
             else headline)
    return Explanation(
        headline=headline,
        body=" ".join(body),
        workarounds=built,
        support_line=tr.gettext(keys.network_text(status, detail, "support")),
        details=_details(_unique_causes(result.causes), tr),
        title=title,
        primary=_primary(built),
    )


# ---------------------------------------------------------------- features


def service_line(service: ServiceResult, feature: str, tr: Translator) -> str:
    """E.g. "Calls in WhatsApp are being blocked on this network." """
    key = (keys.slowed_line(feature) if slowed_down(service, feature)
           else keys.service_line(feature, Verdict(service.verdict)))
    return tr.format(key, service=service_name(service.service, tr))


def slowed_down(service: ServiceResult, feature: str) -> bool:
    """The service works with problems only because it is slow while the control sites of
    the same run are fast: slowed down on its own (docs/verdicts.md), said in its own words."""
    return (feature in keys.SLOWED_FEATURES and service.verdict == Verdict.DEGRADED
            and bool(service.causes)
            and all(_slower_than_controls(c) for c in service.causes))


def _slower_than_controls(cause: Cause) -> bool:
    """A slowdown whose evidence supports the sentence "slower than the other sites"."""
    variant = keys.cause_variant(CauseId.THROTTLED, "body", cause.evidence)
    return cause.id == CauseId.THROTTLED and variant is not None and (
        variant.name == keys.SLOWER_THAN_CONTROLS)


def _lead(result: FeatureResult, diagnosis: Diagnosis, tr: Translator
          ) -> tuple[str, str, Verdict]:
    """The card's headline and title, and the verdict they lead with."""
    feature, verdict = result.feature, Verdict(result.verdict)
    # Lead with the worst thing measured: a feature that "works with problems" because
    # Telegram is blocked should say so ("Messages in Telegram are being blocked…").
    affected: list[ServiceResult] = []
    headline_verdict = verdict
    if verdict in MEASURED_PROBLEM:
        for candidate in (Verdict.BLOCKED, Verdict.DEGRADED):
            affected = [s for s in result.services if s.verdict == candidate]
            if affected:
                headline_verdict = candidate
                break

    # Name the services when the title's verdict is not every service's ("Calls in WhatsApp
    # and Telegram are blocked" while Signal works), not when all share it.
    name_them = bool(affected) and (
        headline_verdict != verdict or len(affected) < len(result.services))
    slowed = bool(affected) and all(slowed_down(s, feature) for s in affected)
    if affected:
        key = (keys.slowed_text(feature, "headline_services") if slowed
               else keys.feature_text(feature, headline_verdict, "headline_services"))
        headline = tr.format(key, services=join_services((s.service for s in affected), tr))
    else:
        headline = tr.gettext(keys.feature_text(feature, verdict, "headline"))
    if name_them or slowed:
        key = (keys.slowed_text(feature, "title_services") if slowed
               else keys.feature_title(feature, headline_verdict, services=True))
        title = tr.format(key, services=join_services((s.service for s in affected), tr))
    else:
        title = tr.gettext(keys.feature_title(feature, headline_verdict))
    if (feature == "calls" and verdict in MEASURED_PROBLEM
            and _verdict_of(diagnosis, "messages") == Verdict.WORKS):
        headline += " " + tr.gettext(keys.CALLS_MESSAGES_STILL_WORK)
    return headline, title, headline_verdict


def explain_feature(
    result: FeatureResult,
    diagnosis: Diagnosis,
    tr: Translator,
    restrictions: Iterable[Restriction] | Mapping[str, Restriction] = (),
) -> Explanation:
    """The card of one feature: verdict text, the causes in plain words, lines for services
    whose verdict differs, a dated restriction note when analysis matched one, and advice.

    ``restrictions`` are the catalog's notes (``catalog.restrictions``); they supply the date
    and source for a ``restriction_id`` that analysis attached. Without them the note is
    still explained, just without its date.
    """
    feature, verdict = result.feature, Verdict(result.verdict)
    headline, title, headline_verdict = _lead(result, diagnosis, tr)

    causes = _unique_causes([*result.causes, *(c for s in result.services for c in s.causes)])
    body = [tr.gettext(keys.feature_text(feature, verdict, "body"))]
    body += [_cause_sentence(c, "headline", tr) for c in causes]
    # Per-service sentences are in ``service_lines``; presenters list them next to the body
    # (in the body as well, they would be read twice).
    notes = _restriction_notes(result, restrictions, tr)
    body += notes.sentences

    built = _feature_workarounds(result, diagnosis, causes, tr)
    return Explanation(
        headline=headline,
        body=" ".join(body),
        workarounds=built,
        support_line=tr.gettext(keys.feature_text(feature, verdict, "support")),
        details=(*_details(causes, tr), *notes.details),
        service_lines=tuple(service_line(s, feature, tr) for s in result.services),
        title=title,
        title_verdict=headline_verdict,
        service_labels=tuple(service_label(s.service, s.verdict, tr) for s in result.services),
        primary=_primary(built) if verdict != Verdict.WORKS else None,
    )


def _primary(workarounds: tuple[Workaround, ...]) -> Workaround | None:
    """The one action a card shows: the most useful advice that is not one of the steps said
    once for everything (``wa.COMMON``: check again, another network)."""
    own = [w for w in workarounds if w.key not in wa.COMMON]
    if not own:
        return None
    rank = {wid: i for i, wid in enumerate(wa.PRIMARY_FIRST)}
    return min(own, key=lambda w: rank.get(w.key, len(rank)))


def explain_diagnosis(
    diagnosis: Diagnosis,
    tr: Translator,
    restrictions: Iterable[Restriction] | Mapping[str, Restriction] = (),
) -> ExplainedDiagnosis:
    """Everything at once, for presenters that show the whole result."""
    known = _restriction_map(restrictions)
    return ExplainedDiagnosis(
        network=explain_network(diagnosis.network, tr),
        features={
            f.feature: explain_feature(f, diagnosis, tr, known) for f in diagnosis.features
        },
    )


def explain_cause(cause: Cause | CauseId | str, tr: Translator) -> Explanation:
    """One cause on its own (e.g. for a Details row); no support line. Given a ``Cause`` of a
    diagnosis, the words follow its evidence; given only an id, they are the neutral ones."""
    found = cause if isinstance(cause, Cause) else Cause(CauseId(cause))
    cid = CauseId(found.id)
    return Explanation(
        headline=_cause_sentence(found, "headline", tr),
        body=_cause_sentence(found, "body", tr),
        workarounds=tuple(wa.build(w, tr) for w in wa.ordered(wa.BY_CAUSE[cid])),
        support_line="",
        details=(_cause_sentence(found, "details", tr),),
    )


def _cause_sentence(cause: Cause, part: str, tr: Translator) -> str:
    """The sentence whose claims this run's evidence supports (keys.CAUSE_VARIANTS)."""
    return tr.gettext(keys.cause_text_for(CauseId(cause.id), part, cause.evidence))


def _feature_workarounds(
    result: FeatureResult, diagnosis: Diagnosis, causes: list[Cause], tr: Translator
) -> tuple[Workaround, ...]:
    feature, verdict = result.feature, Verdict(result.verdict)
    working = [s.service for s in result.services if s.verdict == Verdict.WORKS]
    advice: list[str] = []
    if verdict == Verdict.UNKNOWN:
        advice += ["any.check_again", "any.other_network"]
    elif feature == "calls":
        advice += _calls_advice(verdict, working, diagnosis)
    elif feature == "messages":
        advice += _messages_advice(result, verdict, working)
    elif feature == "maps":
        working = [s for s in working if s.casefold() in MAP_APPS]
        advice += _maps_advice(verdict, working)
    for cause in causes:
        advice += [w for w in wa.BY_CAUSE[cause.id] if wa.fits_feature(w, feature)]
    services = join_services(working, tr)
    lead = ("any.check_again",) if verdict == Verdict.UNKNOWN else ()
    return tuple(wa.build(w, tr, services=services) for w in wa.ordered(advice, lead))


def _calls_advice(verdict: Verdict, working: list[str], diagnosis: Diagnosis) -> list[str]:
    if verdict == Verdict.UNAVAILABLE:
        return ["calls.phone_call"]
    if verdict not in MEASURED_PROBLEM:
        return []
    advice = ["calls.phone_call", "any.other_network"]
    if _messages_get_through(diagnosis):
        advice.append("calls.voice_messages")
    if working:
        advice.append("calls.other_app")
    if verdict == Verdict.DEGRADED:
        advice.append("calls.turn_off_video")
    return advice


def _messages_advice(result: FeatureResult, verdict: Verdict, working: list[str]) -> list[str]:
    if verdict == Verdict.UNAVAILABLE:
        return ["messages.sms"]
    if verdict not in MEASURED_PROBLEM:
        return []
    advice = ["any.other_network", "any.vpn"]
    if verdict == Verdict.BLOCKED:
        advice.append("messages.sms")
    if working:
        advice.append("messages.other_app")
    for service in result.services:
        proxy = PROXY_WORKAROUNDS.get(service.service.casefold())
        if proxy and service.verdict in MEASURED_PROBLEM:
            advice.append(proxy)
    return advice


def _maps_advice(verdict: Verdict, working_apps: list[str]) -> list[str]:
    if verdict == Verdict.UNAVAILABLE:
        return ["maps.use_offline"]
    if verdict == Verdict.WORKS:
        return ["maps.gps_weak_mode", *wa.OFFLINE_MAPS]
    if verdict not in MEASURED_PROBLEM:
        return []
    advice = [*wa.OFFLINE_MAPS, "any.other_network"]
    if working_apps:
        advice.append("maps.working_app")
    return advice


# ---------------------------------------------------------------- shared pieces


@dataclass(frozen=True)
class _Notes:
    sentences: tuple[str, ...]
    details: tuple[str, ...]


def _restriction_map(
    restrictions: Iterable[Restriction] | Mapping[str, Restriction],
) -> dict[str, Restriction]:
    if isinstance(restrictions, Mapping):
        return dict(restrictions)
    return {r.id: r for r in restrictions}


def _restriction_notes(
    result: FeatureResult,
    restrictions: Iterable[Restriction] | Mapping[str, Restriction],
    tr: Translator,
) -> _Notes:
    """Dated notes, only for services whose measured verdict is blocked or degraded."""
    known = _restriction_map(restrictions)
    ids = [
        s.restriction_id for s in result.services
        if s.restriction_id and s.verdict in MEASURED_PROBLEM
    ]
    sentences: list[str] = []
    details: list[str] = []
    for rid in dict.fromkeys(ids):
        note = known.get(rid)
        if note is not None:
            date = format_date(note.announced, tr)
            sentences.append(tr.format(keys.RESTRICTION_MATCHES, date=date))
            details.append(
                tr.format(keys.DETAILS_RESTRICTION, id=rid, date=date, source=note.source)
            )
        if rid in keys.RESTRICTION_IDS:
            sentences.append(tr.gettext(keys.restriction_sentence(rid)))
    return _Notes(tuple(sentences), tuple(details))


def _unique_causes(causes: Iterable[Cause]) -> list[Cause]:
    """One entry per cause id, merging the checks and services that support it."""
    merged: dict[CauseId, Cause] = {}
    for cause in causes:
        cid = CauseId(cause.id)
        old = merged.get(cid)
        if old is None:
            merged[cid] = Cause(cid, tuple(cause.checks), tuple(cause.services), cause.evidence)
        else:  # every evidence tag says "some check shows …": the union stays true
            merged[cid] = Cause(
                cid,
                tuple(dict.fromkeys((*old.checks, *cause.checks))),
                tuple(dict.fromkeys((*old.services, *cause.services))),
                old.evidence | cause.evidence,
            )
    return list(merged.values())


def _details(causes: Iterable[Cause], tr: Translator) -> tuple[str, ...]:
    lines = []
    for cause in causes:
        line = _cause_sentence(cause, "details", tr)
        if cause.services:
            line = f"{join_services(cause.services, tr)}: {line}"
        if cause.checks:
            line += " " + tr.format(keys.DETAILS_CHECKS, checks=", ".join(cause.checks))
        lines.append(f"[{cause.id.value}] {line}")
    return tuple(lines)


def _messages_get_through(diagnosis: Diagnosis) -> bool:
    """Voice messages are worth offering unless the check saw messages fail everywhere."""
    try:
        messages = diagnosis.feature("messages")
    except KeyError:
        return True
    usable = (Verdict.WORKS, Verdict.DEGRADED)
    return messages.verdict in usable or any(s.verdict in usable for s in messages.services)


def _verdict_of(diagnosis: Diagnosis, feature: str) -> Verdict | None:
    try:
        return Verdict(diagnosis.feature(feature).verdict)
    except KeyError:
        return None
