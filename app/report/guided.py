"""Guided mode: short numbered lines a person reads out to whoever helps them.

Why a separate form: on the phone nobody can read a report; they read line by line what the
helper asks for. So: the check code first, then one line for the internet connection, one
per feature (each app's result when they differ), then at most two plain-language causes.
Pure text, so the CLI and the window say exactly the same.
"""

from __future__ import annotations

from app.analysis.model import Diagnosis, FeatureResult, NetworkStatus
from app.i18n import Translator
from app.knowledge import explain
from app.knowledge.names import service_name
from app.report.code import main_causes


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _feature_value(feature: FeatureResult, tr: Translator) -> str:
    """"Blocked", or "WhatsApp blocked, Telegram works" when the apps' results differ."""
    verdicts = {s.verdict for s in feature.services}
    if len(feature.services) < 2 or verdicts == {feature.verdict}:
        return _lower_first(explain.verdict_word(feature.verdict, tr))
    return ", ".join(
        tr.format("support.guided.service", service=service_name(s.service, tr),
                  verdict=_lower_first(explain.verdict_word(s.verdict, tr)))
        for s in feature.services
    )


def guided_lines(diagnosis: Diagnosis, tr: Translator, code: str) -> list[str]:
    """``["Check code: …", "1. Internet connection: works.", "2. Calls: …", …]``."""
    lines = [tr.format("support.guided.code", code=code)] if code else []
    status = diagnosis.network.status
    status_word = explain.status_word(status, tr)
    if status == NetworkStatus.ONLINE:
        items = [tr.format("support.guided.item", name=explain.term("network", tr),
                           value=_lower_first(status_word))]
    else:  # "No internet connection." says it all; "Internet connection: no …" stutters
        items = [tr.format("support.guided.sentence", text=status_word)]
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
