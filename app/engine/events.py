"""Progress events the engine emits. Frozen, so they can cross to the GUI thread as they are."""

from __future__ import annotations

from dataclasses import dataclass

from app.engine.model import Check, Observation


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


Event = CheckStarted | CheckFinished
