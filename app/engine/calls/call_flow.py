"""kind = "call_flow": a call-length stream of voice-sized UDP packets, every answer timed.

Why: Russian call filtering (from August 2025) often lets a call *connect* and then kills
it a few seconds later; a single STUN request passes, the call still dies. We send what a
voice call sends — ``packet_bytes`` (64) every 1/``rate_pps`` (50/s) for ``duration_s`` —
to a STUN server or to a UDP echo (random packets, each echoed back). To a STUN server, the
first packets and then one in five are binding requests (answered, matched by transaction
id) and the rest binding indications of the same size, which a server takes silently: the
voice rhythm upstream, a fifth of it downstream (``call_defaults.FLOW_ANSWER_EVERY``). From
the answered packets' timeline: loss, RTT, RFC 3550 jitter, and when answers stopped
(``answered_until_s``). Answers that arrive and then stop for good while we keep sending is
a cut call: failure ``stalled`` in phase ``udp``.

Bounded: exactly ``duration_s * rate_pps`` packets, then at most ``TAIL_S`` for late answers —
or fewer: when nothing at all has answered any calls check of the run (STUN, relays, flows)
``timeouts.CALLS_SILENT_S`` into the flow, it stops there (calls are plainly blocked).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from app.core import call_defaults as defaults
from app.core import failures as F
from app.core.facts import FlowFacts
from app.core.model import Check, Observation, Phase
from app.engine import timeouts
from app.engine.calls import packets
from app.engine.calls.flowstats import FlowStats, Reply, flow_stats
from app.engine.calls.udp import Collector, open_udp
from app.engine.context import Clock, ProbeContext, observation
from app.engine.steps import Budget, StepFailed, failed_observation

TAIL_S = 1.0  # after the last packet: time for its answer to come back
_IP_UDP_HEADERS = 28  # IPv4 + UDP: what each packet costs on the wire on top of the payload


def _asks(mode: str, index: int) -> bool:
    """Does the ``index``-th packet of a flow ask for an answer? Every echoed one does."""
    return (mode == "echo" or index < defaults.FLOW_SETUP_PACKETS
            or index % defaults.FLOW_ANSWER_EVERY == 0)


def _packet(mode: str, size: int, asks: bool) -> tuple[bytes, bytes | None]:
    """(packet, the key its answer carries; None for a packet that asks for no answer)."""
    if mode == "echo":
        data = packets.neutral(size)
        return data, data[:12]
    if not asks:
        return packets.stun_indication(size), None
    data = packets.stun_binding(size)
    return data, data[8:20]


def _key(mode: str, reply: bytes) -> bytes | None:
    if mode == "echo":
        return reply[:12] if len(reply) >= 12 else None
    return packets.stun_transaction_id(reply)


async def send_flow(transport: asyncio.DatagramTransport, collector: Collector, mode: str,
                    size: int, rate: int, count: int, tail_s: float,
                    nothing_heard: Callable[[], bool] | None = None
                    ) -> tuple[FlowStats, int, int]:
    """Send ``count`` packets at ``rate``/s, wait ``tail_s``; return the stats, the bytes and
    the packets sent.
    The stats count the packets that ask for an answer (``_asks``); the bytes, every packet.

    ``nothing_heard`` (the run's calls checks have had no UDP answer at all): once it holds
    ``timeouts.CALLS_SILENT_S`` into a flow that got nothing back either, the flow stops —
    no later answer could change the verdict — and waits no tail."""
    sent_at: dict[bytes, float] = {}
    start = time.monotonic()
    sent_bytes = packets_sent = 0
    interval = 1.0 / rate
    silent_stop = False
    for index in range(count):
        delay = start + index * interval - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if collector.error is not None and not collector.datagrams:
            break  # ICMP "port unreachable" before any answer: nobody is there
        if (nothing_heard is not None and not collector.datagrams
                and time.monotonic() - start >= timeouts.CALLS_SILENT_S and nothing_heard()):
            silent_stop = True
            break
        data, key = _packet(mode, size, _asks(mode, index))
        if key is not None:
            sent_at[key] = time.monotonic()
        transport.sendto(data)
        sent_bytes += len(data)
        packets_sent += 1
    window = time.monotonic() - start
    await asyncio.sleep(0.0 if silent_stop else tail_s)
    replies: list[Reply] = []
    for arrived, data in collector.datagrams:
        reply_key = _key(mode, data)
        sent = sent_at.pop(reply_key, None) if reply_key is not None else None
        if sent is not None:  # pop: a duplicated answer counts once
            replies.append(Reply(sent - start, arrived - start))
    return flow_stats(len(sent_at) + len(replies), replies, window), sent_bytes, packets_sent


async def run(check: Check, ctx: ProbeContext) -> Observation:
    clock = Clock()
    budget = Budget(check.timeout_s)
    facts: dict[str, Any] = {}
    transport = None
    mode = check.payload or "stun"
    size = check.packet_bytes or defaults.FLOW_PACKET_BYTES
    rate = check.rate_pps or defaults.FLOW_RATE_PPS
    duration = check.duration_s or defaults.FLOW_QUICK_S
    facts["facts"] = FlowFacts(payload=mode, packet_bytes=size, rate_pps=rate)
    try:
        transport, collector = await open_udp(check, ctx, budget, clock, facts)
        # Never outlive the check's own timeout: shorten the window rather than be killed.
        window = min(duration, budget.remaining() - TAIL_S - 0.2)
        count = max(1, int(window * rate))
        stats, sent_bytes, packets_sent = await send_flow(
            transport, collector, mode, size, rate, count, TAIL_S,
            lambda: ctx.udp_answer_at is None)
        numbers = stats.numbers(sent_bytes, sent_bytes + _IP_UDP_HEADERS * packets_sent)
        facts["facts"] = replace(facts["facts"], flow=numbers)
        clock.mark(Phase.UDP)
        if stats.rtt_ms_median is not None:
            clock.timings["rtt"] = stats.rtt_ms_median
        _judge(stats, collector)
    except StepFailed as failed:
        return failed_observation(check, clock, failed, facts)
    finally:
        if transport is not None:
            transport.close()
    return observation(check, clock, ok=True, phase=Phase.UDP, **facts)


def _judge(stats: FlowStats, collector: Collector) -> None:
    """Raise the flow's failure, if any: nothing came back, or answers stopped midway."""
    if stats.received == 0:
        icmp = collector.failure()
        if icmp is not None:
            raise StepFailed(Phase.UDP, icmp[0], icmp[1])
        raise StepFailed(Phase.UDP, F.GENERIC_TIMEOUT,
                         f"none of {stats.sent} packets was answered")
    if stats.cutoff:
        raise StepFailed(
            Phase.UDP, F.STALLED,
            f"answers stopped {stats.answered_until_s:.1f} s into a "
            f"{stats.window_s:.1f} s flow ({stats.received} of {stats.sent} answered)")
