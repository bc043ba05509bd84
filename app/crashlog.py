"""The crash log: unexpected errors (bugs of ours) written where support can ask for them.

Where: ``platformdirs.user_log_dir("conncheck")`` (``~/.local/state/conncheck/log`` on Linux,
``~/Library/Logs/conncheck`` on macOS, ``%LOCALAPPDATA%\\conncheck\\Logs`` on Windows), or
``$CONNCHECK_LOG_DIR`` when set (tests, portable use). ``crash.log`` is rotated at
``MAX_BYTES`` with ``BACKUPS`` older files kept, so it never grows past about 1 MB. The
folder is private to the user (0700), every file too (0600).

No personal data: before anything is written, :func:`scrub` replaces the home folder's path
with ``~``, the user's login name with ``<user>``, the computer's name with ``<host>`` and
every IPv4/IPv6 address with ``<address>`` (loopback addresses such as 127.0.0.1 identify
nobody and stay). Only the exception, its traceback and the app's version are logged —
never a check's results.

Writing never raises: a log that cannot be written must not turn one error into two.
No Qt here; the window (app/ui/app.py) and the CLI (app/cli/main.py) both call :func:`record`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import ipaddress
import logging
import logging.handlers
import os
import platform
import re
import socket
import traceback
from pathlib import Path
from types import TracebackType

from app.paths import private_folder

APP_NAME = "conncheck"
ENV_LOG_DIR = "CONNCHECK_LOG_DIR"
FILE_NAME = "crash.log"
MAX_BYTES = 256 * 1024
BACKUPS = 3
_MIN_NAME = 3  # shorter user or host names would scrub ordinary words

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def log_dir() -> Path:
    """Where the crash log lives: ``$CONNCHECK_LOG_DIR`` or the platform's log folder."""
    override = os.environ.get(ENV_LOG_DIR)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def log_file() -> Path:
    return log_dir() / FILE_NAME


# ── scrubbing ──────────────────────────────────────────────────────────────────────────────

# Candidates only; each is confirmed with ipaddress before it is replaced. IPv6 needs at
# least two colons (so "18:04" and "line 12" are never touched), IPv4 four dotted numbers.
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)")
_IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
                   r"(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?(?:%[\w-]+)?(?![\w:]|\.\d)")


def _address(match: re.Match[str]) -> str:
    text = match.group(0)
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return text
    return text if address.is_loopback else "<address>"


def _names() -> tuple[list[str], list[str]]:
    """(user names, host names) of this computer, longest first."""
    users: set[str] = set()
    with contextlib.suppress(Exception):
        users.add(getpass.getuser())
    for var in ("USER", "USERNAME", "LOGNAME"):
        if os.environ.get(var):
            users.add(os.environ[var])
    users.add(Path.home().name)
    hosts: set[str] = set()
    with contextlib.suppress(OSError):
        hosts.add(socket.gethostname())
    with contextlib.suppress(Exception):
        hosts.add(platform.node())
    hosts |= {h.split(".", 1)[0] for h in hosts}
    ordinary = {"root", "user", "admin", "localhost", "home"}  # say nothing about anyone

    def keep(names: set[str]) -> list[str]:
        return sorted((n for n in names if len(n) >= _MIN_NAME and n.lower() not in ordinary),
                      key=len, reverse=True)

    return keep(users), keep(hosts)


def scrub(text: str) -> str:
    """``text`` with the home folder, user name, computer name and IP addresses replaced."""
    homes = {str(Path.home()), os.path.expanduser("~")}
    for home in sorted(homes, key=len, reverse=True):
        if len(home) > 1:  # "/" as home would turn every path into "~"
            text = text.replace(home, "~")
    users, hosts = _names()
    for host in hosts:
        text = re.sub(rf"(?<![^\W_]){re.escape(host)}(?![^\W_])", "<host>", text,
                      flags=re.IGNORECASE)
    for user in users:
        text = re.sub(rf"(?<![^\W_]){re.escape(user)}(?![^\W_])", "<user>", text,
                      flags=re.IGNORECASE)
    text = _IPV6.sub(_address, text)
    return _IPV4.sub(_address, text)


# ── writing ────────────────────────────────────────────────────────────────────────────────


class _PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
    """RotatingFileHandler whose files are created 0600 (each new file after a rollover too),
    and which remembers a failure instead of printing "--- Logging error ---" on stderr."""

    failed = False

    def handleError(self, record: logging.LogRecord) -> None:
        self.failed = True

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.chmod(self.baseFilename, 0o600)  # a file made earlier by another umask
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def _describe(where: str, exc_info: ExcInfo | None, message: str) -> str:
    from app import __version__

    lines = [f"{where}: {message}".rstrip(": ") if message else where,
             f"conncheck {__version__}, Python {platform.python_version()}, "
             f"{platform.system()} {platform.release()}, {platform.machine()}"]
    if exc_info is not None:
        lines.append("".join(traceback.format_exception(*exc_info)).rstrip())
    return "\n".join(lines)


def _write(entry: str) -> Path | None:
    """Append one entry (already scrubbed) to the crash log; its path, or None."""
    try:
        folder = private_folder(log_dir())
        path = folder / FILE_NAME
        handler = _PrivateRotatingHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                          encoding="utf-8", delay=True)
        try:
            handler.setFormatter(logging.Formatter("%(message)s"))
            stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
            handler.handle(logging.makeLogRecord({"msg": f"── {stamp} ──\n{entry}\n",
                                                  "levelno": logging.ERROR,
                                                  "levelname": "ERROR"}))
            if handler.failed:
                return None
        finally:
            handler.close()  # never keep the file open: nothing is left behind at exit
        return path if path.exists() else None
    except Exception:  # never let the log turn one error into two
        return None


def record(where: str, exc_info: ExcInfo | None = None, message: str = "") -> Path | None:
    """Append one scrubbed entry to the crash log; its path, or None if it could not be written.

    ``where``: the part of the app ("window", "command line"); ``exc_info``: the error as
    ``sys.exc_info()`` gives it.
    """
    try:
        return _write(scrub(_describe(where, exc_info, message)))
    except Exception:
        return None


class LogHandler(logging.Handler):
    """Where ``logging`` of the app's modules goes (set up by app/session.py): each record
    becomes one scrubbed crash-log entry, named after the module that logged it."""

    def emit(self, log_record: logging.LogRecord) -> None:
        exc = log_record.exc_info
        try:
            message = f"{log_record.levelname}: {log_record.getMessage()}"
        except Exception:  # a bad format string in a log call: keep the raw text
            message = f"{log_record.levelname}: {log_record.msg!r}"
        record(log_record.name, exc if exc and exc[0] else None, message)  # type: ignore[arg-type]


def setup_logging() -> None:
    """Warnings and errors that the app's modules log go to the crash log (``LogHandler``).
    Idempotent; the front ends call it once at start."""
    logger = logging.getLogger("app")
    if any(isinstance(h, LogHandler) for h in logger.handlers):
        return
    handler = LogHandler(level=logging.WARNING)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


# ── what to tell the user ─────────────────────────────────────────────────────────────────

# When the translations themselves are what is missing, there is nothing to translate with.
_MISSING_FILES_BOTH = (
    "Некоторые файлы приложения пропали или повреждены ({problem}). Переустановите приложение.\n"
    "Some of the app's own files are missing or damaged ({problem}). Please reinstall the app."
)


def _translated(lang: str | None, key: str, **fields: object) -> str | None:
    try:
        from app.i18n import system_language, translator

        tr = translator(lang or system_language())
    except Exception:  # a missing or broken translation file
        return None
    if not tr.has(key) and tr.gettext(key) == key:
        return None
    return tr.format(key, **fields)


def missing_files_message(problem: str, lang: str | None) -> str:
    """"Some of the app's files are missing … reinstall", in the user's language if it can be."""
    scrubbed = scrub(problem)
    return (_translated(lang, "report.crash.missing_files", problem=scrubbed)
            or _MISSING_FILES_BOTH.format(problem=scrubbed))


def internal_error_message(log: Path | None, lang: str | None) -> str:
    """The terminal's plain line after a bug of ours, naming the log file when there is one."""
    if log is not None:
        text = _translated(lang, "report.crash.internal_error", path=str(log))
        return text or (f"Something went wrong in the app itself, not with your network. "
                        f"A record of the error was saved in {log}.")
    return (_translated(lang, "report.crash.internal_error_no_log")
            or "Something went wrong in the app itself, not with your network. Please try again.")
