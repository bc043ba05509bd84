"""One service slowed down while the rest of the line is fast (docs/verdicts.md, "One
service slowed down").

Russia slows services one at a time: Telegram from 2026-02-10, WhatsApp in December 2025.
The slowdown hits the service's addresses, not the line, so the only fair yardstick is the
same run's control sites, measured the same way at the same moment:

- **body throughput**: bytes after the first one, over the time they took, from reads big
  enough to show it (``thresholds.SPEED_MIN_BYTES``: an 8 KiB body takes ~1 s at 64 kbit/s
  and a few milliseconds on a working line);
- **time to first byte**: from the request to the first byte of the answer.

A service is *slowed down* when its best read is at least ``SERVICE_SLOWER_FACTOR`` times
slower than the controls' median, and slow in absolute terms too (under
``SERVICE_SLOW_FLOOR_KBITS``, or a first byte later than ``SERVICE_SLOW_TTFB_MS``): ten times
slower than a gigabit lab link is still fast. Never on a line that is slow as a whole
(then nothing singles the service out), and never "blocked": it arrives, slowly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from app.analysis import thresholds
from app.analysis.evidence import throughput_kbits
from app.core.model import Kind, Observation

_READS = frozenset({Kind.HTTPS, Kind.HTTP})


@dataclass(frozen=True)
class Yardstick:
    """The control sites' speed in this run; ``None`` where none could be measured."""

    kbits: float | None = None  # median body throughput of their big enough reads
    ttfb_ms: float | None = None  # median time to first byte of their finished reads


def body_kbits(obs: Observation) -> float | None:
    """Body throughput of a finished read big enough to show speed, in kbit/s."""
    if not obs.ok or obs.kind not in _READS:
        return None
    return throughput_kbits(obs, thresholds.SPEED_MIN_BYTES)


def _ttfb(obs: Observation) -> float | None:
    ttfb = obs.timings_ms.get("ttfb")
    return ttfb if obs.ok and obs.kind in _READS and ttfb is not None else None


def yardstick(controls: Sequence[Observation]) -> Yardstick:
    """The speed of the control sites' checks (``controls``) in this run."""
    rates = [r for o in controls if (r := body_kbits(o)) is not None]
    waits = [t for o in controls if (t := _ttfb(o)) is not None]
    return Yardstick(median(rates) if rates else None, median(waits) if waits else None)


def slowed_reads(service: Sequence[Observation], controls: Yardstick) -> tuple[str, ...]:
    """The service's reads that show it slowed down against the controls, or () when its
    best read does not (one fast read of the service clears it: the slowdown would hit
    every one of its addresses)."""
    by_rate = [(o.check_id, r) for o in service if (r := body_kbits(o)) is not None]
    by_wait = [(o.check_id, t) for o in service if (t := _ttfb(o)) is not None]
    slow: list[str] = []
    if by_rate and controls.kbits is not None:
        limit = min(controls.kbits / thresholds.SERVICE_SLOWER_FACTOR,
                    thresholds.SERVICE_SLOW_FLOOR_KBITS)
        if max(r for _, r in by_rate) < limit:
            slow += [cid for cid, _ in by_rate]
    if by_wait and controls.ttfb_ms is not None:
        floor = max(controls.ttfb_ms * thresholds.SERVICE_SLOWER_FACTOR,
                    thresholds.SERVICE_SLOW_TTFB_MS)
        if min(t for _, t in by_wait) > floor:
            slow += [cid for cid, _ in by_wait if cid not in slow]
    return tuple(slow)
