"""What the results page's support buttons do: Copy report, Save report…, Show code.

Kept apart and small so the report writers (app/report/) can be wired in one place. Each
function degrades gracefully: if a writer is not there yet, a simpler one that is (the
terminal's text, the JSON document) takes its place, and a failure comes back as a message
for the window, never as an exception.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from app.analysis.model import Diagnosis
from app.core.catalog import Catalog
from app.core.run import RunResult
from app.i18n import Translator

# Formats offered by Save report…, best first: (extension, ui key of its name).
SAVE_FORMATS: tuple[tuple[str, str], ...] = (
    ("html", "ui.save.format.html"),
    ("pdf", "ui.save.format.pdf"),
    ("txt", "ui.save.format.txt"),
    ("json", "ui.save.format.json"),
)


@dataclass(frozen=True)
class RunRecord:
    """Everything a report needs about one finished run."""

    run: RunResult
    diagnosis: Diagnosis
    catalog: Catalog


def check_code(diagnosis: Diagnosis) -> str | None:
    """The grouped check code (``7KQ2-9XJ4-M1R…``), or None when the encoder is unavailable."""
    try:
        from app.report.code import encode
    except ImportError:
        return None
    try:
        return encode(diagnosis)
    except Exception:  # an encoder bug must not take the results page down
        return None


def report_text(record: RunRecord, tr: Translator) -> str:
    """The plain-text report for the clipboard (what a helper reads in a chat message)."""
    code = check_code(record.diagnosis)
    try:
        from app.report.text import text_report
    except ImportError:
        pass
    else:
        return text_report(record.run, record.diagnosis, tr, code=code or "")
    try:  # before app/report/text.py existed: the terminal's wording
        from app.cli.render import human
    except ImportError:
        return json.dumps(_json(record, tr, code), ensure_ascii=False, indent=2)
    return human(record.run, record.diagnosis, tr, code)


def save_filters(tr: Translator) -> str:
    return ";;".join(f"{tr.gettext(key)} (*.{ext})" for ext, key in SAVE_FORMATS)


def default_file_name(record: RunRecord) -> str:
    return f"connection-check-{record.run.started_at:%Y-%m-%d-%H%M}.html"


class SaveProblem(str):
    """The one-line problem of a failed save, knowing which plain message the window shows
    ("the disk is full", "this folder does not allow it", or the general one)."""

    message_key = "ui.error.save"


_SAVE_MESSAGES = {"disk_full": "ui.error.save.disk_full",
                  "no_permission": "ui.error.save.no_permission"}


def save_message_key(problem: str) -> str:
    """The ui.* message for a problem that :func:`save_report` returned."""
    return problem.message_key if isinstance(problem, SaveProblem) else SaveProblem.message_key


def save_report(path: Path, record: RunRecord, tr: Translator) -> str | None:
    """Write the report; returns None on success, else a one-line problem for the window."""
    code = check_code(record.diagnosis) or ""
    try:
        from app.report.writers import ReportError, write_report
    except ImportError:
        return _save_fallback(path, record, tr, code)
    try:
        write_report(path, record.run, record.diagnosis, tr, code=code,
                     include_identifiers=False)
    except ReportError as exc:
        problem = SaveProblem(str(exc))
        problem.message_key = _SAVE_MESSAGES.get(exc.reason, SaveProblem.message_key)
        return problem
    except OSError as exc:
        return f"{path}: {exc.strerror or exc}"
    return None


def _json(record: RunRecord, tr: Translator, code: str | None) -> dict[str, object]:
    from app.report.json_report import build_document

    return build_document(record.run, record.diagnosis, tr, code=code,
                          include_identifiers=False)


def _save_fallback(path: Path, record: RunRecord, tr: Translator, code: str) -> str | None:
    """Before app/report/writers exists: JSON for .json, the text report for anything else."""
    try:
        if path.suffix.lower() == ".json":
            text = json.dumps(_json(record, tr, code or None), ensure_ascii=False, indent=2)
        else:
            text = report_text(record, tr)
            if path.suffix.lower() not in (".txt", ""):
                path = path.with_suffix(".txt")
        path.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        return f"{path}: {exc.strerror or exc}"
    return None



def remember_run(record: RunRecord, tr: Translator) -> str:
    """Keep the run in the local history; what changed since the previous run, or ""."""
    from app.report.changes_text import remember

    return remember(record.diagnosis, check_code(record.diagnosis) or "", tr)
