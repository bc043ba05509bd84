"""What every probe gets (ProbeContext: trust roots, resolvers, the first-answer clock), and the
small helpers they share. Beside the probes, not inside app/engine/probes/: the calls kinds,
the HTTP/1 reader and the steps use it too, and the probe registry imports them all."""

from __future__ import annotations

import ipaddress
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import certifi

from app.core.failures import Failure
from app.core.model import Check, Observation, Phase
from app.engine.sysdns import SystemResolver


class TrustedResolver(Protocol):
    """Answers A/AAAA over DNS-over-HTTPS; ``None`` when no trusted resolver answered."""

    async def lookup(self, host: str) -> tuple[str, ...] | None: ...


@dataclass
class ProbeContext:
    """Shared, read-only settings for one run. Built by the engine from the catalog."""

    extra_ca: Path | None = None
    ordinary_ranges: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    trusted: TrustedResolver | None = None
    user_agent: str = "ConnectionCheck/0.1 (+network diagnosis; one request per check)"
    system_dns: SystemResolver = field(default_factory=SystemResolver)
    # When a host beyond this computer first answered anything (a TCP handshake, a reset, a
    # datagram): the engine's offline rule (app/engine/timeouts.py) reads it.
    first_answer_at: float | None = None
    # When any UDP answer of a calls check first arrived (a STUN reply, an echoed packet,
    # valid or not): without one by timeouts.CALLS_SILENT_S, calls checks stop early.
    udp_answer_at: float | None = None
    _ssl_cache: dict[str | None, ssl.SSLContext] = field(default_factory=dict)

    def heard_back(self) -> None:
        """A probe got an answer from the network (not from this computer's own resolver)."""
        if self.first_answer_at is None:
            self.first_answer_at = time.monotonic()

    def heard_udp(self) -> None:
        """A calls check got a datagram back (also counts as an answer from the network)."""
        if self.udp_answer_at is None:
            self.udp_answer_at = time.monotonic()
        self.heard_back()

    def ssl_context(self, check: Check) -> ssl.SSLContext:
        """certifi's roots (never the OS store) + the catalog's extra CA + the entry's own CA."""
        key = check.ca_file
        ctx = self._ssl_cache.get(key)
        if ctx is None:
            ctx = ssl.create_default_context(cafile=certifi.where())
            if self.extra_ca is not None:
                ctx.load_verify_locations(cafile=str(self.extra_ca))
            if check.ca_file:
                ctx.load_verify_locations(cafile=check.ca_file)
            ctx.set_alpn_protocols(["http/1.1"])
            self._ssl_cache[key] = ctx
        return ctx


ProbeFn = Callable[[Check, ProbeContext], Awaitable[Observation]]


class Clock:
    """Monotonic milliseconds since the probe started, with named phase marks."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self._last = self.start
        self.timings: dict[str, float] = {}

    def mark(self, phase: str) -> float:
        now = time.monotonic()
        self.timings[phase] = (now - self._last) * 1000.0
        self._last = now
        return self.timings[phase]

    def restart_phase(self) -> None:
        self._last = time.monotonic()

    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.start) * 1000)


def observation_for(check: Check, *, ok: bool, phase: Phase | str, failure: Failure | str | None,
                    duration_ms: int, timings_ms: dict[str, float], **facts: Any) -> Observation:
    """An observation of ``check``: who it was for, and what happened. ``facts`` are the
    common fields (``addresses``, ``status_code`` …) and the kind's own ``facts``."""
    return Observation(
        check_id=check.id,
        service=check.service,
        feature=check.feature,
        kind=check.kind,
        role=check.role,
        target=check.target,
        ok=ok,
        failure=None if failure is None else Failure(failure),
        phase=Phase(phase),
        duration_ms=duration_ms,
        timings_ms=timings_ms,
        **facts,
    )


def observation(check: Check, clock: Clock, *, ok: bool, phase: Phase,
                failure: Failure | None = None, **facts: Any) -> Observation:
    """Build an observation for ``check`` with the clock's timings filled in."""
    return observation_for(check, ok=ok, phase=phase, failure=failure,
                           duration_ms=clock.elapsed_ms(), timings_ms=dict(clock.timings),
                           **facts)
