"""What is (and is not) inside dist/conncheck/: the Qt pruning in build/conncheck.spec keeps
what the window needs and nothing the download should not carry."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.frozen.frozen_app import FrozenApp, frozen_env

pytestmark = pytest.mark.frozen

UNWANTED = re.compile(r"Qt6?(Qml|Quick|WebEngine|3D|Multimedia|Pdf|Designer|Network|Sql)"
                      r"|tkinter|tcl|_test\b|pytest|hypothesis|mypy|PyInstaller")


def _relative_files(app: FrozenApp) -> list[str]:
    return sorted(str(p.relative_to(app.onedir)) for p in app.onedir.rglob("*")
                  if p.is_file() or p.is_symlink())


def test_unused_qt_modules_and_packages_are_left_out(frozen_app: FrozenApp) -> None:
    unwanted = [name for name in _relative_files(frozen_app) if UNWANTED.search(name)]
    assert unwanted == []


def test_only_the_needed_qt_plugins_and_translations(frozen_app: FrozenApp) -> None:
    qt = frozen_app.internal / "PySide6" / "Qt"
    plugins = {p.parent.name + "/" + p.name for p in (qt / "plugins").rglob("*") if p.is_file()}
    assert any(name.startswith("platforms/") and "offscreen" in name for name in plugins)
    assert any(name.startswith("platforms/") and "xcb" in name for name in plugins)
    assert any(name.startswith("imageformats/") and "svg" in name for name in plugins)
    assert any(name.startswith("iconengines/") and "svg" in name for name in plugins)
    categories = {name.split("/")[0] for name in plugins}
    assert not categories & {"sqldrivers", "qmltooling", "tls", "networkinformation",
                             "printsupport", "generic", "egldeviceintegrations", "designer"}
    translations = sorted(p.name for p in (qt / "translations").glob("*.qm"))
    assert translations == ["qtbase_en.qm", "qtbase_ru.qm"] or translations == ["qtbase_ru.qm"]


def test_no_dangling_links(frozen_app: FrozenApp) -> None:
    dangling = [str(p) for p in frozen_app.onedir.rglob("*") if p.is_symlink() and not p.exists()]
    assert dangling == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd is Linux only")
def test_every_bundled_library_finds_its_qt_dependencies(frozen_app: FrozenApp) -> None:
    """A library dropped by the pruning but still needed would show up as 'not found' here
    for a bundled name (system libraries such as libGL come from the user's computer)."""
    if shutil.which("ldd") is None:
        pytest.skip("ldd is not installed")
    bundled = {p.name for p in frozen_app.internal.rglob("*.so*")}
    qt_lib = frozen_app.internal / "PySide6" / "Qt" / "lib"
    env = dict(os.environ, LD_LIBRARY_PATH=f"{frozen_app.internal}:{qt_lib}")
    problems = []
    for path in sorted(frozen_app.internal.rglob("*.so*")):
        if path.is_symlink():
            continue
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env,
                             timeout=30, check=False).stdout
        for line in out.splitlines():
            name = line.strip().split(" ", 1)[0]
            if "not found" in line and (name.startswith("libQt6") or name in bundled):
                problems.append(f"{path.relative_to(frozen_app.onedir)}: {line.strip()}")
    assert problems == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb is Linux only")
def test_window_paints_on_a_real_x_server(frozen_app: FrozenApp, tmp_path: Path) -> None:
    """The bundled xcb plugin and its libraries work: the window opens and paints under Xvfb
    (the first-paint probe of build/rthook_first_paint.py writes a file, then quits)."""
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is not installed")
    mark = tmp_path / "first-paint"
    env = frozen_env(tmp_path / "home", CONNCHECK_BENCH_FIRST_PAINT=str(mark))
    env.pop("QT_QPA_PLATFORM")
    (tmp_path / "home").mkdir()
    result = subprocess.run(["xvfb-run", "-a", str(frozen_app.exe)], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert mark.is_file(), f"no window was painted (exit {result.returncode}):\n" \
                           f"{result.stderr[-3000:]}"
    assert result.returncode == 0, result.stderr[-3000:]
