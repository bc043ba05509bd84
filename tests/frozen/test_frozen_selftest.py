"""``conncheck --self-test`` in the built app: the window starts offscreen, every page renders
in both languages, and a file missing from the bundle fails the run loudly, naming the file.

These depend on app/ui/selftest.py (run_self_test), which the GUI part provides.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.frozen.frozen_app import FrozenApp, run_frozen

pytestmark = pytest.mark.frozen

SELF_TEST_TIMEOUT_S = 180


def test_self_test_passes_offscreen(frozen_app: FrozenApp, home: Path) -> None:
    result = run_frozen(frozen_app.exe, ["--self-test"], home, timeout=SELF_TEST_TIMEOUT_S)
    assert result.returncode == 0, (
        f"self-test exit {result.returncode}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    )


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_self_test_passes_in_each_language(frozen_app: FrozenApp, home: Path, lang: str) -> None:
    result = run_frozen(frozen_app.exe, ["--self-test", "--lang", lang], home,
                        timeout=SELF_TEST_TIMEOUT_S)
    assert result.returncode == 0, f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}"


def test_missing_translation_fails_the_self_test_by_name(frozen_app: FrozenApp,
                                                         tmp_path: Path) -> None:
    copy = tmp_path / "conncheck"
    shutil.copytree(frozen_app.onedir, copy, symlinks=True)
    missing = copy / "_internal" / "resources" / "locale" / "ru" / "LC_MESSAGES" / "conncheck.mo"
    missing.unlink()
    result = run_frozen(copy / frozen_app.exe.name, ["--self-test"], tmp_path / "home",
                        timeout=SELF_TEST_TIMEOUT_S)
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"self-test passed without {missing}:\n{output[-2000:]}"
    assert "conncheck.mo" in output, output[-3000:]
