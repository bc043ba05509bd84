"""Every folder the app makes is 0700 even under `umask 000`, the platform's parent folders
it makes too (issue 18: 12); and the crash log's scrubber catches names joined by hyphens."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import crashlog
from app.catalog import update
from app.report.history import HistoryEntry, HistoryStore
from app.ui.settings import Settings
from tests.report import sample
from tests.report.test_crashlog import HOME, HOST, USER, anna  # noqa: F401  (a fixture)

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@posix_only
def test_every_folder_made_is_private_under_an_open_umask(
        open_umask: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: ~/.local/share/conncheck's missing parents (and the log folder's) came out 0777."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    for var in ("CONNCHECK_DATA_DIR", "CONNCHECK_CONFIG_DIR", "CONNCHECK_LOG_DIR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(home))
    for var, where in (("XDG_DATA_HOME", "a/data"), ("XDG_CONFIG_HOME", "b/config"),
                       ("XDG_STATE_HOME", "c/state"), ("XDG_CACHE_HOME", "d/cache")):
        monkeypatch.setenv(var, str(home / where))
    assert HistoryStore().append(HistoryEntry.from_diagnosis(sample.diagnosis(), "CODE"))
    Settings(width=800, height=600, language="ru").save()
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        assert crashlog.record("test", sys.exc_info()) is not None  # type: ignore[arg-type]
    update._private_dir(update.store_dir())
    made = [p for p in home.rglob("*") if p.is_dir()]
    assert len(made) >= 8  # a, a/data, a/data/conncheck, b, b/config, ..., the log folder
    assert {str(p): stat.S_IMODE(p.stat().st_mode) for p in made} == {
        str(p): 0o700 for p in made}


@pytest.mark.parametrize("joined", [f"{USER}-backup", f"backup-{USER}", f"{USER}_old",
                                    "annas-laptop-2", f"/tmp/{USER}-build/x.py"])
def test_scrub_catches_names_joined_by_hyphens(anna: None, joined: str) -> None:  # noqa: F811
    text = crashlog.scrub(f"error in {joined} on {HOST}")
    assert USER not in text and "annas-laptop" not in text.lower(), text
    assert HOME not in text
