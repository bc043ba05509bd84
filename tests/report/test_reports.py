"""Every report form in both languages: what a reader sees, and what must never be in it."""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app import __version__
from app.analysis.model import Verdict
from app.i18n import translator
from app.knowledge import explain
from app.knowledge.names import status_label
from app.report import privacy
from app.report.code import encode
from app.report.content import operating_system
from app.report.html import html_report
from app.report.text import support_text_report, text_report
from app.report.writers import ReportError, write_report
from tests.report import sample

LANGS = ("ru", "en")
IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")
VOID = {"meta", "br", "link", "img", "hr", "input"}


def texts(lang: str) -> tuple[list[str], list[str]]:
    """(verdict words, headlines) the sample diagnosis must show in ``lang``."""
    tr = translator(lang)
    d = sample.diagnosis()
    # headings are «Звонки — блокировка»: labels that agree with any subject (the glossary)
    words = [f"{explain.term('network', tr)} — {status_label(Verdict.WORKS, tr)}"]
    words += [f"{explain.feature_name(f.feature, tr)} — {status_label(f.verdict, tr)}"
              for f in d.features]
    heads = [explain.explain_feature(f, d, tr).headline for f in d.features]
    return words, heads


def code() -> str:
    return encode(sample.diagnosis())


class Page(HTMLParser):
    """Collects text, tags and attributes, and checks that elements nest properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in ("style", "title"):
            return
        self.text.append(data)

    def joined(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(markup: str) -> Page:
    page = Page()
    page.feed(markup)
    page.close()
    return page


@pytest.mark.parametrize("lang", LANGS)
def test_text_report_says_verdicts_headlines_and_what_to_do(lang: str) -> None:
    tr = translator(lang)
    report = text_report(sample.run(), sample.diagnosis(), tr, code=code())
    words, heads = texts(lang)
    for text in [*words, *heads, code(), __version__, operating_system()]:
        assert text in report
    calls = explain.explain_feature(sample.diagnosis().feature("calls"), sample.diagnosis(), tr)
    assert f"1. {calls.workarounds[0].title}" in report
    assert calls.workarounds[0].steps[0] in report
    assert tr.gettext("report.privacy") in report


@pytest.mark.parametrize("lang", LANGS)
def test_text_report_for_sharing_lists_no_addresses_at_all(lang: str) -> None:
    report = text_report(sample.run(), sample.diagnosis(), translator(lang), code=code())
    assert IPV4.findall(report) == []
    assert sample.SERVER_ADDRESS not in report
    assert sample.LOCAL_ADDRESS6 not in report


@pytest.mark.parametrize("lang", LANGS)
def test_support_form_has_every_check_with_its_facts(lang: str) -> None:
    report = support_text_report(sample.run(), sample.diagnosis(), translator(lang), code=code())
    for obs in sample.run().observations:
        assert f"[{obs.check_id}] {obs.service}" in report
        assert obs.target in report
    assert "connection_reset" in report and "generic_timeout_error" in report
    assert sample.SERVER_ADDRESS in report  # the services' servers: public, kept
    assert "rtt_ms: 41.5" in report
    assert "[udp_blocked]" in report  # the technical cause line
    for secret in sample.secrets():
        assert secret not in report


@pytest.mark.parametrize("lang", LANGS)
def test_html_is_a_self_contained_phone_friendly_page(lang: str) -> None:
    tr = translator(lang)
    markup = html_report(sample.run(), sample.diagnosis(), tr, code=code())
    page = parse(markup)
    assert page.errors == [] and page.stack == []
    tags = dict(page.tags)
    assert tags["html"]["lang"] == lang
    assert any(t == "meta" and a.get("name") == "viewport" for t, a in page.tags)
    assert not any(t in ("script", "link", "img", "iframe") for t, _ in page.tags)
    assert not re.search(r"(src|href)\s*=|@import|url\(", markup)
    text = page.joined()
    words, heads = texts(lang)
    for item in [*words, *heads, code()]:
        assert " ".join(item.split()) in text
    # workarounds as numbered steps: an <ol> of steps inside the numbered list
    assert sum(1 for t, _ in page.tags if t == "ol") >= 4
    # the details table names every check
    cells = text
    for obs in sample.run().observations:
        assert obs.check_id in cells


def test_html_escapes_data() -> None:
    run = sample.run()
    evil = replace(run.observations[0], service="<script>alert(1)</script>",
                   failure_detail='"><b>x</b>&')
    run = replace(run, observations=(evil, *run.observations[1:]))
    markup = html_report(run, sample.diagnosis(), translator("en"), code=code())
    assert "<script>" not in markup and "<b>x</b>" not in markup
    page = parse(markup)
    assert "<script>alert(1)</script>" in page.joined()
    assert not any(t == "script" for t, _ in page.tags)


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_has_pages(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "report.pdf"
    write_report(path, sample.run(), sample.diagnosis(), translator(lang), code=code())
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) >= 1
    assert len(data) > 5_000
    assert data.rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize("lang", LANGS)
def test_json_is_the_schema_3_document(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "report.json"
    write_report(path, sample.run(), sample.diagnosis(), translator(lang), code=code())
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["schema"] == 3 and doc["code"] == code() and doc["lang"] == lang
    assert doc["features"]["calls"]["verdict"] == "blocked"
    assert doc["features"]["calls"]["services"] == {"WhatsApp": "blocked", "Telegram": "works"}
    assert [c["id"] for c in doc["checks"]] == [o.check_id for o in sample.run().observations]


@pytest.mark.parametrize("suffix", [".txt", ".html", ".htm", ".json", ".pdf"])
def test_no_report_identifies_the_user_by_default(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"report{suffix}"
    write_report(path, sample.run(), sample.diagnosis(), translator("ru"), code=code())
    data = path.read_bytes()
    for secret in sample.secrets():
        # compressed PDF streams contain any short byte string by chance; the PDF's text is
        # checked through the HTML it was laid out from, just below
        if suffix != ".pdf" or len(secret) >= 6:
            assert secret.encode() not in data, secret
    if suffix == ".pdf":
        from app.report.content import build_content
        from app.report.html import render_html

        content = build_content(sample.run(), sample.diagnosis(), translator("ru"), code=code())
        source = render_html(content, translator("ru"), for_pdf=True)
        for secret in sample.secrets():
            assert secret not in source, secret


def test_identifiers_are_added_only_on_request(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    write_report(path, sample.run(), sample.diagnosis(), translator("en"), code=code(),
                 include_identifiers=True)
    report = path.read_text(encoding="utf-8")
    assert sample.LOCAL_ADDRESS in report and sample.MAPPED_ADDRESS in report
    assert privacy.hostname() in report
    doc_path = tmp_path / "report.json"
    write_report(doc_path, sample.run(), sample.diagnosis(), translator("en"), code=code(),
                 include_identifiers=True)
    doc = json.loads(doc_path.read_text(encoding="utf-8"))
    assert doc["interfaces"][0]["addresses"] == [sample.LOCAL_ADDRESS, sample.LOCAL_ADDRESS6]


def test_a_stopped_run_says_results_are_missing() -> None:
    tr = translator("ru")
    report = text_report(sample.run(cancelled=True), sample.diagnosis(), tr, code=code())
    assert tr.gettext("report.incomplete") in report


def test_scrubber_replaces_whole_identifiers_only() -> None:
    scrub = privacy.Scrubber({"10.0.0.1", "anna", "fd00::1"})
    assert scrub.text("from 10.0.0.1, to 10.0.0.12 and 110.0.0.1") == (
        "from [hidden], to 10.0.0.12 and 110.0.0.1")
    assert scrub.text("/home/anna/x annabel Anna") == "/home/[hidden]/x annabel [hidden]"
    assert scrub.text("bind [fd00::1]:5 fd00::10") == "bind [[hidden]]:5 fd00::10"
    assert scrub.data({"a": ["anna", 3], "anna": None}) == {"a": ["[hidden]", 3], "[hidden]": None}


def test_identifiers_of_a_run_include_stun_and_interfaces() -> None:
    found = privacy.identifiers(sample.run())
    for secret in sample.secrets():
        assert secret in found
    assert sample.SERVER_ADDRESS not in found


def test_unknown_suffix_is_a_report_error_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    with pytest.raises(ReportError) as info:
        write_report(path, sample.run(), sample.diagnosis(), translator("en"), code=code())
    assert str(path) in str(info.value) and ".docx" in str(info.value)
    assert not path.exists()


def test_unwritable_path_is_a_report_error_and_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "report.html"
    with pytest.raises(ReportError) as info:
        write_report(path, sample.run(), sample.diagnosis(), translator("en"), code=code())
    assert str(path) in str(info.value)
    folder = tmp_path / "folder.html"
    folder.mkdir()
    with pytest.raises(ReportError):
        write_report(folder, sample.run(), sample.diagnosis(), translator("en"), code=code())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.html"]


def test_a_failed_write_keeps_the_old_file_and_no_partial_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "report.txt"
    path.write_text("old report\n", encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(ReportError) as info:
        write_report(path, sample.run(), sample.diagnosis(), translator("en"), code=code())
    assert "the disk is full" in str(info.value)  # plain words, not the system's
    assert path.read_text(encoding="utf-8") == "old report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_cli_report_option_writes_through_writers(tmp_path: Path) -> None:
    from app.cli import render

    path = tmp_path / "r.html"
    assert render.write_report(path, sample.run(), sample.diagnosis(), translator("en"),
                               code(), include_identifiers=False) == 0
    assert "<html" in path.read_text(encoding="utf-8")
    assert render.write_report(tmp_path / "r.xyz", sample.run(), sample.diagnosis(),
                               translator("en"), code(), include_identifiers=False) != 0


def test_a_user_called_like_a_common_word_does_not_garble_the_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(privacy, "user_name", lambda: "name")
    monkeypatch.setenv("USER", "name")
    tr = translator("en")
    run = sample.run()
    odd = replace(run.observations[0], failure_detail="cannot open /home/name/cert.pem")
    run = replace(run, observations=(odd, *run.observations[1:]))
    report = support_text_report(run, sample.diagnosis(), tr, code=code())
    assert tr.gettext("report.privacy") in report  # "... no computer name and no user name."
    assert "/home/[hidden]/cert.pem" in report
