"""What one observation says, as evidence: worked, slow, or failed in a telling way.

This is the only place that reads failure strings and phases. Everything else reasons about
``Evidence``. The (phase, failure) pairs and what they mean are tabled in docs/verdicts.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.analysis import thresholds
from app.analysis.model import CauseId
from app.core import failures as F
from app.core.model import Observation


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
MEDIA_KINDS = frozenset({"stun", "udp", "call_flow", "turn_call", "echo_call", "call_shapes"})


def depth(obs: Observation) -> int:
    """How deep into the service's real work a check goes.

    0: a name lookup only; 1: a bare connection (TCP connect; for calls, any signalling over
    TCP/TLS/HTTPS); 2: the service's own protocol answered (TLS, HTTP); 3: call media.
    A success at a shallow depth does not make a service "work" when every deeper check fails:
    a censor that cuts connections when it sees the name lets the bare connect through.
    """
    if obs.kind == "dns":
        return 0
    if obs.feature == "calls":
        return 3 if obs.kind in MEDIA_KINDS else 1
    if obs.kind == "tcp":
        return 1
    return 2


def reached(obs: Observation) -> bool:
    """The destination answered: ok, too slow, or data flowed and then froze."""
    if obs.ok:
        return True
    # A timeout after the secure connection was set up: the host was reached. Allow-lists and
    # name filters act earlier (at connect or at the handshake), so this is a slow line.
    return obs.phase == "http" and obs.failure in (F.GENERIC_TIMEOUT, F.STALLED)


_NO_EVIDENCE = {F.INTERNAL_ERROR, F.INTERRUPTED, F.DEADLINE_EXCEEDED}
_TLS_CERT = {F.SSL_UNKNOWN_AUTHORITY, F.SSL_INVALID_HOSTNAME, F.SSL_INVALID_CERTIFICATE}
_DNS_FAILS = {F.DNS_NXDOMAIN, F.DNS_NO_ANSWER, F.DNS_BOGON, F.DNS_SERVER_FAILURE}
# Failures by silence: on a very slow network they happen without any block.
_SILENT = {F.GENERIC_TIMEOUT, F.STALLED}


def throughput_kbits(obs: Observation) -> float | None:
    """Body throughput of an HTTP(S) transfer, when it is big enough to judge."""
    body_ms = obs.timings_ms.get("body")
    if obs.bytes_received < thresholds.SLOW_MIN_BYTES or not body_ms or body_ms <= 0:
        return None
    return obs.bytes_received * 8 / body_ms  # bits per ms == kbit/s


def is_slow(obs: Observation) -> bool:
    rate = throughput_kbits(obs)
    if rate is not None and rate < thresholds.SLOW_KBITS:
        return True
    ttfb = obs.timings_ms.get("ttfb")
    return ttfb is not None and ttfb > thresholds.SLOW_TTFB_MS


def evidence(obs: Observation) -> Evidence:
    level = depth(obs)
    if obs.ok:
        if level == 0:
            # A name that resolves says nothing about whether the service works.
            return Evidence(obs.check_id, Outcome.NO_EVIDENCE, depth=level)
        if "fake_ip_proxy" in obs.dns_flags:
            return Evidence(obs.check_id, Outcome.OK, CauseId.LOCAL_PROXY, depth=level)
        if is_slow(obs):
            return Evidence(obs.check_id, Outcome.SLOW, CauseId.THROTTLED, depth=level)
        return Evidence(obs.check_id, Outcome.OK, depth=level)
    failure = obs.failure or F.INTERNAL_ERROR
    if failure in _NO_EVIDENCE:
        return Evidence(obs.check_id, Outcome.NO_EVIDENCE, depth=level)
    if failure == F.GENERIC_TIMEOUT and obs.phase == "http":
        # Connected and secured, then the answer crawled in (or not at all) before the
        # timeout: slow, not blocked. A freeze after some data is "stalled", handled below.
        return Evidence(obs.check_id, Outcome.SLOW, CauseId.THROTTLED, depth=level)
    if failure == F.SKIPPED_OFFLINE:
        # Stopped because nothing on the internet answered anything: the whole network failed.
        return Evidence(obs.check_id, Outcome.FAILED, CauseId.OFFLINE, True, level)
    timeout = failure in _SILENT
    differs = "differs_from_trusted" in obs.dns_flags
    trusted_has_answer = bool(obs.trusted_addresses)

    def failed(cause: CauseId) -> Evidence:
        return Evidence(obs.check_id, Outcome.FAILED, cause, timeout, level)

    if obs.phase == "dns":
        if failure == F.DNS_BOGON or (failure in _DNS_FAILS and trusted_has_answer):
            return failed(CauseId.DNS_TAMPERING)
        if failure in _DNS_FAILS:
            # The name does not resolve and no trusted resolver could confirm it exists:
            # consistent with DNS tampering, but also with a broken resolver.
            return failed(CauseId.DNS_FAILURE)
        return failed(CauseId.CONNECTION_FAILURES)
    if differs and obs.phase in ("tcp", "tls"):
        # The system resolver sent us somewhere else than a trusted resolver would, and that
        # place then failed: the lie is the cause (a blockpage IP, a black hole).
        return failed(CauseId.DNS_TAMPERING)
    if obs.phase == "tcp" or (obs.phase == "udp" and obs.kind != "stun"):
        if failure == F.NETWORK_UNREACHABLE:
            return failed(CauseId.OFFLINE)
        return failed(CauseId.IP_BLOCKING)
    if obs.phase == "tls":
        if failure in _TLS_CERT:
            return failed(CauseId.TLS_INTERCEPTION)
        return failed(CauseId.SNI_FILTERING)
    if obs.phase == "http":
        if failure == F.STALLED:
            return failed(CauseId.TRANSFER_FREEZE)
        if failure in (F.HTTP_REDIRECT, F.HTTP_UNEXPECTED_STATUS):
            return failed(CauseId.CAPTIVE_PORTAL) if obs.role == "captive_portal" else failed(
                CauseId.CONNECTION_FAILURES)
        if timeout and obs.bytes_received > 0:
            return failed(CauseId.TRANSFER_FREEZE)
        return failed(CauseId.CONNECTION_FAILURES)
    if obs.phase == "udp":  # STUN
        return failed(CauseId.STUN_BLOCKED)
    return failed(CauseId.CONNECTION_FAILURES)
