"""One measured run of the real ``conncheck check --json`` in a fresh censorship lab.

What one run measures (``Run``):
- the app's own timing (report ``timing``, schema 2): first feature verdict, all verdicts;
  ``n/a`` when the report has none;
- total run time, peak memory (max RSS) and CPU time (user + sys) of the app process, read by
  benchmarks/_child.py with ``os.wait4`` inside the client namespace;
- bytes on the wire: the router namespace's counters of its interface facing the client
  (``cli0``) before and after: rx = what the client sent, tx = what it received;
- the lower bound: the slowest single check's own ``duration_ms`` in that run.

Every run gets a fresh lab (own namespaces, servers, counters, no connection-tracking state)
built from the shipped catalog with its own timing: 6 s per check, 40 s overall.
This module prints nothing by itself (no ``run()``); ``benchmarks.checkup`` drives it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks._app import isolated_env
from tests.lab import netns, profiles
from tests.lab.labcatalog import DEFAULT_CATALOG, LabPlan, build
from tests.lab.netns import Lab
from tests.lab.profiles import Profile

REPO = Path(__file__).resolve().parent.parent
CHILD = REPO / "benchmarks" / "_child.py"
CHECK_TIMEOUT_S, CHECK_DEADLINE_S = 6.0, 40.0  # the shipped catalog's own timing
CONCURRENT_LIMIT_S = 120.0  # a concurrent run ends by the 40 s deadline; this is a safety net
SEQUENTIAL_DEADLINE_S = 900.0  # --deadline for sequential runs (the catalog's 40 s would cut it)
SEQUENTIAL_LIMIT_S = 560.0  # the benchmark kills a sequential run after this
FEATURES = ("messages", "maps", "calls")

# name -> the censorship profile, in the order the table shows them
SCENARIOS: dict[str, Callable[[LabPlan], Profile]] = {
    "healthy": lambda plan: profiles.none(),
    "offline (all dropped)": lambda plan: profiles.drop_everything(),
    "only domestic sites": profiles.domestic_whitelist,
    "calls blocked (UDP dropped)": lambda plan: profiles.drop_udp_except_dns(),
    "throttled 256 kbit/s": lambda plan: profiles.throttle("256kbit"),
}


@dataclass
class Run:
    """One run's numbers; ``None`` = could not be measured (see ``error``)."""

    scenario: str
    mode: str  # "concurrent" | "sequential"
    wall_s: float | None = None
    first_verdict_s: float | None = None
    all_verdicts_s: float | None = None
    feature_s: Mapping[str, float | None] | None = None
    lower_bound_s: float | None = None
    slowest_check: str = ""  # the id of the check that sets the lower bound
    sent_bytes: int | None = None
    received_bytes: int | None = None
    peak_mb: float | None = None
    cpu_s: float | None = None
    verdicts: str = ""
    error: str = ""


def parse_counters(text: str) -> tuple[int, int]:
    """``cat rx_bytes tx_bytes`` output -> (rx, tx)."""
    values = text.split()
    if len(values) != 2 or not all(v.isdigit() for v in values):
        raise ValueError(f"unexpected interface counters: {text!r}")
    return int(values[0]), int(values[1])


def router_counters(lab: Lab) -> tuple[int, int]:
    """(bytes the client sent, bytes it received) so far, counted by the router on cli0."""
    stats = f"/sys/class/net/{profiles.TO_CLIENT}/statistics"
    out = lab.exec(lab.isp, ["cat", f"{stats}/rx_bytes", f"{stats}/tx_bytes"]).stdout
    return parse_counters(out)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def read_report(report: Mapping[str, Any], run: Run) -> None:
    """Fill ``run`` from the app's JSON report (schema 1 has no ``timing``: those stay None)."""
    timing = report.get("timing")
    if isinstance(timing, Mapping):
        run.first_verdict_s = _number(timing.get("first_verdict_s"))
        run.all_verdicts_s = _number(timing.get("all_verdicts_s"))
        features = timing.get("features")
        if isinstance(features, Mapping):
            run.feature_s = {name: _number(features.get(name)) for name in FEATURES}
    timed = [(c["duration_ms"], str(c.get("id", "?"))) for c in report.get("checks", [])
             if isinstance(c.get("duration_ms"), int | float)]
    if timed:
        slowest_ms, run.slowest_check = max(timed)
        run.lower_bound_s = slowest_ms / 1000
    network = report.get("network", {}).get("status", "?")
    features = report.get("features", {})
    run.verdicts = f"network {network}; " + ", ".join(
        f"{name} {features[name].get('verdict', '?')}" for name in FEATURES if name in features)


def _client_command(plan: LabPlan, sequential: bool) -> list[str]:
    command = [sys.executable, "-m", "app", "check", "--json", "--quiet",
               "--catalog", plan.catalog]
    if sequential:
        command += ["--sequential", "--deadline", f"{SEQUENTIAL_DEADLINE_S:.0f}"]
    return command


def measure(scenario: str, workdir: Path, sequential: bool = False) -> Run:
    """Build a fresh lab for ``scenario``, run the app once in its client namespace, tear down."""
    run = Run(scenario, "sequential" if sequential else "concurrent")
    limit = SEQUENTIAL_LIMIT_S if sequential else CONCURRENT_LIMIT_S
    try:
        workdir.mkdir(parents=True, exist_ok=True)
        plan = build(DEFAULT_CATALOG, workdir, timeout_s=CHECK_TIMEOUT_S,
                     deadline_s=CHECK_DEADLINE_S)
        usage_file = workdir / "usage.json"
        env = {k: v for k, v in isolated_env(workdir / "home").items()
               if "proxy" not in k.lower()}
        with Lab(plan, workdir, SCENARIOS[scenario](plan)) as lab:
            lab.wait_for_turn()
            rx0, tx0 = router_counters(lab)
            proc = subprocess.run(
                ["ip", "netns", "exec", lab.client, sys.executable, str(CHILD), str(usage_file),
                 str(limit), "--", *_client_command(plan, sequential)],
                cwd=REPO, env=env, capture_output=True, text=True, timeout=limit + 30,
                check=False)
            rx1, tx1 = router_counters(lab)
        (workdir / "report.json").write_text(proc.stdout)
        (workdir / "app.stderr").write_text(proc.stderr)
        run.sent_bytes, run.received_bytes = rx1 - rx0, tx1 - tx0
        if usage_file.is_file():
            usage = json.loads(usage_file.read_text())
            run.wall_s, run.peak_mb, run.cpu_s = usage["wall_s"], usage["peak_mb"], usage["cpu_s"]
            if usage["exit"] == -9:
                run.error = f"killed after {limit:.0f} s"
        try:
            read_report(json.loads(proc.stdout), run)
        except json.JSONDecodeError:
            run.wall_s = None  # a run that printed no report is not a check's time
            tail = proc.stderr.strip().splitlines()[-1:] or ["no output"]
            run.error = run.error or f"no JSON report (exit {proc.returncode}): {tail[0][:200]}"
    except Exception:
        run.error = traceback.format_exc(limit=3).strip().splitlines()[-1]
    return run


def lab_unavailable() -> str | None:
    """Why the lab cannot run here (the lab tests' own check), or None."""
    if sys.platform != "linux" or os.geteuid() != 0:
        return "needs root and Linux network namespaces, like the lab tests"
    from tests.lab.conftest import lab_unavailable as reason

    return reason()


def prepare() -> None:
    """Before the first lab: drop namespaces left by a killed earlier run; let the lab's
    servers live as long as a sequential run may take (they also stop when we exit)."""
    netns.sweep_stale()
    netns.MAX_LIFETIME_S = max(netns.MAX_LIFETIME_S, SEQUENTIAL_LIMIT_S + 60)


def scratch() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="cc-bench-")
