"""Plain-language terminal output for ``conncheck check``, ``decode`` and ``history``."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path

from app.analysis.model import Diagnosis, NetworkStatus, Verdict
from app.analysis.progressive import Decided
from app.core import exit_codes
from app.core.catalog import Catalog
from app.core.model import USER_FEATURES
from app.core.run import RunResult
from app.i18n import Translator
from app.knowledge import explain
from app.knowledge.names import service_name, status_label
from app.report.content import terminal_step
from app.report.guided import NETWORK_LABELS

MIN_WIDTH = 40
MAX_WIDTH = 100  # longer lines are hard to read, however wide the terminal


def width() -> int:
    """The width to wrap to: the terminal's (``COLUMNS`` when set, 80 when not a terminal),
    one column short of it so a full line does not wrap by itself, within 40..100."""
    columns = shutil.get_terminal_size((80, 24)).columns - 1
    return max(MIN_WIDTH, min(MAX_WIDTH, columns))


def feature_name(feature: str, tr: Translator) -> str:
    return explain.feature_name(feature, tr)


def wrap(text: str, indent: str = "", hanging: str | None = None) -> str:
    """Each paragraph of ``text`` filled to the terminal's width; never breaks a word or an
    id (``dns_nxdomain``) across lines. ``hanging``: the indent of a paragraph's later lines
    (default: ``indent``)."""
    later = indent if hanging is None else hanging
    return "\n".join(
        textwrap.fill(para, width(), initial_indent=indent, subsequent_indent=later,
                      break_long_words=False, break_on_hyphens=False)
        for para in text.split("\n") if para.strip()
    )


def wrap_block(text: str) -> str:
    """A multi-line text (blank lines kept) wrapped line by line; a "• " line hangs."""
    out = []
    for line in text.split("\n"):
        if not line.strip():
            out.append("")
        elif line.startswith("• "):
            out.append(wrap(line, hanging="  "))
        else:
            out.append(wrap(line))
    return "\n".join(out)


def notice(catalog: Catalog, tr: Translator) -> str:
    """Before the check: what will be contacted, and who can see it."""
    lines = [tr.gettext("cli.notice.title")]
    for feature in [f.value for f in USER_FEATURES]:
        services = catalog.services(feature)
        if services:
            names = ", ".join(service_name(s, tr) for s in services)  # «Яндекс Карты, 2ГИС»
            lines.append(wrap(f"{explain.feature_name(feature, tr)}: {names}", "  ", "    "))
    lines.append(wrap(tr.gettext("cli.notice.provider")))
    return "\n".join(lines) + "\n"


def network_line(status: NetworkStatus, tr: Translator) -> str:
    """«Подключение к интернету — в порядке», or a status that is a sentence of its own
    («Нет подключения к интернету»). The same dash as the features' lines."""
    label = NETWORK_LABELS.get(status)
    if label is None:
        return explain.status_word(status, tr)
    return f"{explain.term('network', tr)} — {status_label(label, tr)}"


def feature_line(feature: str, verdict: Verdict, tr: Translator) -> str:
    """«Звонки — блокировка»: a label agrees with any subject (the glossary)."""
    return f"{explain.feature_name(feature, tr)} — {status_label(verdict, tr)}"


def _network_part(diagnosis: Diagnosis, tr: Translator, said: frozenset[str]) -> list[str]:
    """The internet connection's line (unless said), then what it means when it is not
    simply working or has something to do."""
    out: list[str] = []
    net = explain.explain_network(diagnosis.network, tr)
    if "network" not in said:
        out.append(network_line(diagnosis.network.status, tr))
    if diagnosis.network.status != NetworkStatus.ONLINE or net.workarounds:
        out.append(wrap(net.headline))
        if net.body:
            out.append(wrap(net.body, "  "))
        out.extend(_workarounds(net.workarounds, tr))
    return out


def human(run: RunResult, diagnosis: Diagnosis, tr: Translator, code: str | None,
          catalog: Catalog | None = None, *, said: frozenset[str] = frozenset()) -> str:
    """The summary after a check. ``said``: the parts whose verdict line was already printed
    while the check ran ("network", "calls", …) — not printed again; their explanation starts
    with its own sentence, which names what it is about."""
    restrictions = catalog.restrictions if catalog else ()
    network_ok = diagnosis.network.status in (NetworkStatus.ONLINE, NetworkStatus.WHITELIST_ONLY)
    out = _network_part(diagnosis, tr, said)
    if run.cancelled:
        out.append(wrap(tr.gettext("cli.cancelled_partial")))
    elif run.deadline_hit:
        out.append(wrap(tr.gettext("cli.deadline_partial")))
    for feature in diagnosis.features:
        text = explain.explain_feature(feature, diagnosis, tr, restrictions=restrictions)
        if out:
            out.append("")
        if feature.feature not in said:
            out.append(feature_line(feature.feature, feature.verdict, tr))
        out.append(wrap(text.headline))
        if network_ok:
            # When the network itself is the problem, its advice above is what matters;
            # repeating it under every feature would bury it.
            if text.body:
                out.append(wrap(text.body, "  "))
            if len({s.verdict for s in feature.services}) > 1:
                out.extend(wrap(line, "  • ", "    ") for line in text.service_lines)
            out.extend(_workarounds(text.workarounds, tr))
    out.append("")
    if code:
        out.append(tr.format("cli.code_line", code=code))
        out.append(wrap(tr.gettext("cli.code_hint")))
    if diagnosis.catalog_version:  # which list was used: shipped, or a signed update
        out.append(tr.format("report.catalog", version=diagnosis.catalog_version))
    return "\n".join(out) + "\n"


def early_line(decided: Decided, tr: Translator) -> str:
    """One verdict, printed while the other checks still run («Сообщения — в порядке»)."""
    if decided.result is None:
        return network_line(decided.network.status, tr)
    return feature_line(decided.feature, decided.result.verdict, tr)


def for_terminal(step: str, tr: Translator) -> str:
    """The window's "press Check again" becomes "run the check again" in the terminal."""
    return terminal_step(step, tr)


def _workarounds(workarounds: tuple[explain.Workaround, ...], tr: Translator) -> list[str]:
    """What you can do: numbered, each with its numbered steps — the numbering of the window
    and of the reports (docs/support.md)."""
    if not workarounds:
        return []
    lines = [f"  {tr.gettext('term.what_you_can_do')}:"]
    for n, w in enumerate(workarounds, 1):
        lines.append(wrap(f"{n}. {w.title}", "    ", "       "))
        for k, step in enumerate(w.steps, 1):
            lines.append(wrap(f"{k}. {for_terminal(step, tr)}", "       ", "          "))
    return lines


def write_report(path: Path, run: RunResult, diagnosis: Diagnosis, tr: Translator,
                 code: str, *, include_identifiers: bool) -> int:
    from app.report.writers import ReportError
    from app.report.writers import write_report as write

    try:  # made from the terminal: its steps name no window button
        write(path, run, diagnosis, tr, code=code, include_identifiers=include_identifiers,
              from_terminal=True)
    except ReportError as exc:
        print(tr.format("cli.report_error", problem=str(exc)), file=sys.stderr)
        return exit_codes.USAGE
    print(tr.format("cli.report_written", path=str(path)), file=sys.stderr)
    return exit_codes.OK


def decode(text: str, tr: Translator) -> int:
    """``conncheck decode``: what the code says (with the time of the check, and the ids of
    its main causes for support staff), or one plain line on why it cannot be read."""
    from app.report.code import CodeError, read
    from app.report.decoded_text import code_error_text, decoded_text

    try:
        decoded = read(text)
    except CodeError as exc:
        print(wrap(code_error_text(exc, tr)), file=sys.stderr)
        return exit_codes.USAGE
    print(wrap_block(decoded_text(decoded.diagnosis, tr, decoded.time, cause_ids=True)))
    return exit_codes.OK


def history(tr: Translator, *, as_json: bool) -> int:
    from app.report.history import HistoryStore

    store = HistoryStore()
    entries = store.load()
    if store.last_problem:
        print(tr.gettext("cli.history_problem"), file=sys.stderr)
    if as_json:
        json.dump([e.to_json() for e in entries], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return exit_codes.OK
    if not entries:
        print(tr.gettext("cli.history_empty"))
        return exit_codes.OK
    from app.report.changes_text import entry_summary

    for entry in entries:
        when = entry.time.strftime("%Y-%m-%d %H:%M")
        head = f"{when}  {entry.code}  " if entry.code else f"{when}  "
        # each run's line says what each part is about, and wraps between words
        print(wrap(head + entry_summary(entry, tr), hanging=" " * len(head)))
    return exit_codes.OK
