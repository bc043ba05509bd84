"""What the engine records for a check whose probe gave no observation of its own, and how a
run's observations are put together in catalog order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from app.core import failures
from app.core.model import Check, Kind, Observation, Phase
from app.engine.context import observation_for

_FIRST_PHASE = {
    Kind.DNS: Phase.DNS,
    Kind.DOH: Phase.TCP,
    Kind.TCP: Phase.DNS,
    Kind.TLS: Phase.DNS,
    Kind.HTTPS: Phase.DNS,
    Kind.HTTP: Phase.DNS,
    Kind.STUN: Phase.UDP,
    Kind.UDP_ECHO: Phase.UDP,
    Kind.CALL_FLOW: Phase.UDP,
    Kind.TURN_CALL: Phase.UDP,
    Kind.ECHO_CALL: Phase.HTTP,
    Kind.CALL_SHAPES: Phase.UDP,
}


def failed_observation(check: Check, failure: str, detail: str, duration_ms: int,
                       phase: str | None = None) -> Observation:
    """What the engine records for a check whose probe gave no observation of its own."""
    return observation_for(
        check, ok=False, failure=failure, phase=phase or _FIRST_PHASE[check.kind].value,
        duration_ms=duration_ms, timings_ms={}, failure_detail=detail,
    )


@dataclass(frozen=True)
class Unfinished:
    """What every check that did not finish is recorded as."""

    failure: str
    detail: str
    stopped: bool  # the engine stopped it (offline), not abandoned: progress completes


def unfinished_as(*, offline_why: str | None, cancelled: bool,
                  deadline_s: float) -> Unfinished:
    """Stopped as offline (``offline_why`` says why), else interrupted by a cancel, else cut
    off by the overall deadline."""
    if offline_why is not None:
        return Unfinished(failures.SKIPPED_OFFLINE, offline_why, stopped=True)
    if cancelled:
        return Unfinished(failures.INTERRUPTED, "cancelled", stopped=False)
    return Unfinished(failures.DEADLINE_EXCEEDED,
                      f"overall deadline of {deadline_s:g} s reached", stopped=False)


def in_catalog_order(checks: Iterable[Check], results: Mapping[str, Observation],
                     unfinished: Unfinished, elapsed_ms: int,
                     on_stopped: Callable[[Check, Observation], None]) -> tuple[Observation, ...]:
    """One observation per check, in catalog order; a check without one gets ``unfinished``.
    ``on_stopped`` hears of each check recorded so when the engine stopped it (not when it
    was abandoned), so progress still reaches the total."""
    ordered: list[Observation] = []
    for check in checks:
        obs = results.get(check.id)
        if obs is None:
            obs = failed_observation(check, unfinished.failure, unfinished.detail, elapsed_ms)
            if unfinished.stopped:
                on_stopped(check, obs)
        ordered.append(obs)
    return tuple(ordered)
