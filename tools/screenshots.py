"""``python -m tools.screenshots DIR`` (``make screenshots``): every page in both languages,
in a light and a dark palette, as PNG files for the README and for review.

Uses a real X server when there is one (starting Xvfb itself when DISPLAY is unset and Xvfb
is installed), else Qt's offscreen platform. The dark palette here stands in for a user's
system dark mode; the app itself always takes the platform's palette.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

XVFB_DISPLAY = ":97"
XVFB_START_S = 5.0


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


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs/screenshots")
    with display() as platform:
        written = make_screenshots(out)
    print(f"{len(written)} screenshots in {out} (platform: {platform})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
