"""The full checkup in the censorship lab: how long it takes and how many bytes it sends.

Budgets (issue 5): the quick calls check adds at most ~12 s to the full checkup and runs
concurrently with the other features; it sends under 300 KB. Measured on the healthy lab with
the shipped catalog's own timing (6 s per check, 40 s overall), by the client namespace's
interface counters — every byte the app put on the wire, headers included.

Needs root and network namespaces (like the lab tests); prints "n/a" rows otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks import Table, verdict

BUDGET_CALLS_EXTRA_S = 12.0
BUDGET_CALLS_BYTES = 300_000


def _counters(lab: object) -> tuple[int, int]:
    read = lab.exec(lab.client, ["cat", "/sys/class/net/eth0/statistics/tx_bytes",  # type: ignore[attr-defined]
                                 "/sys/class/net/eth0/statistics/rx_bytes"]).stdout.split()
    return int(read[0]), int(read[1])


def _measure(args: list[str], label: str, workdir: Path) -> list[str]:
    import sys

    from tests.lab import profiles
    from tests.lab.labcatalog import DEFAULT_CATALOG, build
    from tests.lab.netns import Lab

    plan = build(DEFAULT_CATALOG, workdir, timeout_s=6.0, deadline_s=40.0)
    command = [sys.executable, "-m", "app", "check", "--json", "--catalog", plan.catalog, *args]
    if "--turn" in args:
        i = command.index("--turn")
        command[i + 1] = command[i + 1].replace("TURN_IP", plan.turn_ip)
    with Lab(plan, workdir, profiles.none()) as lab:
        if "--turn" in args:
            lab.wait_for_turn()
        tx0, rx0 = _counters(lab)
        t0 = time.monotonic()
        proc = lab.run_client(command, timeout=120)
        seconds = time.monotonic() - t0
        tx1, rx1 = _counters(lab)
    doc = json.loads(proc.stdout)
    verdicts = ", ".join(f"{k}: {v['verdict']}" for k, v in doc["features"].items())
    return [label, f"{seconds:.1f}", f"{doc['duration_s']:.1f}", f"{(tx1 - tx0) / 1000:.0f}",
            f"{(rx1 - rx0) / 1000:.0f}", verdicts]


def run() -> list[Table]:
    table = Table(
        "Full checkup in the healthy lab (shipped catalog timing)",
        ["run", "wall s", "engine s", "sent KB", "received KB", "verdicts"],
    )
    if os.geteuid() != 0 or not shutil.which("ip"):
        table.notes.append("n/a: needs root and iproute2 (network namespaces), like the lab")
        return [table]
    runs = [
        ([], "full checkup"),
        (["--only", "messages,maps"], "without calls"),
        (["--only", "calls"], "calls only (quick)"),
        (["--only", "calls", "--turn", "turn:lab:labpass@TURN_IP:3478"],
         "calls + TURN test call (UDP, TCP)"),
    ]
    rows = {}
    with tempfile.TemporaryDirectory(prefix="cc-bench-") as tmp:
        for i, (args, label) in enumerate(runs):
            rows[label] = _measure(args, label, Path(tmp) / str(i))
    table.rows = list(rows.values())
    full = float(rows["full checkup"][1])
    without = float(rows["without calls"][1])
    calls_sent = float(rows["calls only (quick)"][3]) * 1000
    turn_sent = float(rows["calls + TURN test call (UDP, TCP)"][3]) * 1000
    budget = Table("Calls budgets", ["budget", "measured", "limit", "ok?"])
    budget.rows = [
        ["time the calls check adds", f"{full - without:.1f} s", f"{BUDGET_CALLS_EXTRA_S:.0f} s",
         verdict(full - without, BUDGET_CALLS_EXTRA_S)],
        ["bytes sent, quick calls check", f"{calls_sent / 1000:.0f} KB",
         f"{BUDGET_CALLS_BYTES / 1000:.0f} KB", verdict(calls_sent, BUDGET_CALLS_BYTES)],
        ["bytes sent, with a TURN test call", f"{turn_sent / 1000:.0f} KB",
         f"{BUDGET_CALLS_BYTES / 1000:.0f} KB", verdict(turn_sent, BUDGET_CALLS_BYTES)],
    ]
    budget.notes.append("ratio full/without calls: "
                        f"{full / without:.2f}" if without else "ratio: n/a")
    return [table, budget]
