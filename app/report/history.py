"""The local history of checks: the last 100 runs, so the app can say what changed since then.

Storage: ``history.jsonl`` in the user data folder (platformdirs, app "conncheck"), or in
``$CONNCHECK_DATA_DIR`` when set (tests, portable use). One JSON object per line, oldest
first; the folder is private to the user (0700) and the file too (0600). Every write replaces
the whole file atomically (temporary file + ``os.replace``), so a crash leaves either the old
or the new history, never half of one.

Damage never costs the other runs and never raises: reading skips lines that are not a valid
entry. When any line was skipped, the damaged file is first copied aside as
``history.corrupt-<timestamp>.json`` (nothing is thrown away, support can look at it), and
the good lines are written back. ``store.last_problem`` then says what happened so the UI can
word it; it is ``None`` after a clean read or write.

Two copies of the app (two windows, a window and the CLI) may finish a check at the same
moment: every read-modify-write (append, and a load that repairs) holds an advisory lock on
``history.lock`` next to the file (:mod:`app.filelock`), so no run is lost to an interleaved
write and the file is never a mix of two.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.analysis.model import Diagnosis, NetworkStatus, Verdict
from app.atomic import write_atomically
from app.filelock import locked
from app.paths import private_folder

APP_NAME = "conncheck"
ENV_DATA_DIR = "CONNCHECK_DATA_DIR"
FILE_NAME = "history.jsonl"
LOCK_NAME = "history.lock"
LOCK_TIMEOUT_S = 5.0  # another copy of the app holds the lock for milliseconds, not seconds
MAX_RUNS = 100
ENTRY_SCHEMA = 1
MAX_READ_BYTES = 4 * 1024 * 1024  # a history of 100 runs is ~100 KB; read no more than this
FEATURES: tuple[str, ...] = ("calls", "messages", "maps")


def data_dir() -> Path:
    """Where the app keeps its own files: ``$CONNCHECK_DATA_DIR`` or the platform's place."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    import platformdirs  # imported here: only needed when no override is given

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class ProblemReason(StrEnum):
    """What went wrong with the history, for the UI to put in words."""

    DAMAGED = "damaged"  # some saved runs could not be read; the file was set aside, rest kept
    UNREADABLE = "unreadable"  # the file could not be opened or read at all
    NOT_SAVED = "not_saved"  # this run could not be written (disk full, no permission…)


@dataclass(frozen=True)
class HistoryProblem:
    reason: ProblemReason
    lost_lines: int = 0  # DAMAGED: how many lines could not be read
    kept: int = 0  # DAMAGED: how many runs were recovered
    set_aside: Path | None = None  # DAMAGED: the copy of the damaged file
    detail: str = ""  # the OS error, for Details/logs


@dataclass(frozen=True)
class HistoryEntry:
    """One past check, as much as "what changed since then" needs."""

    time: dt.datetime  # aware, in the local time zone when written
    network: NetworkStatus
    features: Mapping[str, Verdict]  # feature -> verdict
    services: Mapping[str, Mapping[str, Verdict]] = field(default_factory=dict)  # feature -> name
    code: str = ""

    @classmethod
    def from_diagnosis(
        cls, diagnosis: Diagnosis, code: str, when: dt.datetime | None = None
    ) -> HistoryEntry:
        """The entry for a finished check; ``when`` defaults to now (local time zone)."""
        moment = (when or dt.datetime.now()).astimezone()
        return cls(
            time=moment.replace(microsecond=0),
            network=diagnosis.network.status,
            features={f.feature: f.verdict for f in diagnosis.features},
            services={
                f.feature: {s.service: s.verdict for s in f.services} for f in diagnosis.features
            },
            code=code,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": ENTRY_SCHEMA,
            "time": self.time.isoformat(),
            "network": self.network.value,
            "features": {name: verdict.value for name, verdict in self.features.items()},
            "services": {
                feature: {name: verdict.value for name, verdict in services.items()}
                for feature, services in self.services.items()
            },
            "code": self.code,
        }

    @classmethod
    def from_json(cls, data: object) -> HistoryEntry:
        """Parse one line's object; ``ValueError`` for anything that is not a valid entry."""
        if not isinstance(data, dict):
            raise ValueError("not an object")
        if data.get("schema") != ENTRY_SCHEMA:
            raise ValueError("unknown entry schema")
        time = dt.datetime.fromisoformat(_string(data, "time"))
        if time.tzinfo is None:
            raise ValueError("time without time zone")
        features = {name: Verdict(value) for name, value in _str_map(data, "features").items()}
        raw_services = data.get("services", {})
        if not isinstance(raw_services, dict):
            raise ValueError("services is not an object")
        services = {
            feature: {name: Verdict(v) for name, v in _str_map(raw_services, feature).items()}
            for feature in raw_services
        }
        return cls(
            time=time,
            network=NetworkStatus(_string(data, "network")),
            features=features,
            services=services,
            code=_string(data, "code"),
        )


def _string(data: Mapping[str, object], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ValueError(f"{key} is not a string")
    return value


def _str_map(data: Mapping[str, object], key: str) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError(f"{key} is not an object of strings")
    return value


@dataclass(frozen=True)
class Change:
    """A verdict that differs from the previous run: "Calls in Telegram worked yesterday…"."""

    feature: str
    service: str | None  # None: the feature as a whole
    old: Verdict
    new: Verdict
    previous_time: dt.datetime


def changes(previous: HistoryEntry, current: HistoryEntry) -> list[Change]:
    """Feature and service verdicts that differ between two runs, features in app order.

    Only things checked both times count: a service missing from one run is not a change.
    """
    found: list[Change] = []
    order = [f for f in FEATURES if f in current.features] + sorted(
        set(current.features) - set(FEATURES)
    )
    for feature in order:
        old = previous.features.get(feature)
        new = current.features[feature]
        if old is not None and old != new:
            found.append(Change(feature, None, old, new, previous.time))
        before = previous.services.get(feature, {})
        for service, verdict in current.services.get(feature, {}).items():
            was = before.get(service)
            if was is not None and was != verdict:
                found.append(Change(feature, service, was, verdict, previous.time))
    return found


class HistoryStore:
    """The history file. Reading and writing never raise; see ``last_problem``."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else data_dir() / FILE_NAME
        self.last_problem: HistoryProblem | None = None

    def load(self) -> list[HistoryEntry]:
        """The kept runs, oldest first. Damaged lines are dropped (and the file repaired)."""
        self.last_problem = None
        if not self.path.parent.is_dir():
            return []  # nothing saved yet: create nothing just to read
        try:
            with self._lock():
                return self._load()
        except OSError:  # no lock to be had (a read-only folder, a stuck process): read anyway
            self.last_problem = None
            entries, _lost = self._read()
            return entries

    def append(self, entry: HistoryEntry) -> bool:
        """Add a run, keeping the last ``MAX_RUNS``. False (and ``last_problem``) if not saved."""
        self.last_problem = None
        try:
            self._make_folder()
            with self._lock():
                entries = self._load()
                damage = self.last_problem
                self._write([*entries, entry][-MAX_RUNS:])
        except OSError as error:
            self.last_problem = HistoryProblem(ProblemReason.NOT_SAVED, detail=str(error))
            return False
        self.last_problem = damage
        return True

    def latest(self) -> HistoryEntry | None:
        entries = self.load()
        return entries[-1] if entries else None

    # ── internals ──

    def _lock(self) -> AbstractContextManager[None]:
        return locked(self.path.with_name(LOCK_NAME), LOCK_TIMEOUT_S)

    def _load(self) -> list[HistoryEntry]:
        """``load`` with the lock already held."""
        entries, lost = self._read()
        if lost:
            self._set_aside_and_repair(entries, lost)
        return entries

    def _make_folder(self) -> None:
        private_folder(self.path.parent)

    def _read(self) -> tuple[list[HistoryEntry], int]:
        try:
            with self.path.open("rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size > MAX_READ_BYTES:
                    handle.seek(size - MAX_READ_BYTES)
                blob = handle.read(MAX_READ_BYTES)
        except FileNotFoundError:
            return [], 0
        except OSError as error:
            self.last_problem = HistoryProblem(ProblemReason.UNREADABLE, detail=str(error))
            return [], 0
        entries: list[HistoryEntry] = []
        lost = 1 if size > MAX_READ_BYTES else 0  # older part of an oversized file
        for line in blob.split(b"\n"):
            if not line.strip():
                continue
            try:
                entries.append(HistoryEntry.from_json(json.loads(line.decode("utf-8"))))
            except (ValueError, TypeError, RecursionError):
                lost += 1
        return entries[-MAX_RUNS:], lost

    def _set_aside_and_repair(self, entries: list[HistoryEntry], lost: int) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        aside = self.path.with_name(f"history.corrupt-{stamp}.json")
        try:
            shutil.copyfile(self.path, aside)
            os.chmod(aside, 0o600)
            self._write(entries)
        except OSError as error:
            self.last_problem = HistoryProblem(
                ProblemReason.DAMAGED, lost, len(entries), None, str(error)
            )
            return
        self.last_problem = HistoryProblem(ProblemReason.DAMAGED, lost, len(entries), aside)

    def _write(self, entries: list[HistoryEntry]) -> None:
        self._make_folder()
        text = "".join(
            json.dumps(e.to_json(), ensure_ascii=False, sort_keys=True) + "\n" for e in entries
        )
        write_atomically(self.path, text.encode("utf-8"), mode=0o600)


@dataclass(frozen=True)
class Remembered:
    """A run kept in the history: the run before it, and any problem with the file."""

    previous: HistoryEntry | None
    current: HistoryEntry
    problem: HistoryProblem | None


def keep(entry: HistoryEntry, store: HistoryStore | None = None) -> Remembered:
    """Append ``entry`` and say what came before it. Never raises (see ``problem``)."""
    store = store or HistoryStore()
    previous = store.latest()
    store.append(entry)
    return Remembered(previous, entry, store.last_problem)

