"""Every message key the knowledge base uses, built in one place.

Why a module of key builders: the keys are symbolic (``feature.calls.blocked.headline``) and
many are built from enum values, so a text tool cannot find them in the code. ``all_keys()``
lists them all; ``python -m app.knowledge.check_translations`` checks each one is present in
every language, and ``--pot`` writes them out as a template for translators.
"""

from __future__ import annotations

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


def service_line(feature: str, verdict: Verdict) -> str:
    return f"service.{feature}.{verdict.value}"


def cause_text(cause: CauseId, part: str) -> str:
    """part: headline | body | details."""
    return f"cause.{cause.value}.{part}"


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
        keys += [feature_title(feature, v) for v in Verdict]
    keys += [status_label(v) for v in Verdict]
    keys += [network_line(s) for s in NETWORK_LINE_STATUSES]
    keys += [check_label(f"server.{f}") for f in (*FEATURES, "network")]
    keys += [check_label(t) for t in (*CHECK_LABEL_ROLES, *CHECK_LABEL_KINDS)]
    keys += [phase_name(p) for p in PHASES] + [timing_name(s) for s in TIMINGS]
    keys += [UNIT_MS, DETAILS_STALLED]
    keys += _network_keys()
    for cause in CauseId:
        keys += [cause_text(cause, p) for p in ("headline", "body", "details")]
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
