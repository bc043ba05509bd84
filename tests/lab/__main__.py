"""Run the lab by hand.

    python -m tests.lab list                       # the scenarios and profiles
    python -m tests.lab run healthy                # one scenario: the app's verdicts
    python -m tests.lab up --profile "dns_lie bogon web.whatsapp.com"   # a lab to poke at

``up`` builds a lab with the given profile(s), prints the commands to run the app in it,
and keeps it until Enter or Ctrl-C; then everything is torn down.
"""

from __future__ import annotations

import argparse
import inspect
import json
import shlex
import sys
import tempfile
from pathlib import Path

from tests.lab import profiles
from tests.lab.harness import app_command, run_scenario
from tests.lab.labcatalog import DEFAULT_CATALOG, LabPlan, build
from tests.lab.netns import Lab, sweep_stale


def _scenarios() -> dict[str, object]:
    from tests.lab.test_scenarios import BY_NAME

    return dict(BY_NAME)


def make_profile(text: str, plan: LabPlan) -> profiles.Profile:
    """ "sni_reset web.whatsapp.com" -> profiles.sni_reset("web.whatsapp.com")."""
    name, *args = shlex.split(text)
    func = getattr(profiles, name, None)
    if func is None or not callable(func) or name.startswith("_"):
        raise SystemExit(f"no profile {name!r}; see `python -m tests.lab list`")
    params = list(inspect.signature(func).parameters)
    values: list[object] = [plan] if params[:1] == ["plan"] else []
    for arg in args:
        values.append(int(arg) if arg.isdigit() else arg)
    result: profiles.Profile = func(*values)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.lab", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list")
    run = sub.add_parser("run")
    run.add_argument("scenario")
    up = sub.add_parser("up")
    up.add_argument("--profile", action="append", default=[])
    up.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG)
    args = parser.parse_args(argv)
    sweep_stale()

    if args.command == "list":
        print("scenarios:", ", ".join(_scenarios()))
        names = [n for n, f in vars(profiles).items()
                 if inspect.isfunction(f) and f.__module__ == profiles.__name__
                 and not n.startswith("_")]
        print("profiles: ", ", ".join(names))
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="cclab-"))
    if args.command == "run":
        scenario = _scenarios()[args.scenario]
        outcome = run_scenario(scenario, workdir)  # type: ignore[arg-type]
        print(outcome.summary())
        return 0 if outcome.report else 1
    plan = build(args.catalog, workdir)
    profile = profiles.none()
    for text in args.profile:
        profile = profile + make_profile(text, plan)
    with Lab(plan, workdir, profile) as lab:
        print(json.dumps({"lab": lab.id, "profile": profile.name,
                          "rules": list(profile.isp_commands), "dns_lies": dict(profile.dns_lies),
                          "intercepted": list(profile.intercepted)}, indent=1))
        print("\nrun the app in the lab:")
        print("  " + shlex.join(["ip", "netns", "exec", lab.client, *app_command(plan.catalog)]))
        print(f"inspect the router:\n  ip netns exec {lab.isp} iptables -vnL FORWARD")
        print(f"files (catalog, certificates, server logs): {workdir}")
        print("\npress Enter to tear the lab down")
        try:
            sys.stdin.readline()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
