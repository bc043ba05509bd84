"""One DNS-over-HTTPS query (RFC 8484, POST application/dns-message) to one resolver entry.

Built on the same steps as the probes, so a DoH failure says where it failed (tcp, tls, http)
exactly like any other check. Resolver URLs use IP literals (the catalog enforces it): asking
the system resolver for the trusted resolver's address would defeat the point.
"""

from __future__ import annotations

from typing import Any

import dns.message
import dns.rcode
import dns.rdatatype

from app.core import failures as F
from app.core.failures import Failure
from app.core.model import Check, Phase
from app.engine.context import Clock, ProbeContext
from app.engine.http1 import build_request, exchange, request_target
from app.engine.steps import Budget, StepFailed, close_quietly, connect, start_tls

MAX_DNS_MESSAGE = 65_535
MAX_ADDRESSES = 32  # addresses kept from one answer: enough for any real service, not a flood


async def doh_query(resolver: Check, ctx: ProbeContext, qname: str, rdtype: str,
                    budget: Budget, clock: Clock, facts: dict[str, Any]) -> dns.message.Message:
    """Ask ``resolver`` for ``qname``/``rdtype``; the parsed reply, whatever its rcode."""
    query = dns.message.make_query(qname, dns.rdatatype.from_text(rdtype))
    query.id = 0  # RFC 8484 §4.1: cache-friendly
    wire = query.to_wire()
    host = resolver.host.strip("[]")
    reader, writer = await connect((host,), resolver.port, budget, clock, facts, ctx)
    try:
        await start_tls(writer, resolver, ctx, budget, clock, facts)
        host_header, path = request_target(resolver)
        request = build_request("POST", host_header, path, ctx.user_agent, body=wire,
                                content_type="application/dns-message",
                                accept="application/dns-message")
        response = await exchange(reader, writer, request, method="POST",
                                  max_bytes=MAX_DNS_MESSAGE, budget=budget, clock=clock,
                                  keep=MAX_DNS_MESSAGE)
    finally:
        await close_quietly(writer)
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
