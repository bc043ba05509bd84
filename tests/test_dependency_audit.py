"""Dependencies audited for real (issue 18: 13): pip-audit is a dev tool in the lock, the
release workflow runs it, and an audit that looked nothing up is never called clean — pip-audit
itself prints "No known vulnerabilities found" and exits 0 when its database is unreachable.
No network here: pip-audit's JSON is given, the offline mode compares a record."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from tools import audit_deps

ROOT = Path(__file__).resolve().parents[1]


def _dep(name: str, version: str = "1.0", vulns: list[str] | None = None) -> dict[str, object]:
    return {"name": name, "version": version, "vulns": [{"id": v} for v in vulns or []]}


def test_an_audit_that_looked_nothing_up_is_not_checked() -> None:
    unreachable = {"dependencies": [
        {"name": n, "skip_reason": f"Dependency not found on PyPI and could not be audited: {n}"}
        for n in ("aioice", "aiortc", "certifi")], "fixes": []}
    code, line, facts = audit_deps.judge(unreachable)
    assert code == audit_deps.NOT_CHECKED and line.startswith("NOT CHECKED: 3 of 3")
    assert facts["not_looked_up"] == 3
    one_missing = {"dependencies": [_dep("a"), unreachable["dependencies"][0]]}
    assert audit_deps.judge(one_missing)[0] == audit_deps.NOT_CHECKED
    assert audit_deps.judge({"dependencies": []})[0] == audit_deps.NOT_CHECKED
    assert audit_deps.judge({})[0] == audit_deps.NOT_CHECKED


def test_a_complete_audit_is_clean_or_names_the_vulnerabilities() -> None:
    assert audit_deps.judge({"dependencies": [_dep("a"), _dep("b")]})[:2] == (
        audit_deps.OK, "audited 2 packages: no known vulnerability")
    code, line, _ = audit_deps.judge({"dependencies": [_dep("a"), _dep("b", "2.0", ["PYSEC-1"])]})
    assert code == audit_deps.VULNERABLE and "b==2.0: PYSEC-1" in line


def test_offline_mode_says_whether_this_lock_is_the_audited_one(tmp_path: Path) -> None:
    lock, record = tmp_path / "requirements.lock", tmp_path / "last-audit.json"
    lock.write_text("a==1.0\n")
    assert audit_deps.main(["--offline", "--lock", str(lock), "--record", str(record)]) == 3
    record.write_text(json.dumps({"audited_at": "2026-12-06T12:00:00+00:00",
                                  "lock_sha256": audit_deps.lock_digest(lock),
                                  "result": "audited 1 packages", "vulnerable": {}}))
    assert audit_deps.main(["--offline", "--lock", str(lock), "--record", str(record)]) == 0
    lock.write_text("a==1.1\n")
    assert audit_deps.main(["--offline", "--lock", str(lock), "--record", str(record)]) == 3


def test_pip_audit_is_a_locked_dev_tool_and_the_release_runs_it() -> None:
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]["dev"]
    assert any(d.startswith("pip-audit") for d in dev)
    lock = (ROOT / "requirements.lock").read_text()
    assert re.search(r"^pip-audit==[\d.]+ \\\n    --hash=sha256:", lock, re.MULTILINE)
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text()
    job = workflow[workflow.index("\n  audit:"):]
    assert "tools/audit_deps.py" in job and "build/audit/last-audit.json" in job
    security = (ROOT / "docs" / "security.md").read_text()
    assert "tools/audit_deps.py" in security and "last ran" in security
