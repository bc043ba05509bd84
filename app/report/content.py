"""Everything a human-readable report says, gathered once and already worded and scrubbed.

Why one gathering step: the text, HTML and PDF reports must say the same thing in the same
order; each writer only lays out a :class:`ReportContent`. Wording comes from the knowledge
base (``explain_*``) and the ``report.*`` keys; privacy scrubbing happens here, so a writer
cannot forget it.
"""

from __future__ import annotations

import datetime as dt
import platform
from dataclasses import dataclass, replace

from app import __version__
from app.analysis.model import Diagnosis
from app.core.facts import facts_to_dict
from app.core.model import Observation
from app.core.run import RunResult
from app.i18n import Translator
from app.knowledge import explain
from app.knowledge.names import format_date, status_label
from app.report import privacy
from app.report.guided import NETWORK_LABELS


@dataclass(frozen=True)
class Step:
    title: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """One card: the internet connection or one feature."""

    key: str  # "network" | "calls" | "messages" | "maps"
    name: str  # "Calls" / «Звонки»
    verdict_id: str  # "blocked", "online"… (for styling)
    verdict: str  # a label that agrees with any subject: "blocked" / «блокировка»
    headline: str
    body: str
    service_lines: tuple[str, ...]
    workarounds: tuple[Step, ...]
    details: tuple[str, ...]  # technical lines (support form only)
    title: str = ""  # the heading: «Звонки — блокировка», or «Нет подключения к интернету»


@dataclass(frozen=True)
class CheckRow:
    """One check for the support form; technical on purpose."""

    id: str
    service: str
    feature: str
    kind: str
    target: str
    ok: bool
    failure: str
    phase: str
    duration_ms: int
    timings: str  # "dns 5 · tcp 20 · tls 30"
    bytes_received: int
    notes: tuple[str, ...]  # server addresses, raw error text, extra facts


@dataclass(frozen=True)
class ReportContent:
    lang: str
    title: str
    checked_at: str  # "23 November 2026, 13:08"
    started_at: dt.datetime
    app_version: str
    system: str  # "Linux 6.1" — never the computer's name
    catalog: str  # catalog version ("" when unknown)
    code: str
    partial: str  # why results are missing ("" for a complete run)
    privacy_note: str
    sections: tuple[Section, ...]  # network first, then the features
    checks: tuple[CheckRow, ...]
    identifiers: tuple[str, ...]  # worded lines; empty unless the user asked for them


def operating_system() -> str:
    """"Windows 10", "Darwin 23.4.0", "Linux 6.1.0-18-amd64": no host name, no user name."""
    return " ".join(p for p in (platform.system(), platform.release()) if p) or "?"


def when(moment: dt.datetime, tr: Translator) -> str:
    return f"{format_date(moment.date(), tr)}, {moment:%H:%M}"


def terminal_step(step: str, tr: Translator) -> str:
    """A step for the terminal, or a report made from it: the window's "press Check again"
    becomes "run the check again" (the only button steps name; keys ``cli.*_check_again``)."""
    button = tr.gettext("cli.window_check_again")  # e.g. нажмите «Проверить снова»
    terminal = tr.gettext("cli.terminal_check_again")  # e.g. запустите проверку ещё раз
    at = step.lower().find(button.lower())
    if at < 0:
        return step
    replacement = terminal[:1].upper() + terminal[1:] if step[at].isupper() else terminal
    return step[:at] + replacement + step[at + len(button):]


def _steps(explanation: explain.Explanation) -> tuple[Step, ...]:
    return tuple(Step(w.title, tuple(w.steps)) for w in explanation.workarounds)


def for_terminal(content: ReportContent, tr: Translator) -> ReportContent:
    """The same report with every step worded for the terminal (no window buttons)."""
    return replace(content, sections=tuple(
        replace(section, workarounds=tuple(
            Step(step.title, tuple(terminal_step(s, tr) for s in step.steps))
            for step in section.workarounds))
        for section in content.sections))


def _said_once(sections: list[Section]) -> list[Section]:
    """A workaround is given once, under the first card that needs it (the connection's
    "use Wi-Fi" is not repeated under every feature)."""
    seen: set[str] = set()
    out = []
    for section in sections:
        kept = tuple(w for w in section.workarounds if w.title not in seen)
        seen.update(w.title for w in kept)
        out.append(replace(section, workarounds=kept))
    return out


def _sections(diagnosis: Diagnosis, tr: Translator) -> list[Section]:
    net = explain.explain_network(diagnosis.network, tr)
    status = diagnosis.network.status
    label = NETWORK_LABELS.get(status)
    # a status that is a sentence of its own («Нет подключения к интернету») is the heading;
    # the others are «Подключение к интернету — в порядке», like the features
    network_verdict = status_label(label, tr) if label else explain.status_word(status, tr)
    network_title = (f"{explain.term('network', tr)} — {network_verdict}" if label
                     else network_verdict)
    sections = [
        Section(
            key="network",
            name=explain.term("network", tr),
            verdict_id=status.value,
            verdict=network_verdict,
            title=network_title,
            headline=net.headline,
            body=net.body,
            service_lines=(),
            workarounds=_steps(net),
            details=net.details,
        )
    ]
    for feature in diagnosis.features:
        text = explain.explain_feature(feature, diagnosis, tr)
        sections.append(
            Section(
                key=feature.feature,
                name=explain.feature_name(feature.feature, tr),
                verdict_id=feature.verdict.value,
                verdict=status_label(feature.verdict, tr),
                title=f"{explain.feature_name(feature.feature, tr)} — "
                      f"{status_label(feature.verdict, tr)}",
                headline=text.headline,
                body=text.body,
                # lines the headline or the explanation already say are not repeated
                service_lines=tuple(
                    line for line in text.service_lines
                    if line not in text.headline and line not in text.body
                ) if len(feature.services) > 1 else (),
                workarounds=_steps(text),
                details=text.details,
            )
        )
    return _said_once(sections)


def _fact(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(_fact(v) for v in value)
    return str(value)


def _row(obs: Observation, tr: Translator, include_identifiers: bool) -> CheckRow:
    notes: list[str] = []
    if obs.addresses:
        notes.append(tr.format("report.server_addresses", addresses=", ".join(obs.addresses)))
    if obs.failure_detail:
        notes.append(tr.format("report.error_detail", detail=obs.failure_detail))
    for key, value in sorted(facts_to_dict(obs.facts).items()):
        if key in privacy.IDENTIFYING_EXTRA and not include_identifiers:
            continue
        notes.append(f"{key}: {_fact(value)}")
    return CheckRow(
        id=obs.check_id,
        service=obs.service,
        feature=obs.feature,
        kind=obs.kind,
        target=obs.target,
        ok=obs.ok,
        failure=obs.failure or "",
        phase=obs.phase,
        duration_ms=obs.duration_ms,
        timings=" · ".join(f"{k} {v:.0f}" for k, v in obs.timings_ms.items()),
        bytes_received=obs.bytes_received,
        notes=tuple(notes),
    )


def _identifier_lines(run: RunResult, tr: Translator) -> list[str]:
    lines = [tr.format("report.identifiers.hostname", name=privacy.hostname())]
    for interface in run.interfaces.interfaces:
        if interface.addresses:
            lines.append(tr.format("report.identifiers.interface", name=interface.name,
                                   addresses=", ".join(interface.addresses)))
    for address in privacy.public_addresses(run):
        lines.append(tr.format("report.identifiers.public", address=address))
    return lines


def _partial(run: RunResult, tr: Translator) -> str:
    if run.cancelled:
        return tr.gettext("report.incomplete")
    if run.deadline_hit:
        return tr.gettext("report.deadline")
    return ""


def build_content(run: RunResult, diagnosis: Diagnosis, tr: Translator, *, code: str,
                  include_identifiers: bool = False) -> ReportContent:
    """The report's content; with ``include_identifiers`` off, scrubbed of the user's
    addresses, computer name and user name (see :mod:`app.report.privacy`)."""
    # Only data is scrubbed: the app's own sentences cannot hold an identifier, and a user
    # called "user" must not turn "no user name" into "no [hidden] name".
    clean = privacy.scrubber(run, include_identifiers)
    sections = [
        replace(s, details=tuple(clean.text(x) for x in s.details))
        for s in _sections(diagnosis, tr)
    ]
    rows = []
    for obs in run.observations:
        row = _row(obs, tr, include_identifiers)
        rows.append(replace(
            row, id=clean.text(row.id), service=clean.text(row.service),
            target=clean.text(row.target), notes=tuple(clean.text(n) for n in row.notes),
        ))
    return ReportContent(
        lang=tr.lang,
        title=tr.gettext("report.title"),
        checked_at=when(run.started_at, tr),
        started_at=run.started_at,
        app_version=__version__,
        system=clean.text(operating_system()),
        catalog=diagnosis.catalog_version,
        code=code,
        partial=_partial(run, tr),
        privacy_note=tr.gettext(
            "report.privacy_included" if include_identifiers else "report.privacy"
        ),
        sections=tuple(sections),
        checks=tuple(rows),
        identifiers=tuple(_identifier_lines(run, tr)) if include_identifiers else (),
    )
