"""The steps probes share — resolve, connect, TLS handshake — each bounded by one budget.

A probe gets ``check.timeout_s`` in total. Every step runs under ``asyncio.timeout`` with
what is left of it, so a timeout is reported in the step where it happened, together with the
timings of the steps already done. Network errors become :class:`StepFailed` carrying the
phase and the failure string; the probe turns that into an ``ok=False`` observation.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import AsyncIterator
from typing import Any

from app.core import failures as F
from app.core.failures import Failure
from app.core.model import Check, DnsFlag, Kind, Observation, Phase
from app.engine import timeouts
from app.engine.classify import classify
from app.engine.context import Clock, ProbeContext, observation
from app.engine.dns_util import is_ip_literal, judge_answers


class StepFailed(Exception):
    """A network failure in one phase. Internal to probes: never escapes ``run()``."""

    def __init__(self, phase: Phase, failure: Failure, detail: str = "") -> None:
        super().__init__(f"{phase}: {failure}: {detail}")
        self.phase = phase
        self.failure = failure
        self.detail = detail
        self.response: Any = None  # an http1.HttpResponse when the body failed midway


class Budget:
    """What is left of a probe's time allowance."""

    def __init__(self, total_s: float) -> None:
        self.total_s = total_s
        self.deadline = time.monotonic() + total_s

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())


@contextlib.asynccontextmanager
async def phase(name: Phase, budget: Budget, limit_s: float | None = None) -> AsyncIterator[None]:
    """Run a step with the remaining budget, or ``limit_s`` (the phase's own limit, from
    app/engine/timeouts.py) when that is shorter; classify what goes wrong as ``name``'s."""
    remaining = budget.remaining()
    capped = limit_s is not None and limit_s < remaining
    try:
        async with asyncio.timeout(limit_s if capped else remaining):
            yield
    except StepFailed:
        raise
    except TimeoutError as exc:
        detail = (f"no answer within the {limit_s:g} s limit for this step" if capped
                  else f"no answer within the {budget.total_s:g} s allowance")
        raise StepFailed(name, F.GENERIC_TIMEOUT, detail) from exc
    except (OSError, EOFError) as exc:  # ssl.SSLError and socket.gaierror are OSErrors
        failure, detail = classify(exc)
        raise StepFailed(name, failure, detail) from exc


async def resolve(check: Check, ctx: ProbeContext, budget: Budget, clock: Clock,
                  facts: dict[str, Any]) -> tuple[str, ...]:
    """Addresses to connect to. IP literals skip DNS; bogon-only answers fail the probe."""
    if is_ip_literal(check.host):
        return (check.host.strip("[]"),)
    async with phase(Phase.DNS, budget, timeouts.DNS_S):
        addresses = await ctx.system_dns.resolve(check.host)
    clock.mark(Phase.DNS)
    facts["addresses"] = addresses
    if not addresses:
        raise StepFailed(Phase.DNS, F.DNS_NO_ANSWER, "the resolver answered without addresses")
    judged = judge_answers(addresses, None, ctx.ordinary_ranges)
    facts["dns_flags"] = judged.flags
    if judged.all_bogon:
        raise StepFailed(Phase.DNS, F.DNS_BOGON, "only non-public addresses: " +
                         ", ".join(addresses))
    return addresses


# Failures that mean a packet came back from the network (someone answered, if only to refuse).
_ANSWERED = frozenset({F.CONNECTION_REFUSED, F.CONNECTION_RESET})


async def connect(addresses: tuple[str, ...], port: int, budget: Budget, clock: Clock,
                  facts: dict[str, Any], ctx: ProbeContext | None = None,
                  ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """TCP connect to the first address that accepts, in resolver order.

    A fast failure (refused, unreachable) moves on to the next address; a timeout uses up the
    phase's limit, as it would for an app. The last failure is the one reported. Any answer
    (a handshake, or a refusal) is reported to ``ctx.heard_back()``.
    """
    last: StepFailed | None = None
    for address in addresses:
        try:
            async with phase(Phase.TCP, budget, timeouts.CONNECT_S):
                reader, writer = await asyncio.open_connection(address, port)
        except StepFailed as failed:
            last = failed
            if ctx is not None and failed.failure in _ANSWERED:
                ctx.heard_back()
            if failed.failure == F.GENERIC_TIMEOUT or budget.remaining() <= 0:
                break
            continue
        if ctx is not None:
            ctx.heard_back()
        clock.mark(Phase.TCP)
        facts["peer_address"] = address
        return reader, writer
    assert last is not None
    raise last


async def start_tls(writer: asyncio.StreamWriter, check: Check, ctx: ProbeContext,
                    budget: Budget, clock: Clock, facts: dict[str, Any]) -> None:
    """Verified TLS handshake with SNI = ``check.sni`` or the host; records version/issuer."""
    server_name = check.sni or check.host.strip("[]")
    async with phase(Phase.TLS, budget, timeouts.TLS_S):
        await writer.start_tls(ctx.ssl_context(check), server_hostname=server_name,
                               ssl_handshake_timeout=max(budget.remaining(), 0.1))
    clock.mark(Phase.TLS)
    ssl_object = writer.get_extra_info("ssl_object")
    if isinstance(ssl_object, ssl.SSLObject):
        facts["tls_version"] = ssl_object.version()
        facts["tls_issuer"] = issuer_name(ssl_object.getpeercert())


def issuer_name(cert: Any) -> str | None:
    """Issuer CN (or O) of a verified peer certificate, as getpeercert() reports it."""
    if not isinstance(cert, dict):
        return None
    fields: dict[str, str] = {}
    for rdn in cert.get("issuer", ()):
        for key, value in rdn:
            fields.setdefault(key, value)
    return fields.get("commonName") or fields.get("organizationName")


async def close_quietly(writer: asyncio.StreamWriter) -> None:
    """Close without letting a slow or broken peer delay or fail the probe."""
    transport = writer.transport
    if transport.is_closing():  # a failed handshake or a reset: nothing to say goodbye to
        transport.abort()
        return
    writer.close()
    with contextlib.suppress(Exception):
        async with asyncio.timeout(0.25):
            await writer.wait_closed()
            return
    transport.abort()


# How long a failed check may spend, beyond its own allowance, asking the trusted resolvers
# for its name and trying their answer (docs/verdicts.md: "a name that leads elsewhere").
CROSS_CHECK_S = 2.0
_AFTER_LOOKUP = (Phase.DNS, Phase.TCP, Phase.TLS)


async def failed_after_lookup(check: Check, ctx: ProbeContext, clock: Clock,
                              failed: StepFailed, facts: dict[str, Any]) -> Observation:
    """``failed_observation``, after comparing this one name with the trusted resolvers.

    When a check by name fails at its lookup, connect or handshake, the trusted resolvers
    (DNS over HTTPS, by address) are asked for that name — lazily, only for failures, cached
    per name. ``trusted_addresses`` and the ``differs_from_trusted`` flag then show whether the
    system resolver sent the app somewhere else; if it did and an address the trusted
    resolvers gave accepts the same connection (for TLS: a verified certificate for the name),
    ``trusted_answer_works`` is added: the lie, not the service, is what failed.
    """
    if failed.phase in _AFTER_LOOKUP and failed.failure != F.DNS_BOGON:
        with contextlib.suppress(Exception):
            async with asyncio.timeout(CROSS_CHECK_S):
                await _cross_check(check, ctx, failed, facts)
    return failed_observation(check, clock, failed, facts)


async def _cross_check(check: Check, ctx: ProbeContext, failed: StepFailed,
                       facts: dict[str, Any]) -> None:
    trusted_resolver = ctx.trusted
    if (trusted_resolver is None or is_ip_literal(check.host)
            or facts.get("trusted_addresses") is not None
            or not getattr(trusted_resolver, "available", lambda: True)()):
        return
    trusted = await trusted_resolver.lookup(check.host)
    if trusted is None:
        return
    facts["trusted_addresses"] = trusted
    system = facts.get("addresses") or ()
    if failed.phase == Phase.DNS or not system:
        return
    judged = judge_answers(system, trusted, ctx.ordinary_ranges)
    flags = tuple(judged.flags)
    if DnsFlag.DIFFERS_FROM_TRUSTED in flags and await _answer_works(check, ctx, trusted):
        flags += (DnsFlag.TRUSTED_ANSWER_WORKS,)
    facts["dns_flags"] = flags


async def _answer_works(check: Check, ctx: ProbeContext, addresses: tuple[str, ...]) -> bool:
    """Does the first trusted address (IPv4 first) take the connection the check wanted?"""
    ordered = sorted(addresses, key=lambda a: ":" in a)[:1]
    for address in ordered:
        writer = None
        try:
            _reader, writer = await asyncio.open_connection(address, check.port)
            if check.kind in (Kind.TLS, Kind.HTTPS):
                await writer.start_tls(ctx.ssl_context(check),
                                       server_hostname=check.sni or check.host)
            return True
        except (OSError, EOFError):
            continue
        finally:
            if writer is not None:
                await close_quietly(writer)
    return False


def failed_observation(check: Check, clock: Clock, failed: StepFailed,
                       facts: dict[str, Any]) -> Observation:
    """The ``ok=False`` observation for a failed step, keeping the facts gathered so far."""
    return observation(check, clock, ok=False, phase=failed.phase, failure=failed.failure,
                       failure_detail=failed.detail or None, **facts)
