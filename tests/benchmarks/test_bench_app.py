"""benchmarks/_app.py: the first-paint measurement works on the window started from source."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from benchmarks._app import first_paint_seconds, isolated_env, source_gui_command


@pytest.mark.gui
def test_the_window_from_source_reports_its_first_paint(tmp_path: Path) -> None:
    seconds = first_paint_seconds(source_gui_command(), tmp_path)
    assert seconds is not None, "the window never painted (or the probe did not load)"
    assert 0 < seconds < 60


def test_a_command_that_never_paints_gives_no_number(tmp_path: Path) -> None:
    assert first_paint_seconds([sys.executable, "-c", "pass"], tmp_path) is None


def test_the_app_gets_a_throw_away_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNCHECK_DATA_DIR", "/somewhere/real")
    env = isolated_env(tmp_path, EXTRA="1")
    assert env["HOME"] == str(tmp_path) and env["XDG_DATA_HOME"].startswith(str(tmp_path))
    assert "CONNCHECK_DATA_DIR" not in env
    assert (env["QT_QPA_PLATFORM"], env["EXTRA"]) == ("offscreen", "1")
