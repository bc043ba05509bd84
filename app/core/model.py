"""Immutable data that crosses layer and thread boundaries: catalog entries and observations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Feature(StrEnum):
    CALLS = "calls"
    MESSAGES = "messages"
    MAPS = "maps"
    NETWORK = "network"


USER_FEATURES: tuple[Feature, ...] = (Feature.CALLS, Feature.MESSAGES, Feature.MAPS)


class Kind(StrEnum):
    """Probe kinds a catalog entry can name (see docs/catalog.md)."""

    DNS = "dns"  # system resolver (getaddrinfo), compared with trusted DNS over HTTPS
    DOH = "doh"  # a trusted DNS-over-HTTPS resolver (URL with an IP literal)
    TCP = "tcp"  # TCP connect
    TLS = "tls"  # TCP connect + TLS handshake with SNI, verified
    HTTPS = "https"  # TLS + HTTP GET, streaming the body
    HTTP = "http"  # plain-HTTP GET (captive portal probe, Telegram's HTTP-on-DC)
    STUN = "stun"  # STUN binding request over UDP
    # calls (app/engine/calls/, docs/catalog.md "Calls")
    UDP_ECHO = "udp"  # plain UDP datagram (no STUN cookie) that an echo/server answers
    CALL_FLOW = "call_flow"  # a call-length stream of voice-sized UDP packets
    TURN_CALL = "turn_call"  # a real WebRTC test call, relay-only through a TURN server
    ECHO_CALL = "echo_call"  # a real WebRTC test call to a `conncheck echo-peer`
    CALL_SHAPES = "call_shapes"  # bursts shaped like each app's call packets, to a UDP echo


class Phase(StrEnum):
    DNS = "dns"
    TCP = "tcp"
    TLS = "tls"
    HTTP = "http"
    UDP = "udp"


class Role(StrEnum):
    """What an entry is for, beyond testing its own service."""

    SERVICE = "service"
    CONTROL_DOMESTIC = "control_domestic"
    CONTROL_INTERNATIONAL = "control_international"
    CAPTIVE_PORTAL = "captive_portal"
    RESOLVER = "resolver"
    REFERENCE_STUN = "reference_stun"
    CALL_TEST = "call_test"  # a calls measurement of no particular app (flow, test call)


@dataclass(frozen=True)
class Check:
    """One catalog entry: what to contact and how."""

    id: str
    service: str
    feature: Feature
    kind: Kind
    host: str  # host name or IP literal ("" only for URL-only kinds before parsing)
    port: int
    role: Role = Role.SERVICE
    url: str | None = None  # https/http/doh
    sni: str | None = None  # TLS server name; defaults to host when it is a name
    ca_file: str | None = None  # absolute path of an extra CA trusted for this entry only
    timeout_s: float = 8.0
    max_bytes: int = 8192  # https/http: stop reading after this many body bytes
    expect_status: int | None = None  # http: e.g. 204 for a captive-portal probe
    method: str = "GET"
    label: str = ""  # plain words for Details ("WhatsApp message server e1")
    transport: str = ""  # free text for Details: "UDP relay", "MTProto on 443" …
    # Its normal behaviour is not confirmed (e.g. whether an app's relay answers a standard
    # STUN request): its failure alone never makes a "blocked" (docs/verdicts.md).
    unverified: bool = False
    # calls kinds (docs/catalog.md "Calls"); 0 / "" means "the kind's default"
    duration_s: float = 0.0  # call_flow / turn_call / echo_call: how long media flows
    packet_bytes: int = 0  # udp / call_flow / call_shapes: UDP payload size
    rate_pps: int = 0  # call_flow: packets per second
    payload: str = ""  # udp: random|stun_classic; call_flow: stun|echo
    username: str = ""  # turn_call: TURN user name
    credential: str = field(default="", repr=False)  # turn_call: TURN password, never reported

    @property
    def target(self) -> str:
        if self.url:
            return self.url
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


@dataclass(frozen=True)
class Observation:
    """What one check saw. Facts only: no verdict here.

    ``phase`` is where the check failed, or the last phase it completed when ``ok``.
    ``timings_ms`` has one entry per completed phase ("dns", "tcp", "tls", "ttfb", "body", "rtt").
    """

    check_id: str
    service: str
    feature: str
    kind: str
    role: str
    target: str
    ok: bool
    failure: str | None
    phase: str
    duration_ms: int
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    bytes_received: int = 0
    addresses: tuple[str, ...] = ()  # what the system resolver answered
    trusted_addresses: tuple[str, ...] | None = None  # what trusted DoH answered (None: not asked)
    peer_address: str | None = None  # the address actually connected to
    dns_flags: tuple[str, ...] = ()  # "bogon", "differs_from_trusted", "fake_ip_proxy"
    status_code: int | None = None
    redirect_to: str | None = None
    stalled_after_bytes: int | None = None
    tls_version: str | None = None
    tls_issuer: str | None = None
    failure_detail: str | None = None  # the raw error text, for Details only
    extra: Mapping[str, Any] = field(default_factory=dict)  # kind-specific facts (STUN etc.)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["id"] = data.pop("check_id")
        data["timings_ms"] = {k: round(v, 1) for k, v in self.timings_ms.items()}
        data["addresses"] = list(self.addresses)
        if self.trusted_addresses is not None:
            data["trusted_addresses"] = list(self.trusted_addresses)
        data["dns_flags"] = list(self.dns_flags)
        data["extra"] = dict(self.extra)
        return data
