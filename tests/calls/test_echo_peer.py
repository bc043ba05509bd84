"""The echo peer support staff run: signalling, the UDP echo, its limits, and the checks
`--echo-peer URL` makes — on loopback (the real end-to-end call is in tests/lab/)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator

import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription

from app.analysis.calls import analyze_calls
from app.engine.calls import call_flow, call_shapes, echo_server, udp_echo
from app.engine.calls.echo_call import post_offer
from app.engine.calls.from_args import CallArgsError, echo_checks_from_args
from app.engine.calls.webrtc import ToneTrack
from app.engine.model import Kind
from app.engine.probes.base import ProbeContext
from app.engine.steps import StepFailed

CTX = ProbeContext()


@pytest.fixture
async def peer() -> AsyncIterator[echo_server.EchoPeer]:
    server = echo_server.EchoPeer("127.0.0.1", 0)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def _http(port: int, request: bytes) -> tuple[int, dict[str, object]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


async def _offer_without_candidates() -> tuple[RTCPeerConnection, RTCSessionDescription]:
    """A real aiortc offer; candidates removed so no ICE traffic leaves loopback."""
    pc = RTCPeerConnection()
    pc.addTrack(ToneTrack(5))
    await pc.setLocalDescription(await pc.createOffer())
    sdp = re.sub(r"a=candidate:[^\r\n]*\r\n", "", pc.localDescription.sdp)
    return pc, RTCSessionDescription(sdp, "offer")


async def test_offer_gets_an_answer_that_sends_the_sound_back(peer: echo_server.EchoPeer
                                                                  ) -> None:
    pc, offer = await _offer_without_candidates()
    try:
        answer = await post_offer(f"http://127.0.0.1:{peer.port}", offer, None, 5.0)
    finally:
        await pc.close()
    assert answer.type == "answer"
    assert "m=audio" in answer.sdp and "a=sendrecv" in answer.sdp  # it echoes our tone
    assert len(peer.sessions) == 1


async def test_health_and_wrong_requests(peer: echo_server.EchoPeer) -> None:
    status, body = await _http(peer.port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 200 and body["udp_echo_port"] == peer.port
    status, _ = await _http(peer.port, b"GET /other HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 404
    status, _ = await _http(peer.port, b"POST /offer HTTP/1.1\r\nContent-Length: 4\r\n\r\n{bad")
    assert status == 400
    status, _ = await _http(peer.port, b"POST /offer HTTP/1.1\r\nContent-Length: 9999999\r\n\r\n")
    assert status == 413


async def test_too_many_calls_at_once_are_refused(peer: echo_server.EchoPeer,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(echo_server, "MAX_SESSIONS", 1)
    pcs = []
    try:
        for _ in range(2):
            pc, offer = await _offer_without_candidates()
            pcs.append((pc, offer))
        await post_offer(f"http://127.0.0.1:{peer.port}", pcs[0][1], None, 5.0)
        with pytest.raises(StepFailed) as refused:
            await post_offer(f"http://127.0.0.1:{peer.port}", pcs[1][1], None, 5.0)
        assert "503" in refused.value.detail
    finally:
        for pc, _ in pcs:
            await pc.close()


async def test_udp_checks_against_the_echo_peer(peer: echo_server.EchoPeer) -> None:
    checks = {c.kind: c for c in echo_checks_from_args(f"http://127.0.0.1:{peer.port}")}
    assert set(checks) == {Kind.UDP_ECHO, Kind.CALL_FLOW, Kind.CALL_SHAPES, Kind.ECHO_CALL}
    flow = checks[Kind.CALL_FLOW]
    quick_flow = type(flow)(**{**flow.__dict__, "duration_s": 1.0, "timeout_s": 3.5})
    observations = [
        await udp_echo.run(checks[Kind.UDP_ECHO], CTX),
        await call_flow.run(quick_flow, CTX),
        await call_shapes.run(checks[Kind.CALL_SHAPES], CTX),
    ]
    assert all(o.ok for o in observations), [o.failure_detail for o in observations]
    assert observations[1].extra["received"] == 50
    assert observations[2].extra["filtered"] == []
    assert analyze_calls(observations).causes == ()
    assert checks[Kind.ECHO_CALL].url == f"http://127.0.0.1:{peer.port}"


def test_udp_echo_is_rate_limited_per_source() -> None:
    """A burst far beyond the bucket: the rest is dropped, so the echo cannot flood anyone."""
    sent: list[tuple[bytes, object]] = []

    class Transport:
        def sendto(self, data: bytes, addr: object) -> None:
            sent.append((data, addr))

    echo = echo_server._UdpEcho()
    echo.connection_made(Transport())
    burst = int(echo_server.BURST)
    for i in range(burst + 200):  # microseconds apart: the bucket refills by < 1 packet
        echo.datagram_received(i.to_bytes(4, "big"), ("198.18.9.9", 5000))
    echo.datagram_received(b"x" * 8, ("198.18.9.10", 5000))  # another source has its own
    echo.datagram_received(b"x" * (echo_server.MAX_DATAGRAM + 1), ("198.18.9.11", 5000))
    from_first = [d for d, a in sent if a == ("198.18.9.9", 5000)]
    assert burst <= len(from_first) <= burst + 1
    assert [d for d, a in sent if a != ("198.18.9.9", 5000)] == [b"x" * 8]


def test_echo_peer_url_must_be_http() -> None:
    with pytest.raises(CallArgsError):
        echo_checks_from_args("turn:1.2.3.4:3478")
