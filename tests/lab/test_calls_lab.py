"""Calls in the censorship lab: real WebRTC test calls through coturn (world namespace), an
echo peer in the world, and the rules that tell "calls cannot connect" from "calls connect
and then die" — each scenario in its own fresh lab, the real ``python -m app check --json``.

The source catalog is the shipped one plus the calls entries support staff would add with
``--turn`` and ``--echo-peer`` (a TURN relay over UDP and over TCP, an echo peer); the lab's
catalog builder points every TURN URL at the lab's coturn with its account.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.lab import netns
from tests.lab import profiles as p
from tests.lab.harness import (
    Outcome,
    Scenario,
    observation_problems,
    run_scenario,
    verdict_problems,
)
from tests.lab.labcatalog import DEFAULT_CATALOG

pytestmark = pytest.mark.lab

ECHO_HOST, ECHO_PORT = "echo-peer.support.example", 8765
CALLS_ENTRIES = f"""

[[check]]
id = "lab-turn-udp"
service = "Test call"
feature = "calls"
kind = "turn_call"
role = "call_test"
url = "turn:relay.support.example:3478?transport=udp"
username = "set-by-the-lab"
credential = "set-by-the-lab"
duration_s = 5.0
label = "Test call through a relay (TURN over UDP)"

[[check]]
id = "lab-turn-tcp"
service = "Test call"
feature = "calls"
kind = "turn_call"
role = "call_test"
url = "turn:relay.support.example:3478?transport=tcp"
username = "set-by-the-lab"
credential = "set-by-the-lab"
duration_s = 5.0
label = "Test call through a relay (TURN over TCP)"

[[check]]
id = "lab-echo-call"
service = "Test call"
feature = "calls"
kind = "echo_call"
role = "call_test"
url = "http://{ECHO_HOST}:{ECHO_PORT}"
duration_s = 4.0
label = "Test call to the echo peer"

[[check]]
id = "lab-echo-udp"
service = "Test call"
feature = "calls"
kind = "udp"
role = "call_test"
host = "{ECHO_HOST}"
port = {ECHO_PORT}
payload = "random"
label = "Plain UDP to the echo peer"

[[check]]
id = "lab-echo-shapes"
service = "Test call"
feature = "calls"
kind = "call_shapes"
role = "call_test"
host = "{ECHO_HOST}"
port = {ECHO_PORT}
label = "Call-shaped packets to the echo peer"
"""
TIMING = {"timeout_s": 3.0, "deadline_s": 30.0}

SCENARIOS = [
    Scenario(
        "calls_healthy", lambda plan: p.none(),
        expect={"calls": "works"},
        observe={"kind=turn_call": "ok", "kind=echo_call": "ok", "kind=call_flow": "ok",
                 "kind=udp": "ok", "kind=call_shapes": "ok"},
        catalog=TIMING,
    ),
    Scenario(
        "calls_udp_dropped_tcp_relay_works", lambda plan: p.drop_udp_except_dns(),
        expect={"calls": "degraded", "calls.causes": "relay_tcp_only",
                "causes": "udp_blocked", "messages": "works"},
        observe={"id=lab-turn-udp": "generic_timeout_error", "id=lab-turn-tcp": "ok",
                 "kind=udp": "generic_timeout_error", "kind=call_flow": "generic_timeout_error"},
        catalog=TIMING,
    ),
    Scenario(
        "calls_cut_after_200_packets", lambda plan: p.udp_cutoff(packets=200),
        expect={"calls": "degraded|blocked", "calls.causes": "call_cutoff"},
        observe={"kind=call_flow": "stalled", "id=lab-turn-udp": "stalled",
                 "id=lab-turn-tcp": "ok", "kind=stun": "ok"},
        catalog=TIMING,
    ),
    Scenario(
        "calls_stun_cookie_dropped", lambda plan: p.drop_stun(),
        expect={"calls.causes": "stun_blocked", "causes": "call_traffic_filtered"},
        observe={"kind=stun": "generic_timeout_error", "kind=udp": "ok",
                 "id=lab-turn-udp": "generic_timeout_error", "id=lab-turn-tcp": "ok"},
        catalog=TIMING,
    ),
]
BY_NAME = {s.name: s for s in SCENARIOS}


@pytest.fixture(scope="module")
def calls_outcomes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Outcome]]:
    base = tmp_path_factory.mktemp("calls-lab")
    source = base / "calls.toml"
    source.write_text(DEFAULT_CATALOG.read_text(encoding="utf-8") + CALLS_ENTRIES,
                      encoding="utf-8")
    netns.sweep_stale()
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {s.name: pool.submit(_run, s, base / s.name, source) for s in SCENARIOS}
            yield {name: f.result() for name, f in futures.items()}
    finally:
        netns.close_all()


def _run(scenario: Scenario, workdir: Path, source: Path) -> Outcome:
    return run_scenario(scenario, workdir, source=source)


@pytest.mark.parametrize("name", list(BY_NAME))
def test_calls_scenario(calls_outcomes: dict[str, Outcome], name: str) -> None:
    outcome = calls_outcomes[name]
    assert outcome.report is not None, outcome.summary()
    assert outcome.returncode == 0, outcome.summary()
    scenario = BY_NAME[name]
    problems = observation_problems(outcome.report, scenario.observe)
    problems += verdict_problems(outcome.report, scenario.expect)
    assert not problems, "\n".join(problems) + "\n" + outcome.summary()


def test_turn_call_reports_call_numbers(calls_outcomes: dict[str, Outcome]) -> None:
    """A healthy relayed call carries sound: packets both ways, no loss, a round trip."""
    report = calls_outcomes["calls_healthy"].report
    assert report is not None
    checks = {c["id"]: c for c in report["checks"]}
    for check_id in ("lab-turn-udp", "lab-turn-tcp", "lab-echo-call"):
        extra = checks[check_id]["extra"]
        assert extra["connected"] is True, check_id
        assert extra["frames_received"] > 0.7 * extra["frames_expected"], check_id
        assert extra["loss_pct"] is not None and extra["loss_pct"] < 3.0, check_id
    assert "labpass" not in str(report)  # the TURN password never reaches a report
