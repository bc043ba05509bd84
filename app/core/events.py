"""Progress events the engine emits. Frozen, so they can cross to the GUI thread as they are."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.model import Check, Observation
from app.core.system import InterfaceSnapshot


@dataclass(frozen=True)
class RunStarted:
    """The run began: what the interfaces look like, and how many checks will run."""

    interfaces: InterfaceSnapshot
    total: int
    started_monotonic: float  # time.monotonic() at the start, for "verdict after N s"


@dataclass(frozen=True)
class CheckStarted:
    check: Check
    total: int


@dataclass(frozen=True)
class CheckFinished:
    check: Check
    observation: Observation
    done: int  # how many checks have finished, this one included
    total: int


@dataclass(frozen=True)
class StoppedEarly:
    """The engine stopped the remaining checks; ``reason`` is "offline" (nothing answered).
    A ``CheckFinished`` follows for each stopped check."""

    reason: str
    after_s: float


Event = RunStarted | CheckStarted | CheckFinished | StoppedEarly
