"""What changed since the check before, in sentences; history rows; history problems."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.analysis.model import NetworkStatus, Verdict
from app.i18n import translator
from app.report.changes_text import change_sentences, entry_summary, problem_text, when
from app.report.history import HistoryEntry, HistoryProblem, ProblemReason

NOW = dt.datetime(2026, 11, 21, 10, 0).astimezone()


def entry(time: dt.datetime, calls: Verdict, telegram: Verdict, maps: Verdict = Verdict.WORKS,
          gis: Verdict = Verdict.WORKS, network: NetworkStatus = NetworkStatus.ONLINE,
          ) -> HistoryEntry:
    return HistoryEntry(
        time=time, network=network,
        features={"calls": calls, "messages": Verdict.WORKS, "maps": maps},
        services={"calls": {"WhatsApp": calls, "Telegram": telegram},
                  "maps": {"2GIS": gis, "Yandex Maps": maps}},
        code="ABCD-EFGH-JKMN-PQ",
    )


YESTERDAY = dt.datetime(2026, 11, 20, 18, 4).astimezone()


def test_the_example_from_the_issue() -> None:
    before = entry(YESTERDAY, Verdict.BLOCKED, Verdict.WORKS)
    after = entry(NOW, Verdict.BLOCKED, Verdict.BLOCKED)
    assert change_sentences(before, after, translator("en"), NOW) == [
        "Calls in Telegram worked yesterday at 18:04; now blocked."]
    assert change_sentences(before, after, translator("ru"), NOW) == [
        "Звонки в Telegram работали вчера в 18:04; сейчас заблокированы."]


def test_feature_and_service_changes_in_order() -> None:
    before = entry(YESTERDAY, Verdict.WORKS, Verdict.WORKS)
    after = entry(NOW, Verdict.BLOCKED, Verdict.WORKS)
    assert change_sentences(before, after, translator("ru"), NOW) == [
        "Звонки работали вчера в 18:04; сейчас заблокированы.",
        "Звонки в WhatsApp работали вчера в 18:04; сейчас заблокированы.",
    ]


def test_map_services_agree_in_the_singular() -> None:
    before = entry(YESTERDAY, Verdict.WORKS, Verdict.WORKS, gis=Verdict.BLOCKED)
    after = entry(NOW, Verdict.WORKS, Verdict.WORKS, gis=Verdict.WORKS)
    assert change_sentences(before, after, translator("ru"), NOW) == [
        "Сервис 2ГИС был заблокирован вчера в 18:04; сейчас работает."]
    assert change_sentences(before, after, translator("en"), NOW) == [
        "2GIS was blocked yesterday at 18:04; now it works."]


def test_nothing_changed_is_no_sentence() -> None:
    before = entry(YESTERDAY, Verdict.WORKS, Verdict.WORKS)
    assert change_sentences(before, entry(NOW, Verdict.WORKS, Verdict.WORKS),
                            translator("en"), NOW) == []


@pytest.mark.parametrize(("moment", "en", "ru"), [
    (dt.datetime(2026, 11, 21, 8, 30), "today at 08:30", "сегодня в 08:30"),
    (dt.datetime(2026, 11, 20, 23, 59), "yesterday at 23:59", "вчера в 23:59"),
    (dt.datetime(2026, 5, 3, 7, 5), "on 3 May 2026 at 07:05", "3 мая 2026 года в 07:05"),
])
def test_when(moment: dt.datetime, en: str, ru: str) -> None:
    assert when(moment.astimezone(), translator("en"), NOW) == en
    assert when(moment.astimezone(), translator("ru"), NOW) == ru


def test_every_verdict_has_past_and_present_forms() -> None:
    for lang in ("ru", "en"):
        tr = translator(lang)
        for verdict in Verdict:
            for kind in ("was", "now", "was_one", "now_one"):
                key = f"history.{kind}.{verdict.value}"
                assert tr.has(key), (lang, key)


def test_entry_summary_uses_labels_that_agree_with_any_subject() -> None:
    row = entry(NOW, Verdict.BLOCKED, Verdict.WORKS, network=NetworkStatus.CAPTIVE_PORTAL)
    assert entry_summary(row, translator("en")) == (
        "Wi-Fi asks you to log in · Calls: blocked · Messages: works · Maps: works")
    assert entry_summary(row, translator("ru")) == (
        "Wi-Fi просит войти (страница входа) · Звонки: блокировка · Сообщения: в порядке · "
        "Карты: в порядке")


def test_a_summary_that_could_not_tell_names_what_it_is_about() -> None:
    """Finding 5: «Не удалось определить · Звонки: Не удалось определит…» had no subject."""
    row = entry(NOW, Verdict.UNKNOWN, Verdict.UNKNOWN, network=NetworkStatus.UNKNOWN)
    ru = entry_summary(row, translator("ru"))
    assert ru.startswith("Подключение к интернету: неясно · Звонки: неясно")
    assert "Не удалось определить" not in ru
    assert entry_summary(row, translator("en")).startswith(
        "Internet connection: unclear · Calls: unclear")


def test_problem_texts_are_calm_and_filled_in() -> None:
    tr = translator("ru")
    damaged = HistoryProblem(ProblemReason.DAMAGED, lost_lines=2, kept=5,
                             set_aside=Path("x.json"))
    assert "потеряно: 2, сохранено: 5" in problem_text(damaged, tr)
    assert problem_text(HistoryProblem(ProblemReason.UNREADABLE), tr) == tr.gettext(
        "history.problem.unreadable")
    assert problem_text(HistoryProblem(ProblemReason.NOT_SAVED), tr) == tr.gettext(
        "history.problem.not_saved")


def test_since_last_time_leaves_out_what_could_not_be_judged(tmp_path) -> None:
    from app.analysis.diagnose import diagnose
    from app.i18n import translator
    from app.report.changes_text import since_last_time
    from app.report.history import HistoryEntry, HistoryStore, keep
    from tests.analysis.factory import CONNECTED, catalog, fail, healthy

    store = HistoryStore(tmp_path / "history.jsonl")
    tr = translator("en")
    def remember(diagnosis, code):  # type: ignore[no-untyped-def]
        return since_last_time(keep(HistoryEntry.from_diagnosis(diagnosis, code), store), tr)

    assert remember(diagnose(healthy(), catalog(), CONNECTED), "C1") == ""
    unclear = healthy(tg_dc1=fail("tg-dc1", "internal_error", "tcp"),
                      tg_web=fail("tg-web", "internal_error", "http"),
                      wa_relay=fail("wa-relay", "generic_timeout_error", "udp"))
    said = remember(diagnose(unclear, catalog(), CONNECTED), "C2")
    assert "Calls in WhatsApp worked" in said and "now blocked" in said
    assert "Telegram" not in said  # works -> couldn't tell is not news
