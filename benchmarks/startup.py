"""Cold start of the window: from starting the process to the first painted window.

Two ways a user gets the app: from source (``python -m app``, what ``make run`` does) and
frozen (dist/conncheck/, what the installers ship). Both are measured the same way
(benchmarks/_app.py): the first-paint probe of build/rthook_first_paint.py writes the time of
the window's first paint and quits. Qt's offscreen platform (no display needed; a real X
server adds its own connection time).

The first run follows a page-cache drop (root only), so it reads every file from disk: the
start after a reboot. Then the median of ``RUNS`` warm starts. The frozen app is measured only
when dist/conncheck/ is current (``benchmarks.packaging`` or ``make dist`` builds it; this
module never builds).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from benchmarks import Table, cell, median, verdict
from benchmarks._app import REPO, drop_page_cache, first_paint_seconds, source_gui_command

RUNS = 5
BUDGET_COLD_START_S = 2.0  # the packaging budget (docs/packaging.md)


def _frozen_executable() -> tuple[Path | None, str]:
    sys.path.insert(0, str(REPO / "build"))
    try:
        import freeze  # build/freeze.py: knows whether dist/conncheck/ matches the sources
    except ImportError as exc:
        return None, f"build/freeze.py cannot be loaded ({exc})"
    finally:
        sys.path.remove(str(REPO / "build"))
    if not freeze.is_current(freeze.input_hash()):
        return None, "dist/conncheck/ is missing or older than the sources (make dist builds it)"
    return freeze.executable(), ""


def measure(command: list[str], home: Path) -> tuple[float | None, bool, float | None, int]:
    """(cold seconds, whether the page cache was dropped, median warm seconds, warm runs)."""
    dropped = drop_page_cache()
    cold = first_paint_seconds(command, home)
    warm = [first_paint_seconds(command, home) for _ in range(RUNS)]
    return cold, dropped, median(warm), sum(w is not None for w in warm)


def run() -> list[Table]:
    table = Table("Window start to first paint (offscreen)",
                  ["app", "cold s", f"warm s (median of {RUNS})", "budget", "ok?"])
    exe, why_not = _frozen_executable()
    ways = [("from source (python -m app)", source_gui_command())]
    if exe is not None:
        ways.append(("frozen (dist/conncheck)", [str(exe)]))
    else:
        table.notes.append(f"frozen: n/a, {why_not}")
    with tempfile.TemporaryDirectory(prefix="cc-bench-start-") as tmp:
        for label, command in ways:
            cold, dropped, warm, count = measure(command, Path(tmp))
            table.rows.append([label, cell(cold, 2) + ("" if dropped else " (cache warm)"),
                               cell(warm, 2) + ("" if count == RUNS else f" ({count} painted)"),
                               f"{BUDGET_COLD_START_S:g} s", verdict(cold, BUDGET_COLD_START_S)])
    table.notes.append("cold: the first start after dropping the page cache (root only; "
                       "otherwise marked 'cache warm'); no run painted = n/a")
    return [table]
