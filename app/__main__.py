"""``conncheck`` / ``python -m app``: the window with no arguments, else the command line."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from app.cli.main import run_cli

    return run_cli(args)


if __name__ == "__main__":
    sys.exit(main())
