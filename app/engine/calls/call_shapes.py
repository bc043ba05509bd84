"""kind = "call_shapes": which call traffic is singled out — tiny bursts shaped like standard
STUN, like WhatsApp's and like Telegram's call packets, plus neutral random UDP of the same
sizes, all to one UDP echo (our echo peer), each from its own socket (its own flow).

Why: a censor that matches app signatures (calls-dpi.md §2.1, §2.2, §2.4) drops the
app-shaped packets and lets the neutral ones through — to the same server and port. That
contrast, not any single loss, is the finding (cause call_traffic_filtered). Only the
*shape* is imitated; the packets carry random bytes and go only to the configured echo.

Bounded: ``ROUNDS`` packets per shape, 20 ms apart, then ``TAIL_S`` for the echoes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from app.core import failures as F
from app.core.facts import ShapeCount, ShapesFacts, ShapesSummary
from app.core.model import Check, Observation, Phase
from app.engine.calls import packets
from app.engine.calls.udp import open_udp
from app.engine.context import Clock, ProbeContext, observation
from app.engine.steps import Budget, StepFailed, failed_observation

ROUNDS = 5
SPACING_S = 0.02
TAIL_S = 1.0

# shape name -> (packet builder, the neutral shape of the same size it is compared with)
SHAPES: dict[str, tuple[Callable[[], bytes], str]] = {
    "stun": (lambda: packets.stun_binding(20), "neutral_20"),
    "whatsapp": (lambda: packets.whatsapp_like(60), "neutral_60"),
    "telegram": (lambda: packets.telegram_like(40), "neutral_40"),
    "neutral_20": (lambda: packets.neutral(20), "neutral_20"),
    "neutral_40": (lambda: packets.neutral(40), "neutral_40"),
    "neutral_60": (lambda: packets.neutral(60), "neutral_60"),
}
APP_SHAPES = ("stun", "whatsapp", "telegram")


async def _burst(check: Check, ctx: ProbeContext, budget: Budget, build: Callable[[], bytes]
                 ) -> tuple[int, int, int]:
    """(sent, echoed, bytes sent) for one shape on its own socket."""
    clock = Clock()
    transport, collector = await open_udp(check, ctx, budget, clock, {})
    sent: set[bytes] = set()
    size = 0
    try:
        for _ in range(ROUNDS):
            data = build()
            sent.add(data)
            size += len(data)
            transport.sendto(data)
            await asyncio.sleep(SPACING_S)
        await asyncio.sleep(min(TAIL_S, budget.remaining()))
    finally:
        transport.close()
    echoed = {data for _, data in collector.datagrams} & sent
    return len(sent), len(echoed), size


async def run(check: Check, ctx: ProbeContext) -> Observation:
    clock = Clock()
    budget = Budget(check.timeout_s)
    facts: dict[str, Any] = {"facts": ShapesFacts(shapes={})}
    try:
        names = list(SHAPES)
        results = await asyncio.gather(
            *(_burst(check, ctx, budget, SHAPES[name][0]) for name in names))
        shapes = {name: ShapeCount(sent=sent, echoed=echoed)
                  for name, (sent, echoed, _size) in zip(names, results, strict=True)}
        summary = ShapesSummary(
            bytes_sent=sum(size for _, _, size in results),
            passed=tuple(n for n in names if shapes[n].echoed > 0),
            dropped=tuple(n for n in names if shapes[n].echoed == 0),
            filtered=filtered_shapes(shapes))
        facts["facts"] = ShapesFacts(shapes=shapes, summary=summary)
        clock.mark(Phase.UDP)
        if not any(shapes[n].echoed for n in names if n.startswith("neutral")):
            raise StepFailed(Phase.UDP, F.GENERIC_TIMEOUT,
                             "the echo answered none of the neutral packets")
    except StepFailed as failed:
        return failed_observation(check, clock, failed, facts)
    return observation(check, clock, ok=True, phase=Phase.UDP, **facts)


def filtered_shapes(shapes: Mapping[str, ShapeCount]) -> tuple[str, ...]:
    """App shapes that all vanished while the neutral packets of their size came back."""
    out = []
    for name in APP_SHAPES:
        mine = shapes.get(name)
        twin = shapes.get(SHAPES[name][1])
        if mine and twin and mine.sent and mine.echoed == 0 and twin.echoed > 0:
            out.append(name)
    return tuple(out)
