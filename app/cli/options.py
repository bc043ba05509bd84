"""The run options of parsed arguments, as the session takes them (``check`` or the window),
and the checks on them that must pass before anything is sent (issue 16: a report that cannot
be saved is said before the check, not after it)."""

from __future__ import annotations

import argparse
import errno
import os
from pathlib import Path

from app.i18n import Translator
from app.session import Options

NAME_MAX = 255  # bytes in one file name, where the system does not say (Linux, Windows, macOS)
PATH_MAX = 4096


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
        no_update=getattr(args, "no_update", False),
    )


def _limit(folder: Path, name: str, default: int) -> int:
    try:
        return int(os.pathconf(folder, name))
    except (OSError, ValueError, AttributeError):  # no pathconf (Windows) or no answer
        return default


def report_problem(path: Path, tr: Translator) -> str | None:
    """Why a report cannot be saved at ``path`` — said before the check starts — or None.

    Checks what can be known without writing: the form (suffix), the name's length, that the
    folder exists and takes files, that the path is not a folder. A disk that fills up
    during the check is still reported after it."""
    from app.report.writers import FORMATS

    shown = str(path)
    try:
        if path.is_dir():
            return tr.format("report.error.is_folder", path=shown)
        if path.suffix.lower() not in FORMATS:
            return tr.format("report.error.unknown_format", path=shown,
                             suffix=path.suffix or path.name)
        folder = path.parent
        if not folder.is_dir():
            return tr.format("report.error.no_folder", path=shown)
        if (len(os.fsencode(path.name)) > _limit(folder, "PC_NAME_MAX", NAME_MAX)
                or len(os.fsencode(os.path.abspath(path))) >= _limit(folder, "PC_PATH_MAX",
                                                                     PATH_MAX)):
            return tr.format("report.error.name_too_long", path=shown)
        if not os.access(folder, os.W_OK | os.X_OK):
            return tr.format("report.error.no_permission", path=shown)
    except OSError as exc:  # the system refuses the name outright
        if exc.errno == errno.ENAMETOOLONG:
            return tr.format("report.error.name_too_long", path=shown)
        return None  # anything else is met, and said, when the report is written
    return None
