""""What changed since the previous check", in sentences people say.

"Calls in Telegram worked yesterday at 18:04; now blocked." The verdicts come from
:func:`app.report.history.changes`; this module only words them. Russian needs the past
tense and agreement with the subject, so each verdict has its own past ("was") and present
("now") forms: plural for features and for "calls in <app>" («Звонки … работали»), singular
for a map service («Сервис 2ГИС работал»).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from app.analysis.model import NetworkStatus, Verdict
from app.i18n import Translator
from app.knowledge import explain
from app.knowledge.names import format_date, service_name, status_label
from app.report.guided import network_item
from app.report.history import (
    FEATURES,
    Change,
    HistoryEntry,
    HistoryProblem,
    ProblemReason,
    Remembered,
    changes,
)


def when(moment: dt.datetime, tr: Translator, now: dt.datetime | None = None) -> str:
    """"today at 18:04", "yesterday at 18:04", "on 3 May 2026 at 18:04" (local time)."""
    local = moment.astimezone()
    today = (now or dt.datetime.now().astimezone()).astimezone().date()
    time = f"{local:%H:%M}"
    if local.date() == today:
        return tr.format("history.when.today", time=time)
    if local.date() == today - dt.timedelta(days=1):
        return tr.format("history.when.yesterday", time=time)
    return tr.format("history.when.date", date=format_date(local.date(), tr), time=time)


def _forms(verdict: Verdict, tr: Translator, *, singular: bool) -> tuple[str, str]:
    if singular:
        return (tr.gettext(f"history.was_one.{verdict.value}"),
                tr.gettext(f"history.now_one.{verdict.value}"))
    return (tr.gettext(f"history.was.{verdict.value}"),
            tr.gettext(f"history.now.{verdict.value}"))


def change_sentence(change: Change, tr: Translator, now: dt.datetime | None = None) -> str:
    """One change as a sentence."""
    moment = when(change.previous_time, tr, now)
    feature = explain.feature_name(change.feature, tr)
    if change.service is None:
        was, _ = _forms(change.old, tr, singular=False)
        _, current = _forms(change.new, tr, singular=False)
        return tr.format("history.change.feature", feature=feature, was=was, when=moment,
                         now=current)
    name = service_name(change.service, tr)
    if change.feature == "maps":  # "Maps in Google Maps" would stutter: the service alone
        was, _ = _forms(change.old, tr, singular=True)
        _, current = _forms(change.new, tr, singular=True)
        return tr.format("history.change.map_service", service=name, was=was, when=moment,
                         now=current)
    was, _ = _forms(change.old, tr, singular=False)
    _, current = _forms(change.new, tr, singular=False)
    return tr.format("history.change.service", feature=feature, service=name, was=was,
                     when=moment, now=current)


def change_sentences(previous: HistoryEntry, current: HistoryEntry, tr: Translator,
                     now: dt.datetime | None = None) -> list[str]:
    """Every change between two runs, features in app order, each service after its feature.

    A service whose change just repeats its feature's (the only app, same old and new
    verdicts) is left out: "Calls were blocked…" and "Calls in WhatsApp were blocked…" say
    the same thing twice.
    """
    found = changes(previous, current)
    whole = {(c.feature, c.old, c.new) for c in found if c.service is None}
    sentences = []
    for change in found:
        counts = len(current.services.get(change.feature, {}))
        if change.service is not None and counts == 1 and (
                (change.feature, change.old, change.new) in whole):
            continue
        sentences.append(change_sentence(change, tr, now))
    return sentences


def entry_summary(entry: HistoryEntry, tr: Translator) -> str:
    """One run in a line, each part with its subject: "Calls: blocked · Messages: works ·
    Maps: works"; the internet connection first when it was not working («Подключение к
    интернету: неясно · Звонки: неясно · …»). Labels agree with no subject."""
    parts = []
    if entry.network != NetworkStatus.ONLINE:
        parts.append(network_item(entry.network, tr))
    order = [f for f in FEATURES if f in entry.features]
    order += sorted(set(entry.features) - set(FEATURES))
    parts += [
        f"{explain.feature_name(f, tr)}: {status_label(entry.features[f], tr)}"
        for f in order
    ]
    return " · ".join(parts)


def problem_text(problem: HistoryProblem, tr: Translator) -> str:
    """A calm sentence about a history problem (the check itself is never affected)."""
    if problem.reason == ProblemReason.DAMAGED:
        return tr.format("history.problem.damaged", lost=problem.lost_lines, kept=problem.kept)
    if problem.reason == ProblemReason.NOT_SAVED:
        return tr.gettext("history.problem.not_saved")
    return tr.gettext("history.problem.unreadable")


def since_last_time(remembered: Remembered, tr: Translator) -> str:
    """What changed since the previous run ("Calls in Telegram worked yesterday at 18:04; now
    blocked."), a calm sentence about a history problem, or "" when there is nothing to say.
    """
    if remembered.problem is not None:
        return problem_text(remembered.problem, tr)
    if remembered.previous is None:
        return ""
    return " ".join(change_sentences(_judged(remembered.previous),
                                     _judged(remembered.current), tr))


def _judged(entry: HistoryEntry) -> HistoryEntry:
    """The entry without what the check could not judge: "worked; now couldn't tell" is not
    news, and would bury the changes that are."""
    features = {f: v for f, v in entry.features.items() if v != Verdict.UNKNOWN}
    services = {f: {s: v for s, v in per.items() if v != Verdict.UNKNOWN}
                for f, per in entry.services.items()}
    return replace(entry, features=features, services=services)
