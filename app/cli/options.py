"""The run options of parsed arguments, as the session takes them (``check`` or the window)."""

from __future__ import annotations

import argparse

from app.session import Options


def options_from(args: argparse.Namespace) -> Options:
    """The run options of parsed arguments (``check`` or the window)."""
    return Options(
        catalog=args.catalog,
        only=tuple(args.only) if args.only else None,
        turn=tuple(args.turn or ()),
        echo_peer=args.echo_peer,
        calls_long=args.calls_long,
        deadline_s=args.deadline,
        sequential=getattr(args, "sequential", False),
    )
