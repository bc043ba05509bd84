"""``python -m tools.screenshots DIR`` (``make screenshots``): every page in both languages,
in a light and a dark palette, as PNG files for the README and for review; and the results
of real lab runs (``lab-<scenario>-<lang>.png``).

The real results are recorded ``check --json`` documents of censorship-lab runs
(tests/golden/runs: healthy, calls blocked, only domestic sites, no internet), replayed through
today's analysis with the lab catalog and shown in the real window at the size of a maximised
window on a 1366×768 laptop (and at the window's first-run size, ``…-first.png``).
``python -m tools.screenshots --from-lab DIR`` (``make screenshots-lab``, root: the lab needs
network namespaces) runs those scenarios in the lab afresh and pictures the new runs instead.

Uses a real X server when there is one (starting Xvfb itself when DISPLAY is unset and Xvfb
is installed), else Qt's offscreen platform. The dark palette here stands in for a user's
system dark mode; the app itself always takes the platform's palette.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.session import Outcome
    from app.ui.main_window import MainWindow

XVFB_DISPLAY = ":97"
XVFB_START_S = 5.0

# Real lab runs for the README: scenario (tests/lab/test_scenarios.py) -> what it is
RUNS = Path(__file__).resolve().parents[1] / "tests" / "golden" / "runs"
LAB_SCENARIOS = {
    "healthy": "a healthy connection",
    "udp_blocked": "calls blocked (UDP dropped)",
    "domestic_whitelist": "only domestic sites (a mobile whitelist)",
    "offline": "no internet",
}
# A new user's window on a 1366×768 laptop: the size MainWindow opens at, within 90 % of the
# screen above a 40-pixel taskbar (as MainWindow bounds it by the screen it is on)
FIRST_RUN_BOUND = (round(1366 * 0.9), round((768 - 40) * 0.9))


@contextlib.contextmanager
def display() -> Iterator[str]:
    """A platform to draw on: the current X display, a fresh Xvfb, or offscreen."""
    if os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY"):
        yield os.environ.get("QT_QPA_PLATFORM") or "xcb"
        return
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        yield "offscreen"
        return
    proc = subprocess.Popen([xvfb, XVFB_DISPLAY, "-screen", "0", "1600x1200x24", "-nolisten",
                             "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        socket = Path(f"/tmp/.X11-unix/X{XVFB_DISPLAY[1:]}")
        deadline = time.monotonic() + XVFB_START_S
        while not socket.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        if proc.poll() is not None or not socket.exists():
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
            yield "offscreen"
        else:
            os.environ["DISPLAY"] = XVFB_DISPLAY
            yield "xcb"
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)
        if proc.poll() is None:
            proc.kill()


def _palettes() -> dict[str, object]:
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QStyleFactory

    fusion = QStyleFactory.create("Fusion")
    light = fusion.standardPalette()
    dark = QPalette()
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, "#202124"), (roles.WindowText, "#e8eaed"), (roles.Base, "#292a2d"),
        (roles.AlternateBase, "#303134"), (roles.Text, "#e8eaed"), (roles.Button, "#303134"),
        (roles.ButtonText, "#e8eaed"), (roles.Highlight, "#8ab4f8"),
        (roles.HighlightedText, "#202124"), (roles.Mid, "#5f6368"), (roles.Dark, "#151515"),
        (roles.Light, "#3c4043"), (roles.ToolTipBase, "#303134"), (roles.ToolTipText, "#e8eaed"),
        (roles.PlaceholderText, "#9aa0a6"), (roles.Link, "#8ab4f8"),
    ):
        dark.setColor(role, QColor(colour))
    return {"light": light, "dark": dark}


def make_screenshots(out: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from app.catalog import load_catalog
    from app.paths import default_catalog_path
    from app.ui.app import application, create_window
    from app.ui.selftest_pages import image_problem, render_pages
    from app.ui.settings import Settings

    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CONNCHECK_CONFIG_DIR", tempfile.mkdtemp(prefix="conncheck-shots-"))
    app = application()
    app.setStyle("Fusion")  # the same look on every machine that makes the pictures
    catalog = load_catalog(default_catalog_path())
    written: list[Path] = []
    for theme, palette in _palettes().items():
        QApplication.setPalette(palette)  # type: ignore[arg-type]
        window = create_window("ru", settings=Settings(notice_seen=True))
        window.resize(880, 760)
        window.show()
        for lang in ("ru", "en"):
            window.set_language(lang)
            for page, image in render_pages(window, catalog).items():
                problem = image_problem(image)
                if problem is not None:
                    raise RuntimeError(f"{page} {lang} {theme}: {problem}")
                path = out / f"{page}-{lang}-{theme}.png"
                image.save(str(path))
                written.append(path)
        window.close()
    return written


def lab_outcomes(runs: Path = RUNS, catalog_file: Path | None = None) -> dict[str, Outcome]:
    """Each recorded lab run (``runs/<scenario>.json``) replayed with the lab catalog."""
    from app.catalog import load_catalog
    from app.session import replay

    catalog = load_catalog(catalog_file or runs / "lab-catalog.toml")
    outcomes: dict[str, Outcome] = {}
    for name in LAB_SCENARIOS:
        document = json.loads((runs / f"{name}.json").read_text(encoding="utf-8"))
        outcomes[name] = replay(document, catalog)
    return outcomes


def show_outcome(window: MainWindow, outcome: Outcome) -> None:
    """The window as it is when a check has just finished with ``outcome`` (what
    MainWindow._on_finished shows, without remembering the run in the history)."""
    from app.ui.models.checks_model import rows_for

    window.record = outcome
    window.results.show_record(outcome)
    window.details.set_rows(rows_for(outcome.run.observations, outcome.catalog))
    window.stack.setCurrentWidget(window.results)


def scroll_needed(window: MainWindow) -> bool:
    """Whether the results page has anything below the fold."""
    return window.results.area.verticalScrollBar().maximum() > 0


def lab_shots(out: Path, outcomes: dict[str, Outcome] | None = None,
              langs: tuple[str, ...] = ("ru", "en")) -> tuple[list[Path], list[str]]:
    """The results of real lab runs in the real window, in the app's light palette: at a
    maximised 1366×768 laptop window (``lab-<scenario>-<lang>.png``) and at the first-run size
    (``lab-<scenario>-<lang>-first.png``). Returns the files and a note for every picture
    whose answer needs scrolling."""
    import shiboken6
    from PySide6.QtCore import QSize

    from app.ui import style
    from app.ui.app import application, create_window
    from app.ui.selftest_pages import LAPTOP, image_problem
    from app.ui.selftest_pages import _grab_image as grab
    from app.ui.settings import Settings

    outcomes = lab_outcomes() if outcomes is None else outcomes
    out.mkdir(parents=True, exist_ok=True)
    app = application()
    saved_font = app.font()
    written: list[Path] = []
    notes: list[str] = []
    try:
        style.apply(app, dark=False)
        window = create_window("ru", settings=Settings(notice_seen=True))
        style.apply(app, dark=False)
        first = window.size().boundedTo(QSize(*FIRST_RUN_BOUND))
        window.show()
        for lang in langs:
            window.set_language(lang)
            for size, suffix in ((QSize(*LAPTOP), ""), (first, "-first")):
                window.resize(size)
                for name, outcome in outcomes.items():
                    show_outcome(window, outcome)
                    image = grab(window)
                    problem = image_problem(image)
                    if problem is not None:
                        raise RuntimeError(f"lab {name} {lang}: {problem}")
                    if scroll_needed(window):
                        notes.append(f"lab-{name}-{lang}{suffix} ({size.width()}×"
                                     f"{size.height()}): the answer needs scrolling")
                    path = out / f"lab-{name}-{lang}{suffix}.png"
                    image.save(str(path))
                    written.append(path)
        window.close()
        shiboken6.delete(window)
    finally:
        app.setFont(saved_font)
    return written, notes


def record_lab_runs(workdir: Path) -> Path:
    """Run every LAB_SCENARIOS scenario in a fresh lab (root) and keep each ``check --json``
    document as ``workdir/<scenario>.json``, in the layout of tests/golden/runs; returns the
    lab catalog they ran with."""
    from tests.lab.harness import run_scenario
    from tests.lab.test_scenarios import BY_NAME

    catalog: Path | None = None
    for name in LAB_SCENARIOS:
        result = run_scenario(BY_NAME[name], workdir / name)
        if result.report is None:
            raise RuntimeError(f"lab scenario {name}: {result.error or result.stderr[-500:]}")
        text = json.dumps(result.report, ensure_ascii=False, indent=1)
        (workdir / f"{name}.json").write_text(text, encoding="utf-8")
        catalog = catalog or workdir / name / "lab.toml"
        print(f"recorded {name}: {workdir / name}.json")
    assert catalog is not None
    return catalog


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from_lab = "--from-lab" in args
    args = [a for a in args if a != "--from-lab"]
    out = Path(args[0] if args else "docs/screenshots")
    outcomes = None
    if from_lab:
        if os.geteuid() != 0:
            print("--from-lab runs the censorship lab: run it as root (docs/lab.md)",
                  file=sys.stderr)
            return 2
        workdir = Path(tempfile.mkdtemp(prefix="conncheck-lab-shots-"))
        outcomes = lab_outcomes(workdir, record_lab_runs(workdir))
    with display() as platform:
        written = [] if from_lab else make_screenshots(out)
        lab_written, notes = lab_shots(out, outcomes)
    for note in notes:
        print(f"note: {note}")
    print(f"{len(written) + len(lab_written)} screenshots in {out} (platform: {platform})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
