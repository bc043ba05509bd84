"""A second look at a service's read that came in slowly (docs/verdicts.md, "One service
slowed down").

One read's timing is one sample. A busy computer (or, in the lab, a busy server) can pause a
transfer for a tenth of a second, and an 8 KiB body that waits 40 ms looks ten times slower
than it is. So when a service's read of at least ``MIN_BYTES`` took ``AFTER_MS`` or longer
from its first body byte to its last, the probe asks for the same bytes once more: on the
same connection when it can carry another request, otherwise on a new one to the same
address (no new lookup). The second look's time to first byte, body time and bytes become
facts of the same check; the analysis judges the faster of the two looks.

On a healthy line the first look is fast and nothing more is sent. On a service slowed on
purpose the second look is as slow as the first, and costs one more read of its size (and
perhaps a handshake) within the check's own time allowance; a second look that does not
finish in time is simply not reported — the first one stands.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from app.core.model import Check, Role
from app.engine.context import Clock, ProbeContext
from app.engine.http1 import HttpResponse, exchange, reusable
from app.engine.steps import Budget, StepFailed, close_quietly, connect, start_tls

# Reads big enough to show speed (the analysis judges from 8 KiB: thresholds.SPEED_MIN_BYTES).
MIN_BYTES = 4096
# A body slower than this deserves a second look: a working line moves 8 KiB in a few
# milliseconds; a service slowed to 200 kbit/s needs over 300 ms.
AFTER_MS = 100.0


@dataclass(frozen=True)
class Look:
    """The second look's numbers."""

    ttfb_ms: float
    body_ms: float
    body_bytes: int


def wanted(check: Check) -> bool:
    """Whether ``check`` may take a second look (and so asks to keep its connection)."""
    return (check.role == Role.SERVICE and check.method == "GET"
            and check.max_bytes >= MIN_BYTES)


def deserved(check: Check, response: HttpResponse, clock: Clock) -> bool:
    """Whether the first look came in slowly enough to take a second one."""
    return (wanted(check) and 200 <= response.status < 300
            and response.body_bytes >= MIN_BYTES
            and clock.timings.get("body", 0.0) >= AFTER_MS)


async def take(check: Check, ctx: ProbeContext, request: bytes, *, use_tls: bool,
               first: HttpResponse, reader: asyncio.StreamReader,
               writer: asyncio.StreamWriter, address: str | None,
               budget: Budget) -> Look | None:
    """Ask for the same bytes again; None when the second look failed or ran out of time."""
    clock = Clock()
    own: asyncio.StreamWriter | None = None
    try:
        if not reusable(first):
            if address is None:
                return None
            reader, own = await connect((address,), check.port, budget, clock, {}, ctx)
            writer = own
            if use_tls:
                await start_tls(writer, check, ctx, budget, clock, {})
            clock.restart_phase()
        response = await exchange(reader, writer, request, method=check.method,
                                  max_bytes=check.max_bytes, budget=budget, clock=clock)
    except StepFailed:
        return None
    finally:
        if own is not None:
            await close_quietly(own)
    if not 200 <= response.status < 300 or response.body_bytes < MIN_BYTES:
        return None
    return Look(clock.timings["ttfb"], clock.timings["body"], response.body_bytes)
