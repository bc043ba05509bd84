"""The reads of one check: its own, and the probe's second look at a read whose body came in
slowly (app/engine/second_look.py). A read is judged slow only when every look at it is:
one pause of a busy computer is not a slow service (docs/verdicts.md, "One service slowed
down")."""

from __future__ import annotations

from dataclasses import dataclass

from app.analysis import thresholds
from app.core.facts import WebFacts
from app.core.model import Observation


@dataclass(frozen=True)
class Look:
    """One read of the same bytes: how many came, the body's time, the first byte's time."""

    body_bytes: int
    body_ms: float | None
    ttfb_ms: float | None

    def kbits(self, min_bytes: int) -> float | None:
        """Body throughput, when at least ``min_bytes`` came."""
        return rate_kbits(self.body_bytes, self.body_ms, min_bytes)


def looks(obs: Observation) -> list[Look]:
    """The check's own read, then its second look when the probe took one."""
    found = [Look(obs.bytes_received, obs.timings_ms.get("body"), obs.timings_ms.get("ttfb"))]
    facts = obs.facts
    if isinstance(facts, WebFacts) and facts.second_bytes is not None:
        found.append(Look(facts.second_bytes, facts.second_body_ms, facts.second_ttfb_ms))
    return found


def rate_kbits(body_bytes: int, body_ms: float | None, min_bytes: int) -> float | None:
    """``body_bytes`` over ``body_ms``, in kbit/s, when at least ``min_bytes`` came. A body
    that came within a millisecond of its first byte (already waiting when it was read) counts
    as one millisecond: as fast as can be told, and the same after the report rounds it."""
    if body_bytes < min_bytes or body_ms is None or body_ms < 0:
        return None
    return body_bytes * 8 / max(body_ms, thresholds.FASTEST_BODY_MS)  # bits/ms == kbit/s
