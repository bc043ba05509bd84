"""What the results page's support buttons do: Copy report, Save report…, Show code.

Kept apart and small so the report writers (app/report/) are wired in one place. A failure
comes back as a :class:`SaveProblem` for the window to word, never as an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.i18n import Translator
from app.report.changes_text import since_last_time
from app.report.text import text_report
from app.report.writers import ReportError, write_report
from app.session import Outcome, remember

# Formats offered by Save report…, best first: (extension, ui key of its name).
SAVE_FORMATS: tuple[tuple[str, str], ...] = (
    ("html", "ui.save.format.html"),
    ("pdf", "ui.save.format.pdf"),
    ("txt", "ui.save.format.txt"),
    ("json", "ui.save.format.json"),
)


@dataclass(frozen=True)
class SaveProblem:
    """Why a report was not saved: the plain message the window shows ("the disk is full",
    "this folder does not allow it", or the general one) and the one-line detail."""

    message_key: str
    detail: str


_SAVE_MESSAGES = {"disk_full": "ui.error.save.disk_full",
                  "no_permission": "ui.error.save.no_permission"}


def report_text(outcome: Outcome, tr: Translator) -> str:
    """The plain-text report for the clipboard (what a helper reads in a chat message)."""
    return text_report(outcome.run, outcome.diagnosis, tr, code=outcome.code or "")


def save_filters(tr: Translator) -> str:
    return ";;".join(f"{tr.gettext(key)} (*.{ext})" for ext, key in SAVE_FORMATS)


def default_file_name(outcome: Outcome) -> str:
    return f"connection-check-{outcome.run.started_at:%Y-%m-%d-%H%M}.html"


def save_report(path: Path, outcome: Outcome, tr: Translator) -> SaveProblem | None:
    """Write the report; None on success."""
    try:
        write_report(path, outcome.run, outcome.diagnosis, tr, code=outcome.code or "",
                     include_identifiers=False)
    except ReportError as exc:
        return SaveProblem(_SAVE_MESSAGES.get(exc.reason, "ui.error.save"), str(exc))
    except OSError as exc:
        return SaveProblem("ui.error.save", f"{path}: {exc.strerror or exc}")
    return None


def remember_run(outcome: Outcome, tr: Translator) -> str:
    """Keep the run in the local history; what changed since the previous run, or ""."""
    return since_last_time(remember(outcome), tr)
