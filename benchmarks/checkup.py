"""The full checkup in the censorship lab: time to verdicts, bytes, memory, CPU; concurrent
against sequential; measured against the targets of issue 9 (docs/performance.md).

Five scenarios, each with the shipped catalog's own timing (6 s per check, 40 s overall) and
the full checkup (all features, the default quick calls test):
healthy; offline (the router drops everything); only domestic sites (mobile whitelist mode);
calls blocked (all UDP dropped except DNS); throttled to 256 kbit/s both ways.

Concurrent mode: ``BENCH_RUNS`` runs per scenario (default 3), each in a fresh lab, one after
another; every column is the median of its runs. Sequential mode (``--sequential``, one check
at a time): once per scenario, all five started together at the beginning, each in its own
lab, while the concurrent runs go on (a sequential run is mostly waiting on timeouts, so it
barely uses the CPU; run one after another they would take longer than the whole budget).
``BENCH_SEQUENTIAL=0`` leaves them out.

Needs root and network namespaces (like the lab tests); prints an ``n/a`` note otherwise.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from benchmarks import Table, at_least, cell, median, verdict
from benchmarks.lab_runs import SCENARIOS, Run

HEALTHY, OFFLINE, WHITELIST, CALLS_BLOCKED = list(SCENARIOS)[:4]
TARGET_FEATURE_HEALTHY_S = 2.0  # messages and maps verdicts, healthy network
TARGET_ALL_HEALTHY_S = 12.0  # all verdicts with the quick calls test, healthy network
TARGET_OFFLINE_S = 4.0
TARGET_ALL_WHITELIST_S = 12.0
TARGET_BYTES = 400_000  # sent + received, full check (healthy network); KB = 1000 bytes
TARGET_SPEEDUP = 5.0  # sequential / concurrent in the blocked scenarios
BLOCKED_SCENARIOS = (WHITELIST, CALLS_BLOCKED)

COLUMNS = ["scenario", "first verdict s", "all verdicts s", "total s", "lower bound s",
           "total/lower bound", "sent KB", "recv KB", "peak MB", "CPU s", "sequential s",
           "seq/concurrent", "verdicts"]


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def kb(value: float | None) -> float | None:
    return None if value is None else value / 1000


def with_unit(value: float | None, unit: str, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}{unit}"


def common_verdicts(runs: Sequence[Run]) -> str:
    """The verdicts most runs gave; says so when the runs disagreed."""
    seen = Counter(r.verdicts for r in runs if r.verdicts)
    if not seen:
        return "n/a"
    text, count = seen.most_common(1)[0]
    return text if count == sum(seen.values()) else f"{text} ({count}/{sum(seen.values())} runs)"


def summary_row(name: str, runs: Sequence[Run], sequential: Run | None) -> list[str]:
    total = median(r.wall_s for r in runs)
    lower = median(r.lower_bound_s for r in runs)
    seq_s = sequential.wall_s if sequential else None
    return [
        name,
        cell(median(r.first_verdict_s for r in runs)),
        cell(median(r.all_verdicts_s for r in runs)),
        cell(total),
        cell(lower),
        cell(ratio(total, lower), 2),
        cell(kb(median(r.sent_bytes for r in runs)), 0),
        cell(kb(median(r.received_bytes for r in runs)), 0),
        cell(median(r.peak_mb for r in runs), 0),
        cell(median(r.cpu_s for r in runs), 2),
        cell(seq_s),
        cell(ratio(seq_s, total)),
        common_verdicts(runs),
    ]


def feature_time(runs: Sequence[Run], feature: str) -> float | None:
    return median((r.feature_s or {}).get(feature) for r in runs)


def feature_table(results: dict[str, list[Run]]) -> Table:
    table = Table("When each feature's verdict was known (s since the engine started, median)",
                  ["scenario", "messages", "maps", "calls", "first", "all", "slowest check"])
    for name, runs in results.items():
        slowest = Counter(r.slowest_check for r in runs if r.slowest_check).most_common(1)
        table.rows.append([name, *(cell(feature_time(runs, f)) for f in ("messages", "maps",
                                                                           "calls")),
                           cell(median(r.first_verdict_s for r in runs)),
                           cell(median(r.all_verdicts_s for r in runs)),
                           slowest[0][0] if slowest else "n/a"])
    table.notes.append("slowest check: the one that sets the lower bound (most runs)")
    return table


def targets_table(results: dict[str, list[Run]], sequential: dict[str, Run]) -> Table:
    table = Table("Targets (issue 9)", ["target", "measured", "limit", "ok?"])

    def seconds_row(label: str, value: float | None, limit: float) -> None:
        table.rows.append([label, with_unit(value, " s"), f"{limit:g} s", verdict(value, limit)])

    healthy = results.get(HEALTHY, [])
    seconds_row("healthy: messages verdict", feature_time(healthy, "messages"),
                TARGET_FEATURE_HEALTHY_S)
    seconds_row("healthy: maps verdict", feature_time(healthy, "maps"), TARGET_FEATURE_HEALTHY_S)
    seconds_row("healthy: all verdicts (quick calls test)",
                median(r.all_verdicts_s for r in healthy), TARGET_ALL_HEALTHY_S)
    seconds_row("offline: all verdicts", median(r.all_verdicts_s for r in results.get(OFFLINE, [])),
                TARGET_OFFLINE_S)
    seconds_row("only domestic sites: all verdicts",
                median(r.all_verdicts_s for r in results.get(WHITELIST, [])),
                TARGET_ALL_WHITELIST_S)
    sent = median(r.sent_bytes for r in healthy)
    received = median(r.received_bytes for r in healthy)
    wire = None if sent is None or received is None else sent + received
    table.rows.append(["bytes on the wire, full check (healthy, sent + received)",
                       with_unit(kb(wire), " KB", 0), f"{TARGET_BYTES / 1000:.0f} KB",
                       verdict(wire, TARGET_BYTES)])
    for name in BLOCKED_SCENARIOS:
        seq = sequential.get(name)
        concurrent = median(r.wall_s for r in results.get(name, []))
        speedup = ratio(seq.wall_s if seq else None, concurrent)
        table.rows.append([f"{name}: sequential / concurrent", with_unit(speedup, "x"),
                           f"at least {TARGET_SPEEDUP:g}x", at_least(speedup, TARGET_SPEEDUP)])
    return table


def problems(runs: Sequence[Run]) -> list[str]:
    return [f"{r.scenario} ({r.mode}): {r.error}" for r in runs if r.error]


def build_tables(results: dict[str, list[Run]], sequential: dict[str, Run],
                 runs_per_scenario: int) -> list[Table]:
    main = Table("Full checkup in the lab (shipped catalog timing: 6 s per check, 40 s overall)",
                 COLUMNS)
    for name, runs in results.items():
        main.rows.append(summary_row(name, runs, sequential.get(name)))
    main.notes += [
        f"median of {runs_per_scenario} concurrent run(s) per scenario, each in a fresh lab; "
        "sequential (--sequential, one check at a time) once per scenario, in parallel labs",
        "first/all verdicts: the app's report (timing); total: the app process from start to "
        "exit; lower bound: the slowest single check's own time in that run",
        "sent/recv: bytes through the router's interface facing the client (headers included, "
        "KB = 1000 bytes); peak: max RSS of the app process; CPU: user + sys (os.wait4)",
    ]
    every_run = [r for runs in results.values() for r in runs] + list(sequential.values())
    if not sequential:
        main.notes.append("sequential runs left out (BENCH_SEQUENTIAL=0)")
    main.notes += problems(every_run)
    return [main, feature_table(results), targets_table(results, sequential)]


def _runs_wanted() -> int:
    try:
        return max(1, int(os.environ.get("BENCH_RUNS", "3")))
    except ValueError:
        return 3


def run() -> list[Table]:
    from benchmarks import lab_runs

    reason = lab_runs.lab_unavailable()
    if reason:
        table = Table("Full checkup in the lab", COLUMNS)
        table.notes.append(f"n/a: {reason}")
        return [table]
    runs_per_scenario = _runs_wanted()
    with_sequential = os.environ.get("BENCH_SEQUENTIAL", "1") != "0"
    lab_runs.prepare()
    with lab_runs.scratch() as tmp, ThreadPoolExecutor(max_workers=len(SCENARIOS)) as pool:
        base = Path(tmp)
        pending: dict[str, Future[Run]] = {}
        if with_sequential:
            for i, name in enumerate(SCENARIOS):
                pending[name] = pool.submit(lab_runs.measure, name, base / f"seq-{i}", True)
        results = {name: [lab_runs.measure(name, base / f"run-{i}-{n}")
                          for n in range(runs_per_scenario)]
                   for i, name in enumerate(SCENARIOS)}
        sequential = {name: future.result() for name, future in pending.items()}
    return build_tables(results, sequential, runs_per_scenario)
