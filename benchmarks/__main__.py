"""Run every benchmark module in this package and print its tables (Markdown).

    python -m benchmarks              # all of them
    python -m benchmarks packaging    # only the named modules

A module takes part by defining ``run() -> list[benchmarks.Table]``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback
from pathlib import Path

import benchmarks


def module_names() -> list[str]:
    here = Path(benchmarks.__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)])
                  if not m.name.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    wanted = (sys.argv[1:] if argv is None else argv) or module_names()
    failed = 0
    for name in wanted:
        module = importlib.import_module(f"benchmarks.{name}")
        run = getattr(module, "run", None)
        if run is None:
            continue
        started = time.monotonic()
        print(f"# benchmarks.{name}\n", flush=True)
        try:
            tables = run()
        except Exception:  # one broken benchmark must not hide the others' numbers
            failed += 1
            traceback.print_exc()
            continue
        for table in tables:
            print(table.render(), flush=True)
        print(f"({name}: {time.monotonic() - started:.0f} s)\n", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
