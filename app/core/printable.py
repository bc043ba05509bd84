"""Text from outside the app (a catalog, a server's answer) made safe to show: every control
character becomes a visible escape, so a service name cannot clear the terminal, change its
title, or forge lines in a report."""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls, DEL, and the invisible direction marks that reorder what is shown.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character written as ``\\x1b`` / ``\\u202e``."""
    return _CONTROL.sub(_escape, text)


def printable_data(value: Any) -> Any:
    """The same structure (dicts, lists, tuples kept as lists) with every string, keys
    included, passed through :func:`printable`."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_data(k): printable_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable_data(v) for v in value]
    return value
