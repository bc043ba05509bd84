"""One helper for every bundled resource, from source and from a PyInstaller build."""

from __future__ import annotations

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
