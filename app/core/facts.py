"""What a check measured beyond the fields every observation has: one frozen dataclass of facts
per check kind (``Observation.facts``; ``FACTS_OF_KIND`` in app/core/model.py says which kind
reports which, a kind without an entry reports none).

The JSON report writes the facts as the check's ``"extra"`` object (docs/report-json.md),
field by field in the order declared here — the field order is part of the report's layout:

- a field declared with ``optional()`` is left out while it is None (a fact the probe did not
  get to), a ``flag()`` while it is False; every other field is always written (None as null);
- a ``GROUP`` field holds a nested dataclass of facts measured together: written flat, in place,
  and left out as a whole while None;
- ``identifying()`` marks a fact that identifies the user (the public address a server saw):
  reports leave it out unless asked (``IDENTIFYING_KEYS``; app/report/json_report.py).

``facts_to_dict`` and ``facts_from_dict`` convert; a recorded report's ``extra`` comes back as
the same facts, and those give the same ``extra`` again. Pure data: no I/O.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

_OMIT = "omit_when"  # metadata: the value with which the field is left out
_GROUP = "group"  # metadata: a nested dataclass written flat
_IDENTIFYING = "identifying"  # metadata: the value identifies the user


def optional(*, identifying: bool = False) -> Any:
    """A fact that may be missing: None, and then left out of the report."""
    return dataclasses.field(default=None, metadata={_OMIT: None, _IDENTIFYING: identifying})


def flag() -> Any:
    """A yes/no fact written only when yes."""
    return dataclasses.field(default=False, metadata={_OMIT: False})


# Facts measured together (a nested dataclass), written flat; None: not measured.
# Use as ``dataclasses.field(default=None, metadata=GROUP)``.
GROUP: Final[Mapping[str, bool]] = {_GROUP: True}


class Facts:
    """Base of every kind's facts."""


# ------------------------------------------------------------------ the kinds' facts
@dataclass(frozen=True, kw_only=True)
class StunFacts(Facts):
    """kind "stun": a binding request answered (app/engine/probes/stun.py)."""

    rtt_ms: float  # from the last transmission before the answer
    tries: int  # transmissions until the answer (1: no retransmission)
    # "203.0.113.7:40001": the user's public address and port as the server saw it; missing
    # when the answer was no usable response (failure stun_invalid_response)
    mapped_address: str | None = optional(identifying=True)


@dataclass(frozen=True, kw_only=True)
class DohFacts(Facts):
    """kind "doh": the control question asked (app/engine/probes/doh.py)."""

    query: str  # "example.com A"


@dataclass(frozen=True, kw_only=True)
class WebFacts(Facts):
    """kinds "https" and "http": the response, once its head arrived (app/engine/probes/web.py)."""

    silence_ms: int | None = optional()  # failure stalled: how long no body byte came
    complete: bool  # the whole body arrived (Content-Length, last chunk or close)
    truncated_at_max_bytes: bool = flag()  # reading stopped at the entry's max_bytes
    body_hint: str | None = optional()  # http only: "login_page", "html", "other" or "empty"
    title: str | None = optional()  # http only: the HTML title, at most 80 characters
    # A second look at a service's read whose body came in slowly (app/engine/second_look.py):
    # the same request again, its time to first byte, body time and body bytes
    second_ttfb_ms: float | None = optional()
    second_body_ms: float | None = optional()
    second_bytes: int | None = optional()


@dataclass(frozen=True, kw_only=True)
class UdpEchoFacts(Facts):
    """kind "udp": one plain datagram that must come back (app/engine/calls/udp_echo.py)."""

    payload: str  # "random" (to a UDP echo) or "stun_classic" (RFC 3489, to a STUN server)
    packet_bytes: int
    rtt_ms: float | None = optional()  # answered: the round trip
    tries: int | None = optional()  # answered: transmissions until the answer


@dataclass(frozen=True, kw_only=True)
class FlowNumbers:
    """A call-like flow's timeline, summed up (app/engine/calls/flowstats.py)."""

    sent: int
    received: int
    loss_pct: float
    jitter_ms: float | None  # RFC 3550 interarrival jitter of the round trips
    rtt_ms_median: float | None
    rtt_ms_p95: float | None
    answered_until_s: float | None  # send time of the last answered packet
    window_s: float  # how long packets were sent
    cutoff: bool  # answers came, then stopped for good while packets kept going
    bytes_sent: int  # UDP payload bytes
    wire_bytes_sent: int  # with IPv4 + UDP headers


@dataclass(frozen=True, kw_only=True)
class FlowFacts(Facts):
    """kind "call_flow": a call-length stream of voice-sized packets
    (app/engine/calls/call_flow.py)."""

    payload: str  # "stun" (binding requests to a STUN server) or "echo" (to a UDP echo)
    packet_bytes: int
    rate_pps: int
    # None: the flow never started
    flow: FlowNumbers | None = field(default=None, metadata=GROUP)


@dataclass(frozen=True, kw_only=True)
class ShapeCount:
    sent: int
    echoed: int


@dataclass(frozen=True, kw_only=True)
class ShapesSummary:
    bytes_sent: int
    passed: tuple[str, ...]  # shapes of which at least one packet came back
    dropped: tuple[str, ...]  # shapes of which none came back
    filtered: tuple[str, ...]  # app shapes that vanished while their neutral twin came back


@dataclass(frozen=True, kw_only=True)
class ShapesFacts(Facts):
    """kind "call_shapes": app-shaped and neutral bursts to one echo
    (app/engine/calls/call_shapes.py)."""

    shapes: Mapping[str, ShapeCount]  # shape name -> its burst, in sending order
    # None: the bursts did not all run
    summary: ShapesSummary | None = field(default=None, metadata=GROUP)


@dataclass(frozen=True, kw_only=True)
class CallSound:
    """How the tone came through during the media window (app/engine/calls/turn_call.py)."""

    window_s: float
    frames_received: int
    frames_expected: int
    answered_until_s: float  # the latest moment every direction still delivered sound


@dataclass(frozen=True, kw_only=True)
class CallStats:
    """Both sides' WebRTC getStats, summed."""

    packets_sent: int
    packets_received: int
    packets_lost: int
    loss_pct: float | None
    jitter_ms: float | None
    rtt_ms: float | None


@dataclass(frozen=True, kw_only=True)
class TestCallFacts(Facts):
    """kinds "turn_call" and "echo_call": a real WebRTC test call (app/engine/calls/)."""

    __test__ = False  # not a pytest test class, despite the name

    turn_transport: str | None = optional()  # turn_call: "udp", "tcp" or "tls"
    relay_allocated: bool | None = optional()  # turn_call: the TURN server gave a relay address
    connected: bool  # ICE + DTLS completed
    connect_ms: float | None = optional()
    # None: the call never connected
    sound: CallSound | None = field(default=None, metadata=GROUP)
    stats: CallStats | None = field(default=None, metadata=GROUP)


# ------------------------------------------------------------------ to and from the report
def facts_to_dict(facts: object | None) -> dict[str, Any]:
    """The report's ``extra`` object for ``facts`` (empty for None)."""
    out: dict[str, Any] = {}
    if facts is None:
        return out
    for f in dataclasses.fields(facts):  # type: ignore[arg-type]
        value = getattr(facts, f.name)
        if f.metadata.get(_GROUP):
            out.update(facts_to_dict(value))
        elif _OMIT not in f.metadata or value != f.metadata[_OMIT]:
            out[f.name] = _encode(value)
    return out


def _encode(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _encode(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return facts_to_dict(value)
    return value


_T = TypeVar("_T")


def facts_from_dict(cls: type[_T], data: Mapping[str, Any]) -> _T:
    """``cls`` from a report's ``extra``: the inverse of ``facts_to_dict``. Raises
    KeyError (a fact missing), TypeError (a value of the wrong type) or ValueError (a key
    no field has)."""
    values, used = _decode_fields(cls, data)
    unknown = set(data) - used
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown facts {sorted(unknown)}")
    return values


def _decode_fields(cls: type[_T], data: Mapping[str, Any]) -> tuple[_T, set[str]]:
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    used: set[str] = set()
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        hint = hints[f.name]
        if f.metadata.get(_GROUP):
            inner = _dataclass_of(hint)
            first = dataclasses.fields(inner)[0].name
            if first in data:
                kwargs[f.name], inner_used = _decode_fields(inner, data)
                used |= inner_used
        elif f.name in data:
            kwargs[f.name] = _decode(data[f.name], hint, f.name)
            used.add(f.name)
        elif _OMIT not in f.metadata:
            raise KeyError(f"{cls.__name__}: missing fact {f.name!r}")
    return cls(**kwargs), used


def _dataclass_of(hint: Any) -> Any:
    """``X | None`` -> X (a dataclass)."""
    return next(a for a in typing.get_args(hint) if dataclasses.is_dataclass(a))


_SCALARS: Final[dict[Any, tuple[type, ...]]] = {
    bool: (bool,), int: (int,), float: (int, float), str: (str,),
}


def _decode(value: Any, hint: Any, name: str) -> Any:
    """Check ``value`` against the field's type; never converts a number (the report must
    come out byte for byte as it went in)."""
    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _decode(value, inner, name)
    if origin is tuple:
        if not isinstance(value, list):
            raise TypeError(f"{name}: a list expected, got {value!r}")
        return tuple(_decode(v, args[0], name) for v in value)
    if origin is Mapping:
        if not isinstance(value, dict):
            raise TypeError(f"{name}: an object expected, got {value!r}")
        return {str(k): _decode(v, args[1], name) for k, v in value.items()}
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise TypeError(f"{name}: an object expected, got {value!r}")
        return facts_from_dict(hint, value)  # type: ignore[arg-type]
    allowed = _SCALARS[hint]
    if not isinstance(value, allowed) or (hint is not bool and isinstance(value, bool)):
        raise TypeError(f"{name}: {hint.__name__} expected, got {value!r}")
    return value


def identifying_keys(*classes: type) -> frozenset[str]:
    """The report keys of ``classes``' facts (and their groups') that identify the user."""
    found: set[str] = set()
    for cls in classes:
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.metadata.get(_GROUP):
                found |= identifying_keys(_dataclass_of(hints[f.name]))
            elif f.metadata.get(_IDENTIFYING):
                found.add(f.name)
    return frozenset(found)
