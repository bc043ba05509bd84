"""A connected UDP socket that timestamps every datagram as it arrives — shared by the calls
probes. Arrival times are taken in the protocol callback, not when a reader gets round to
them, so jitter measures the network rather than our event loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from app.core.failures import Failure
from app.core.model import Check, Phase
from app.engine.classify import classify
from app.engine.context import Clock, ProbeContext
from app.engine.steps import Budget, StepFailed, phase, resolve


class Collector(asyncio.DatagramProtocol):
    """Keeps (arrival time, datagram) pairs and the first ICMP error, bounded in count."""

    MAX_DATAGRAMS = 20_000

    def __init__(self, on_datagram: Callable[[], None] | None = None) -> None:
        self.datagrams: list[tuple[float, bytes]] = []
        self.error: Exception | None = None
        self.arrived = asyncio.Event()
        self._on_datagram = on_datagram

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if len(self.datagrams) < self.MAX_DATAGRAMS:
            self.datagrams.append((time.monotonic(), data))
        self.arrived.set()
        if self._on_datagram is not None:
            self._on_datagram()

    def error_received(self, exc: Exception) -> None:
        if self.error is None:
            self.error = exc
        self.arrived.set()

    def failure(self) -> tuple[Failure, str] | None:
        """The ICMP error as (failure string, detail), when there was one."""
        return classify(self.error) if self.error is not None else None


async def open_udp(check: Check, ctx: ProbeContext, budget: Budget, clock: Clock,
                   facts: dict[str, Any]) -> tuple[asyncio.DatagramTransport, Collector]:
    """Resolve the check's host and connect a UDP socket to its first address."""
    addresses = await resolve(check, ctx, budget, clock, facts)
    address = addresses[0]
    facts["peer_address"] = address
    loop = asyncio.get_running_loop()
    async with phase(Phase.UDP, budget):
        transport, collector = await loop.create_datagram_endpoint(
            lambda: Collector(ctx.heard_udp), remote_addr=(address, check.port))
    return transport, collector


async def wait_for(collector: Collector, seen: int, until: float) -> None:
    """Wait until a datagram beyond the first ``seen`` arrives, or monotonic time ``until``."""
    while len(collector.datagrams) <= seen and collector.error is None:
        left = until - time.monotonic()
        if left <= 0:
            return
        collector.arrived.clear()
        try:
            await asyncio.wait_for(collector.arrived.wait(), left)
        except TimeoutError:
            return


def raise_icmp(collector: Collector) -> None:
    failure = collector.failure()
    if failure is not None:
        raise StepFailed(Phase.UDP, failure[0], failure[1])
