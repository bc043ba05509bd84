"""Lab fixtures. Without root or namespaces the lab tests skip with the reason; with
``CI=true`` they run or FAIL, never skip (a CI that silently skips the lab proves nothing)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # "tests.lab..." imports also under a bare `pytest`
    sys.path.insert(0, str(REPO))

from tests.lab import netns  # noqa: E402
from tests.lab.harness import Outcome, Scenario, run_many  # noqa: E402

_TOOLS = {"ip": "iproute2", "tc": "iproute2", "ss": "iproute2", "iptables": "iptables",
          "turnserver": "coturn", "timeout": "coreutils"}
LAB_DIR = Path(__file__).resolve().parent


@functools.cache
def lab_unavailable() -> str | None:
    """Why the lab cannot run here, or None."""
    if sys.platform != "linux":
        return "the lab needs Linux network namespaces"
    if os.geteuid() != 0:
        return "the lab needs root (network namespaces, iptables); run the tests as root"
    for tool, package in _TOOLS.items():
        if shutil.which(tool) is None:
            return f"the lab needs {tool!r} (Debian package {package}; `make sysdeps`)"
    probe = f"{netns.PREFIX}-{os.getpid()}-probe"
    try:
        netns.run(["ip", "netns", "add", probe])
        netns.run(["ip", "netns", "exec", probe, "iptables", "-A", "FORWARD", "-p", "udp",
                   "-m", "u32", "--u32", "0>>22&0x3C@12=0x2112A442", "-j", "DROP"])
    except (netns.LabError, subprocess.SubprocessError, OSError) as exc:
        return f"cannot create a network namespace with iptables rules here: {exc}"
    finally:
        netns.run(["ip", "netns", "del", probe], check=False)
    return None


def _in_lab(item: pytest.Item) -> bool:
    return LAB_DIR in Path(str(item.fspath)).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    lab_items = [item for item in items if _in_lab(item)]
    for item in lab_items:
        item.add_marker(pytest.mark.lab)
    if not lab_items or os.environ.get("CI") == "true":
        return
    reason = lab_unavailable()
    if reason:
        for item in lab_items:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _lab_required() -> None:
    """Under CI the lab is required: an unusable machine is a failure, not a skip."""
    reason = lab_unavailable()
    if reason:
        pytest.fail(f"CI=true but the lab cannot run: {reason}")


@pytest.fixture(scope="session")
def lab_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = lab_unavailable()
    if reason:  # only reached under CI=true (otherwise the tests are skipped)
        pytest.fail(f"CI=true but the lab cannot run: {reason}")
    netns.sweep_stale()
    return tmp_path_factory.mktemp("lab")


@pytest.fixture(scope="session")
def lab_outcomes(request: pytest.FixtureRequest, lab_base: Path) -> Iterator[dict[str, Outcome]]:
    """Run every selected scenario once, concurrently, each in its own fresh lab."""
    wanted: dict[str, Scenario] = {}
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        table = getattr(getattr(item, "module", None), "BY_NAME", None)
        name = callspec.params.get("name") if callspec else None
        if table and isinstance(name, str) and name in table:
            wanted[name] = table[name]
    workers = int(os.environ.get("LAB_WORKERS", "5"))
    try:
        yield run_many(wanted.values(), lab_base, workers=workers)
    finally:
        netns.close_all()
