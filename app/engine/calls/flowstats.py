"""Numbers of a call-like packet flow, from a timeline of sends and replies. Pure.

A call needs packets every 20 ms in both directions for minutes; what hurts is loss, jitter
(uneven delay), a long round trip, and — under Russian call filtering — answers that simply
stop a few seconds into the call. Jitter is RFC 3550's interarrival estimator (§6.4.1 and
A.8): J += (|D| - J) / 16, where D is the difference of the transit times of two consecutive
arrivals. For an echo, the transit time is the round trip.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from app.core.facts import FlowNumbers

# Answers that stop at least this long before the window ends, after at least
# CUTOFF_MIN_REPLIES came back, are a flow cut off midway — not loss, not a dead server.
CUTOFF_SILENCE_S: Final = 2.0
CUTOFF_MIN_REPLIES: Final = 3


@dataclass(frozen=True)
class Reply:
    """One answered packet: when it was sent and when its answer arrived (seconds)."""

    sent_s: float
    received_s: float


@dataclass(frozen=True)
class FlowStats:
    sent: int
    received: int
    loss_pct: float
    jitter_ms: float | None
    rtt_ms_median: float | None
    rtt_ms_p95: float | None
    answered_until_s: float | None  # send time of the last answered packet, from the start
    window_s: float  # how long packets were sent
    cutoff: bool  # answers came, then stopped for good while packets kept going

    def numbers(self, bytes_sent: int, wire_bytes_sent: int) -> FlowNumbers:
        """The report's facts of this flow: every measured number rounded to 2 decimals."""
        return FlowNumbers(
            sent=self.sent, received=self.received, loss_pct=round(self.loss_pct, 2),
            jitter_ms=_round(self.jitter_ms), rtt_ms_median=_round(self.rtt_ms_median),
            rtt_ms_p95=_round(self.rtt_ms_p95), answered_until_s=_round(self.answered_until_s),
            window_s=round(self.window_s, 2), cutoff=self.cutoff, bytes_sent=bytes_sent,
            wire_bytes_sent=wire_bytes_sent)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def rfc3550_jitter(transits_s: Sequence[float]) -> float | None:
    """Interarrival jitter (seconds) over transit times in arrival order; None below two."""
    if len(transits_s) < 2:
        return None
    jitter = 0.0
    for previous, current in itertools.pairwise(transits_s):
        jitter += (abs(current - previous) - jitter) / 16.0
    return jitter


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (``share`` 0..1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def flow_stats(sent: int, replies: Sequence[Reply], window_s: float) -> FlowStats:
    """Summarise a flow. ``replies`` may come in any order; each packet is counted once."""
    arrived = sorted(replies, key=lambda r: r.received_s)
    rtts = [r.received_s - r.sent_s for r in arrived]
    received = len(arrived)
    loss = 100.0 * (sent - received) / sent if sent else 0.0
    jitter = rfc3550_jitter(rtts)
    until = max((r.sent_s for r in arrived), default=None)
    cutoff = (
        until is not None
        and received >= CUTOFF_MIN_REPLIES
        and window_s - until >= CUTOFF_SILENCE_S
    )
    rtt_med = median(rtts)
    rtt_p95 = percentile(rtts, 0.95)
    return FlowStats(
        sent=sent,
        received=received,
        loss_pct=max(0.0, loss),
        jitter_ms=None if jitter is None else jitter * 1000.0,
        rtt_ms_median=None if rtt_med is None else rtt_med * 1000.0,
        rtt_ms_p95=None if rtt_p95 is None else rtt_p95 * 1000.0,
        answered_until_s=until,
        window_s=window_s,
        cutoff=cutoff,
    )
