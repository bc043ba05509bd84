"""How the benchmarks start the app: a throw-away home, and the time to the window's first paint.

Shared by ``benchmarks.startup`` (from source and frozen) and ``benchmarks.packaging`` (the
frozen app's budget), so the two report the same measurement.

The first paint is reported by build/rthook_first_paint.py: with CONNCHECK_BENCH_FIRST_PAINT=
<file> it writes the wall-clock time of the window's first paint to <file> and quits. The frozen
app runs it as a PyInstaller runtime hook; from source, ``source_gui_command`` runs the same
file first, then the app's own entry point with no arguments (the window).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIRST_PAINT_HOOK = REPO / "build" / "rthook_first_paint.py"


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    """The caller's environment with a throw-away home (history, settings, caches) and the
    offscreen Qt platform; no CONNCHECK_* or QT_* settings leak in from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "CONNCHECK_"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "c"), XDG_DATA_HOME=str(home / "d"),
               XDG_STATE_HOME=str(home / "s"), XDG_CACHE_HOME=str(home / "k"),
               QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8")
    env.update(extra)
    return env


def source_gui_command(python: str = sys.executable) -> list[str]:
    """The window from source (``python -m app`` with no arguments), with the first-paint probe."""
    code = (f"import runpy, sys; runpy.run_path({str(FIRST_PAINT_HOOK)!r}); "
            "from app.__main__ import main; sys.exit(main([]))")
    return [python, "-c", code]


def drop_page_cache() -> bool:
    """A real cold start needs the files out of the page cache: possible only as root."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def first_paint_seconds(command: list[str], home: Path, timeout: float = 60.0) -> float | None:
    """Seconds from starting ``command`` (the window) to its first paint, or None if it never
    painted within ``timeout``."""
    mark = home / "first-paint"
    mark.unlink(missing_ok=True)
    started = time.time()
    try:
        subprocess.run(command, env=isolated_env(home, CONNCHECK_BENCH_FIRST_PAINT=str(mark)),
                       cwd=REPO, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None
    if not mark.is_file():
        return None
    return float(mark.read_text().strip()) - started
