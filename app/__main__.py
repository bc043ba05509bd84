"""``conncheck`` / ``python -m app``: the window with no command, else the command line.

The one place that knows both front ends: the command line (app/cli) parses and runs checks
in the terminal; the window (app/ui) is opened through the functions handed to it here."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the session (engine, analysis) loads after the window is drawn
    from app.session import Options


def open_window(lang: str | None, options: Options) -> int:
    from app.ui.app import run_gui

    return run_gui(lang, options)


def self_test(lang: str | None) -> int:
    from app.ui.selftest import run_self_test

    return run_self_test(lang)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from app.cli.main import run_cli

    return run_cli(args, open_window=open_window, self_test=self_test)


if __name__ == "__main__":
    sys.exit(main())
