"""Run a scenario end to end: fresh lab, censorship profile, the real CLI, its JSON report.

A scenario names a profile and what the user must see. ``run_many`` runs scenarios
concurrently, each in its own fresh lab (own namespaces, own servers, no shared state).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.lab.labcatalog import DEFAULT_CATALOG, LabPlan, build
from tests.lab.netns import Lab
from tests.lab.profiles import Profile


@dataclass(frozen=True)
class Scenario:
    """One lab run. ``expect`` is what the user sees (verdicts, statuses, causes);
    ``observe`` is what the app's checks must have seen (proves the rule bites).

    expect keys: "network" (status), "network.causes", "<feature>" (verdict),
    "<feature>.causes", "<feature>/<service>" (service verdict), "causes" (anywhere),
    "no_causes" (none of "a|b" anywhere).
    Values: "blocked", alternatives "blocked|degraded", or "!works" (anything but).
    observe keys select checks ("kind=stun", "service=Telegram,kind=tcp", "id=x", "*" all);
    values: "ok", "fail", or failure strings ("connection_reset|generic_timeout_error").
    """

    name: str
    profile: Callable[[LabPlan], Profile]
    expect: Mapping[str, str]
    observe: Mapping[str, str] = field(default_factory=dict)
    xfail: str = ""  # reason while the verdicts depend on unfinished work ("" = must pass)
    catalog: Mapping[str, Any] = field(default_factory=dict)  # [catalog] overrides


@dataclass
class Outcome:
    scenario: str
    workdir: Path
    returncode: int | None = None
    report: dict[str, Any] | None = None
    stderr: str = ""
    error: str = ""
    seconds: float = 0.0

    def summary(self) -> str:
        """What a failing assertion prints: the verdicts and every failed check."""
        lines = [f"scenario {self.scenario}: exit {self.returncode}, {self.seconds:.1f}s, "
                 f"lab files in {self.workdir}"]
        if self.error:
            lines.append(self.error)
        if self.report is None:
            lines.append("stderr: " + self.stderr[-3000:])
            return "\n".join(lines)
        net = self.report.get("network", {})
        lines.append(f"network: {net.get('status')} causes={_cause_ids(net.get('causes'))}")
        for name, feature in self.report.get("features", {}).items():
            lines.append(f"{name}: {feature.get('verdict')} causes="
                         f"{_cause_ids(feature.get('causes'))} services={feature.get('services')}")
        for check in self.report.get("checks", []):
            if not check.get("ok"):
                lines.append(f"  failed {check.get('id')}: {check.get('failure')} "
                             f"@{check.get('phase')}")
        return "\n".join(lines)


def _cause_ids(causes: Any) -> list[str]:
    """Causes may be plain ids or objects with an "id"."""
    out = []
    for cause in causes or []:
        out.append(cause.get("id", "") if isinstance(cause, dict) else str(cause))
    return out


def app_command(catalog: str) -> list[str]:
    return [sys.executable, "-m", "app", "check", "--json", "--catalog", catalog]


def run_scenario(scenario: Scenario, workdir: Path,
                 command: Callable[[str], list[str]] = app_command,
                 source: Path = DEFAULT_CATALOG) -> Outcome:
    """Build a fresh lab for ``scenario``, run the app in its client namespace, tear down."""
    outcome = Outcome(scenario.name, workdir)
    start = time.monotonic()
    try:
        overrides = dict(scenario.catalog)
        plan = build(source, workdir, overrides=overrides)
        deadline = float(overrides.get("deadline_s", 20.0))
        with Lab(plan, workdir, scenario.profile(plan)) as lab:
            proc = lab.run_client(command(plan.catalog), timeout=deadline + 40)
        outcome.returncode, outcome.stderr = proc.returncode, proc.stderr
        (workdir / "report.json").write_text(proc.stdout)
        (workdir / "app.stderr").write_text(proc.stderr)
        try:
            outcome.report = json.loads(proc.stdout)
        except json.JSONDecodeError:
            outcome.error = "the app printed no JSON: " + proc.stdout[-500:]
    except subprocess.TimeoutExpired:
        outcome.error = "the app did not finish in time"
    except Exception:
        outcome.error = traceback.format_exc()
    outcome.seconds = time.monotonic() - start
    return outcome


def run_many(scenarios: Iterable[Scenario], base: Path, workers: int = 4,
             command: Callable[[str], list[str]] = app_command) -> dict[str, Outcome]:
    todo = list(scenarios)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {s.name: pool.submit(run_scenario, s, base / s.name, command) for s in todo}
        return {name: future.result() for name, future in futures.items()}


# ------------------------------------------------------------------ judging a report
def _matches(actual: str | None, wanted: str) -> bool:
    if wanted.startswith("!"):
        return actual not in wanted[1:].split("|")
    return actual in wanted.split("|")


def verdict_problems(report: Mapping[str, Any], expect: Mapping[str, str]) -> list[str]:
    """Every way the report differs from ``expect`` (empty: as expected)."""
    problems = []
    features = report.get("features", {})
    network = report.get("network", {})
    for key, wanted in expect.items():
        if key == "no_causes":  # none of these causes anywhere ("a|b")
            problems += _unwanted_causes(network, features, wanted)
            continue
        if key == "network.no_causes":  # none of these among the network's own causes
            problems += _unwanted_causes(network, {}, wanted)
            continue
        actual = _actual(key, network, features)
        if isinstance(actual, list):
            if not any(_matches(cause, wanted) for cause in actual):
                problems.append(f"{key}: wanted a cause {wanted!r}, got {actual}")
        elif not _matches(actual, wanted):
            problems.append(f"{key}: wanted {wanted!r}, got {actual!r}")
    return problems


def _actual(key: str, network: Mapping[str, Any], features: Mapping[str, Any]) -> Any:
    """What the report says for one ``expect`` key: a verdict, or a list of cause ids."""
    if key == "network":
        return network.get("status")
    if key == "causes":
        everywhere = _cause_ids(network.get("causes"))
        for feature in features.values():
            everywhere += _cause_ids(feature.get("causes"))
        return everywhere
    if key.endswith(".causes") and "/" in key:  # causes that name this service
        feature, service = key.removesuffix(".causes").split("/", 1)
        return [c.get("id", "") for c in features.get(feature, {}).get("causes") or []
                if isinstance(c, dict) and service in c.get("services", [])]
    if key.endswith(".causes"):
        owner = key.removesuffix(".causes")
        source = network if owner == "network" else features.get(owner, {})
        return _cause_ids(source.get("causes"))
    if "/" in key:
        feature, service = key.split("/", 1)
        return features.get(feature, {}).get("services", {}).get(service)
    return features.get(key, {}).get("verdict")


def _unwanted_causes(network: Mapping[str, Any], features: Mapping[str, Any], wanted: str
                     ) -> list[str]:
    seen = _cause_ids(network.get("causes"))
    for feature in features.values():
        seen += _cause_ids(feature.get("causes"))
    unwanted = sorted(set(seen) & set(wanted.split("|")))
    return [f"no_causes: wanted none of {wanted!r}, got {unwanted}"] if unwanted else []


def observation_problems(report: Mapping[str, Any], observe: Mapping[str, str]) -> list[str]:
    problems = []
    checks = report.get("checks", [])
    for selector, wanted in observe.items():
        terms = {} if selector == "*" else dict(t.split("=", 1) for t in selector.split(","))
        chosen = [c for c in checks if all(str(c.get(k)) == v for k, v in terms.items())]
        if not chosen:
            problems.append(f"{selector}: no such checks in the report")
            continue
        for check in chosen:
            seen = "ok" if check.get("ok") else (check.get("failure") or "fail")
            good = (seen == "ok") if wanted == "ok" else (
                seen != "ok" and (wanted == "fail" or seen in wanted.split("|")))
            if not good:
                problems.append(f"{selector}: {check.get('id')} wanted {wanted}, saw {seen}")
    return problems
