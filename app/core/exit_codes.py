"""Exit codes of ``conncheck``, the same for the terminal and the window (docs/support.md)."""

from __future__ import annotations

from typing import Final

OK: Final = 0  # ran, whatever it found
INTERNAL: Final = 1  # a bug of ours (written to the crash log)
USAGE: Final = 2  # a usage or catalog error, or a report that could not be saved
BROKEN_INSTALL: Final = 3  # the app's own files are missing: reinstall
INTERRUPTED: Final = 130  # stopped by the user (Ctrl+C)
