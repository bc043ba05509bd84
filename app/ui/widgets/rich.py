"""Plain texts from the knowledge base turned into simple, escaped rich text for QLabels."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from app.knowledge.workarounds import Workaround


def paragraph(text: str) -> str:
    return f"<p>{escape(text)}</p>" if text.strip() else ""


def bullets(lines: Sequence[str]) -> str:
    if not lines:
        return ""
    return "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"


def workarounds(items: Sequence[Workaround], heading: str) -> str:
    """Numbered workarounds, each with its numbered steps."""
    if not items:
        return ""
    parts = [f"<p><b>{escape(heading)}</b></p>"]
    for number, item in enumerate(items, 1):
        parts.append(f"<p><b>{number}. {escape(item.title)}</b></p>")
        if item.steps:
            parts.append("<ol>" + "".join(f"<li>{escape(s)}</li>" for s in item.steps) + "</ol>")
    return "".join(parts)


def plain_workarounds(items: Sequence[Workaround]) -> str:
    """The same as text, for screen readers' descriptions and the clipboard; steps are
    numbered «1.» as everywhere else (the window, the reports, the terminal)."""
    lines: list[str] = []
    for number, item in enumerate(items, 1):
        lines.append(f"{number}. {item.title}")
        lines += [f"   {n}. {step}" for n, step in enumerate(item.steps, 1)]
    return "\n".join(lines)
