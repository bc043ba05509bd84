"""Argument parsing and dispatch. Exit codes (app/core/exit_codes.py): 0 ran (whatever it
found), 1 an error in the app itself (written to the crash log, app/crashlog.py), 2 usage or
catalog error or a report that could not be saved, 3 the app's own files are missing (a damaged
install), 130 interrupted by the user. A traceback reaches the terminal only with
``CONNCHECK_DEBUG=1``.

The window is not imported here: ``app/__main__.py`` hands ``run_cli`` the functions that open
it (and the self-test), so the terminal and the window stay independent of each other."""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__, crashlog
from app.core import exit_codes
from app.core.model import USER_FEATURES
from app.paths import MissingResource

if TYPE_CHECKING:  # loaded when a run is asked for: the window's first paint does not wait
    from app.session import Options

MAX_DEADLINE_S = 3600

# (language, options) -> exit code: opens the window; (language) -> exit code: the self-test.
OpenWindow = Callable[[str | None, "Options"], int]
SelfTest = Callable[[str | None], int]


class _Parser(argparse.ArgumentParser):
    """Usage errors: the usage, one line, and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(exit_codes.USAGE)


def _features(text: str) -> list[str]:
    names = [p.strip() for p in text.split(",") if p.strip()]
    allowed = [f.value for f in USER_FEATURES]
    bad = [n for n in names if n not in allowed]
    if bad or not names:
        raise argparse.ArgumentTypeError(
            f"--only takes a comma-separated list of {', '.join(allowed)}; got {text!r}"
        )
    return names


def _deadline(text: str) -> float:
    """``--deadline``: seconds, a finite number above 0 and at most an hour."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_DEADLINE_S):
        raise argparse.ArgumentTypeError(
            f"--deadline takes seconds, above 0 and at most {MAX_DEADLINE_S}; got {text!r}")
    return value


def _lang(text: str) -> str:
    if text not in ("ru", "en"):
        raise argparse.ArgumentTypeError(f"--lang must be ru or en, got {text!r}")
    return text


def _run_options() -> _Parser:
    """What to check: the same options for ``conncheck check`` and for the window."""
    run = _Parser(add_help=False)
    run.add_argument("--catalog", type=Path, help="use this catalog instead of the default")
    run.add_argument("--only", type=_features, help="comma-separated: calls,messages,maps")
    run.add_argument("--deadline", type=_deadline,
                     help="overall time limit in seconds (above 0, at most 3600)")
    run.add_argument("--turn", action="append", metavar="turn:USER:PASS@HOST:PORT",
                     help="also make a real test call through this TURN server (repeatable)")
    run.add_argument("--echo-peer", metavar="URL",
                     help="also make an end-to-end test call to a `conncheck echo-peer`")
    run.add_argument("--calls-long", action="store_true",
                     help="let the call tests run longer (about 20 s instead of 6 s)")
    return run


def build_parser() -> argparse.ArgumentParser:
    run_options = _run_options()
    parser = _Parser(prog="conncheck", description="Connection Check / Проверка связи",
                     parents=[run_options],
                     epilog="Without a command: the window where there is a display (with the "
                            "options above), else `check`.")
    parser.add_argument("--version", action="version", version=f"conncheck {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="start the window offscreen, render every page, exit 0 if all is well")
    parser.add_argument("--lang", type=_lang, help="language: ru or en (default: the system's)")
    parser.add_argument("--no-update", action="store_true",
                        help="the window: do not update the list of services this time, even "
                             "if you agreed to (`conncheck check` never updates it; "
                             "`conncheck update` does, once)")
    sub = parser.add_subparsers(dest="command")

    check = sub.add_parser("check", help="check calls, messages and maps on this network",
                           parents=[run_options])
    check.add_argument("--json", action="store_true", help="print one JSON document")
    check.add_argument("--lang", type=_lang, dest="sub_lang", help="ru or en")
    check.add_argument("--report", type=Path, help="also write a report (.html .pdf .json .txt)")
    check.add_argument("--include-identifiers", action="store_true",
                       help="include IP addresses and the computer's name in the output")
    check.add_argument("--quiet", action="store_true", help="no progress lines")
    check.add_argument("--sequential", action="store_true",
                       help="run the checks one after another (for benchmarks; much slower)")

    decode = sub.add_parser("decode", help="explain a check code read out by a user")
    decode.add_argument("code", nargs="+", help="the code, e.g. 0431-4106-4333-9134-8576-0186")
    decode.add_argument("--lang", type=_lang, dest="sub_lang", help="ru or en")

    history = sub.add_parser("history", help="list earlier checks on this computer")
    history.add_argument("--lang", type=_lang, dest="sub_lang", help="ru or en")
    history.add_argument("--json", action="store_true")

    update = sub.add_parser("update", help="fetch a newer signed list of services now "
                                           "(contacts only the update sources it names)")
    update.add_argument("--catalog", type=Path,
                        help="take the update sources (and extra CA) from this catalog")
    update.add_argument("--lang", type=_lang, dest="sub_lang", help="ru or en")

    from app.cli import echo_peer

    echo_peer.add_parser(sub)
    return parser


def _has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM"))


def run_cli(argv: list[str], *, open_window: OpenWindow | None = None,
            self_test: SelfTest | None = None) -> int:
    """Parse ``argv`` and do it. Without a command, ``open_window`` (when given and there is a
    display) opens the window; otherwise the check runs in the terminal."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    lang = getattr(args, "sub_lang", None) or args.lang
    crashlog.setup_logging()
    if args.self_test:
        if self_test is None:
            print("conncheck: the self-test needs the window, which is not part of this "
                  "command.", file=sys.stderr)
            return exit_codes.USAGE
        return self_test(lang)
    return _guarded(lambda: _start(args, argv, lang, parser, open_window), lang)


def _start(args: argparse.Namespace, argv: list[str], lang: str | None,
           parser: argparse.ArgumentParser, open_window: OpenWindow | None) -> int:
    if args.command is None:
        if open_window is not None and _has_display():
            from app.cli.options import options_from

            try:
                return open_window(lang, options_from(args))
            except ImportError as exc:  # the window is not there: still give an answer
                print(f"conncheck: the window cannot start ({exc}); checking in the "
                      "terminal.", file=sys.stderr)
        args = parser.parse_args(["check", *argv])
    return _dispatch(args, lang, parser)


def _guarded(start: Callable[[], int], lang: str | None) -> int:
    """Run ``start``; whatever goes wrong becomes a plain message and an exit code."""
    try:
        return start()
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return exit_codes.INTERRUPTED
    except BrokenPipeError:  # the reader went away (`conncheck … | head`): not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return exit_codes.OK
    except MissingResource as exc:  # a damaged install: say so, and how to fix it
        if os.environ.get("CONNCHECK_DEBUG"):
            raise
        print(crashlog.missing_files_message(str(exc), lang), file=sys.stderr)
        return exit_codes.BROKEN_INSTALL
    except Exception:  # a bug of ours: a plain line and the log; the traceback only on request
        if os.environ.get("CONNCHECK_DEBUG"):
            raise
        log = crashlog.record("command line", sys.exc_info())  # type: ignore[arg-type]
        print(crashlog.internal_error_message(log, lang), file=sys.stderr)
        return exit_codes.INTERNAL


def _dispatch(args: argparse.Namespace, lang: str | None, parser: argparse.ArgumentParser) -> int:
    from app.cli import commands

    if args.command == "check":
        return commands.check(args, lang)
    if args.command == "decode":
        return commands.decode(args, lang)
    if args.command == "history":
        return commands.history(args, lang)
    if args.command == "update":
        return commands.update(args, lang)
    if args.command == "echo-peer":
        from app.cli import echo_peer

        return echo_peer.run(args)
    parser.print_help()
    return exit_codes.USAGE
