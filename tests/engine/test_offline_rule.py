"""The offline rule on its own: when it applies, when it looks, what it says."""

from __future__ import annotations

from app.core.model import Check, Feature, Kind, Role
from app.core.system import Interface, InterfaceSnapshot
from app.engine.offline import OfflineRule, no_interface

ONLINE = InterfaceSnapshot((Interface("eth0", True, ("198.18.0.2",), False),))
NO_LINK = InterfaceSnapshot((Interface("eth0", False, (), False),))
UNREADABLE = InterfaceSnapshot((), error="permission denied")


def check(id_: str, role: Role = Role.SERVICE) -> Check:
    return Check(id=id_, service="Svc", feature=Feature.NETWORK, kind=Kind.TCP,
                 host="198.18.0.9", port=443, role=role)


WITH_CONTROLS = [check("ctl", Role.CONTROL_DOMESTIC), check("wa")]


def test_applies_only_with_control_sites_and_a_time():
    assert OfflineRule.for_run(WITH_CONTROLS, 3.0, t0=100.0).applies
    assert OfflineRule.for_run([check("i", Role.CONTROL_INTERNATIONAL)], 3.0, 0.0).applies
    assert not OfflineRule.for_run([check("wa")], 3.0, 100.0).applies
    assert not OfflineRule.for_run(WITH_CONTROLS, None, 100.0).applies


def test_looks_once_at_its_time_then_is_disarmed():
    rule = OfflineRule.for_run(WITH_CONTROLS, 3.0, t0=100.0)
    assert rule.look_at == 103.0
    assert not rule.offline_now(102.9, first_answer_at=None)  # too early to tell
    assert rule.offline_now(103.0, first_answer_at=None)  # nothing answered: offline
    assert rule.look_at is None
    assert not rule.offline_now(200.0, first_answer_at=None)  # looked already


def test_one_answer_before_the_look_keeps_the_run_going():
    rule = OfflineRule.for_run(WITH_CONTROLS, 3.0, t0=100.0)
    assert not rule.offline_now(104.0, first_answer_at=101.5)
    assert rule.look_at is None


def test_without_controls_it_never_stops_a_run():
    rule = OfflineRule.for_run([check("wa")], 3.0, t0=100.0)
    assert rule.look_at is None
    assert not rule.offline_now(1e9, first_answer_at=None)
    assert not rule.offline_before_start(NO_LINK)


def test_zero_seconds_means_no_look():  # as before the split: 0 is "not set"
    rule = OfflineRule.for_run(WITH_CONTROLS, 0.0, t0=100.0)
    assert rule.applies and rule.look_at is None


def test_wake_is_the_sooner_of_deadline_and_look():
    rule = OfflineRule.for_run(WITH_CONTROLS, 3.0, t0=100.0)
    assert rule.wake(deadline=145.0) == 103.0
    assert rule.wake(deadline=101.0) == 101.0
    rule.offline_now(103.0, first_answer_at=102.0)
    assert rule.wake(deadline=145.0) == 145.0


def test_no_connected_interface_starts_nothing_only_when_the_rule_applies():
    rule = OfflineRule.for_run(WITH_CONTROLS, 3.0, t0=0.0)
    assert rule.offline_before_start(NO_LINK)
    assert not rule.offline_before_start(ONLINE)
    assert not rule.offline_before_start(UNREADABLE)  # cannot tell: run the checks
    assert not OfflineRule.for_run(WITH_CONTROLS, None, 0.0).offline_before_start(NO_LINK)


def test_why_names_the_missing_link_or_the_silence():
    rule = OfflineRule.for_run(WITH_CONTROLS, 3.0, t0=0.0)
    assert rule.why(NO_LINK) == "stopped: no network interface is connected"
    assert rule.why(ONLINE) == ("stopped: no host on the internet answered any check "
                                "within 3 s")
    assert no_interface(NO_LINK) and not no_interface(ONLINE) and not no_interface(UNREADABLE)
