"""benchmarks/lab_runs.py's pure parts: router counters and the app's report (no lab here)."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.lab_runs import Run, parse_counters, read_report


def _report(timing: dict[str, Any] | None) -> dict[str, Any]:
    report: dict[str, Any] = {
        "schema": 2 if timing else 1,
        "network": {"status": "online"},
        "features": {"calls": {"verdict": "blocked"}, "messages": {"verdict": "works"},
                     "maps": {"verdict": "degraded"}},
        "checks": [{"id": "a", "duration_ms": 120}, {"id": "b", "duration_ms": 6004},
                   {"id": "c", "duration_ms": 3000}],
    }
    if timing is not None:
        report["timing"] = timing
    return report


def test_counters_are_read_as_rx_then_tx() -> None:
    assert parse_counters("1234\n987654\n") == (1234, 987654)


@pytest.mark.parametrize("text", ["", "12\n", "12 13 14", "12 x"])
def test_unexpected_counters_are_an_error_not_a_zero(text: str) -> None:
    with pytest.raises(ValueError):
        parse_counters(text)


def test_schema_2_timing_is_read() -> None:
    run = Run("healthy", "concurrent")
    read_report(_report({"mode": "concurrent", "network_s": 0.4,
                         "features": {"messages": 1.4, "maps": 1.6, "calls": None},
                         "first_verdict_s": 1.4, "all_verdicts_s": 6.9,
                         "stopped_early": None}), run)
    assert (run.first_verdict_s, run.all_verdicts_s) == (1.4, 6.9)
    assert run.feature_s == {"messages": 1.4, "maps": 1.6, "calls": None}


def test_the_lower_bound_is_the_slowest_single_check() -> None:
    run = Run("healthy", "concurrent")
    read_report(_report(None), run)
    assert run.lower_bound_s == pytest.approx(6.004)
    assert run.slowest_check == "b"


def test_a_report_without_timing_leaves_the_times_unmeasured() -> None:
    run = Run("healthy", "concurrent")
    read_report(_report(None), run)
    assert run.first_verdict_s is None and run.all_verdicts_s is None and run.feature_s is None
    assert run.verdicts == "network online; messages works, maps degraded, calls blocked"
