"""Calls checks made from command-line options, and the `--calls-long` override.

``--turn turn:USER:PASS@HOST:PORT`` -> one turn_call per transport to try: TURN over UDP
and over TCP on the given port (and TLS when the URL says ``turns:``), so "UDP calls are
blocked but TCP ones work" shows up. ``--echo-peer URL`` -> the end-to-end checks against
a ``conncheck echo-peer``: plain UDP, a call-length flow, call-shaped bursts, a test call.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from urllib.parse import unquote, urlsplit, urlunsplit

from app.core import call_defaults as defaults
from app.core.catalog import Catalog
from app.core.model import Check, Feature, Kind, Role
from app.engine.calls.turn_url import TurnUrl, TurnUrlError, parse_turn_url

SERVICE = "Test call"


class CallArgsError(ValueError):
    """A --turn / --echo-peer value we cannot use; ``str()`` is the one-line message."""


def _turn_check(turn: TurnUrl, index: int) -> Check:
    transport = "tls" if turn.scheme == "turns" else turn.transport
    duration = defaults.CALL_QUICK_S
    return Check(
        id=f"turn-call-{index}-{transport}",
        service=SERVICE,
        feature=Feature.CALLS,
        kind=Kind.TURN_CALL,
        host=turn.host,
        port=turn.port,
        role=Role.CALL_TEST,
        url=turn.url,
        timeout_s=defaults.default_timeout(Kind.TURN_CALL, duration, 0.0),
        label=f"Test call through your relay ({turn.label})",
        transport=turn.label,
        duration_s=duration,
        username=turn.username,
        credential=turn.credential,
    )


def turn_checks_from_args(urls: list[str]) -> list[Check]:
    """turn_call checks for each ``--turn`` URL: UDP and TCP, unless a transport is given."""
    checks: list[Check] = []
    for index, text in enumerate(urls, start=1):
        try:
            turn = parse_turn_url(text)
        except TurnUrlError as exc:
            raise CallArgsError(f"--turn: {exc}") from None
        if not turn.username or not turn.credential:
            raise CallArgsError(f"--turn: {text!r} has no USER:PASS@ (TURN needs credentials)")
        if "?transport=" in text or turn.scheme == "turns":
            variants = [turn]
        else:
            variants = [replace(turn, transport="udp"), replace(turn, transport="tcp")]
        checks += [_turn_check(v, index) for v in variants]
    return checks


def echo_checks_from_args(url: str) -> list[Check]:
    """The end-to-end checks against an echo peer at ``url`` (http://[TOKEN@]HOST:PORT).

    The peer's token, if given, travels only in the test call's request header: it is taken
    out of the URL (which reports show) and kept in ``credential`` (never reported).
    """
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CallArgsError(f"--echo-peer: expected http://HOST:PORT, got {url!r}")
    token = unquote(parts.username or "")
    if parts.password is not None:
        raise CallArgsError("--echo-peer: the token goes before the @ alone: http://TOKEN@HOST:PORT")
    if "@" in parts.netloc:
        parts = parts._replace(netloc=parts.netloc.rpartition("@")[2])
        url = urlunsplit(parts)
    host = parts.hostname or ""
    port = port or (443 if parts.scheme == "https" else 80)
    base = Check(id="echo", service=SERVICE, feature=Feature.CALLS, kind=Kind.UDP_ECHO,
                 host=host, port=port, role=Role.CALL_TEST, transport="UDP")
    call_s, flow_s = defaults.CALL_QUICK_S, defaults.FLOW_QUICK_S
    return [
        replace(base, id="echo-udp", payload="random", packet_bytes=defaults.UDP_PACKET_BYTES,
                timeout_s=4.0, label="Plain UDP to the echo peer"),
        replace(base, id="echo-flow", kind=Kind.CALL_FLOW, payload="echo", duration_s=flow_s,
                packet_bytes=defaults.FLOW_PACKET_BYTES, rate_pps=defaults.FLOW_RATE_PPS,
                timeout_s=defaults.default_timeout(Kind.CALL_FLOW, flow_s, 0.0),
                label="Call-like flow to the echo peer"),
        replace(base, id="echo-shapes", kind=Kind.CALL_SHAPES, timeout_s=4.0,
                label="Call-shaped packets to the echo peer"),
        replace(base, id="echo-call", kind=Kind.ECHO_CALL, url=url.rstrip("/"), credential=token,
                duration_s=call_s, timeout_s=defaults.default_timeout(Kind.ECHO_CALL, call_s, 0.0),
                label="Test call to the echo peer", transport="WebRTC"),
    ]


def with_call_duration(checks: Iterable[Check], duration_s: float | None = None) -> list[Check]:
    """``--calls-long``: longer flows and test calls (defaults FLOW_LONG_S / CALL_LONG_S)."""
    out = []
    for check in checks:
        if check.kind in (Kind.CALL_FLOW, Kind.TURN_CALL, Kind.ECHO_CALL):
            long_s = defaults.FLOW_LONG_S if check.kind == Kind.CALL_FLOW else (
                defaults.CALL_LONG_S)
            seconds = duration_s or long_s
            timeout = defaults.default_timeout(check.kind, seconds, 0.0)
            check = replace(check, duration_s=seconds, timeout_s=timeout)
        out.append(check)
    return out


def with_call_options(catalog: Catalog, *, turn: Sequence[str] = (),
                      echo_peer: str | None = None, calls_long: bool = False) -> Catalog:
    """The catalog plus ``--turn`` / ``--echo-peer`` checks, lengthened by ``--calls-long``.

    Raises CallArgsError (one line for the user) for an unusable value or a clashing id.
    """
    checks = list(catalog.checks) + turn_checks_from_args(list(turn))
    if echo_peer:
        checks += echo_checks_from_args(echo_peer)
    clash = sorted(i for i, n in Counter(c.id for c in checks).items() if n > 1)  # linear
    if clash:
        raise CallArgsError(f"the catalog already has check id(s) {', '.join(clash)}")
    if calls_long:
        checks = with_call_duration(checks)
    longest = max((c.timeout_s for c in checks), default=0.0) + 5.0
    return replace(catalog, checks=tuple(checks),
                   deadline_s=max(catalog.deadline_s, longest))
