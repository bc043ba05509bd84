"""The numbers of a call-like flow, against values worked out by hand."""

from __future__ import annotations

import pytest

from app.engine.calls.flowstats import (
    CUTOFF_SILENCE_S,
    Reply,
    flow_stats,
    percentile,
    rfc3550_jitter,
)


def test_jitter_follows_rfc3550_by_hand() -> None:
    # transits 10, 12, 11, 15 ms -> |D| = 2, 1, 4 ms
    # J1 = 0 + (2 - 0)/16 = 0.125; J2 = 0.125 + (1 - 0.125)/16 = 0.1796875
    # J3 = 0.1796875 + (4 - 0.1796875)/16 = 0.418457...
    jitter = rfc3550_jitter([0.010, 0.012, 0.011, 0.015])
    assert jitter is not None
    assert jitter * 1000 == pytest.approx(0.41845703125)


def test_constant_delay_has_no_jitter() -> None:
    assert rfc3550_jitter([0.05] * 50) == pytest.approx(0.0)
    assert rfc3550_jitter([0.05]) is None


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert percentile(values, 0.95) == 19.0
    assert percentile(values, 0.5) == 10.0
    assert percentile([], 0.5) is None


def _timeline(sent: int, answered: range, rtt_s: float = 0.04, rate: int = 50) -> list[Reply]:
    return [Reply(i / rate, i / rate + rtt_s) for i in answered]


def test_a_healthy_flow_has_no_loss_and_no_cutoff() -> None:
    stats = flow_stats(300, _timeline(300, range(300)), window_s=6.0)
    assert stats.received == 300
    assert stats.loss_pct == 0.0
    assert not stats.cutoff
    assert stats.rtt_ms_median == pytest.approx(40.0)
    assert stats.jitter_ms == pytest.approx(0.0, abs=1e-9)


def test_random_loss_is_loss_not_a_cutoff() -> None:
    answered = [i for i in range(300) if i % 20 != 7]  # 5 % lost, spread over the window
    stats = flow_stats(300, _timeline(300, answered), window_s=6.0)  # type: ignore[arg-type]
    assert stats.loss_pct == pytest.approx(5.0)
    assert not stats.cutoff


def test_answers_that_stop_after_two_seconds_are_a_cutoff() -> None:
    stats = flow_stats(300, _timeline(300, range(100)), window_s=6.0)  # answered 0..1.98 s
    assert stats.cutoff
    assert stats.answered_until_s == pytest.approx(1.98)
    assert stats.loss_pct == pytest.approx(200 / 3)


def test_answers_stopping_just_before_the_end_are_not_a_cutoff() -> None:
    last = int((6.0 - CUTOFF_SILENCE_S) * 50) + 5  # silence shorter than the threshold
    stats = flow_stats(300, _timeline(300, range(last)), window_s=6.0)
    assert not stats.cutoff


def test_no_answer_at_all_is_not_called_a_cutoff() -> None:
    stats = flow_stats(300, [], window_s=6.0)
    assert stats.received == 0
    assert stats.loss_pct == 100.0
    assert not stats.cutoff
    assert stats.answered_until_s is None


def test_replies_out_of_order_are_counted_once_each() -> None:
    replies = [Reply(0.02, 0.09), Reply(0.0, 0.10), Reply(0.04, 0.08)]
    stats = flow_stats(3, replies, window_s=0.06)
    assert stats.received == 3
    assert stats.answered_until_s == pytest.approx(0.04)
