"""kind = "stun": one STUN binding request over UDP — can call traffic set up at all?

Calls need UDP to STUN/TURN servers; Russian DPI filters STUN by its magic cookie. We send a
binding request (RFC 5389) and retransmit it ourselves — after 0.5 s, 1 s and 2 s, cut to
the budget — so a silent drop becomes ``generic_timeout_error`` in phase udp. RTT is measured
from the last transmission before the answer (Karn's rule does not apply: the same
transaction id is reused, so it is an upper bound of the true RTT only after a loss).
"""

from __future__ import annotations

import asyncio
import struct
import time
from dataclasses import replace
from typing import Any

from aioice import stun

from app.core import failures as F
from app.core.facts import StunFacts
from app.core.model import Check, Observation, Phase
from app.engine.classify import classify
from app.engine.context import Clock, ProbeContext, observation
from app.engine.steps import Budget, StepFailed, failed_observation, phase, resolve

RETRANSMIT_WAITS_S = (0.5, 1.0, 2.0)
MAX_QUEUED = 64  # datagrams waiting to be read; a flood beyond that is dropped, not stored
_COOKIE = struct.pack("!I", 0x2112A442)


class _StunClient(asyncio.DatagramProtocol):
    """Collects datagrams and ICMP errors for one request on a connected UDP socket."""

    def __init__(self) -> None:
        self.replies: asyncio.Queue[bytes | Exception] = asyncio.Queue(MAX_QUEUED)
        self.dropped = 0

    def _put(self, item: bytes | Exception) -> None:
        try:
            self.replies.put_nowait(item)
        except asyncio.QueueFull:
            self.dropped += 1

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self._put(data)

    def error_received(self, exc: Exception) -> None:
        self._put(exc)


def _parse_reply(data: bytes, transaction_id: bytes) -> stun.Message | None:
    """The matching response, None for a reply to someone else.

    Raises ValueError (only) for bytes that are not a well-formed STUN message.
    """
    if len(data) < 20 or data[4:8] != _COOKIE:
        raise ValueError(f"not a STUN message ({len(data)} bytes)")
    try:
        message = stun.parse_message(data)
    except Exception as exc:  # aioice raises ValueError, struct.error, KeyError, IndexError …
        raise ValueError(str(exc)[:120] or type(exc).__name__) from None
    if message.transaction_id != transaction_id:
        return None
    return message


async def run(check: Check, ctx: ProbeContext) -> Observation:
    clock = Clock()
    budget = Budget(check.timeout_s)
    facts: dict[str, Any] = {}
    transport = None
    try:
        addresses = await resolve(check, ctx, budget, clock, facts)
        address = addresses[0]
        facts["peer_address"] = address
        loop = asyncio.get_running_loop()
        async with phase(Phase.UDP, budget):
            transport, client = await loop.create_datagram_endpoint(
                _StunClient, remote_addr=(address, check.port))
        request = stun.Message(message_method=stun.Method.BINDING,
                               message_class=stun.Class.REQUEST)
        reply, rtt_ms, tries = await _transact(transport, client, request, budget, ctx)
        ctx.heard_back()
        answer = StunFacts(rtt_ms=round(rtt_ms, 1), tries=tries)
        facts["facts"] = answer
        clock.mark(Phase.UDP)  # the whole exchange, retransmissions included
        clock.timings["rtt"] = rtt_ms
        facts["facts"] = replace(answer, mapped_address=_mapped(reply))
    except StepFailed as failed:
        if failed.failure == F.STUN_INVALID_RESPONSE:  # garbage, but something answered
            ctx.heard_back()
        return failed_observation(check, clock, failed, facts)
    finally:
        if transport is not None:
            transport.close()
    return observation(check, clock, ok=True, phase=Phase.UDP, **facts)


async def _transact(transport: asyncio.DatagramTransport, client: _StunClient,
                    request: stun.Message, budget: Budget, ctx: ProbeContext | None = None,
                    ) -> tuple[stun.Message, float, int]:
    """Send and retransmit; after the last retransmission's wait, keep waiting to the end of
    the allowance only when some calls check of the run has had a UDP answer (``ctx``):
    with none at all, nothing later can change the calls verdict (timeouts.CALLS_SILENT_S)."""
    data = bytes(request)
    strangers = 0  # well-formed replies to another transaction: never taken as our answer
    for tries, wait in enumerate(RETRANSMIT_WAITS_S, start=1):
        if budget.remaining() <= 0:
            break
        sent = time.monotonic()
        transport.sendto(data)
        give_up = min(sent + wait, budget.deadline)
        last = tries == len(RETRANSMIT_WAITS_S)
        while (item := await _next_reply(client, give_up, budget, ctx, last)) is not None:
            if isinstance(item, Exception):
                failure, detail = classify(item)
                raise StepFailed(Phase.UDP, failure, detail)
            if ctx is not None:
                ctx.heard_udp()
            try:
                reply = _parse_reply(item, request.transaction_id)
            except ValueError as exc:
                raise StepFailed(Phase.UDP, F.STUN_INVALID_RESPONSE,
                                 f"malformed reply: {exc}") from None
            if reply is not None:
                return reply, (time.monotonic() - sent) * 1000.0, tries
            strangers += 1
    if strangers:
        raise StepFailed(Phase.UDP, F.STUN_INVALID_RESPONSE,
                         f"{strangers} replies, none for our request")
    if budget.remaining() > 0:
        raise StepFailed(Phase.UDP, F.GENERIC_TIMEOUT,
                         f"no STUN answer to {len(RETRANSMIT_WAITS_S)} tries, and no calls "
                         "check of this run had any answer")
    raise StepFailed(Phase.UDP, F.GENERIC_TIMEOUT,
                     f"no STUN answer within the {budget.total_s:g} s allowance")


async def _next_reply(client: _StunClient, give_up: float, budget: Budget,
                      ctx: ProbeContext | None, last: bool) -> bytes | Exception | None:
    """The next datagram (or ICMP error) before ``give_up``; None when none came. After the
    last try, the wait goes on to the end of the allowance only if something answered."""
    left = give_up - time.monotonic()
    if left <= 0 and last and give_up < budget.deadline and _someone_answered(ctx):
        left = budget.deadline - time.monotonic()  # something answered in this run: wait on
    if left <= 0:
        return None
    try:
        return await asyncio.wait_for(client.replies.get(), left)
    except TimeoutError:
        if last and give_up < budget.deadline and _someone_answered(ctx):
            return await _next_reply(client, budget.deadline, budget, ctx, last)
        return None


def _someone_answered(ctx: ProbeContext | None) -> bool:
    return ctx is None or ctx.udp_answer_at is not None


def _mapped(reply: stun.Message) -> str:
    """The mapped address of a success response, as "host:port"; raises StepFailed."""
    if reply.message_class == stun.Class.ERROR:
        raise StepFailed(Phase.UDP, F.STUN_INVALID_RESPONSE,
                         f"error response {reply.attributes.get('ERROR-CODE')}")
    if reply.message_class != stun.Class.RESPONSE:
        raise StepFailed(Phase.UDP, F.STUN_INVALID_RESPONSE, "reply is not a response")
    mapped = reply.attributes.get("XOR-MAPPED-ADDRESS") or reply.attributes.get("MAPPED-ADDRESS")
    if not mapped:
        raise StepFailed(Phase.UDP, F.STUN_INVALID_RESPONSE, "response without mapped address")
    host, port = mapped
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
