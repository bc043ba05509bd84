"""Fixtures for the Windows tests: the installer built by build/windows/make_dist.py (under
Wine, cached by input hash) and a fresh Wine prefix per run under var/windows/.

Without Wine/NSIS (or not as root, which the host locales need) the tests are skipped with the
reason; with CI=true they fail instead: CI must prove the Windows installer on every run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.windows.wine import REPO, Prefix, ensure_host_locales, make_dist, tools_missing

BUILD_TIMEOUT_S = 1800
UPGRADE_VERSION = "99.0.0"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "windows: builds and runs the Windows installer (Wine)")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"Windows tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class WindowsBuild:
    onedir: Path
    installer: Path
    portable_zip: Path
    upgrade_installer: Path  # same onedir, version UPGRADE_VERSION, no compression
    version: str


@pytest.fixture(scope="session")
def windows_build() -> WindowsBuild:
    missing = tools_missing()
    if missing:
        _unavailable("missing Debian packages: " + " ".join(missing)
                     + " (make test installs them as root)")
    try:
        ensure_host_locales()
    except RuntimeError as exc:
        _unavailable(str(exc))
    script = REPO / "build" / "windows" / "make_dist.py"
    result = subprocess.run([sys.executable, str(script), "--onedir"], cwd=REPO,
                            capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False)
    if result.returncode != 0:
        pytest.fail("make dist-windows failed:\n" + (result.stdout + result.stderr)[-4000:])
    version = make_dist.version()
    upgrade = REPO / "var" / "windows" / f"conncheck-{UPGRADE_VERSION}-test-setup.exe"
    # The release installer (LZMA, one core) and the test's upgrade installer (no compression)
    # from the same onedir, at the same time.
    commands = {"make dist-windows": [sys.executable, str(script), "--installer-only"],
                "the upgrade installer": [sys.executable, str(script), "--installer-only",
                                          "--no-zip", "--fast", "--version", UPGRADE_VERSION,
                                          "--out", str(upgrade)]}
    procs = {name: subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
             for name, command in commands.items()}
    for name, proc in procs.items():
        out, _ = proc.communicate(timeout=BUILD_TIMEOUT_S)
        if proc.returncode != 0:
            pytest.fail(f"{name} failed:\n{out[-4000:]}")
    return WindowsBuild(onedir=make_dist.ONEDIR,
                        installer=make_dist.DIST / make_dist.installer_name(version),
                        portable_zip=make_dist.DIST / f"conncheck-{version}-windows-x64.zip",
                        upgrade_installer=upgrade, version=version)


@pytest.fixture(scope="module")
def prefix(windows_build: WindowsBuild) -> Prefix:
    """A new Wine prefix for this run (the previous run's is removed first)."""
    return Prefix.fresh(REPO / "var" / "windows" / "prefix-test")
