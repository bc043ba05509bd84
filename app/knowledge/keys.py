"""Every message key the knowledge base uses, built in one place.

Why a module of key builders: the keys are symbolic (``feature.calls.blocked.headline``) and
many are built from enum values, so a text tool cannot find them in the code. ``all_keys()``
lists them all; ``python -m app.knowledge.check_translations`` checks each one is present in
every language, and ``--pot`` writes them out as a template for translators.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.analysis.model import CauseId, NetworkDetail, NetworkStatus, Verdict

FEATURES: tuple[str, ...] = ("calls", "messages", "maps")
MONTHS = tuple(range(1, 13))

# Dated restriction notes the catalog may attach (``[[restriction]] id = ...``). Each has a
# short plain sentence; an id not listed here still gets the dated "matches" sentence.
RESTRICTION_IDS: tuple[str, ...] = (
    "ru-2024-08-signal",
    "ru-2025-08-calls",
    "ru-2025-12-whatsapp-slowdown",
    "ru-2026-02-telegram-slowdown",
    "ru-2026-02-whatsapp-dns",
    "ru-mobile-whitelists",
)

# Glossary words a presenter needs besides verdicts and features (docs/../glossary.md).
TERMS: tuple[str, ...] = (
    "app_name", "network", "check_button", "check_again", "cancel", "details",
    "what_you_can_do", "check_code", "report", "support_line_label",
)

# Every workaround, easiest first: lists shown to the user follow this order.
WORKAROUND_IDS: tuple[str, ...] = (
    "any.turn_off_vpn",  # first: until it is off, results describe the VPN, not the network
    "any.turn_off_proxy",
    "any.app_without_proxy",
    "network.login_page",
    "network.check_connection",
    "network.restart_router",
    "network.public_dns",
    "calls.voice_messages",
    "calls.phone_call",
    "calls.other_app",
    "calls.turn_off_video",
    "messages.other_app",
    "messages.sms",
    "maps.working_app",
    "maps.use_offline",
    "maps.gps_weak_mode",
    "maps.offline.yandex",
    "maps.offline.2gis",
    "maps.offline.google",
    "maps.offline.organic",
    "maps.offline.osmand",
    "network.use_wifi",
    "network.allowed_services",
    "any.other_network",
    "network.check_account",
    "messages.proxy.telegram",
    "messages.proxy.whatsapp",
    "messages.proxy.signal",
    "any.vpn",
    "any.check_again",
)

# Plural messages: (singular key, plural key). Texts carry an {n} field.
PLURALS: tuple[tuple[str, str], ...] = (
    ("count.checks", "count.checks.plural"),
    ("count.checks_failed", "count.checks_failed.plural"),
    ("unit.bytes", "unit.bytes.plural"),
)

# Check labels built from templates (names.check_label): by role, by kind, by feature.
CHECK_LABEL_ROLES: tuple[str, ...] = (
    "resolver", "control_domestic", "control_international", "captive_portal", "reference_stun",
)
CHECK_LABEL_KINDS: tuple[str, ...] = ("dns", "call_flow", "test_call")
# Phases of a check and the steps its timings are measured in (Details, reports).
PHASES: tuple[str, ...] = ("dns", "tcp", "tls", "http", "udp")
TIMINGS: tuple[str, ...] = ("dns", "tcp", "tls", "http", "udp", "ttfb", "body", "rtt", "media")


def term(name: str) -> str:
    return f"term.{name}"


def verdict_word(verdict: Verdict) -> str:
    return f"verdict.{verdict.value}"


def feature_name(feature: str) -> str:
    return f"feature.{feature}.name"


def status_word(status: NetworkStatus) -> str:
    return f"status.{status.value}"


def feature_text(feature: str, verdict: Verdict, part: str) -> str:
    """part: headline | headline_services | body | support."""
    return f"feature.{feature}.{verdict.value}.{part}"


def network_text(status: NetworkStatus, detail: NetworkDetail, part: str) -> str:
    """part: headline | body | support. Offline texts differ by detail."""
    if status == NetworkStatus.OFFLINE and detail != NetworkDetail.NONE:
        return f"network.offline.{detail.value}.{part}"
    return f"network.{status.value}.{part}"


def feature_title(feature: str, verdict: Verdict, services: bool = False) -> str:
    """A whole sentence for a card's title: "Calls are blocked" / «Звонки заблокированы»; with
    ``services`` (blocked or degraded only), naming them: «Звонки в {services} заблокированы»."""
    return f"feature.{feature}.{verdict.value}.{'title_services' if services else 'title'}"


def status_label(verdict: Verdict) -> str:
    """A label that agrees with no subject, for service rows: «блокировка», «в порядке»."""
    return f"label.{verdict.value}"


def network_line(status: NetworkStatus) -> str:
    """One line for a connection that does not change the answer (online, unknown)."""
    return f"network.{status.value}.line"


NETWORK_LINE_STATUSES: tuple[NetworkStatus, ...] = (NetworkStatus.ONLINE, NetworkStatus.UNKNOWN)


def check_label(template: str) -> str:
    """template: server.<feature> | a role of CHECK_LABEL_ROLES | a kind of CHECK_LABEL_KINDS."""
    return f"check.{template}"


def phase_name(phase: str) -> str:
    return f"phase.{phase}"


def timing_name(step: str) -> str:
    return f"timing.{step}"


UNIT_MS = "unit.ms"
DETAILS_STALLED = "details.stalled"
# A service's read that came in slowly was read again (app/engine/second_look.py)
DETAILS_READ_AGAIN = "details.read_again"


def service_line(feature: str, verdict: Verdict) -> str:
    return f"service.{feature}.{verdict.value}"


# Features with their own words for a service slowed down on its own (docs/verdicts.md,
# "One service slowed down"): "Messages in Telegram are slowed down on this network…".
# Calls have none: a call's speed is judged by the call tests, not by reads.
SLOWED_FEATURES = ("messages", "maps")
# The variant of ``throttled`` that says the service is slower than the control sites.
SLOWER_THAN_CONTROLS = "slower_than_controls"


def slowed_line(feature: str) -> str:
    return f"service.{feature}.slowed"


def slowed_text(feature: str, part: str) -> str:
    """part: headline_services | title_services."""
    return f"feature.{feature}.slowed.{part}"


def cause_text(cause: CauseId, part: str, variant: str = "") -> str:
    """part: headline | body | details. Without ``variant``: the neutral sentence, which
    claims nothing a run may contradict (used when the evidence is not known, e.g. a decoded
    check code); with it, ``cause.<id>.<variant>.<part>`` (``CAUSE_VARIANTS``)."""
    return f"cause.{cause.value}.{variant}.{part}" if variant else f"cause.{cause.value}.{part}"


CAUSE_PARTS: tuple[str, ...] = ("headline", "body", "details")


@dataclass(frozen=True)
class Variant:
    """A cause sentence that makes a claim: it is said only when every tag of ``needs`` and
    none of ``unless`` is among the cause's evidence (app/analysis/qualify.py)."""

    name: str
    needs: frozenset[str]
    unless: frozenset[str] = frozenset()

    def holds(self, evidence: Iterable[str]) -> bool:
        seen = frozenset(evidence)
        return self.needs <= seen and not self.unless & seen


def _v(name: str, needs: str, unless: str = "") -> Variant:
    return Variant(name, frozenset(needs.split()), frozenset(unless.split()))


_DNS_OTHER = "nxdomain no_answer servfail bogon"
# Text chosen from the evidence (docs/verdicts.md "Words follow the evidence"): per cause and
# part, the sentences that claim more than the neutral one, and the tags each claim needs.
# The variant that holds with the most tags in ``needs`` wins (the first one on a tie).
CAUSE_VARIANTS: dict[tuple[CauseId, str], tuple[Variant, ...]] = {
    (CauseId.OFFLINE, "headline"): (_v("nothing_answered", "nothing_answered"),),
    (CauseId.OFFLINE, "body"): (_v("nothing_answered", "nothing_answered"),),
    (CauseId.OFFLINE, "details"): (_v("nothing_answered", "nothing_answered"),),
    (CauseId.DNS_FAILURE, "headline"): (
        _v("every_name", "every_name"),
        _v("every_name_timeout", "every_name timeout", _DNS_OTHER),
        _v("every_name_nxdomain", "every_name nxdomain", "timeout no_answer servfail bogon"),
        _v("every_name_servfail", "every_name servfail", "timeout nxdomain no_answer bogon"),
        _v("timeout", "timeout", _DNS_OTHER),
        _v("nxdomain", "nxdomain", "timeout no_answer servfail bogon"),
    ),
    (CauseId.DNS_FAILURE, "body"): (
        _v("every_name", "every_name"),
        _v("every_name_timeout", "every_name timeout", _DNS_OTHER),
    ),
    (CauseId.DNS_FAILURE, "details"): (
        _v("trusted_answered", "trusted_answered"),
        _v("trusted_failed", "trusted_failed"),
        _v("trusted_not_asked", "trusted_not_asked"),
        _v("every_name_trusted_answered", "every_name trusted_answered"),
        _v("every_name_trusted_failed", "every_name trusted_failed"),
    ),
    (CauseId.TLS_INTERCEPTION, "details"): (
        _v("issuer_known", "issuer_known"),
        _v("no_issuer", "cert_failed", "issuer_known"),
        _v("unknown_authority", "cert_failed unknown_authority",
           "issuer_known wrong_name bad_certificate"),
    ),
    (CauseId.DNS_TAMPERING, "headline"): (
        _v("nxdomain", "nxdomain trusted_compared", "bogon no_answer servfail led_elsewhere"),
    ),
    (CauseId.DNS_TAMPERING, "details"): (_v("trusted_compared", "trusted_compared"),),
    (CauseId.TRANSFER_FREEZE, "details"): (
        _v("near_16k", "near_16k"),
        _v("near_16k_domestic_complete", "near_16k domestic_complete"),
    ),
    (CauseId.IP_BLOCKING, "body"): (
        _v("foreign_ok", "foreign_ok"),
        _v("timeout", "timeout", "reset refused unreachable"),
        _v("timeout_foreign_ok", "timeout foreign_ok", "reset refused unreachable"),
    ),
    (CauseId.IP_BLOCKING, "details"): (
        _v("foreign_ok", "at_tcp foreign_ok", "at_udp"),
    ),
    (CauseId.SNI_FILTERING, "headline"): (
        _v("reset", "reset", "timeout handshake_failed"),
        _v("timeout", "timeout", "reset handshake_failed"),
    ),
    (CauseId.SNI_FILTERING, "body"): (_v("foreign_ok", "foreign_ok"),),
    (CauseId.SNI_FILTERING, "details"): (
        _v("reset", "reset", "timeout handshake_failed"),
        _v("timeout", "timeout", "reset handshake_failed"),
    ),
    (CauseId.STUN_BLOCKED, "details"): (_v("udp_passes", "udp_passes"),),
    (CauseId.STUN_BLOCKED, "body"): (
        _v("timeout", "timeout", "reset refused unreachable invalid_answer"),
    ),
    (CauseId.CALL_CUTOFF, "body"): (_v("test_call", "test_call"),),
    (CauseId.THROTTLED, "body"): (
        _v("controls", "control"),
        _v(SLOWER_THAN_CONTROLS, "controls_fast", "control"),
    ),
    (CauseId.THROTTLED, "details"): (
        _v("controls", "control"),
        _v("slower_than_controls", "controls_fast", "control"),
    ),
    (CauseId.CONNECTION_FAILURES, "headline"): (_v("mixed", "mixed"),),
    (CauseId.CONNECTION_FAILURES, "body"): (_v("mixed", "mixed"),),
    (CauseId.CONNECTION_FAILURES, "details"): (_v("mixed", "mixed"),),
}


def cause_variant(cause: CauseId, part: str, evidence: Iterable[str]) -> Variant | None:
    """The most specific variant whose claims the evidence supports, or None (neutral)."""
    seen = frozenset(evidence)
    holding = [v for v in CAUSE_VARIANTS.get((cause, part), ()) if v.holds(seen)]
    return max(holding, key=lambda v: len(v.needs), default=None)


def cause_text_for(cause: CauseId, part: str, evidence: Iterable[str]) -> str:
    """The key of the sentence that fits what this run showed (``cause_variant``)."""
    variant = cause_variant(cause, part, evidence)
    return cause_text(cause, part, variant.name if variant else "")


def workaround_title(workaround_id: str) -> str:
    return f"workaround.{workaround_id}.title"


def workaround_steps(workaround_id: str) -> str:
    """Steps are one message, one step per line, so translators see them together."""
    return f"workaround.{workaround_id}.steps"


def restriction_sentence(restriction_id: str) -> str:
    return f"restriction.{restriction_id}"


RESTRICTION_MATCHES = "restriction.matches"
CALLS_MESSAGES_STILL_WORK = "feature.calls.messages_work"
# The internet works, but this network's address lookup does not (online + dns_failure): the
# ordinary "online" texts would say sites opened, which is not true of such a run.
NETWORK_NO_LOOKUP_HEADLINE = "network.online.no_lookup.headline"
NETWORK_NO_LOOKUP_BODY = "network.online.no_lookup.body"
LIST_AND = "list.and"
DATE_FORMAT = "date.format"
DETAILS_CHECKS = "details.checks"
DETAILS_RESTRICTION = "details.restriction"


def month(number: int) -> str:
    """Month name as used inside a date ("13 August 2025", «13 августа 2025 г.»)."""
    return f"month.{number}"


def _network_keys() -> list[str]:
    keys: list[str] = []
    for status in NetworkStatus:
        details = (
            list(NetworkDetail) if status == NetworkStatus.OFFLINE else [NetworkDetail.NONE]
        )
        for detail in details:
            keys += [network_text(status, detail, p) for p in ("headline", "body", "support")]
    return keys


# Services whose name people write differently per language ("Яндекс Карты", "2ГИС").
# Any other service is shown as the catalog spells it.
NAMED_SERVICES: tuple[str, ...] = (
    "Yandex Maps", "Yandex", "2GIS", "Google Maps", "Apple Maps", "STUN servers", "Gosuslugi",
    "Captive portal check", "Test call", "Wikipedia", "VK",
)


def service_name_key(service: str) -> str:
    slug = "".join(ch if ch.isalnum() else "_" for ch in service.casefold()).strip("_")
    return f"service_name.{slug}"


def all_keys() -> list[str]:
    """Every singular key, in a stable order (plural pairs are in ``PLURALS``)."""
    keys: list[str] = [term(t) for t in TERMS]
    keys += [verdict_word(v) for v in Verdict]
    keys += [status_word(s) for s in NetworkStatus]
    keys += [feature_name(f) for f in FEATURES]
    for feature in FEATURES:
        for verdict in Verdict:
            keys += [feature_text(feature, verdict, p) for p in ("headline", "body", "support")]
            keys.append(service_line(feature, verdict))
        for verdict in (Verdict.BLOCKED, Verdict.DEGRADED):
            keys.append(feature_text(feature, verdict, "headline_services"))
            keys.append(feature_title(feature, verdict, services=True))
    for feature in SLOWED_FEATURES:
        keys += [slowed_line(feature), slowed_text(feature, "headline_services"),
                 slowed_text(feature, "title_services")]
        keys += [feature_title(feature, v) for v in Verdict]
    keys += [status_label(v) for v in Verdict]
    keys += [network_line(s) for s in NETWORK_LINE_STATUSES]
    keys += [check_label(f"server.{f}") for f in (*FEATURES, "network")]
    keys += [check_label(t) for t in (*CHECK_LABEL_ROLES, *CHECK_LABEL_KINDS)]
    keys += [phase_name(p) for p in PHASES] + [timing_name(s) for s in TIMINGS]
    keys += [UNIT_MS, DETAILS_STALLED, DETAILS_READ_AGAIN]
    keys += _network_keys()
    for cause in CauseId:
        keys += [cause_text(cause, p) for p in CAUSE_PARTS]
    keys += [cause_text(cause, part, v.name)
             for (cause, part), variants in CAUSE_VARIANTS.items() for v in variants]
    for wid in WORKAROUND_IDS:
        keys += [workaround_title(wid), workaround_steps(wid)]
    keys += [restriction_sentence(r) for r in RESTRICTION_IDS]
    keys += [month(m) for m in MONTHS]
    keys += [service_name_key(n) for n in NAMED_SERVICES]
    keys += [
        RESTRICTION_MATCHES, CALLS_MESSAGES_STILL_WORK, LIST_AND, DATE_FORMAT,
        DETAILS_CHECKS, DETAILS_RESTRICTION, NETWORK_NO_LOOKUP_HEADLINE, NETWORK_NO_LOOKUP_BODY,
    ]
    return keys
