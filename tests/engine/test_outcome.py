"""Result assembly on its own: what unfinished checks are recorded as, in catalog order."""

from __future__ import annotations

from app.core import failures
from app.core.model import Check, Feature, Kind, Observation
from app.engine.context import Clock, observation
from app.engine.outcome import Unfinished, failed_observation, in_catalog_order, unfinished_as


def check(id_: str, kind: Kind = Kind.TCP) -> Check:
    return Check(id=id_, service="Svc", feature=Feature.MESSAGES, kind=kind, host="h", port=1)


CHECKS = [check("a"), check("b", Kind.STUN), check("c", Kind.ECHO_CALL)]


def test_offline_wins_over_cancel_and_deadline():
    u = unfinished_as(offline_why="stopped: why", cancelled=True, deadline_s=45)
    assert u == Unfinished(failures.SKIPPED_OFFLINE, "stopped: why", stopped=True)


def test_cancel_is_interrupted_else_the_deadline():
    assert unfinished_as(offline_why=None, cancelled=True, deadline_s=45) == Unfinished(
        failures.INTERRUPTED, "cancelled", stopped=False)
    assert unfinished_as(offline_why=None, cancelled=False, deadline_s=12.5) == Unfinished(
        failures.DEADLINE_EXCEEDED, "overall deadline of 12.5 s reached", stopped=False)


def test_every_check_in_catalog_order_with_the_unfinished_filled_in():
    done = {"b": observation(CHECKS[1], Clock(), ok=True, phase="udp")}
    heard: list[tuple[Check, Observation]] = []
    unfinished = unfinished_as(offline_why=None, cancelled=True, deadline_s=45)
    result = in_catalog_order(CHECKS, done, unfinished, 1234,
                              on_stopped=lambda c, o: heard.append((c, o)))
    assert [o.check_id for o in result] == ["a", "b", "c"]
    assert result[1] is done["b"]
    a, c = result[0], result[2]
    assert (a.ok, a.failure, a.failure_detail, a.duration_ms) == (
        False, failures.INTERRUPTED, "cancelled", 1234)
    assert a.phase == "dns" and c.phase == "http"  # the kind's first phase
    assert heard == []  # abandoned, not stopped: progress does not claim them


def test_checks_the_engine_stopped_are_reported_as_they_are_filled_in():
    heard: list[str] = []
    unfinished = unfinished_as(offline_why="stopped: x", cancelled=False, deadline_s=45)
    result = in_catalog_order(CHECKS, {}, unfinished, 0,
                              on_stopped=lambda c, o: heard.append(o.check_id))
    assert heard == ["a", "b", "c"]
    assert {o.failure for o in result} == {failures.SKIPPED_OFFLINE}


def test_failed_observation_takes_a_given_phase():
    obs = failed_observation(CHECKS[0], failures.INTERNAL_ERROR, "boom", 5, phase="tls")
    assert (obs.phase, obs.failure_detail, obs.duration_ms) == ("tls", "boom", 5)
