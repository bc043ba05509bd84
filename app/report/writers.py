"""Save a report to a file, choosing the form by the file's suffix.

``.html``/``.htm`` (self-contained page), ``.pdf``, ``.txt`` (the support form, with every
check's details) and ``.json`` (the public schema-1 document). Every file is written whole
or not at all: the bytes go to a temporary file in the same folder, which then replaces the
target (``os.replace``); on any failure the temporary file is removed and the target is
untouched. Problems come back as :class:`ReportError` whose message names the file; a full
disk and a folder that refuses files get their own plain words (``reason``), anything else
the system's own description. The file is private to the user (0600), like everything else
the app writes.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path

from app.analysis.model import Diagnosis
from app.atomic import write_atomically
from app.core.run import RunResult
from app.i18n import Translator
from app.report import privacy
from app.report.content import ReportContent, build_content, for_terminal

FORMATS: tuple[str, ...] = (".html", ".htm", ".pdf", ".txt", ".json")


# Why a write failed, for words a user understands (the window picks its message by this).
DISK_FULL = "disk_full"
NO_PERMISSION = "no_permission"
OTHER = "other"
_REASONS: dict[int, str] = {
    errno.ENOSPC: DISK_FULL, getattr(errno, "EDQUOT", errno.ENOSPC): DISK_FULL,
    errno.EFBIG: DISK_FULL,
    errno.EACCES: NO_PERMISSION, errno.EPERM: NO_PERMISSION, errno.EROFS: NO_PERMISSION,
}


class ReportError(Exception):
    """A report could not be written. ``str()`` names the path and the problem, in the
    report's language, ready to show (the CLI prefixes "The report could not be saved:");
    ``reason`` is DISK_FULL, NO_PERMISSION or OTHER."""

    def __init__(self, path: Path, message: str, reason: str = OTHER) -> None:
        self.path = path
        self.reason = reason
        super().__init__(message)


def write_error(path: Path, exc: OSError, tr: Translator) -> ReportError:
    """The ReportError for an OSError met while writing ``path``."""
    reason = _REASONS.get(exc.errno or 0, OTHER)
    if reason == DISK_FULL:
        return ReportError(path, tr.format("report.error.disk_full", path=str(path)), reason)
    if reason == NO_PERMISSION:
        return ReportError(path, tr.format("report.error.no_permission", path=str(path)), reason)
    problem = exc.strerror or str(exc)
    return ReportError(path, tr.format("report.error.write", path=str(path), problem=problem))


def _html(content: ReportContent, tr: Translator) -> bytes:
    from app.report.html import render_html

    return render_html(content, tr).encode("utf-8")


def _text(content: ReportContent, tr: Translator) -> bytes:
    from app.report.text import render_support_text

    return render_support_text(content, tr).encode("utf-8")


def _pdf(content: ReportContent, tr: Translator) -> bytes:
    from app.report.pdf import render_pdf

    return render_pdf(content, tr)


_RENDERERS: dict[str, Callable[[ReportContent, Translator], bytes]] = {
    ".html": _html, ".htm": _html, ".txt": _text, ".pdf": _pdf,
}


def render(path: Path, run: RunResult, diagnosis: Diagnosis, tr: Translator, *, code: str,
           include_identifiers: bool = False, from_terminal: bool = False) -> bytes:
    """The bytes that :func:`write_report` would write to ``path``. ``from_terminal``: the
    steps name no window button ("run the check again", not "press Check again")."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        from app.report.json_report import build_document

        doc = build_document(run, diagnosis, tr, code=code or None,
                             include_identifiers=include_identifiers)
        # the checks are data (raw error texts, kind-specific facts); the rest is our wording
        doc["checks"] = privacy.scrubber(run, include_identifiers).data(doc["checks"])
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    renderer = _RENDERERS.get(suffix)
    if renderer is None:
        raise ReportError(path, tr.format("report.error.unknown_format", path=str(path),
                                          suffix=path.suffix or path.name))
    content = build_content(run, diagnosis, tr, code=code,
                            include_identifiers=include_identifiers)
    if from_terminal:
        content = for_terminal(content, tr)
    if suffix == ".pdf":
        from app.report.pdf import PdfError

        try:
            return renderer(content, tr)
        except PdfError as exc:
            raise ReportError(path, tr.format("report.error.pdf", path=str(path),
                                              problem=str(exc))) from exc
    return renderer(content, tr)


def write_report(path: Path | str, run: RunResult, diagnosis: Diagnosis, tr: Translator, *,
                 code: str, include_identifiers: bool = False,
                 from_terminal: bool = False) -> None:
    """Write the report for ``run`` to ``path`` in the form its suffix names.

    Raises :class:`ReportError` for an unknown suffix or a file that cannot be written.
    Without ``include_identifiers`` no address, name or user name of this computer is in it.
    """
    target = Path(path)
    data = render(target, run, diagnosis, tr, code=code, include_identifiers=include_identifiers,
                  from_terminal=from_terminal)
    if target.is_dir():
        raise ReportError(target, tr.format("report.error.write", path=str(target),
                                            problem=os.strerror(errno.EISDIR)))
    try:
        write_atomically(target, data, mode=0o600)
    except OSError as exc:
        raise write_error(target, exc, tr) from exc
