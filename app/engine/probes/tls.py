"""kind = "tls": TCP connect, then a verified TLS handshake with the service's name (SNI).

This is where SNI filtering shows: TCP works, then the handshake is reset, times out, or meets
a certificate that is not the service's. For an unknown-authority failure we report only what
the failed handshake told us — no second, unverified handshake is made.
"""

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
    start_tls,
)


async def run(check: Check, ctx: ProbeContext) -> Observation:
    clock = Clock()
    budget = Budget(check.timeout_s)
    facts: dict[str, Any] = {}
    writer = None
    try:
        addresses = await resolve(check, ctx, budget, clock, facts)
        _reader, writer = await connect(addresses, check.port, budget, clock, facts, ctx)
        await start_tls(writer, check, ctx, budget, clock, facts)
    except StepFailed as failed:
        return await failed_after_lookup(check, ctx, clock, failed, facts)
    finally:
        if writer is not None:
            await close_quietly(writer)
    return observation(check, clock, ok=True, phase=Phase.TLS, **facts)
