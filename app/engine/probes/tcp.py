"""kind = "tcp": can a TCP connection be opened? (IP blocking shows up here.)"""

from __future__ import annotations

from typing import Any

from app.core.model import Check, Observation, Phase
from app.engine.context import Clock, ProbeContext, observation
from app.engine.steps import (
    Budget,
    StepFailed,
    close_quietly,
    connect,
    failed_after_lookup,
    resolve,
)


async def run(check: Check, ctx: ProbeContext) -> Observation:
    clock = Clock()
    budget = Budget(check.timeout_s)
    facts: dict[str, Any] = {}
    try:
        addresses = await resolve(check, ctx, budget, clock, facts)
        _reader, writer = await connect(addresses, check.port, budget, clock, facts, ctx)
    except StepFailed as failed:
        return await failed_after_lookup(check, ctx, clock, failed, facts)
    await close_quietly(writer)
    return observation(check, clock, ok=True, phase=Phase.TCP, **facts)
