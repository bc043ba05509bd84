"""A decoded check code in plain words, for Help → Decode a code (and anyone else).

Why its own wording: a code carries less than a run (see ``app/report/code.py``
``project``): the two main causes are not tied to a feature, and a service slot may be
"not checked". So the causes get their own heading ("Main causes of this check") instead of
being shown as network causes, and every registry slot is listed.
"""

from __future__ import annotations

from dataclasses import replace

from app.analysis.model import Diagnosis, NetworkStatus
from app.i18n import Translator
from app.knowledge import explain
from app.knowledge.names import format_date, service_name
from app.report.code import SERVICE_SLOTS_V1, CodeError


def decoded_text(diagnosis: Diagnosis, tr: Translator) -> str:
    """The whole decoded diagnosis as text: date, network, features, main causes."""
    causes = diagnosis.network.causes
    plain = replace(diagnosis, network=replace(diagnosis.network, causes=()))
    out = [tr.format("code.date", date=format_date(plain.date, tr))]
    if plain.catalog_version:
        out.append(tr.format("code.catalog_month", month=plain.catalog_version))
    status = plain.network.status
    out += ["", f"{explain.term('network', tr)} — {explain.status_word(status, tr)}"]
    if status != NetworkStatus.ONLINE:
        out.append(explain.explain_network(plain.network, tr).headline)
    for feature in plain.features:
        text = explain.explain_feature(feature, plain, tr)
        out += ["", f"{explain.feature_name(feature.feature, tr)} — "
                    f"{explain.verdict_word(feature.verdict, tr)}", text.headline]
        checked = {s.service for s in feature.services}
        lines = [explain.service_line(s, feature.feature, tr) for s in feature.services]
        out += [f"• {line}" for line in lines if line not in text.headline]
        out += [
            f"• {service_name(slot, tr)}: {tr.gettext('code.service_not_checked')}"
            for slot in SERVICE_SLOTS_V1.get(feature.feature, ()) if slot not in checked
        ]
    if causes:
        out += ["", f"{tr.gettext('code.main_causes')}:"]
        out += [f"• {tr.gettext(f'cause.{c.id.value}.headline')}" for c in causes]
    out += ["", tr.gettext("support.decode.lossy")]
    return "\n".join(out)


def code_error_text(error: CodeError, tr: Translator) -> str:
    """Why a typed code cannot be read, in plain words (never a guess at a diagnosis)."""
    if error.reason.value == "bad_characters":
        return tr.format("code.error.bad_characters", chars=" ".join(error.detail))
    return tr.gettext(f"code.error.{error.reason.value}")
