"""An advisory lock between processes, so two copies of the app never interleave a
read-modify-write of the same file (the history).

The lock is held on a separate, empty lock file next to the data, because the data file
itself is replaced on every write (``os.replace``) and a lock on a replaced file locks
nothing. POSIX: ``fcntl.flock``; Windows: ``msvcrt.locking`` on the lock file's first byte.
Waiting is bounded: after ``timeout_s`` the caller gets :class:`LockTimeout` (an OSError, so
"could not save" paths handle it like any other file problem) — a stuck process elsewhere
can never hang the app. The lock file is private to the user (0600).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

DEFAULT_TIMEOUT_S = 5.0
_POLL_S = 0.01


class LockTimeout(TimeoutError):
    """Another process held the lock for longer than the caller was willing to wait."""


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


@contextlib.contextmanager
def locked(lock_path: Path, timeout_s: float = DEFAULT_TIMEOUT_S) -> Iterator[None]:
    """Hold the exclusive lock on ``lock_path`` (created 0600 if missing) for the block.

    Raises OSError if the lock file cannot be opened, :class:`LockTimeout` after
    ``timeout_s`` of waiting.
    """
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(lock_path, flags, 0o600)
    try:
        deadline = time.monotonic() + timeout_s
        while not _try_lock(fd):  # bounded by the deadline
            if time.monotonic() >= deadline:
                raise LockTimeout(f"{lock_path}: still locked by another process "
                                  f"after {timeout_s:g} s")
            time.sleep(_POLL_S)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)
