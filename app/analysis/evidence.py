"""What one observation says, as evidence: worked, slow, or failed in a telling way.

This is the only place that reads failure strings and phases. Everything else reasons about
``Evidence``. The (phase, failure) pairs and what they mean are tabled in docs/verdicts.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.analysis import thresholds
from app.analysis.looks import Look, looks, rate_kbits
from app.analysis.model import CauseId
from app.core.failures import Failure
from app.core.model import DnsFlag, Feature, Kind, Observation, Phase, Role


class Outcome(StrEnum):
    OK = "ok"
    SLOW = "slow"  # reached the service, but too slowly
    FAILED = "failed"  # failed in a way a censor (or a broken network) produces
    NO_EVIDENCE = "no_evidence"  # the check itself did not run to a conclusion


@dataclass(frozen=True)
class Evidence:
    check_id: str
    outcome: Outcome
    cause: CauseId | None = None  # the most specific cause this observation supports
    timeout: bool = False  # failed by silence (a timeout): weak evidence on a slow network
    depth: int = 2  # how much of the service's real work the check exercised (see depth())


# Kinds that carry call media (or a real test call), as opposed to call signalling.
MEDIA_KINDS = frozenset({Kind.STUN, Kind.UDP_ECHO, Kind.CALL_FLOW, Kind.TURN_CALL,
                         Kind.ECHO_CALL, Kind.CALL_SHAPES})


def depth(obs: Observation) -> int:
    """How deep into the service's real work a check goes.

    0: a name lookup only; 1: a bare connection (TCP connect; for calls, any signalling over
    TCP/TLS/HTTPS); 2: the service's own protocol answered (TLS, HTTP); 3: call media.
    A success at a shallow depth does not make a service "work" when every deeper check fails:
    a censor that cuts connections when it sees the name lets the bare connect through.
    """
    if obs.kind == Kind.DNS:
        return 0
    if obs.feature == Feature.CALLS:
        return 3 if obs.kind in MEDIA_KINDS else 1
    if obs.kind == Kind.TCP:
        return 1
    return 2


def reached(obs: Observation) -> bool:
    """The destination answered: ok, too slow, or data flowed and then froze."""
    if obs.ok:
        return True
    # A timeout after the secure connection was set up: the host was reached. Allow-lists and
    # name filters act earlier (at connect or at the handshake), so this is a slow line.
    return obs.phase == Phase.HTTP and obs.failure in _SILENT


_NO_EVIDENCE = {Failure.INTERNAL_ERROR, Failure.INTERRUPTED, Failure.DEADLINE_EXCEEDED}
_TLS_CERT = {Failure.SSL_UNKNOWN_AUTHORITY, Failure.SSL_INVALID_HOSTNAME,
             Failure.SSL_INVALID_CERTIFICATE}
_DNS_FAILS = {Failure.DNS_NXDOMAIN, Failure.DNS_NO_ANSWER, Failure.DNS_BOGON,
              Failure.DNS_SERVER_FAILURE}
# Failures by silence: on a very slow network they happen without any block.
_SILENT = {Failure.GENERIC_TIMEOUT, Failure.STALLED}


def throughput_kbits(obs: Observation, min_bytes: int = thresholds.SLOW_MIN_BYTES
                     ) -> float | None:
    """Body throughput of an HTTP(S) transfer, when it is big enough (``min_bytes``) to
    judge."""
    return rate_kbits(obs.bytes_received, obs.timings_ms.get("body"), min_bytes)


def is_slow(obs: Observation) -> bool:
    """A read too slow for its size, or a first byte too late — on every look at it (a
    second look that came fast shows the first one was a pause, not the line)."""
    return all(_slow_look(look) for look in looks(obs))


def _slow_look(look: Look) -> bool:
    rate = look.kbits(thresholds.SLOW_MIN_BYTES)
    if rate is not None and rate < thresholds.SLOW_KBITS:
        return True
    return look.ttfb_ms is not None and look.ttfb_ms > thresholds.SLOW_TTFB_MS


def led_elsewhere(obs: Observation) -> bool:
    """A name that led to the wrong server (docs/verdicts.md): the connect or handshake
    failed at an address the trusted resolvers did not give, and either one of theirs took
    the same connection (``trusted_answer_works``) or the wrong server showed a certificate
    that is not the service's — the real server would have had the right one."""
    if obs.ok or obs.phase not in (Phase.TCP, Phase.TLS):
        return False
    if DnsFlag.DIFFERS_FROM_TRUSTED not in obs.dns_flags:
        return False
    return DnsFlag.TRUSTED_ANSWER_WORKS in obs.dns_flags or obs.failure in _TLS_CERT


def evidence(obs: Observation) -> Evidence:
    level = depth(obs)
    if obs.ok:
        return _success(obs, level)
    failure = obs.failure or Failure.INTERNAL_ERROR
    if failure in _NO_EVIDENCE:
        return Evidence(obs.check_id, Outcome.NO_EVIDENCE, depth=level)
    if failure == Failure.GENERIC_TIMEOUT and obs.phase == Phase.HTTP:
        # Connected and secured, then the answer crawled in (or not at all) before the
        # timeout: slow, not blocked. A freeze after some data is "stalled", handled below.
        return Evidence(obs.check_id, Outcome.SLOW, CauseId.THROTTLED, depth=level)
    if failure == Failure.SKIPPED_OFFLINE:
        # Stopped because nothing on the internet answered anything: the whole network failed.
        return Evidence(obs.check_id, Outcome.FAILED, CauseId.OFFLINE, True, level)
    return Evidence(obs.check_id, Outcome.FAILED, _failure_cause(obs, failure),
                    failure in _SILENT, level)


def _success(obs: Observation, level: int) -> Evidence:
    if level == 0:
        # A name that resolves says nothing about whether the service works.
        return Evidence(obs.check_id, Outcome.NO_EVIDENCE, depth=level)
    if DnsFlag.FAKE_IP_PROXY in obs.dns_flags:
        return Evidence(obs.check_id, Outcome.OK, CauseId.LOCAL_PROXY, depth=level)
    if is_slow(obs):
        return Evidence(obs.check_id, Outcome.SLOW, CauseId.THROTTLED, depth=level)
    return Evidence(obs.check_id, Outcome.OK, depth=level)


def _failure_cause(obs: Observation, failure: Failure) -> CauseId:
    """The most specific cause a failure in this phase supports (docs/verdicts.md)."""
    if obs.phase == Phase.DNS:
        return _dns_cause(obs, failure)
    if led_elsewhere(obs):
        # The system resolver sent us somewhere else than a trusted resolver would, and that
        # place then failed: the lie is the cause (a block page, a black hole).
        return CauseId.DNS_TAMPERING
    if obs.phase == Phase.TCP or (obs.phase == Phase.UDP and obs.kind != Kind.STUN):
        if failure == Failure.NETWORK_UNREACHABLE:
            return CauseId.OFFLINE
        return CauseId.IP_BLOCKING
    if obs.phase == Phase.TLS:
        return CauseId.TLS_INTERCEPTION if failure in _TLS_CERT else CauseId.SNI_FILTERING
    if obs.phase == Phase.HTTP:
        return _http_cause(obs, failure)
    if obs.phase == Phase.UDP:  # STUN
        return CauseId.STUN_BLOCKED
    return CauseId.CONNECTION_FAILURES


def _dns_cause(obs: Observation, failure: Failure) -> CauseId:
    if failure == Failure.DNS_BOGON or (failure in _DNS_FAILS and obs.trusted_addresses):
        return CauseId.DNS_TAMPERING
    if failure in _DNS_FAILS:
        # The name does not resolve and no trusted resolver could confirm it exists:
        # consistent with DNS tampering, but also with a broken resolver.
        return CauseId.DNS_FAILURE
    return CauseId.CONNECTION_FAILURES


def _http_cause(obs: Observation, failure: Failure) -> CauseId:
    if failure == Failure.STALLED:
        return CauseId.TRANSFER_FREEZE
    if failure == Failure.UNEXPECTED_CONTENT:
        return CauseId.UNEXPECTED_CONTENT
    if failure in (Failure.HTTP_REDIRECT, Failure.HTTP_UNEXPECTED_STATUS):
        if obs.role == Role.CAPTIVE_PORTAL:
            return CauseId.CAPTIVE_PORTAL
        return CauseId.CONNECTION_FAILURES
    if failure in _SILENT and obs.bytes_received > 0:
        return CauseId.TRANSFER_FREEZE
    return CauseId.CONNECTION_FAILURES
