"""A self-contained HTML report: one file, inline CSS, no scripts, no external resources.

Why this shape: the file is sent by mail or messenger and opened on whatever the helper has,
often a phone — so a viewport tag and a single-column layout that needs no JavaScript. Every
text is escaped with :func:`html.escape`, because service names, error texts and catalog
labels are data, not markup. The same markup (``for_pdf=True``: no media queries, simpler
CSS that Qt's rich-text engine understands) is what :mod:`app.report.pdf` prints.
"""

from __future__ import annotations

from html import escape

from app.analysis.model import Diagnosis
from app.core.run import RunResult
from app.i18n import Translator
from app.knowledge.names import term
from app.report.content import CheckRow, ReportContent, Section, build_content

# Verdict colours for the card's edge. The verdict is always also written out in words.
_COLOURS = {
    "works": "#2e7d32", "online": "#2e7d32",
    "degraded": "#b26a00",
    "blocked": "#c62828", "offline": "#c62828", "whitelist_only": "#c62828",
    "captive_portal": "#b26a00",
}
_GREY = "#616161"

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  line-height: 1.45; margin: 0; padding: 0; color: #1b1b1b; background: #fafafa; }
main { max-width: 46rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 0 0 .4rem; }
h3 { font-size: 1rem; margin: .8rem 0 .3rem; }
.meta { color: #555; margin: 0 0 1rem; }
.code { font-size: 1.15rem; padding: .6rem .8rem; background: #fff; border: 1px solid #ccc;
  border-radius: 8px; }
.code strong { font-family: "DejaVu Sans Mono", Consolas, monospace; letter-spacing: .08em;
  white-space: nowrap; display: inline-block; }
.card { background: #fff; border: 1px solid #ddd; border-left: 6px solid #616161;
  border-radius: 8px; padding: .8rem 1rem; margin: 1rem 0; }
.verdict { font-weight: bold; }
.headline { font-size: 1.05rem; }
ol, ul { padding-left: 1.4rem; }
.steps { list-style: decimal; }
.partial { background: #fff3e0; border: 1px solid #ffb74d; padding: .6rem .8rem;
  border-radius: 8px; }
footer { color: #555; font-size: .9rem; margin-top: 1.5rem; }
.support { margin-top: 2rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; background: #fff; }
th, td { border: 1px solid #ccc; padding: .3rem .4rem; text-align: left; vertical-align: top; }
th { background: #eee; }
td.notes { font-size: .8rem; color: #333; overflow-wrap: break-word; }
.id { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .78rem; }
.failed { color: #c62828; font-weight: bold; }
@media (max-width: 40rem) {
  main { padding: .6rem; }
  th, td { padding: .25rem; }
  /* the 24-digit code stays on one line on a 360-px phone */
  .code strong { font-size: 1.05rem; letter-spacing: 0; }
}
"""

# Qt's rich-text engine knows a CSS subset: no @media, no rem, no max-width on blocks.
_PDF_CSS = """
body { font-family: "DejaVu Sans", sans-serif; color: #1b1b1b; }
h1 { font-size: 18pt; }
h2 { font-size: 14pt; }
h3 { font-size: 11pt; }
.meta { color: #555555; }
.code { font-size: 13pt; }
.verdict { font-weight: bold; }
.failed { color: #c62828; font-weight: bold; }
.partial { color: #8a4b00; }
footer { color: #555555; font-size: 9pt; }
th { background-color: #eeeeee; }
td, th { font-size: 8pt; }
.id { font-family: "DejaVu Sans Mono", monospace; font-size: 7pt; }
.code strong { font-family: "DejaVu Sans Mono", monospace; }
"""

_ZWSP = "\u200b"  # a place a line may break, invisible


def _breakable(text: str) -> str:
    """An address that may wrap after its dots, colons and slashes (ids wrap after their
    dashes anyway), never inside a word: ``mmg.whatsapp.net:443`` → ``mmg.`` /
    ``whatsapp.net:443``."""
    out = []
    for ch in text:
        out.append(ch)
        if ch in ".:/":
            out.append(_ZWSP)
    return "".join(out)


def _e(text: str) -> str:
    return escape(text, quote=True)


def _heading(section: Section, style: str = "") -> str:
    """«Звонки — <span>блокировка</span>», or a status that is a sentence of its own."""
    title = section.title or f"{section.name} — {section.verdict}"
    name, dash, verdict = title.rpartition(" — ")
    if not dash:
        return f'<span class="verdict"{style}>{_e(title)}</span>'
    return f'{_e(name)} — <span class="verdict"{style}>{_e(verdict)}</span>'


def _section(section: Section, tr: Translator, for_pdf: bool) -> str:
    colour = _COLOURS.get(section.verdict_id, _GREY)
    parts = []
    if for_pdf:
        coloured = f' style="color:{colour}"'
        parts.append(f"<h2>{_heading(section, coloured)}</h2>")
    else:
        parts.append(f'<section class="card verdict-{_e(section.verdict_id)}" '
                     f'style="border-left-color:{colour}">')
        parts.append(f"<h2>{_heading(section)}</h2>")
    parts.append(f'<p class="headline">{_e(section.headline)}</p>')
    if section.body:
        parts.append(f"<p>{_e(section.body)}</p>")
    if section.service_lines:
        items = "".join(f"<li>{_e(line)}</li>" for line in section.service_lines)
        parts.append(f'<ul class="services">{items}</ul>')
    if section.workarounds:
        parts.append(f"<h3>{_e(term('what_you_can_do', tr))}</h3><ol>")
        for workaround in section.workarounds:
            steps = "".join(f"<li>{_e(step)}</li>" for step in workaround.steps)
            inner = f'<ol class="steps">{steps}</ol>' if steps else ""
            parts.append(f"<li><strong>{_e(workaround.title)}</strong>{inner}</li>")
        parts.append("</ol>")
    if not for_pdf:
        parts.append("</section>")
    return "\n".join(parts)


def _row(row: CheckRow, tr: Translator, for_pdf: bool = False) -> str:
    result = _e(tr.gettext("report.ok" if row.ok else "report.failed"))
    if not row.ok:
        result = f'<span class="failed">{result}</span>'
    notes = "<br>".join(_e(n) for n in row.notes)
    if row.timings:
        notes = _e(row.timings) + ("<br>" + notes if notes else "")
    if for_pdf:  # five columns fit A4 without breaking a word; ids in a small monospace
        failure = f'<br><span class="id">{_e(row.failure)}</span>' if row.failure else ""
        cells = [
            f'<span class="id">{_e(row.id)}</span><br>{_e(row.service)}',
            f'<span class="id">{_e(_breakable(row.target))}</span>',
            f"{result}{failure}<br>{_e(row.phase)}",
            f"{row.duration_ms}<br>{row.bytes_received}",
        ]
    else:
        cells = [
            f'<span class="id">{_e(row.id)}</span>', _e(row.service), _e(row.target), result,
            f'<span class="id">{_e(row.failure)}</span>', _e(row.phase),
            str(row.duration_ms), str(row.bytes_received),
        ]
    tds = "".join(f"<td>{c}</td>" for c in cells)
    return f'<tr>{tds}<td class="notes">{notes}</td></tr>'


def _headers(tr: Translator, for_pdf: bool) -> list[str]:
    if for_pdf:
        return [f"{tr.gettext('report.col.check')}<br>{tr.gettext('report.col.service')}",
                tr.gettext("report.col.target"),
                f"{tr.gettext('report.col.result')}<br>{tr.gettext('report.col.phase')}",
                f"{tr.gettext('report.col.time')}<br>{tr.gettext('report.col.bytes')}"]
    return [tr.gettext(h) for h in (
        "report.col.check", "report.col.service", "report.col.target", "report.col.result",
        "report.col.failure", "report.col.phase", "report.col.time", "report.col.bytes")]


def _details(content: ReportContent, tr: Translator, for_pdf: bool = False) -> str:
    ths = "".join(f"<th>{'<br>'.join(_e(p) for p in h.split('<br>'))}</th>"
                  for h in _headers(tr, for_pdf))
    ths += f"<th>{_e(term('details', tr))}</th>"
    rows = "\n".join(_row(r, tr, for_pdf) for r in content.checks)
    lines = [s for s in content.sections if s.details]
    causes = ""
    if lines:
        items = "".join(
            f"<li>{_e(s.name)}: {_e(line)}</li>" for s in lines for line in s.details
        )
        causes = f"<h3>{_e(tr.gettext('report.support.causes'))}</h3><ul>{items}</ul>"
    return (
        f'<section class="support"><h2>{_e(tr.gettext("report.support.title"))}</h2>'
        f"<p>{_e(tr.gettext('report.support.intro'))}</p>{causes}"
        f'<div class="table-wrap"><table><thead><tr>{ths}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div></section>"
    )


def render_html(content: ReportContent, tr: Translator, *, for_pdf: bool = False) -> str:
    """The whole document as a string."""
    code = ""
    if content.code:
        code = (f'<p class="code">{_e(term("check_code", tr))}:<br><strong>{_e(content.code)}'
                f"</strong><br>{_e(tr.gettext('report.code_hint'))}</p>")
    partial = f'<p class="partial">{_e(content.partial)}</p>' if content.partial else ""
    sections = "\n".join(_section(s, tr, for_pdf) for s in content.sections)
    footer = [tr.format("report.app_version", version=content.app_version),
              tr.format("report.system", system=content.system)]
    if content.catalog:
        footer.append(tr.format("report.catalog", version=content.catalog))
    footer.append(content.privacy_note)
    identifiers = ""
    if content.identifiers:
        items = "".join(f"<li>{_e(line)}</li>" for line in content.identifiers)
        identifiers = f"<h3>{_e(tr.gettext('report.identifiers.title'))}</h3><ul>{items}</ul>"
    css = _PDF_CSS if for_pdf else _CSS
    viewport = "" if for_pdf else (
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
    )
    return f"""<!DOCTYPE html>
<html lang="{_e(content.lang)}">
<head>
<meta charset="utf-8">
{viewport}
<title>{_e(content.title)} — {_e(content.checked_at)}</title>
<style>{css}</style>
</head>
<body>
<main>
<h1>{_e(content.title)}</h1>
<p class="meta">{_e(tr.format("report.checked_at", date=content.checked_at))}</p>
{code}
{partial}
{sections}
<footer><p>{"<br>".join(_e(f) for f in footer)}</p>{identifiers}</footer>
{_details(content, tr, for_pdf)}
</main>
</body>
</html>
"""


def html_report(run: RunResult, diagnosis: Diagnosis, tr: Translator, *, code: str,
                include_identifiers: bool = False) -> str:
    content = build_content(run, diagnosis, tr, code=code,
                            include_identifiers=include_identifiers)
    return render_html(content, tr)
