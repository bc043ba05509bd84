"""The run history: private, bounded, and never lost to one damaged line."""

from __future__ import annotations

import datetime as dt
import json
import stat
import sys
from pathlib import Path

import pytest

from app.analysis.model import (
    Diagnosis,
    FeatureResult,
    NetworkResult,
    NetworkStatus,
    ServiceResult,
    Verdict,
)
from app.report.history import (
    ENV_DATA_DIR,
    FILE_NAME,
    LOCK_NAME,
    MAX_RUNS,
    Change,
    HistoryEntry,
    HistoryStore,
    ProblemReason,
    changes,
    data_dir,
)

TZ = dt.timezone(dt.timedelta(hours=3))
START = dt.datetime(2026, 11, 22, 18, 4, tzinfo=TZ)
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


def diagnosis(telegram_calls: Verdict = Verdict.WORKS, calls: Verdict = Verdict.WORKS) -> Diagnosis:
    return Diagnosis(
        network=NetworkResult(NetworkStatus.ONLINE),
        features=(
            FeatureResult(
                "calls",
                calls,
                services=(
                    ServiceResult("WhatsApp", Verdict.BLOCKED),
                    ServiceResult("Telegram", telegram_calls),
                ),
            ),
            FeatureResult(
                "messages", Verdict.WORKS, services=(ServiceResult("Signal", Verdict.WORKS),)
            ),
            FeatureResult("maps", Verdict.DEGRADED),
        ),
    )


def entry(n: int) -> HistoryEntry:
    return HistoryEntry.from_diagnosis(
        diagnosis(), f"CODE-{n:04d}", START + dt.timedelta(minutes=n)
    )


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    return HistoryStore(tmp_path / "data" / FILE_NAME)


def write_lines(store: HistoryStore, lines: list[str]) -> None:
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def good_line(n: int) -> str:
    return json.dumps(entry(n).to_json())


def codes(entries: list[HistoryEntry]) -> list[str]:
    return [e.code for e in entries]


def aside_files(store: HistoryStore) -> list[Path]:
    return sorted(store.path.parent.glob("history.corrupt-*.json"))


# ── Basics ───────────────────────────────────────────────────────────────────────────────


def test_an_entry_keeps_what_the_ui_needs(store: HistoryStore) -> None:
    assert store.load() == [] and store.last_problem is None
    assert store.append(entry(1))
    (back,) = HistoryStore(store.path).load()
    assert back == entry(1)
    assert back.time == START + dt.timedelta(minutes=1)
    assert back.time.utcoffset() is not None
    assert back.network is NetworkStatus.ONLINE
    assert back.features == {
        "calls": Verdict.WORKS,
        "messages": Verdict.WORKS,
        "maps": Verdict.DEGRADED,
    }
    assert back.services["calls"] == {"WhatsApp": Verdict.BLOCKED, "Telegram": Verdict.WORKS}
    assert back.code == "CODE-0001"


def test_time_is_written_in_the_local_time_zone_as_iso(store: HistoryStore) -> None:
    when = dt.datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=dt.UTC)
    store.append(HistoryEntry.from_diagnosis(diagnosis(), "X", when))
    written = json.loads(store.path.read_text(encoding="utf-8"))["time"]
    parsed = dt.datetime.fromisoformat(written)
    assert parsed == when.replace(microsecond=0)
    assert parsed.utcoffset() == when.astimezone().utcoffset()


def test_rotation_keeps_the_last_hundred(store: HistoryStore) -> None:
    for n in range(MAX_RUNS + 5):
        assert store.append(entry(n))
    kept = store.load()
    assert len(kept) == MAX_RUNS
    assert codes(kept) == [f"CODE-{n:04d}" for n in range(5, MAX_RUNS + 5)]
    assert len(store.path.read_text(encoding="utf-8").splitlines()) == MAX_RUNS


@posix_only
def test_file_and_folder_are_private(store: HistoryStore) -> None:
    store.append(entry(1))
    store.append(entry(2))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    # no temp file left; the lock file that keeps two copies of the app apart is private too
    assert sorted(p.name for p in store.path.parent.iterdir()) == sorted([FILE_NAME, LOCK_NAME])
    assert stat.S_IMODE((store.path.parent / LOCK_NAME).stat().st_mode) == 0o600


def test_data_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "elsewhere"))
    assert data_dir() == tmp_path / "elsewhere"
    default = HistoryStore()
    assert default.path == tmp_path / "elsewhere" / FILE_NAME
    assert default.append(entry(1)) and len(default.load()) == 1


def test_a_write_that_fails_is_reported_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    store = HistoryStore(blocker / FILE_NAME)
    assert store.append(entry(1)) is False
    assert store.last_problem is not None
    assert store.last_problem.reason is ProblemReason.NOT_SAVED


# ── Damage ───────────────────────────────────────────────────────────────────────────────


def test_garbage_file_is_set_aside_and_history_starts_again(store: HistoryStore) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(b"\x00\xff\xfe not json at all {{{\n\x89PNG")
    assert store.load() == []
    problem = store.last_problem
    assert problem is not None and problem.reason is ProblemReason.DAMAGED
    assert problem.lost_lines == 2 and problem.kept == 0
    (aside,) = aside_files(store)
    assert problem.set_aside == aside
    assert aside.read_bytes().startswith(b"\x00\xff\xfe")  # the damaged data is kept for support
    assert store.append(entry(1))
    assert codes(store.load()) == ["CODE-0001"] and store.last_problem is None


def test_one_bad_line_loses_only_that_line(store: HistoryStore) -> None:
    write_lines(store, [good_line(1), "{broken", good_line(2), "[1, 2]", good_line(3)])
    assert codes(store.load()) == ["CODE-0001", "CODE-0002", "CODE-0003"]
    problem = store.last_problem
    assert problem is not None and problem.lost_lines == 2 and problem.kept == 3
    assert len(aside_files(store)) == 1
    # the file was repaired: the next read is clean and nothing more is set aside
    assert codes(HistoryStore(store.path).load()) == ["CODE-0001", "CODE-0002", "CODE-0003"]
    assert len(aside_files(store)) == 1


def test_truncated_last_line_keeps_the_runs_before_it(store: HistoryStore) -> None:
    store.path.parent.mkdir(parents=True)
    text = good_line(1) + "\n" + good_line(2) + "\n" + good_line(3)[:40]
    store.path.write_text(text, encoding="utf-8")
    assert codes(store.load()) == ["CODE-0001", "CODE-0002"]
    assert store.last_problem is not None and store.last_problem.lost_lines == 1
    assert store.append(entry(4))
    assert codes(store.load()) == ["CODE-0001", "CODE-0002", "CODE-0004"]


@pytest.mark.parametrize(
    "change",
    [
        {"features": {"calls": "exploded"}},  # verdict that does not exist
        {"features": ["calls"]},  # wrong type
        {"features": {"calls": 3}},
        {"network": "on the moon"},
        {"network": None},
        {"time": "yesterday"},
        {"time": "2026-11-22T18:04:00"},  # no time zone
        {"time": 1732288000},
        {"code": 42},
        {"services": {"calls": {"Telegram": "maybe"}}},
        {"services": "Telegram"},
        {"schema": 99},
    ],
)
def test_entries_with_wrong_types_are_dropped_alone(
    store: HistoryStore, change: dict[str, object]
) -> None:
    bad = entry(2).to_json() | change
    write_lines(store, [good_line(1), json.dumps(bad), good_line(3)])
    assert codes(store.load()) == ["CODE-0001", "CODE-0003"]
    assert store.last_problem is not None and store.last_problem.reason is ProblemReason.DAMAGED


def test_blank_lines_are_not_damage(store: HistoryStore) -> None:
    write_lines(store, [good_line(1), "", "   ", good_line(2)])
    assert codes(store.load()) == ["CODE-0001", "CODE-0002"]
    assert store.last_problem is None and aside_files(store) == []


def test_append_after_damage_keeps_every_good_run(store: HistoryStore) -> None:
    write_lines(store, [good_line(n) for n in range(50)] + ["garbage"] + [good_line(60)])
    assert store.append(entry(61))
    assert store.last_problem is not None and store.last_problem.reason is ProblemReason.DAMAGED
    kept = codes(store.load())
    assert kept == [f"CODE-{n:04d}" for n in [*range(50), 60, 61]]


def test_unreadable_history_is_reported_not_raised(store: HistoryStore) -> None:
    store.path.mkdir(parents=True)  # a folder where the file should be: opening it fails
    assert store.load() == []
    assert store.last_problem is not None
    assert store.last_problem.reason is ProblemReason.UNREADABLE
    assert store.append(entry(1)) is False
    assert store.last_problem.reason is ProblemReason.NOT_SAVED
    assert store.path.is_dir()  # nothing was removed


# ── What changed ─────────────────────────────────────────────────────────────────────────


def test_changes_name_the_feature_and_service_that_changed() -> None:
    before = HistoryEntry.from_diagnosis(diagnosis(Verdict.WORKS), "A", START)
    now = HistoryEntry.from_diagnosis(
        diagnosis(Verdict.BLOCKED, calls=Verdict.DEGRADED), "B", START + dt.timedelta(days=1)
    )
    assert changes(before, now) == [
        Change("calls", None, Verdict.WORKS, Verdict.DEGRADED, START),
        Change("calls", "Telegram", Verdict.WORKS, Verdict.BLOCKED, START),
    ]
    assert changes(now, now) == []


def test_services_checked_only_once_are_not_changes() -> None:
    before = HistoryEntry.from_diagnosis(diagnosis(), "A", START)
    only_now = Diagnosis(
        network=NetworkResult(NetworkStatus.ONLINE),
        features=(
            FeatureResult(
                "calls", Verdict.WORKS, services=(ServiceResult("Signal", Verdict.BLOCKED),)
            ),
        ),
    )
    now = HistoryEntry.from_diagnosis(only_now, "B", START + dt.timedelta(hours=2))
    assert changes(before, now) == []
