"""The layer contracts (pyproject.toml, docs/architecture.md) hold, and they bite.

``lint-imports`` checks: presenters → session → report → knowledge → analysis → catalog →
engine → core; the terminal and the window independent; Qt only under app/ui (and the PDF
writer); the analysis and the words free of the engine and of sockets; no import cycle.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    if not LINT.exists():
        pytest.fail(f"import-linter is not installed ({LINT}); it is in the dev lock")
    return subprocess.run([str(LINT), "--no-cache"], cwd=tree, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"})


def test_the_layer_contracts_hold() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "No import cycles anywhere in app/ KEPT" in result.stdout
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(("module", "bad_import", "contract"), [
    ("app/engine/runner.py", "import app.ui.bridge", "Layers"),
    ("app/cli/render.py", "import app.ui.language", "Layers"),
    ("app/analysis/verdicts.py", "import socket", "pure"),
    ("app/knowledge/explain.py", "import PySide6.QtCore", "Qt only"),
    ("app/core/model.py", "import app.engine.runner", "Layers"),
    ("app/engine/steps.py", "import app.engine.runner", "cycles"),
])
def test_a_wrong_arrow_breaks_a_contract(tmp_path: Path, module: str, bad_import: str,
                                         contract: str) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "app", tree / "app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    target = tree / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{bad_import}  # noqa\n",
                      encoding="utf-8")
    result = _lint(tree)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout[-2000:]


MAX_FUNCTION_LINES = 60


def test_no_long_function_without_a_reason() -> None:
    """A function over 60 lines says why, in a comment block right above its ``def`` with a
    line starting "# Long:" (issue 14: long functions hide the seams that make the next
    change hard)."""
    import ast

    long = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 2
            comment = []  # the block of comment lines right above the def
            while first >= 0 and lines[first].strip().startswith("#"):
                comment.append(lines[first].strip())
                first -= 1
            if length > MAX_FUNCTION_LINES and not any(c.startswith("# Long:") for c in comment):
                long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert not long, "split these, or say why above the def ('# Long: …'):\n" + "\n".join(long)
