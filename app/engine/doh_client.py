"""One DNS-over-HTTPS query (RFC 8484, POST application/dns-message) to one resolver entry.

Built on the same steps as the probes, so a DoH failure says where it failed (tcp, tls, http)
exactly like any other check. Resolver URLs use IP literals (the catalog enforces it): asking
the system resolver for the trusted resolver's address would defeat the point.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import dns.message
import dns.rcode
import dns.rdatatype

from app.core import failures as F
from app.core.failures import Failure
from app.core.model import Check, Phase
from app.engine.context import Clock, ProbeContext
from app.engine.http1 import HttpResponse, build_request, exchange, request_target, reusable
from app.engine.steps import Budget, StepFailed, close_quietly, connect, start_tls

MAX_DNS_MESSAGE = 65_535
MAX_ADDRESSES = 32  # addresses kept from one answer: enough for any real service, not a flood


Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def doh_query(resolver: Check, ctx: ProbeContext, qname: str, rdtype: str,
                    budget: Budget, clock: Clock, facts: dict[str, Any]) -> dns.message.Message:
    """Ask ``resolver`` for ``qname``/``rdtype``; the parsed reply, whatever its rcode."""
    streams = await _open(resolver, ctx, budget, clock, facts)
    try:
        reply, _ = await _ask(streams, resolver, ctx, qname, rdtype, budget, clock, facts)
    finally:
        await close_quietly(streams[1])
    return reply


async def doh_queries(resolver: Check, ctx: ProbeContext, qname: str, rdtypes: Sequence[str],
                      budget: Budget) -> list[dns.message.Message | StepFailed]:
    """Ask ``resolver`` for ``qname`` once per type, one after another on one kept-alive
    connection: a handshake per name, not per question. Each type's reply or failure, in
    order. A connection the server closed after an answer is opened anew for the next
    question; one that could not be opened, or timed out, fails the questions after it too
    (a silent resolver costs one allowance, not one per type)."""
    results: list[dns.message.Message | StepFailed] = []
    streams: Streams | None = None
    try:
        for rdtype in rdtypes:
            if results and isinstance(results[-1], StepFailed) and _fatal(results[-1]):
                results.append(results[-1])
                continue
            streams, result = await _ask_kept(streams, resolver, ctx, qname, rdtype, budget)
            results.append(result)
    finally:
        if streams is not None:
            await close_quietly(streams[1])
    return results


def _fatal(failed: StepFailed) -> bool:
    """A failure that the next question to the same resolver would only repeat."""
    return failed.phase in (Phase.TCP, Phase.TLS) or failed.failure == F.GENERIC_TIMEOUT


async def _ask_kept(streams: Streams | None, resolver: Check, ctx: ProbeContext, qname: str,
                    rdtype: str, budget: Budget
                    ) -> tuple[Streams | None, dns.message.Message | StepFailed]:
    """One question on ``streams`` (or a new connection): (the connection to keep, if any,
    and the reply or failure). A kept connection that turns out closed is replaced once."""
    for attempt in range(2):
        reused = streams is not None
        try:
            if streams is None:
                streams = await _open(resolver, ctx, budget, Clock(), {})
            reply, keep = await _ask(streams, resolver, ctx, qname, rdtype, budget, Clock(), {},
                                     keep_alive=True)
        except StepFailed as failed:
            if streams is not None:
                await close_quietly(streams[1])
                streams = None
            if reused and attempt == 0 and failed.failure == F.EOF_ERROR:
                continue  # the server had closed the kept connection: ask on a new one
            return None, failed
        if not keep:
            await close_quietly(streams[1])
            streams = None
        return streams, reply
    raise AssertionError("unreachable: the second attempt always returns")


async def _open(resolver: Check, ctx: ProbeContext, budget: Budget, clock: Clock,
                facts: dict[str, Any]) -> Streams:
    host = resolver.host.strip("[]")
    reader, writer = await connect((host,), resolver.port, budget, clock, facts, ctx)
    try:
        await start_tls(writer, resolver, ctx, budget, clock, facts)
    except BaseException:
        await close_quietly(writer)
        raise
    return reader, writer


async def _ask(streams: Streams, resolver: Check, ctx: ProbeContext, qname: str, rdtype: str,
               budget: Budget, clock: Clock, facts: dict[str, Any], *,
               keep_alive: bool = False) -> tuple[dns.message.Message, bool]:
    """One question on an open connection: (the reply, whether the connection can ask again)."""
    query = dns.message.make_query(qname, dns.rdatatype.from_text(rdtype))
    query.id = 0  # RFC 8484 §4.1: cache-friendly
    host_header, path = request_target(resolver)
    request = build_request("POST", host_header, path, ctx.user_agent, body=query.to_wire(),
                            content_type="application/dns-message",
                            accept="application/dns-message", keep_alive=keep_alive)
    response = await exchange(*streams, request, method="POST", max_bytes=MAX_DNS_MESSAGE,
                              budget=budget, clock=clock, keep=MAX_DNS_MESSAGE)
    return _reply(response, query, facts), keep_alive and reusable(response)


def _reply(response: HttpResponse, query: dns.message.Message,
           facts: dict[str, Any]) -> dns.message.Message:
    facts["status_code"] = response.status
    facts["bytes_received"] = response.body_bytes
    if response.status != 200:
        raise StepFailed(Phase.HTTP, F.HTTP_UNEXPECTED_STATUS,
                         f"DoH answered HTTP {response.status}")
    if response.truncated:
        raise StepFailed(Phase.HTTP, F.HTTP_INVALID_RESPONSE,
                         f"answer larger than a DNS message ({MAX_DNS_MESSAGE} bytes)")
    return parse_reply(response.body_prefix, query)


def parse_reply(wire: bytes, query: dns.message.Message) -> dns.message.Message:
    """The DNS reply in ``wire`` if it answers ``query``.

    Raises StepFailed(phase http, http_invalid_response) for anything else — bytes that are
    not a DNS message, or a reply with another id or question — and nothing else.
    """
    try:
        reply = dns.message.from_wire(wire)
    except Exception as exc:  # dnspython: DNSException, ValueError, also a few others
        raise StepFailed(Phase.HTTP, F.HTTP_INVALID_RESPONSE,
                         f"not a DNS message: {str(exc)[:120] or type(exc).__name__}") from None
    if reply.id != query.id or not reply.question or reply.question[0] != query.question[0]:
        raise StepFailed(Phase.HTTP, F.HTTP_INVALID_RESPONSE, "reply to a different question")
    return reply


def reply_addresses(reply: dns.message.Message) -> tuple[str, ...]:
    """A/AAAA addresses in the answer section (CNAME chains followed implicitly), the first
    ``MAX_ADDRESSES`` of them."""
    found: list[str] = []
    for rrset in reply.answer:
        if rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
            for rdata in rrset:
                text = rdata.to_text()
                if text not in found:
                    found.append(text)
                if len(found) >= MAX_ADDRESSES:
                    return tuple(found)
    return tuple(found)


def rcode_failure(reply: dns.message.Message) -> Failure | None:
    """The failure string for a reply's rcode; None for NOERROR."""
    code = reply.rcode()
    if code == dns.rcode.NOERROR:
        return None
    if code == dns.rcode.NXDOMAIN:
        return F.DNS_NXDOMAIN
    return F.DNS_SERVER_FAILURE
