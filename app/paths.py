"""One helper for every bundled resource, from source and from a PyInstaller build."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    """The ``resources/`` folder: next to ``app/`` in a checkout, under ``_MEIPASS`` when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


class MissingResource(FileNotFoundError):
    """A file the app ships with is missing: a damaged install (the fix is to reinstall)."""


def resource(*parts: str) -> Path:
    """Path of a bundled resource. Raises MissingResource (a FileNotFoundError), naming it,
    when it is missing."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise MissingResource(f"bundled resource missing: {path}")
    return path


def default_catalog_path() -> Path:
    return resource("catalog", "default.toml")


def private_folder(path: Path) -> Path:
    """Make ``path`` and every missing folder above it ``0700``, whatever the umask (a plain
    ``mkdir(parents=True)`` gives the parents the umask's mode: 0777 under ``umask 000``).
    Folders that already existed are left alone, except ``path`` itself, which loses any
    group or other bits. On Windows the modes mean nothing (docs/security.md §6)."""
    missing = []
    folder = path
    while not folder.exists() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made by someone else meanwhile
            folder.mkdir(mode=0o700)
            if sys.platform != "win32":
                os.chmod(folder, 0o700)
    if sys.platform != "win32" and path.stat().st_mode & 0o077:
        os.chmod(path, 0o700)
    return path
