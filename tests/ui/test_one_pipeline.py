"""The terminal and the window are two faces of one pipeline (app/session.py).

One recorded lab run (tests/golden/runs) is fed through both front ends' real session calls —
the terminal's ``conncheck check --json`` and the window's Check button — with the engine
replaced by the recording. Both must reach the same diagnosis, the same check code and the
same explanation. And the window takes the terminal's run options.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from app.catalog import load_catalog
from app.core.run import RunResult
from app.session import Options, replay
from tests.ui.test_window import wait_for_results

RUNS = Path(__file__).resolve().parent.parent / "golden" / "runs"
LAB_CATALOG = RUNS / "lab-catalog.toml"


def _recorded(name: str) -> tuple[dict[str, object], RunResult]:
    document = json.loads((RUNS / f"{name}.json").read_text(encoding="utf-8"))
    return document, replay(document, load_catalog(LAB_CATALOG)).run


@pytest.fixture
def engine_plays(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Make every Engine.run() return a recorded run instead of measuring."""
    import app.engine.runner

    def play(name: str) -> dict[str, object]:
        document, run = _recorded(name)

        async def recorded_run(self: object) -> RunResult:
            return run

        monkeypatch.setattr(app.engine.runner.Engine, "run", recorded_run)
        return document

    return play


@pytest.mark.parametrize("name", ["udp_blocked", "domestic_whitelist", "tls_interception"])
def test_the_terminal_and_the_window_reach_the_same_answer(
        name: str, engine_plays, qtbot, make_window, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.cli.main import run_cli
    from app.ui import language

    recorded = engine_plays(name)
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    assert run_cli(["check", "--json", "--quiet", "--lang", "en",
                    "--catalog", str(LAB_CATALOG)]) == 0
    terminal = json.loads(out.getvalue())
    monkeypatch.setattr(sys, "stdout", sys.__stdout__)

    window = make_window(LAB_CATALOG, "en")
    window.start_check()
    wait_for_results(qtbot, window)
    assert window.record is not None
    shown = window.record.document(language.current())

    for doc in (terminal, shown):
        assert doc["network"] == recorded["network"]
        assert doc["features"] == recorded["features"]
        assert doc["code"] == recorded["code"]
    # what the window draws comes from that same diagnosis
    # (the card leads with the title sentence; its explanation is the terminal's summary)
    for feature, card in window.results.cards.items():
        assert card.explanation is not None
        assert card.explanation.headline == recorded["features"][feature]["summary"]  # type: ignore[index]
        assert card.verdict_text() == card.explanation.title


def test_the_window_takes_the_terminals_run_options(make_window, tmp_path: Path) -> None:
    """Started as `conncheck --only calls --echo-peer URL --calls-long`, the window checks
    just that: the network, calls, and the end-to-end calls against the echo peer."""
    from app.session import prepare

    options = Options(catalog=LAB_CATALOG, only=("calls",),
                      echo_peer="http://198.18.4.7:8765", calls_long=True,
                      turn=("turn:u:p@198.18.4.1:3478",))
    window = make_window(LAB_CATALOG, "en", options=options)
    assert window.catalog is not None
    features = {c.feature.value for c in window.catalog.checks}
    assert features == {"network", "calls"}
    assert window.catalog == prepare(options)
    kinds = {c.kind.value for c in window.catalog.checks}
    assert {"echo_call", "call_shapes", "turn_call"} <= kinds
    flows = [c for c in window.catalog.checks if c.kind.value == "call_flow"]
    assert flows and all(c.duration_s >= 20 for c in flows)  # --calls-long


def test_conncheck_without_a_command_opens_the_window_with_the_options(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from app.cli.main import run_cli

    monkeypatch.setenv("DISPLAY", ":99")
    opened: list[tuple[str | None, Options]] = []

    def open_window(lang: str | None, options: Options) -> int:
        opened.append((lang, options))
        return 0

    assert run_cli(["--lang", "ru", "--only", "calls,maps", "--calls-long",
                    "--echo-peer", "http://198.18.4.7:8765"], open_window=open_window) == 0
    (lang, options), = opened
    assert lang == "ru"
    assert options.only == ("calls", "maps")
    assert options.calls_long and options.echo_peer == "http://198.18.4.7:8765"
