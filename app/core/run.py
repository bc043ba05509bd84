"""What one run of the engine hands to analysis and the presenters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.core.model import Observation
from app.core.system import InterfaceSnapshot


@dataclass(frozen=True)
class RunResult:
    observations: tuple[Observation, ...]
    started_at: dt.datetime
    duration_s: float
    interfaces: InterfaceSnapshot
    cancelled: bool = False
    deadline_hit: bool = False
    extras: Mapping[str, object] = field(default_factory=dict)
    stopped_early: str | None = None  # "offline": nothing answered, remaining checks stopped
    sequential: bool = False  # checks ran one after another (benchmarks only)
