"""Audit the locked dependencies for known vulnerabilities (docs/security.md "Dependencies").

    .venv/bin/python tools/audit_deps.py             # online: pip-audit on requirements.lock
    .venv/bin/python tools/audit_deps.py --offline   # no network: is this lock the audited one?

Online, pip-audit looks every package of the lock up in the Python Packaging Advisory
Database (through PyPI's JSON API). Where that cannot be reached, pip-audit marks each
package "not found", prints "No known vulnerabilities found" and exits 0 — having checked
nothing. So this script reads pip-audit's JSON and trusts only a complete audit: every
package looked up. It then writes the record ``build/audit/last-audit.json`` (when, the
lock's SHA-256, pip-audit's version, packages, vulnerabilities).

Offline, nothing is fetched: the record is compared with the lock on disk, and the answer is
when it was audited and whether the lock changed since.

Exit codes: 0 audited, no known vulnerability; 1 known vulnerabilities; 3 NOT CHECKED (the
database could not be reached, or offline: no record, or the lock changed since the record).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
RECORD = ROOT / "build" / "audit" / "last-audit.json"
OK, VULNERABLE, NOT_CHECKED = 0, 1, 3


def lock_digest(lock: Path) -> str:
    return hashlib.sha256(lock.read_bytes()).hexdigest()


def judge(report: dict[str, Any]) -> tuple[int, str, dict[str, Any]]:
    """(exit code, one line for people, the facts) from pip-audit's ``--format json``."""
    deps = report.get("dependencies")
    if not isinstance(deps, list) or not deps:
        return NOT_CHECKED, "NOT CHECKED: pip-audit listed no packages", {}
    skipped = [d.get("name", "?") for d in deps if "skip_reason" in d]
    found = {f"{d['name']}=={d.get('version', '?')}": [v.get("id", "?") for v in d["vulns"]]
             for d in deps if d.get("vulns")}
    facts = {"packages": len(deps), "not_looked_up": len(skipped), "vulnerable": found}
    if skipped:
        return NOT_CHECKED, (
            f"NOT CHECKED: {len(skipped)} of {len(deps)} packages could not be looked up "
            f"(the vulnerability database was not reached?): {', '.join(skipped[:5])}"
            + (" …" if len(skipped) > 5 else "")), facts
    if found:
        listed = "; ".join(f"{name}: {', '.join(ids)}" for name, ids in sorted(found.items()))
        return VULNERABLE, f"VULNERABLE: {listed}", facts
    return OK, f"audited {len(deps)} packages: no known vulnerability", facts


def _pip_audit_version() -> str:
    done = subprocess.run([sys.executable, "-m", "pip_audit", "--version"],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def online(lock: Path, record: Path, timeout_s: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "audit.json"
        done = subprocess.run(
            [sys.executable, "-m", "pip_audit", "--disable-pip", "--require-hashes",
             "-r", str(lock), "--format", "json", "--output", str(out),
             "--progress-spinner", "off", "--timeout", str(timeout_s)],
            capture_output=True, text=True, check=False)
        try:
            report = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            print("NOT CHECKED: pip-audit gave no result: "
                  + (done.stderr.strip().splitlines() or ["(no message)"])[-1])
            return NOT_CHECKED
    code, line, facts = judge(report)
    print(line)
    if code != NOT_CHECKED:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps({
            "audited_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "lock": lock.name, "lock_sha256": lock_digest(lock),
            "pip_audit": _pip_audit_version(), "result": line, **facts,
        }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return code


def offline(lock: Path, record: Path) -> int:
    try:
        last = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        print(f"NOT CHECKED: no record of a complete audit ({record.name}); run it online")
        return NOT_CHECKED
    when = last.get("audited_at", "?")
    if last.get("lock_sha256") != lock_digest(lock):
        print(f"NOT CHECKED: {lock.name} changed since the audit of {when}; run it online")
        return NOT_CHECKED
    print(f"{lock.name} is the lock audited on {when}: {last.get('result', '?')}")
    return VULNERABLE if last.get("vulnerable") else OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offline", action="store_true",
                        help="fetch nothing: compare the lock with the last audit's record")
    parser.add_argument("--lock", type=Path, default=LOCK)
    parser.add_argument("--record", type=Path, default=RECORD)
    parser.add_argument("--timeout", type=int, default=30, help="seconds per request")
    args = parser.parse_args(argv)
    if args.offline:
        return offline(args.lock, args.record)
    return online(args.lock, args.record, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
