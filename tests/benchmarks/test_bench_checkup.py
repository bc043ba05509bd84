"""benchmarks/checkup.py's tables from made-up runs: medians, ratios, the targets' verdicts."""

from __future__ import annotations

from benchmarks import at_least, median
from benchmarks.checkup import (
    CALLS_BLOCKED,
    HEALTHY,
    OFFLINE,
    WHITELIST,
    build_tables,
    common_verdicts,
)
from benchmarks.lab_runs import Run


def _run(scenario: str, wall: float, **values: object) -> Run:
    run = Run(scenario, "concurrent", wall_s=wall, lower_bound_s=wall / 2,
              sent_bytes=100_000, received_bytes=200_000, peak_mb=80.0, cpu_s=0.5,
              verdicts="network online; messages works")
    for key, value in values.items():
        setattr(run, key, value)
    return run


def test_median_leaves_out_what_was_not_measured() -> None:
    assert median([3.0, None, 1.0, 2.0]) == 2.0
    assert median([None, None]) is None


def test_at_least_is_for_speed_ups() -> None:
    assert (at_least(6.0, 5.0), at_least(4.9, 5.0), at_least(None, 5.0)) == ("ok", "BELOW", "n/a")


def test_disagreeing_runs_are_flagged() -> None:
    runs = [_run(HEALTHY, 1), _run(HEALTHY, 1), _run(HEALTHY, 1, verdicts="network offline")]
    assert common_verdicts(runs) == "network online; messages works (2/3 runs)"


def test_main_table_rows_are_medians_with_ratios() -> None:
    results = {HEALTHY: [_run(HEALTHY, 8.0), _run(HEALTHY, 12.0), _run(HEALTHY, 10.0)]}
    sequential = {HEALTHY: Run(HEALTHY, "sequential", wall_s=50.0)}
    main, _, _ = build_tables(results, sequential, 3)
    row = dict(zip(main.columns, main.rows[0], strict=True))
    assert row["total s"] == "10.0"
    assert row["lower bound s"] == "5.0"
    assert row["total/lower bound"] == "2.00"
    assert (row["sent KB"], row["recv KB"]) == ("100", "200")
    assert (row["sequential s"], row["seq/concurrent"]) == ("50.0", "5.0")
    assert row["first verdict s"] == "n/a"  # no timing in these runs


def test_feature_table_names_the_check_that_sets_the_lower_bound() -> None:
    runs = [_run(HEALTHY, 8.0, slowest_check="call-flow-google"),
            _run(HEALTHY, 8.0, slowest_check="call-flow-google"),
            _run(HEALTHY, 8.0, slowest_check="maps-osm-tile")]
    _, features, _ = build_tables({HEALTHY: runs}, {}, 3)
    assert features.rows[0][-1] == "call-flow-google"


def test_targets_say_over_and_below_and_list_failed_runs() -> None:
    results = {
        HEALTHY: [_run(HEALTHY, 9.0, feature_s={"messages": 1.5, "maps": 2.5, "calls": 7.0},
                       all_verdicts_s=7.0, received_bytes=350_000)],
        OFFLINE: [_run(OFFLINE, 5.0, all_verdicts_s=3.5)],
        WHITELIST: [_run(WHITELIST, 10.0, all_verdicts_s=13.0)],
        CALLS_BLOCKED: [_run(CALLS_BLOCKED, 10.0)],
    }
    sequential = {WHITELIST: Run(WHITELIST, "sequential", wall_s=300.0),
                  CALLS_BLOCKED: Run(CALLS_BLOCKED, "sequential", error="killed after 560 s")}
    main, _, targets = build_tables(results, sequential, 1)
    got = {row[0]: (row[1], row[3]) for row in targets.rows}
    assert got["healthy: messages verdict"] == ("1.5 s", "ok")
    assert got["healthy: maps verdict"] == ("2.5 s", "OVER")
    assert got["offline: all verdicts"] == ("3.5 s", "ok")
    assert got["only domestic sites: all verdicts"] == ("13.0 s", "OVER")
    assert got["bytes on the wire, full check (healthy, sent + received)"] == ("450 KB", "OVER")
    assert got[f"{WHITELIST}: sequential / concurrent"] == ("30.0x", "ok")
    assert got[f"{CALLS_BLOCKED}: sequential / concurrent"] == ("n/a", "n/a")
    assert any("killed after 560 s" in note for note in main.notes)
