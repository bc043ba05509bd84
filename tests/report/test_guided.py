"""Guided mode: the lines a person reads out, in order, in both languages."""

from __future__ import annotations

from app.analysis.model import (
    Diagnosis,
    FeatureResult,
    NetworkResult,
    NetworkStatus,
    ServiceResult,
    Verdict,
)
from app.i18n import translator
from app.report.guided import guided_lines
from tests.report import sample


def test_code_first_then_network_then_features_then_causes() -> None:
    lines = guided_lines(sample.diagnosis(), translator("en"), "21VZ-56Y4-ET4W-N1")
    assert lines[:5] == [
        "Check code: 21VZ-56Y4-ET4W-N1",
        "1. Internet connection: works.",
        "2. Calls: WhatsApp — blocked, Telegram — works.",
        "3. Messages: WhatsApp — problems, Telegram — works.",
        "4. Maps: works.",
    ]
    assert [line.split(".", 1)[0] for line in lines[5:]] == ["5", "6"]
    assert all(line.split(". ", 1)[1].startswith("What the check saw: ") for line in lines[5:])


def test_russian_lines_read_naturally() -> None:
    lines = guided_lines(sample.diagnosis(), translator("ru"), "21VZ-56Y4-ET4W-N1")
    assert lines[0] == "Код проверки: 21VZ-56Y4-ET4W-N1"
    assert lines[1] == "1. Подключение к интернету: в порядке."
    assert lines[2] == "2. Звонки: WhatsApp — блокировка, Telegram — в порядке."
    assert lines[3] == "3. Сообщения: WhatsApp — с перебоями, Telegram — в порядке."
    assert lines[4] == "4. Карты: в порядке."
    assert lines[5].startswith("5. Что увидела проверка: ")


def test_offline_says_it_once() -> None:
    lines = guided_lines(sample.offline_diagnosis(), translator("ru"), "")
    assert lines == [
        "1. Нет подключения к интернету.",
        "2. Звонки: нет интернета.",
        "3. Сообщения: нет интернета.",
        "4. Карты: нет интернета.",
    ]


def test_a_connection_that_could_not_be_told_is_named_in_the_first_line() -> None:
    """Finding 5: the read-out began «1. Не удалось определить.» — about what?"""
    from dataclasses import replace

    base = sample.diagnosis()
    unclear = replace(base, network=replace(base.network, status=NetworkStatus.UNKNOWN))
    assert guided_lines(unclear, translator("ru"), "")[0] == "1. Подключение к интернету: неясно."
    assert guided_lines(unclear, translator("en"), "")[0] == "1. Internet connection: unclear."


def test_russian_service_names_and_one_app_features() -> None:
    diagnosis = Diagnosis(
        NetworkResult(NetworkStatus.WHITELIST_ONLY),
        (FeatureResult("maps", Verdict.DEGRADED, services=(
            ServiceResult("Yandex Maps", Verdict.WORKS),
            ServiceResult("Google Maps", Verdict.BLOCKED),
        )),),
    )
    lines = guided_lines(diagnosis, translator("ru"), "X")
    assert lines[1] == "1. Работают только некоторые российские сайты."
    assert lines[2] == "2. Карты: Яндекс Карты — в порядке, Google Карты — блокировка."
