"""kind = "udp": one plain UDP datagram, the size of a STUN request, that must come back.

Why: DPI in Russia drops UDP by its *content* (the STUN magic cookie, app signatures) as well
as blocking UDP as a whole. A STUN check alone cannot tell the two apart; a datagram without
the cookie that does get an answer shows "UDP passes, STUN does not" (payload filtering).

``payload = "random"`` sends random bytes to a UDP echo (our echo peer, the lab's echo) and
expects them back unchanged. ``payload = "stun_classic"`` sends an RFC 3489 binding request —
no magic cookie, so a cookie filter misses it — to an ordinary STUN server; many servers
still answer that older form, but not all, so a failure here is weak evidence on its own.
Retransmits after 0.5 s, 1 s and 2 s, within the check's timeout.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from app.core import failures as F
from app.core.call_defaults import UDP_PACKET_BYTES
from app.core.facts import UdpEchoFacts
from app.core.model import Check, Observation, Phase
from app.engine.calls import packets
from app.engine.calls.udp import Collector, open_udp, raise_icmp, wait_for
from app.engine.context import Clock, ProbeContext, observation
from app.engine.steps import Budget, StepFailed, failed_observation

RETRANSMIT_WAITS_S = (0.5, 1.0, 2.0)


def _matches(check: Check, request: bytes, reply: bytes) -> bool:
    if check.payload == "stun_classic":
        return packets.classic_transaction_id(reply) == request[4:20]
    return reply == request


async def run(check: Check, ctx: ProbeContext) -> Observation:
    clock = Clock()
    budget = Budget(check.timeout_s)
    facts: dict[str, Any] = {}
    transport = None
    mode = check.payload or "random"
    size = check.packet_bytes or UDP_PACKET_BYTES
    request = packets.classic_stun_binding() if mode == "stun_classic" else packets.neutral(size)
    facts["facts"] = UdpEchoFacts(payload=mode, packet_bytes=len(request))
    try:
        transport, collector = await open_udp(check, ctx, budget, clock, facts)
        rtt_ms, tries = await _exchange(check, transport, collector, request, budget)
        facts["facts"] = replace(facts["facts"], rtt_ms=round(rtt_ms, 1), tries=tries)
        clock.mark(Phase.UDP)
        clock.timings["rtt"] = rtt_ms
    except StepFailed as failed:
        return failed_observation(check, clock, failed, facts)
    finally:
        if transport is not None:
            transport.close()
    return observation(check, clock, ok=True, phase=Phase.UDP, **facts)


async def _exchange(check: Check, transport: Any, collector: Collector, request: bytes,
                    budget: Budget) -> tuple[float, int]:
    seen = 0
    for tries, wait in enumerate(RETRANSMIT_WAITS_S, start=1):
        if budget.remaining() <= 0:
            break
        sent = time.monotonic()
        transport.sendto(request)
        last = tries == len(RETRANSMIT_WAITS_S)
        give_up = budget.deadline if last else min(sent + wait, budget.deadline)
        while time.monotonic() < give_up:  # bounded by give_up and by the datagram cap
            await wait_for(collector, seen, give_up)
            raise_icmp(collector)
            while seen < len(collector.datagrams):
                arrived, data = collector.datagrams[seen]
                seen += 1
                if _matches(check, request, data):
                    return (arrived - sent) * 1000.0, tries
            if len(collector.datagrams) >= Collector.MAX_DATAGRAMS:
                break
    raise StepFailed(Phase.UDP, F.GENERIC_TIMEOUT,
                     f"no answer to plain UDP within the {budget.total_s:g} s allowance")
