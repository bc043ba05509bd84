"""Plain-text reports: one to paste into any messenger, one with every check for support.

Why no hard line wrapping: messengers and mail programs wrap lines themselves, and a line
broken at 78 characters looks ragged on a phone. Why no addresses in the shared form: it is
meant to be pasted into group chats; server addresses are in the support form only.
"""

from __future__ import annotations

from app.analysis.model import Diagnosis
from app.core.run import RunResult
from app.i18n import Translator
from app.knowledge.names import term
from app.report.content import CheckRow, ReportContent, Section, build_content


def _section(section: Section, tr: Translator) -> list[str]:
    lines = [section.title or f"{section.name} — {section.verdict}", section.headline]
    lines += [f"• {line}" for line in section.service_lines]
    if section.workarounds:
        lines.append(f"{term('what_you_can_do', tr)}:")
        for n, workaround in enumerate(section.workarounds, 1):
            lines.append(f"{n}. {workaround.title}")  # numbered like the window's steps
            lines += [f"   {k}. {step}" for k, step in enumerate(workaround.steps, 1)]
    return lines


def _footer(content: ReportContent, tr: Translator) -> list[str]:
    lines = [tr.format("report.app_version", version=content.app_version),
             tr.format("report.system", system=content.system)]
    if content.catalog:
        lines.append(tr.format("report.catalog", version=content.catalog))
    return lines


def render_text(content: ReportContent, tr: Translator) -> str:
    """The shared form: verdicts, headlines, what to do, the code. No addresses at all."""
    out = [content.title, tr.format("report.checked_at", date=content.checked_at)]
    if content.code:
        out.append(tr.format("report.code_line", code=content.code))
    if content.partial:
        out += ["", content.partial]
    for section in content.sections:
        out += ["", *_section(section, tr)]
    out.append("")
    if content.code:
        out += [tr.format("report.code_line", code=content.code), tr.gettext("report.code_hint")]
    out += [*_footer(content, tr), content.privacy_note]
    if content.identifiers:
        out += ["", tr.gettext("report.identifiers.title"), *content.identifiers]
    return "\n".join(out) + "\n"


def _check(row: CheckRow, tr: Translator) -> list[str]:
    result = tr.gettext("report.ok" if row.ok else "report.failed")
    if row.failure:
        result += f": {row.failure}"
    facts = [f"{tr.gettext('report.col.phase')} {row.phase}",
             tr.format("report.duration", ms=row.duration_ms)]
    if row.timings:
        facts.append(row.timings)
    facts.append(f"{tr.gettext('report.col.bytes')}: {row.bytes_received}")
    lines = [f"[{row.id}] {row.service} · {row.feature} · {row.kind} · {row.target}",
             f"  {result} ({'; '.join(facts)})"]
    lines += [f"  {note}" for note in row.notes]
    return lines


def render_support_text(content: ReportContent, tr: Translator) -> str:
    """The shared form followed by every check's technical details."""
    out = [render_text(content, tr).rstrip("\n"), "", "=" * 40,
           tr.gettext("report.support.title"), tr.gettext("report.support.intro")]
    details = [(s.name, line) for s in content.sections for line in s.details]
    if details:
        out += ["", f"{tr.gettext('report.support.causes')}:"]
        out += [f"• {name}: {line}" for name, line in details]
    for row in content.checks:
        out += ["", *_check(row, tr)]
    return "\n".join(out) + "\n"


def text_report(run: RunResult, diagnosis: Diagnosis, tr: Translator, *, code: str,
                include_identifiers: bool = False) -> str:
    """The report to paste into a messenger (Copy report)."""
    content = build_content(run, diagnosis, tr, code=code,
                            include_identifiers=include_identifiers)
    return render_text(content, tr)


def support_text_report(run: RunResult, diagnosis: Diagnosis, tr: Translator, *, code: str,
                        include_identifiers: bool = False) -> str:
    """The report for support staff (Save report as .txt): with every check's details."""
    content = build_content(run, diagnosis, tr, code=code,
                            include_identifiers=include_identifiers)
    return render_support_text(content, tr)
