"""A card's title never says less than its body (issue 16): blocked in some apps → the title
says blocked and names them; the same sentence in both languages agrees with its subject."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from app.analysis.model import (
    Diagnosis,
    FeatureResult,
    NetworkResult,
    NetworkStatus,
    ServiceResult,
    Verdict,
)
from app.i18n import translator
from app.knowledge.explain import explain_feature
from app.knowledge.latin import capital_after_dash
from app.knowledge.names import service_name

SERVICES = {"calls": ("WhatsApp", "Telegram", "Signal"),
            "messages": ("WhatsApp", "Telegram", "Signal"),
            "maps": ("Yandex Maps", "2GIS", "Google Maps")}
SHOWN = (Verdict.WORKS, Verdict.DEGRADED, Verdict.BLOCKED)
BLOCKED_WORD = {"ru": "заблокированы", "en": "blocked"}
PROBLEMS_WORD = {"ru": "с перебоями", "en": "with problems"}


def _feature_verdict(verdicts: tuple[Verdict, ...]) -> Verdict:
    if all(v == Verdict.BLOCKED for v in verdicts):
        return Verdict.BLOCKED
    if any(v != Verdict.WORKS for v in verdicts):
        return Verdict.DEGRADED
    return Verdict.WORKS


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("feature", list(SERVICES))
def test_the_title_names_the_worst_it_found(lang: str, feature: str) -> None:
    tr = translator(lang)
    for verdicts in itertools.product(SHOWN, repeat=3):
        services = tuple(ServiceResult(s, v) for s, v in zip(SERVICES[feature], verdicts,
                                                               strict=True))
        result = FeatureResult(feature, _feature_verdict(verdicts), (), services)
        diagnosis = Diagnosis(NetworkResult(NetworkStatus.ONLINE), (result,), "t", "1",
                              dt.date(2026, 3, 1))
        e = explain_feature(result, diagnosis, tr)
        blocked = [s.service for s in services if s.verdict == Verdict.BLOCKED]
        degraded = [s.service for s in services if s.verdict == Verdict.DEGRADED]
        worst, word = ((blocked, BLOCKED_WORD[lang]) if blocked
                       else (degraded, PROBLEMS_WORD[lang]) if degraded else ([], ""))
        assert word in e.title.lower(), (verdicts, e.title)
        if worst and len(worst) < len(services):  # some, not all: the title names them
            for name in worst:
                assert service_name(name, tr) in e.title, (verdicts, e.title)
        assert e.title_verdict == (Verdict.BLOCKED if blocked else
                                   Verdict.DEGRADED if degraded else Verdict.WORKS)
        # labels agree with nothing; one per service, in the result's order
        assert len(e.service_labels) == 3
        assert all(" — " in label for label in e.service_labels)
        assert capital_after_dash(" · ".join(e.service_labels)) == []
        # the one action only where there is something to do
        assert (e.primary is None) == (result.verdict == Verdict.WORKS)


def test_a_capital_after_a_dash_is_found() -> None:
    assert capital_after_dash("Звонки — Работает") == ["Работает"]
    assert capital_after_dash("Подключение к интернету: Не удалось определить") == ["Не"]
    assert capital_after_dash("WhatsApp — блокировка · Яндекс Карты — в порядке") == []
    assert capital_after_dash("Код проверки: 0264-4270") == []
