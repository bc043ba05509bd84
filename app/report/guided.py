"""Guided mode: short numbered lines a person reads out to whoever helps them.

Why a separate form: on the phone nobody can read a report; they read line by line what the
helper asks for. So: the check code first, then one line for the internet connection, one
per feature (each app's result when they differ), then at most two plain-language causes.
Pure text, so the CLI and the window say exactly the same.
"""

from __future__ import annotations

from app.analysis.model import Diagnosis, FeatureResult, NetworkStatus, Verdict
from app.i18n import Translator
from app.knowledge import explain
from app.knowledge.names import service_name, status_label
from app.report.code import main_causes

# A connection whose status word is no sentence of its own ("Couldn't tell") is said with its
# subject and a label, like a feature: «Подключение к интернету: неясно».
NETWORK_LABELS: dict[NetworkStatus, Verdict] = {
    NetworkStatus.ONLINE: Verdict.WORKS,
    NetworkStatus.UNKNOWN: Verdict.UNKNOWN,
}


def _feature_value(feature: FeatureResult, tr: Translator) -> str:
    """«блокировка», or «WhatsApp — блокировка, Telegram — в порядке» when the apps differ.

    Labels agree with no subject (the glossary's status labels), so they are right after any
    feature or service name."""
    verdicts = {s.verdict for s in feature.services}
    if len(feature.services) < 2 or verdicts == {feature.verdict}:
        return status_label(feature.verdict, tr)
    return ", ".join(
        tr.format("support.guided.service", service=service_name(s.service, tr),
                  verdict=status_label(s.verdict, tr))
        for s in feature.services
    )


def network_item(status: NetworkStatus, tr: Translator) -> str:
    """The internet connection with its subject: «Подключение к интернету: неясно», or a
    status that is a sentence already («Нет подключения к интернету»)."""
    label = NETWORK_LABELS.get(status)
    if label is not None:
        return f"{explain.term('network', tr)}: {status_label(label, tr)}"
    return explain.status_word(status, tr)  # "No internet connection" says it all


def guided_lines(diagnosis: Diagnosis, tr: Translator, code: str) -> list[str]:
    """``["Check code: …", "1. Internet connection: works.", "2. Calls: …", …]``."""
    lines = [tr.format("support.guided.code", code=code)] if code else []
    status = diagnosis.network.status
    items = [tr.format("support.guided.sentence", text=network_item(status, tr))]
    items += [
        tr.format("support.guided.item", name=explain.feature_name(f.feature, tr),
                  value=_feature_value(f, tr))
        for f in diagnosis.features
    ]
    items += [
        tr.format("support.guided.cause", text=tr.gettext(f"cause.{cause.value}.headline"))
        for cause in main_causes(diagnosis)
        if cause.value != status.value  # "offline" again after "No internet connection"
    ]
    lines += [f"{n}. {item}" for n, item in enumerate(items, 1)]
    return lines
