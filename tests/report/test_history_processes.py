"""Two to four copies of the app writing the same history at once (real processes): every
line stays valid JSON, no run is lost except the oldest beyond the cap, nobody raises."""

from __future__ import annotations

import json
import multiprocessing
import threading
import traceback
from pathlib import Path

from app.analysis.model import (
    Diagnosis,
    FeatureResult,
    NetworkResult,
    NetworkStatus,
    ServiceResult,
    Verdict,
)
from app.report.history import FILE_NAME, MAX_RUNS, HistoryEntry, HistoryStore, ProblemReason

JOIN_TIMEOUT_S = 60.0


def _diagnosis() -> Diagnosis:
    return Diagnosis(
        network=NetworkResult(NetworkStatus.ONLINE),
        features=(FeatureResult("calls", Verdict.WORKS,
                                services=(ServiceResult("WhatsApp", Verdict.BLOCKED),)),
                  FeatureResult("maps", Verdict.WORKS)),
    )


def _writer(path: str, name: str, count: int, errors: multiprocessing.Queue,  # type: ignore[type-arg]
            start: threading.Barrier) -> None:
    """One copy of the app: ``count`` checks in a row, each appended to the shared history."""
    try:
        start.wait(JOIN_TIMEOUT_S)  # everyone begins together, so the writes really overlap
        store = HistoryStore(Path(path))
        diagnosis = _diagnosis()
        for n in range(count):  # bounded
            if not store.append(HistoryEntry.from_diagnosis(diagnosis, f"{name}-{n:03d}")):
                errors.put(f"{name}: run {n} not saved: {store.last_problem}")
            elif store.last_problem is not None:
                errors.put(f"{name}: run {n}: {store.last_problem}")
    except BaseException:  # reported to the test, which fails on it
        errors.put(f"{name}: {traceback.format_exc()}")


def _reader(path: str, count: int, errors: multiprocessing.Queue,  # type: ignore[type-arg]
            start: threading.Barrier) -> None:
    """The history view opened while others write: never damaged, never more than the cap."""
    try:
        start.wait(JOIN_TIMEOUT_S)
        store = HistoryStore(Path(path))
        for _ in range(count):  # bounded
            entries = store.load()
            if store.last_problem is not None:
                errors.put(f"reader: {store.last_problem}")
            if len(entries) > MAX_RUNS:
                errors.put(f"reader: {len(entries)} entries")
    except BaseException:  # reported to the test, which fails on it
        errors.put(f"reader: {traceback.format_exc()}")


def _run(path: Path, writers: dict[str, int], readers: int = 0) -> list[str]:
    ctx = multiprocessing.get_context("spawn")
    errors = ctx.Queue()
    start = ctx.Barrier(len(writers) + readers)
    procs = [ctx.Process(target=_writer, args=(str(path), name, count, errors, start))
             for name, count in writers.items()]
    procs += [ctx.Process(target=_reader, args=(str(path), 60, errors, start))
              for _ in range(readers)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(JOIN_TIMEOUT_S)
    alive = [p for p in procs if p.is_alive()]
    for proc in alive:
        proc.kill()
        proc.join(5)
    found: list[str] = []
    while not errors.empty():  # bounded: the processes have ended
        found.append(errors.get(timeout=1))
    assert not alive, f"{len(alive)} process(es) hung"
    assert [p.exitcode for p in procs] == [0] * len(procs)
    return found


def _lines(path: Path) -> list[dict[str, object]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]  # raises on any line that is not JSON


def test_four_processes_appending_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "data" / FILE_NAME
    writers = {f"P{i}": 25 for i in range(4)}  # 100 runs: exactly the cap, nothing may go
    assert _run(path, writers, readers=1) == []
    codes = [str(line["code"]) for line in _lines(path)]
    assert len(codes) == MAX_RUNS
    assert sorted(codes) == sorted(f"P{i}-{n:03d}" for i in range(4) for n in range(25))
    for name in writers:  # each copy's own runs stay in the order it made them
        own = [c for c in codes if c.startswith(name + "-")]
        assert own == sorted(own)
    store = HistoryStore(path)
    assert len(store.load()) == MAX_RUNS and store.last_problem is None
    assert not list(path.parent.glob("history.corrupt-*"))  # nothing was ever damaged
    assert not list(path.parent.glob("*.part"))  # no temporary file left


def test_trimming_while_others_append_keeps_the_newest_runs(tmp_path: Path) -> None:
    path = tmp_path / "data" / FILE_NAME
    writers = {"A": 60, "B": 60, "C": 40}  # 160 runs: the 60 oldest go, the 100 newest stay
    assert _run(path, writers) == []
    codes = [str(line["code"]) for line in _lines(path)]
    assert len(codes) == MAX_RUNS == len(set(codes))
    for name, count in writers.items():
        own = [c for c in codes if c.startswith(name + "-")]
        # only a process's oldest runs may have been trimmed: what is kept is its last ones
        assert own == [f"{name}-{n:03d}" for n in range(count - len(own), count)]


def test_a_problem_in_one_process_is_never_damage_in_another(tmp_path: Path) -> None:
    """Two writers on a history that starts damaged: the damage is set aside once, by one
    of them, and both keep every run."""
    path = tmp_path / "data" / FILE_NAME
    path.parent.mkdir(parents=True)
    good = json.dumps(HistoryEntry.from_diagnosis(_diagnosis(), "OLD-000").to_json())
    path.write_text(good + "\n{half a line\n", encoding="utf-8")
    errors = _run(path, {"A": 20, "B": 20})
    # exactly one writer met the damage (and said so); the other never saw any
    assert len(errors) == 1 and str(ProblemReason.DAMAGED) in errors[0]
    codes = [str(line["code"]) for line in _lines(path)]
    assert codes[0] == "OLD-000" and len(codes) == 41
    assert len(list(path.parent.glob("history.corrupt-*"))) == 1
