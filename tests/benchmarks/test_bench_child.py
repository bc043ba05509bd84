"""benchmarks/_child.py: the kernel's account of one process (wall, peak memory, CPU, exit)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks._child import run

CHILD = Path(__file__).resolve().parents[2] / "benchmarks" / "_child.py"


def test_peak_memory_and_cpu_are_the_childs_own() -> None:
    # 80 MB touched and about 0.3 s of pure CPU: both must show up, and nothing much more.
    code = ("import time; b = bytearray(80_000_000); t = time.process_time()\n"
            "while time.process_time() - t < 0.3: pass")
    record = run([sys.executable, "-c", code], timeout_s=30)
    assert record["exit"] == 0
    assert 80 <= record["peak_mb"] < 200
    assert 0.3 <= record["cpu_s"] < 5
    assert record["wall_s"] >= 0.3


def test_a_command_past_its_time_is_killed() -> None:
    record = run([sys.executable, "-c", "import time; time.sleep(30)"], timeout_s=0.5)
    assert record["exit"] == -9
    assert 0.5 <= record["wall_s"] < 10


def test_output_passes_through_and_the_exit_code_is_kept(tmp_path: Path) -> None:
    usage = tmp_path / "usage.json"
    proc = subprocess.run(
        [sys.executable, str(CHILD), str(usage), "30", "--", sys.executable, "-c",
         "import sys; print('{\"report\": 1}'); sys.exit(3)"],
        capture_output=True, text=True, timeout=60, check=False)
    assert proc.stdout == '{"report": 1}\n'
    assert proc.returncode == 3
    assert json.loads(usage.read_text())["exit"] == 3


def test_usage_error_without_a_command(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(CHILD), str(tmp_path / "u.json"), "5"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert "usage" in proc.stderr
    assert not (tmp_path / "u.json").exists()
