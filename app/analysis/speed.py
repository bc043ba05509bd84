"""One service slowed down while the rest of the line is fast (docs/verdicts.md, "One
service slowed down").

Russia slows services one at a time: Telegram from 2026-02-10, WhatsApp in December 2025.
The slowdown hits the service's addresses, not the line, so the only fair yardstick is the
same run's control sites, measured the same way at the same moment:

- **body throughput**: bytes after the first one, over the time they took, from reads big
  enough to show it (``thresholds.SPEED_MIN_BYTES``: an 8 KiB body takes ~1 s at 64 kbit/s
  and a few milliseconds on a working line);
- **time to first byte**: from the request to the first byte of the answer.

A service is *slowed down* when every look at it is at least ``SERVICE_SLOWER_FACTOR`` times
slower than the controls' median, slow in absolute terms too (under
``SERVICE_SLOW_FLOOR_KBITS``: ten times slower than a gigabit lab link is still fast), and took
long enough that no pause of a busy computer explains it (``SERVICE_SLOW_MIN_BODY_MS``) — or
when its earliest first byte is later than ``SERVICE_SLOW_TTFB_MS``. A read whose body came in
slowly gets a second look from the probe (app/engine/second_look.py), and the faster of the
two counts: one pause cannot make a service look slowed down. Never on a line that is slow as
a whole (then nothing singles the service out), and never "blocked": it arrives, slowly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from app.analysis import thresholds
from app.analysis.looks import Look, looks
from app.core.model import Kind, Observation

_READS = frozenset({Kind.HTTPS, Kind.HTTP})


@dataclass(frozen=True)
class Yardstick:
    """The control sites' speed in this run; ``None`` where none could be measured."""

    kbits: float | None = None  # median body throughput of their big enough reads
    ttfb_ms: float | None = None  # median time to first byte of their finished reads


def _reads(obs: Observation) -> list[Look]:
    """A finished read's looks; nothing for a failed check or one that reads no body."""
    return looks(obs) if obs.ok and obs.kind in _READS else []


def yardstick(controls: Sequence[Observation]) -> Yardstick:
    """The speed of the control sites' checks (``controls``) in this run."""
    seen = [look for o in controls for look in _reads(o)]
    rates = [r for look in seen if (r := look.kbits(thresholds.SPEED_MIN_BYTES)) is not None]
    waits = [look.ttfb_ms for look in seen if look.ttfb_ms is not None]
    return Yardstick(median(rates) if rates else None, median(waits) if waits else None)


def slowed_reads(service: Sequence[Observation], controls: Yardstick) -> tuple[str, ...]:
    """The service's reads that show it slowed down against the controls, or () when one of
    its looks does not (one fast read of the service clears it: the slowdown would hit every
    one of its addresses, every time)."""
    seen = [(o.check_id, look) for o in service for look in _reads(o)]
    slow: list[str] = []
    by_rate = [(cid, look, r) for cid, look in seen
               if (r := look.kbits(thresholds.SPEED_MIN_BYTES)) is not None]
    if by_rate and controls.kbits is not None:
        limit = min(controls.kbits / thresholds.SERVICE_SLOWER_FACTOR,
                    thresholds.SERVICE_SLOW_FLOOR_KBITS)
        if all(r < limit and (look.body_ms or 0.0) >= thresholds.SERVICE_SLOW_MIN_BODY_MS
               for _, look, r in by_rate):
            slow += [cid for cid, _, _ in by_rate if cid not in slow]
    by_wait = [(cid, look.ttfb_ms) for cid, look in seen if look.ttfb_ms is not None]
    if by_wait and controls.ttfb_ms is not None:
        floor = max(controls.ttfb_ms * thresholds.SERVICE_SLOWER_FACTOR,
                    thresholds.SERVICE_SLOW_TTFB_MS)
        if min(t for _, t in by_wait) > floor:
            slow += [cid for cid, _ in by_wait if cid not in slow]
    return tuple(slow)
