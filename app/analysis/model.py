"""The public vocabulary of a diagnosis: verdicts, network statuses, causes.

These strings are part of the JSON report's contract (schema 1); docs/verdicts.md explains
each one. Adding a cause is allowed; renaming or removing one needs a schema bump.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    WORKS = "works"
    DEGRADED = "degraded"
    BLOCKED = "blocked"
    UNAVAILABLE = "unavailable"
    UNKNOWN = "unknown"


class NetworkStatus(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    CAPTIVE_PORTAL = "captive_portal"
    WHITELIST_ONLY = "whitelist_only"
    UNKNOWN = "unknown"


class CauseId(StrEnum):
    OFFLINE = "offline"
    CAPTIVE_PORTAL = "captive_portal"
    WHITELIST_ONLY = "whitelist_only"
    DNS_TAMPERING = "dns_tampering"
    IP_BLOCKING = "ip_blocking"
    SNI_FILTERING = "sni_filtering"
    TLS_INTERCEPTION = "tls_interception"
    UDP_BLOCKED = "udp_blocked"
    STUN_BLOCKED = "stun_blocked"
    CALL_CUTOFF = "call_cutoff"
    THROTTLED = "throttled"
    TRANSFER_FREEZE = "transfer_freeze"
    # extensions (documented in docs/verdicts.md)
    CONNECTION_FAILURES = "connection_failures"  # failures of no clear kind
    POOR_CALL_QUALITY = "poor_call_quality"  # loss / jitter / delay over the thresholds
    RELAY_TCP_ONLY = "relay_tcp_only"  # calls through a relay work only over TCP
    CALL_TRAFFIC_FILTERED = "call_traffic_filtered"  # app-shaped call packets dropped
    LOCAL_PROXY = "local_proxy"  # a proxy/VPN on this computer answers DNS (fake IPs)
    VPN_ACTIVE = "vpn_active"  # a VPN adapter is up: results describe the VPN's path
    DNS_FAILURE = "dns_failure"  # the system resolver does not answer at all
    # schema 2: a proxy is set in the system/environment; the checks go around it, apps may not
    SYSTEM_PROXY = "proxy_configured"
    # schema 2: the connection dropped or switched while the checks ran; results mix networks
    NETWORK_CHANGED = "network_changed"
    # schema 3 addition: a server answered with something that is not what the service sends
    # (an HTML page or random bytes where a map tile belongs): reached, but not working
    UNEXPECTED_CONTENT = "unexpected_content"


class NetworkDetail(StrEnum):
    """Why the network is offline (or empty when it is not)."""

    NONE = ""
    NO_INTERFACE = "no_interface"  # not connected: no interface with an address is up
    NOTHING_ANSWERS = "nothing_answers"  # connected, but no control answers


@dataclass(frozen=True)
class Cause:
    id: CauseId
    checks: tuple[str, ...] = ()  # the check ids that support this cause
    services: tuple[str, ...] = ()
    # What the evidence shows in this run (app/analysis/qualify.py): the words are chosen by it.
    # Derived from the observations, so it takes no part in comparing two causes.
    evidence: frozenset[str] = field(default=frozenset(), compare=False)


@dataclass(frozen=True)
class ServiceResult:
    service: str
    verdict: Verdict
    causes: tuple[Cause, ...] = ()
    restriction_id: str | None = None  # a catalog note that matches this measured verdict


@dataclass(frozen=True)
class FeatureResult:
    feature: str  # "calls" | "messages" | "maps"
    verdict: Verdict
    causes: tuple[Cause, ...] = ()
    services: tuple[ServiceResult, ...] = ()

    def service(self, name: str) -> ServiceResult | None:
        return next((s for s in self.services if s.service == name), None)


@dataclass(frozen=True)
class NetworkResult:
    status: NetworkStatus
    causes: tuple[Cause, ...] = ()
    detail: NetworkDetail = NetworkDetail.NONE


@dataclass(frozen=True)
class Diagnosis:
    network: NetworkResult
    features: tuple[FeatureResult, ...]
    catalog_name: str = ""
    catalog_version: str = ""
    date: dt.date = field(default_factory=dt.date.today)

    def feature(self, name: str) -> FeatureResult:
        for result in self.features:
            if result.feature == name:
                return result
        raise KeyError(name)
