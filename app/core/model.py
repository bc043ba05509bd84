"""Immutable data that crosses layer and thread boundaries: catalog entries and observations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, Final

from app.core.facts import (
    DohFacts,
    Facts,
    FlowFacts,
    ShapesFacts,
    StunFacts,
    TestCallFacts,
    UdpEchoFacts,
    WebFacts,
    facts_from_dict,
    facts_to_dict,
)
from app.core.failures import Failure


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
    """Where a check failed, or the last step it completed (docs/failures.md, "Phases")."""

    DNS = "dns"  # asking a resolver (the system's, or trusted DNS over HTTPS)
    TCP = "tcp"  # opening a TCP connection
    TLS = "tls"  # the TLS handshake
    HTTP = "http"  # the request, the answer and its body
    UDP = "udp"  # a UDP exchange (STUN, echoes, call media)


class DnsFlag(StrEnum):
    """Facts about a system resolver's answer that do not fail a check by themselves
    (docs/failures.md, "DNS flags")."""

    BOGON = "bogon"  # some answer is a non-public address
    DIFFERS_FROM_TRUSTED = "differs_from_trusted"  # trusted DNS over HTTPS answered otherwise
    FAKE_IP_PROXY = "fake_ip_proxy"  # 198.18.0.0/15: a proxy on this computer answers DNS
    # the check failed after a differing system answer, and the trusted answer takes the same
    # connection (for TLS: a verified certificate for the name): the lie is what failed
    TRUSTED_ANSWER_WORKS = "trusted_answer_works"


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
    # https/http: what a successful (2xx) answer must be (docs/catalog.md "Content"): "" or
    # "any" = anything; png|jpeg|image|pbf|json|html. And, for https, the size bounds of the
    # object (0 = none): a tile that is 3 bytes or 50 MB is not a tile.
    content: str = ""
    min_size: int = 0
    max_size: int = 0
    label: str = ""  # plain words for Details ("WhatsApp message server e1")
    transport: str = ""  # free text for Details: "UDP relay", "MTProto on 443" …
    # Its normal behaviour is not confirmed (e.g. whether an app's relay answers a standard
    # STUN request): its failure alone never makes a "blocked" (docs/verdicts.md).
    unverified: bool = False
    # It shows the service's speed only (a big read from a server the app does not need to
    # work, e.g. Signal's download server): it never makes the service "work" nor "blocked"
    # (docs/verdicts.md "One service slowed down").
    speed_only: bool = False
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


# Which facts each kind reports (app/core/facts.py); a kind not named here reports none.
FACTS_OF_KIND: Final[Mapping[Kind, type[Facts]]] = {
    Kind.DOH: DohFacts,
    Kind.HTTPS: WebFacts,
    Kind.HTTP: WebFacts,
    Kind.STUN: StunFacts,
    Kind.UDP_ECHO: UdpEchoFacts,
    Kind.CALL_FLOW: FlowFacts,
    Kind.TURN_CALL: TestCallFacts,
    Kind.ECHO_CALL: TestCallFacts,
    Kind.CALL_SHAPES: ShapesFacts,
}


@dataclass(frozen=True)
class Observation:
    """What one check saw. Facts only: no verdict here.

    ``phase`` is where the check failed, or the last phase it completed when ``ok`` — one of
    the five ``Phase`` values, nothing else. ``timings_ms`` has one entry per completed step:
    the phases, plus "ttfb" and "body" (HTTP), "rtt" (a round trip) and "media" (test calls).
    ``facts`` are what only this kind measures (``FACTS_OF_KIND``), None when the check did
    not get far enough to measure any. Strings given for the enum fields are turned into the
    enums (a recorded report, a test); a wrong one raises ValueError.
    """

    check_id: str
    service: str
    feature: Feature
    kind: Kind
    role: Role
    target: str
    ok: bool
    failure: Failure | None
    phase: Phase
    duration_ms: int
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    bytes_received: int = 0
    addresses: tuple[str, ...] = ()  # what the system resolver answered
    trusted_addresses: tuple[str, ...] | None = None  # what trusted DoH answered (None: not asked)
    peer_address: str | None = None  # the address actually connected to
    dns_flags: tuple[DnsFlag, ...] = ()
    status_code: int | None = None
    redirect_to: str | None = None
    stalled_after_bytes: int | None = None
    tls_version: str | None = None
    tls_issuer: str | None = None
    failure_detail: str | None = None  # the raw error text, for Details only
    facts: Facts | None = None

    def __post_init__(self) -> None:
        for name, enum in (("feature", Feature), ("kind", Kind), ("role", Role),
                           ("phase", Phase)):
            object.__setattr__(self, name, enum(getattr(self, name)))
        if self.failure is not None:
            object.__setattr__(self, "failure", Failure(self.failure))
        object.__setattr__(self, "dns_flags", tuple(DnsFlag(f) for f in self.dns_flags))
        wanted = FACTS_OF_KIND.get(self.kind)
        if self.facts is not None and (wanted is None or not isinstance(self.facts, wanted)):
            raise TypeError(f"{type(self.facts).__name__} are not the facts of kind {self.kind}")

    def to_dict(self) -> dict[str, Any]:
        """The report's ``checks`` item (docs/report-json.md): field order is the layout."""
        data: dict[str, Any] = {}
        for f in fields(self):
            if f.name not in ("check_id", "facts"):
                data[f.name] = getattr(self, f.name)
        data["timings_ms"] = {k: round(v, 1) for k, v in self.timings_ms.items()}
        data["addresses"] = list(self.addresses)
        if self.trusted_addresses is not None:
            data["trusted_addresses"] = list(self.trusted_addresses)
        data["dns_flags"] = list(self.dns_flags)
        data["extra"] = facts_to_dict(self.facts)
        data["id"] = self.check_id
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Observation:
        """The inverse of ``to_dict`` (a report's ``checks`` item back to an observation), for
        replaying a recorded run. Raises KeyError/TypeError/ValueError for a malformed item."""
        trusted = data.get("trusted_addresses")
        kind = Kind(data["kind"])
        extra = dict(data.get("extra", {}))
        facts_class = FACTS_OF_KIND.get(kind)
        if extra and facts_class is None:
            raise ValueError(f"kind {kind} reports no facts, got {sorted(extra)}")
        failure = data.get("failure")
        return cls(
            check_id=str(data["id"]), service=str(data["service"]),
            feature=Feature(data["feature"]), kind=kind, role=Role(data["role"]),
            target=str(data["target"]), ok=bool(data["ok"]),
            failure=None if failure is None else Failure(failure),
            phase=Phase(data["phase"]), duration_ms=int(data["duration_ms"]),
            timings_ms={str(k): float(v) for k, v in dict(data.get("timings_ms", {})).items()},
            bytes_received=int(data.get("bytes_received", 0)),
            addresses=tuple(data.get("addresses", ())),
            trusted_addresses=None if trusted is None else tuple(trusted),
            peer_address=data.get("peer_address"),
            dns_flags=tuple(DnsFlag(f) for f in data.get("dns_flags", ())),
            status_code=data.get("status_code"), redirect_to=data.get("redirect_to"),
            stalled_after_bytes=data.get("stalled_after_bytes"),
            tls_version=data.get("tls_version"), tls_issuer=data.get("tls_issuer"),
            failure_detail=data.get("failure_detail"),
            facts=facts_from_dict(facts_class, extra) if extra and facts_class else None,
        )
