"""A real WebRTC test call (aiortc, Opus tone, relay-only) through coturn on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.analysis.calls import analyze_calls
from app.analysis.model import CauseId
from app.catalog.call_options import turn_checks_from_args
from app.core import failures as F
from app.core.model import Check, Feature, Kind, Role
from app.engine.calls import turn_call
from app.engine.context import ProbeContext
from tests.calls.turn_server import PASSWORD, USER, Turn, coturn

CTX = ProbeContext()


@pytest.fixture(scope="module")
def turn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Turn]:
    try:
        with coturn(tmp_path_factory.mktemp("turn")) as server:
            yield server
    except FileNotFoundError as exc:
        pytest.skip(f"needs {exc}")


def call(url: str, *, password: str = PASSWORD, duration_s: float = 2.0) -> Check:
    return Check(id=f"turn-{url[-3:]}", service="Test call", feature=Feature.CALLS,
                 kind=Kind.TURN_CALL, host="127.0.0.1", port=int(url.split(":")[2][:5]),
                 role=Role.CALL_TEST, url=url, username=USER, credential=password,
                 duration_s=duration_s, timeout_s=duration_s + 9)


@pytest.mark.parametrize("transport", ["udp", "tcp"])
async def test_a_relayed_call_carries_sound_both_ways(turn: Turn, transport: str) -> None:
    obs = await turn_call.run(call(turn.url(transport)), CTX)
    assert obs.ok, obs.failure_detail
    facts = obs.facts
    assert facts.turn_transport == transport
    assert facts.relay_allocated and facts.connected
    # ~2 s of 20 ms frames in each direction, after the jitter buffer's start-up
    assert facts.sound.frames_received > 0.7 * facts.sound.frames_expected
    assert facts.stats.packets_received > 100 and facts.stats.loss_pct == 0.0
    assert facts.sound.answered_until_s > 1.5
    assert analyze_calls([obs]).causes == ()


async def test_wrong_password_gives_no_relay(turn: Turn) -> None:
    obs = await turn_call.run(call(turn.url("udp"), password="wrong"), CTX)
    assert not obs.ok
    assert obs.failure == F.GENERIC_TIMEOUT and obs.phase == "udp"
    assert obs.facts.relay_allocated is False
    assert "credentials" in (obs.failure_detail or "")


async def test_udp_relay_unreachable_tcp_relay_works_is_relay_tcp_only(turn: Turn) -> None:
    """On loopback nothing can drop UDP; a port with no UDP listener stands in for it."""
    checks = turn_checks_from_args([f"turn:{USER}:{PASSWORD}@127.0.0.1:{turn.port}"])
    assert [c.id for c in checks] == ["turn-call-1-udp", "turn-call-1-tcp"]
    udp, tcp = checks
    dead_port = turn.port + 1 if turn.port < 65535 else turn.port - 1
    udp = Check(**{**udp.__dict__, "url": f"turn:127.0.0.1:{dead_port}?transport=udp",
                   "duration_s": 2.0})
    tcp = Check(**{**tcp.__dict__, "duration_s": 2.0})
    observations = [await turn_call.run(udp, CTX), await turn_call.run(tcp, CTX)]
    assert [o.ok for o in observations] == [False, True]
    findings = analyze_calls(observations)
    assert findings.has(CauseId.RELAY_TCP_ONLY)
    assert findings.relay == {"udp": False, "tcp": True}
