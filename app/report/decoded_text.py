"""A decoded check code in plain words, for Help → Decode a code (and anyone else).

Why its own wording: a code carries less than a run (see ``app/report/code.py``
``project``): the two main causes are not tied to a feature, and a service slot may be
"not checked". So the causes get their own heading ("Main causes of this check") instead of
being shown as network causes, and every registry slot is listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from app.analysis.model import Diagnosis, NetworkStatus
from app.i18n import Translator
from app.knowledge import explain, keys
from app.knowledge.names import format_date, service_name, status_label
from app.report.code import DIGITS_V2, SERVICE_SLOTS_V1, VERSION_V2, CodeError, CodeProblem
from app.report.guided import NETWORK_LABELS


def when_text(date: dt.date, time: dt.datetime | None, tr: Translator) -> str:
    """"Check of 23 November 2026, 18:04 (…)" — or the day alone for a version-1 code."""
    if time is None:
        return tr.format("code.date", date=format_date(date, tr))
    return tr.format("code.date_time", date=format_date(time.date(), tr), time=f"{time:%H:%M}")


def decoded_text(diagnosis: Diagnosis, tr: Translator, time: dt.datetime | None = None, *,
                 cause_ids: bool = False) -> str:
    """The whole decoded diagnosis as text: date and time, network, features, main causes.

    ``cause_ids`` adds each cause's id for support staff (the terminal's ``decode``)."""
    causes = diagnosis.network.causes
    plain = replace(diagnosis, network=replace(diagnosis.network, causes=()))
    out = [when_text(plain.date, time, tr)]
    if plain.catalog_version:
        out.append(_catalog_line(plain.catalog_version, tr))
    status = plain.network.status
    label = NETWORK_LABELS.get(status)  # «Подключение к интернету — в порядке»
    out += ["", f"{explain.term('network', tr)} — {status_label(label, tr)}" if label
            else explain.status_word(status, tr)]
    if status != NetworkStatus.ONLINE:
        out.append(explain.explain_network(plain.network, tr).headline)
    for feature in plain.features:
        text = explain.explain_feature(feature, plain, tr)
        out += ["", f"{explain.feature_name(feature.feature, tr)} — "
                    f"{status_label(feature.verdict, tr)}", text.headline]
        checked = {s.service for s in feature.services}
        lines = [explain.service_line(s, feature.feature, tr) for s in feature.services]
        out += [f"• {line}" for line in lines if line not in text.headline]
        out += [
            f"• {service_name(slot, tr)}: {tr.gettext('code.service_not_checked')}"
            for slot in SERVICE_SLOTS_V1.get(feature.feature, ()) if slot not in checked
        ]
    if causes:
        out += ["", f"{tr.gettext('code.main_causes')}:"]
        out += [f"• {tr.gettext(f'cause.{c.id.value}.headline')}"
                + (f" ({c.id.value})" if cause_ids else "") for c in causes]
    out += ["", tr.gettext("support.decode.lossy")]
    return "\n".join(out)


def code_error_text(error: CodeError, tr: Translator) -> str:
    """Why a typed code cannot be read, in plain words (never a guess at a diagnosis); for a
    digit code, also the group where the slip most likely is."""
    if error.reason is CodeProblem.BAD_CHARACTERS:
        return tr.format("code.error.bad_characters", chars=" ".join(error.detail))
    if error.version != VERSION_V2:
        return tr.gettext(f"code.error.{error.reason.value}")
    if error.reason is CodeProblem.WRONG_LENGTH:
        text = tr.format("code.error.digits_wrong_length", count=error.length, expected=DIGITS_V2)
    elif error.reason is CodeProblem.TYPO:
        text = tr.gettext("code.error.digits_typo")
    else:
        return tr.gettext(f"code.error.{error.reason.value}")
    if len(error.groups) == 1:
        text += " " + tr.format("code.error.where_one", group=error.groups[0])
    elif len(error.groups) == 2:
        first, second = sorted(error.groups)
        text += " " + tr.format("code.error.where_two", first=first, second=second)
    return text


def _catalog_line(version: str, tr: Translator) -> str:
    """«Список сервисов от ноября 2026 года» for the code's "2026.11"; the version as it is
    when it is not a year and a month."""
    year, _, month = version.partition(".")
    if year.isdigit() and month.isdigit() and 1 <= int(month) <= 12:
        return tr.format("code.catalog_month", month=tr.gettext(keys.month(int(month))),
                         year=year)
    return tr.format("code.catalog_version", version=version)

