"""How reports look where they are read: a PDF page never splits a word, the HTML report keeps
the check code whole on a phone, steps are numbered the same way everywhere, and a report made
from the terminal names no window button (issue 16, finding 7)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from app.catalog import load_catalog
from app.i18n import translator
from app.report.content import ReportContent, build_content
from app.session import replay

RUNS = Path(__file__).resolve().parents[1] / "golden" / "runs"


def recorded(name: str, lang: str) -> ReportContent:
    """A real lab run's report content (many checks, long addresses and failure names)."""
    outcome = replay(json.loads((RUNS / f"{name}.json").read_text(encoding="utf-8")),
                     load_catalog(RUNS / "lab-catalog.toml"))
    return build_content(outcome.run, outcome.diagnosis, translator(lang),
                         code=outcome.code or "")


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _line_breaks_inside_words(document: Any) -> list[str]:
    document.size()  # lays the document out (Qt lays out lazily)
    found = []
    block = document.begin()
    while block.isValid():
        layout, text = block.layout(), block.text()
        for i in range(layout.lineCount() - 1):
            end = layout.lineAt(i).textStart() + layout.lineAt(i).textLength()
            if 0 < end < len(text) and _word(text[end - 1]) and _word(text[end]):
                found.append(f"{text[max(0, end - 12):end]}|{text[end:end + 12]}")
        block = block.next()
    return found


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("run", ["dns_lie_whatsapp_web", "tls_interception"])
def test_a_pdf_page_never_splits_a_word(lang: str, run: str) -> None:
    """Before: «Проверк|а», «Результа|т», «e1.whatsa|pp.net:443» in the details table."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    from app.report import pdf

    pdf.ensure_gui_application()
    data = QByteArray()
    buffer = QBuffer(data)
    assert buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = pdf.pdf_writer(buffer)
    document = pdf.page_document(recorded(run, lang), translator(lang), writer)
    assert _line_breaks_inside_words(document) == []
    assert document.size().width() <= writer.width() + 1  # and nothing runs off the page


def test_html_keeps_the_code_on_one_line() -> None:
    from app.report.html import render_html

    page = render_html(recorded("healthy", "ru"), translator("ru"))
    assert re.search(r"\.code strong \{[^}]*white-space: nowrap", page)
    code = re.search(r"<strong>(\d{4}(?:-\d{4}){5})</strong>", page)
    assert code, "the code is in a <strong> of its own"


def test_steps_are_numbered_one_way_everywhere() -> None:
    """Workarounds "1.", their steps "1." under them: the window's way — not "a." in HTML nor
    "–" in the terminal and the text report."""
    from app.cli.render import human
    from app.report.html import render_html
    from app.report.text import render_text

    content = recorded("udp_blocked", "ru")
    page = render_html(content, translator("ru"))
    assert "lower-alpha" not in page
    text = render_text(content, translator("ru"))
    assert "   1. Откройте чат с человеком." in text and "   – " not in text
    outcome = replay(json.loads((RUNS / "udp_blocked.json").read_text(encoding="utf-8")),
                     load_catalog(RUNS / "lab-catalog.toml"))
    terminal = human(outcome.run, outcome.diagnosis, translator("ru"), outcome.code)
    assert "1. Откройте чат с человеком." in terminal and "– " not in terminal


@pytest.mark.parametrize("suffix", [".html", ".txt", ".pdf"])
def test_a_report_made_from_the_terminal_names_no_window_button(tmp_path: Path,
                                                              suffix: str) -> None:
    from app.report.writers import render

    outcome = replay(json.loads((RUNS / "udp_blocked.json").read_text(encoding="utf-8")),
                     load_catalog(RUNS / "lab-catalog.toml"))
    tr = translator("ru")
    path = tmp_path / f"report{suffix}"
    window = render(path, outcome.run, outcome.diagnosis, tr, code="X")
    terminal = render(path, outcome.run, outcome.diagnosis, tr, code="X", from_terminal=True)
    if suffix == ".pdf":  # the same check below, on the page the PDF is printed from
        assert window != terminal
        from app.report.content import for_terminal
        from app.report.html import render_html

        content = build_content(outcome.run, outcome.diagnosis, tr, code="X")
        window = render_html(content, tr, for_pdf=True).encode()
        terminal = render_html(for_terminal(content, tr), tr, for_pdf=True).encode()
    assert "Проверить снова".encode() in window
    assert "Проверить снова".encode() not in terminal
    assert "Запустите проверку ещё раз".encode() in terminal


def test_the_code_stays_whole_on_a_360_pixel_phone_in_chromium(tmp_path: Path) -> None:
    """Debian's Chromium lays the report out in a 360-px frame; the code is one line, inside
    the screen (before: the 14-character code broke across two lines on a phone)."""
    import html
    import shutil
    import subprocess

    from app.report.html import render_html

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    page = render_html(recorded("udp_blocked", "ru"), translator("ru"))
    probe = page.replace("</body>", """<script>
const s = document.querySelector('.code strong'); const r = s.getBoundingClientRect();
parent.document.body.setAttribute('data-probe', JSON.stringify({height: r.height,
  right: r.right, width: document.documentElement.clientWidth,
  line: parseFloat(getComputedStyle(s).lineHeight)}));
</script></body>""")
    frame = tmp_path / "phone.html"
    frame.write_text('<!DOCTYPE html><html><body><iframe width="360" height="800" '
                     f'srcdoc="{html.escape(probe, quote=True)}"></iframe></body></html>',
                     encoding="utf-8")
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                          "--dump-dom", frame.as_uri()],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    found = re.search(r'data-probe="([^"]*)"', dom)
    assert found, dom[:500]
    box = json.loads(html.unescape(found.group(1)))
    assert box["height"] < 1.5 * box["line"], box  # one line
    assert box["right"] <= box["width"], box  # and all of it on the screen


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_report_headings_agree_and_a_step_is_given_once(lang: str) -> None:
    """«Звонки — Заблокировано» (a plural subject, a neuter word, a capital after the dash)
    becomes «Звонки — блокировка»; "use Wi-Fi" under the connection is not repeated under
    every feature."""
    from app.report.text import render_text

    tr = translator(lang)
    text = render_text(recorded("domestic_whitelist", lang), tr)
    headings = [line for line in text.splitlines()
                if " — " in line and not line[0].isdigit() and not line.startswith(" ")]
    assert not any(re.search(r" — [A-ZА-ЯЁ]", line) for line in headings), headings
    titles = [line for line in text.splitlines() if re.match(r"\d+\. ", line)]
    assert len(titles) == len(set(titles)), titles
