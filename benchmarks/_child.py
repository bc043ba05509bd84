"""Run one command and record what it cost: wall time, peak memory, CPU time.

    python -m benchmarks._child USAGE.json TIMEOUT_S -- COMMAND...

The command's stdout and stderr pass through untouched (the app's JSON report stays
parseable); its exit code becomes ours. The usage is read with ``os.wait4``: the kernel's own
account of that process (and any children it waited for), not a sampled guess. It is written
as JSON to USAGE.json: ``{"wall_s", "peak_mb", "cpu_s", "user_s", "sys_s", "exit"}``.

The benchmarks run this inside the lab's client namespace, so the measured process is the app
itself and not ``ip netns exec`` or the benchmark around it. After TIMEOUT_S the command is
killed (exit -9 in the JSON).
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
from pathlib import Path
from typing import Any


def usage_record(wall_s: float, status: int, rusage: Any) -> dict[str, Any]:
    """The JSON record for one finished process. ``ru_maxrss`` is in KiB on Linux."""
    return {
        "wall_s": round(wall_s, 3),
        "peak_mb": round(rusage.ru_maxrss / 1024, 1),
        "cpu_s": round(rusage.ru_utime + rusage.ru_stime, 3),
        "user_s": round(rusage.ru_utime, 3),
        "sys_s": round(rusage.ru_stime, 3),
        "exit": os.waitstatus_to_exitcode(status),
    }


def run(command: list[str], timeout_s: float) -> dict[str, Any]:
    started = time.monotonic()
    pid = os.posix_spawnp(command[0], command, os.environ)
    pidfd = os.pidfd_open(pid)  # readable when the process ends: no polling, no lost time
    try:
        ended, _, _ = select.select([pidfd], [], [], timeout_s)
    finally:
        os.close(pidfd)
    if not ended:
        os.kill(pid, signal.SIGKILL)
    _, status, rusage = os.wait4(pid, 0)
    return usage_record(time.monotonic() - started, status, rusage)


def main(argv: list[str]) -> int:
    if len(argv) < 4 or argv[2] != "--":
        print("usage: python -m benchmarks._child USAGE.json TIMEOUT_S -- COMMAND...",
              file=sys.stderr)
        return 2
    record = run(argv[3:], float(argv[1]))
    Path(argv[0]).write_text(json.dumps(record) + "\n", encoding="utf-8")
    return int(record["exit"]) if record["exit"] >= 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
