"""The echo peer support staff run: signalling, the UDP echo, its limits, and the checks
`--echo-peer URL` makes — on loopback (the real end-to-end call is in tests/lab/)."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
from collections.abc import AsyncIterator

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from app.analysis.calls import analyze_calls
from app.catalog.call_options import CallArgsError, echo_checks_from_args
from app.core.model import Kind
from app.engine.calls import call_flow, call_shapes, echo_server, udp_echo
from app.engine.calls.echo_call import post_offer
from app.engine.calls.webrtc import ToneTrack
from app.engine.context import ProbeContext
from app.engine.steps import StepFailed

# aiortc would otherwise ask Google's STUN server: the tests stay on loopback
NO_ICE_SERVERS = RTCConfiguration(iceServers=[])
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
    pc = RTCPeerConnection(NO_ICE_SERVERS)
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


async def test_too_many_calls_at_once_are_refused(peer: echo_server.EchoPeer) -> None:
    peer.max_sessions = 1
    pcs = []
    try:
        for _ in range(2):
            pc, offer = await _offer_without_candidates()
            pcs.append((pc, offer))
        await post_offer(f"http://127.0.0.1:{peer.port}", pcs[0][1], None, 5.0)
        with pytest.raises(StepFailed) as refused:
            await post_offer(f"http://127.0.0.1:{peer.port}", pcs[1][1], None, 5.0)
        assert "503" in refused.value.detail
        assert len(peer.sessions) == 1
    finally:
        for pc, _ in pcs:
            await pc.close()


def test_the_default_caps_are_the_documented_ones() -> None:
    """docs/echo-peer.md promises these numbers to people running the peer."""
    peer = echo_server.EchoPeer("127.0.0.1", 0)
    assert (peer.max_sessions, peer.session_s) == (4, 60.0)
    assert (echo_server.MAX_BODY, echo_server.MAX_HEADER) == (64 * 1024, 16 * 1024)
    assert (echo_server.RATE_PPS, echo_server.BURST, echo_server.MAX_DATAGRAM) == (200, 400, 1200)
    assert (echo_server.HTTP_RATE, echo_server.HTTP_BURST) == (0.5, 10)
    assert (echo_server.MAX_CONNECTIONS, echo_server.MAX_CONNECTIONS_PER_SOURCE,
            echo_server.NEW_SOURCE_SHARE) == (32, 4, 8)
    assert (echo_server.HEADER_S, echo_server.REQUEST_S, echo_server.MAX_SOURCES) == (5, 15, 4096)
    assert (echo_server.TOTAL_PPS, echo_server.TOTAL_BURST) == (2000, 4000)


async def test_a_call_is_closed_after_the_session_limit() -> None:
    server = echo_server.EchoPeer("127.0.0.1", 0, session_s=0.5)
    await server.start()
    pc, offer = await _offer_without_candidates()
    try:
        await post_offer(f"http://127.0.0.1:{server.port}", offer, None, 5.0)
        (session,) = server.sessions
        for _ in range(40):  # at most 4 s
            if not server.sessions:
                break
            await asyncio.sleep(0.1)
        assert not server.sessions
        assert session.connectionState == "closed"
    finally:
        await pc.close()
        await server.stop()


# ------------------------------------------------------------------ the shared token

TOKEN = "s3cret-token_1"


@pytest.fixture
async def locked_peer() -> AsyncIterator[echo_server.EchoPeer]:
    server = echo_server.EchoPeer("127.0.0.1", 0, token=TOKEN)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.mark.parametrize("header", ["", "Authorization: Bearer wrong-token\r\n",
                                    f"Authorization: Basic {TOKEN}\r\n",
                                    f"Authorization: Bearer {TOKEN}x\r\n"])
async def test_without_the_right_token_no_call_is_set_up(locked_peer: echo_server.EchoPeer,
                                                        header: str) -> None:
    pc, offer = await _offer_without_candidates()
    await pc.close()
    body = json.dumps({"sdp": offer.sdp, "type": "offer"}).encode()
    status, reply = await _http(locked_peer.port, (
        f"POST /offer HTTP/1.1\r\n{header}Content-Length: {len(body)}\r\n\r\n").encode() + body)
    assert status == 401 and "token" in str(reply["error"])
    assert locked_peer.sessions == set()
    status, health = await _http(locked_peer.port, b"GET /health HTTP/1.1\r\n\r\n")
    assert status == 200 and health["token_required"] is True


async def test_the_token_from_the_echo_peer_url_opens_the_call(
        locked_peer: echo_server.EchoPeer) -> None:
    checks = {c.kind: c for c in echo_checks_from_args(f"http://{TOKEN}@127.0.0.1:{locked_peer.port}")}
    call = checks[Kind.ECHO_CALL]
    assert call.url == f"http://127.0.0.1:{locked_peer.port}"  # the URL reports show: no token
    assert TOKEN not in repr(call) and TOKEN not in call.target
    pc, offer = await _offer_without_candidates()
    try:
        with pytest.raises(StepFailed) as refused:
            await post_offer(call.url, offer, None, 5.0)
        assert "401" in refused.value.detail
        answer = await post_offer(call.url, offer, None, 5.0, token=call.credential)
    finally:
        await pc.close()
    assert answer.type == "answer" and len(locked_peer.sessions) == 1


def test_echo_peer_url_with_a_password_part_is_refused() -> None:
    with pytest.raises(CallArgsError):
        echo_checks_from_args("http://user:pass@127.0.0.1:8765")


# ------------------------------------------------------------------ abuse

async def test_http_requests_are_rate_limited_per_source(peer: echo_server.EchoPeer) -> None:
    statuses = []
    for _ in range(int(echo_server.HTTP_BURST) + 5):  # far faster than HTTP_RATE refills
        status, _ = await _http(peer.port, b"GET /health HTTP/1.1\r\n\r\n")
        statuses.append(status)
    assert statuses[: int(echo_server.HTTP_BURST)] == [200] * int(echo_server.HTTP_BURST)
    assert statuses[-4:] == [429] * 4
    assert peer.refused[429] >= 4


async def test_oversized_requests_are_refused_without_reading_them(
        peer: echo_server.EchoPeer) -> None:
    status, _ = await _http(peer.port, b"POST /offer HTTP/1.1\r\nContent-Length: "
                            + str(echo_server.MAX_BODY + 1).encode() + b"\r\n\r\n")
    assert status == 413
    huge_header = b"GET /health HTTP/1.1\r\nX-Pad: " + b"a" * (echo_server.MAX_HEADER * 2)
    status, _ = await _http(peer.port, huge_header + b"\r\n\r\n")
    assert status == 413
    assert peer.sessions == set()


async def test_an_offer_naming_a_third_party_makes_the_peer_contact_only_the_caller(
        peer: echo_server.EchoPeer) -> None:
    """No relaying: candidates other than the request's source address are dropped (all
    addresses here are loopback, so even a broken filter sends nothing off this machine)."""
    pc, offer = await _offer_without_candidates()
    mline = offer.sdp.index("a=mid:")
    candidates = ("a=candidate:1 1 udp 2130706431 127.0.0.1 40001 typ host\r\n"
                  "a=candidate:2 1 udp 2130706431 127.0.0.2 40002 typ host\r\n"
                  "a=candidate:3 1 udp 1694498815 127.0.0.3 40003 typ srflx "
                  "raddr 0.0.0.0 rport 0\r\n")
    sdp = offer.sdp[:mline] + candidates + offer.sdp[mline:]
    try:
        await post_offer(f"http://127.0.0.1:{peer.port}", RTCSessionDescription(sdp, "offer"),
                         None, 5.0)
    finally:
        await pc.close()
    (session,) = peer.sessions
    remote = [c.ip for t in session.getTransceivers()
              for c in t.receiver.transport.transport.getRemoteCandidates()]
    assert remote == ["127.0.0.1"]


def test_candidate_filter_keeps_waiting_when_no_candidate_is_the_caller() -> None:
    sdp = ("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n"
           "a=candidate:1 1 udp 2130706431 192.168.1.5 40001 typ host\r\n"
           "a=candidate:2 1 udp 2130706431 ::ffff:203.0.113.9 40002 typ host\r\n"
           "a=end-of-candidates\r\n")
    behind_nat = echo_server.only_candidates_of(sdp, "203.0.113.50")
    assert "a=candidate" not in behind_nat and "end-of-candidates" not in behind_nat
    direct = echo_server.only_candidates_of(sdp, "203.0.113.9")
    assert direct.count("a=candidate") == 1 and "a=end-of-candidates" in direct
    assert "192.168.1.5" not in direct


def test_udp_echo_has_a_total_cap_over_all_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spoofed sources each get their own bucket; together they cannot exceed the total."""
    monkeypatch.setattr(echo_server, "TOTAL_BURST", 50.0)
    monkeypatch.setattr(echo_server, "TOTAL_PPS", 1.0)
    sent: list[object] = []

    class Transport:
        def sendto(self, data: bytes, addr: object) -> None:
            sent.append(addr)

    echo = echo_server._UdpEcho()
    echo.connection_made(Transport())
    for i in range(200):
        echo.datagram_received(b"ping", (f"198.18.{i // 250}.{i % 250 + 1}", 5000))
    assert 50 <= len(sent) <= 51


def test_echo_peer_cli_warns_when_open_and_checks_the_token(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import echo_peer
    from app.cli.main import build_parser

    monkeypatch.delenv(echo_peer.TOKEN_ENV, raising=False)
    with socket.socket() as probe:  # a free port number (the peer needs TCP and UDP on it)
        probe.bind(("127.0.0.1", 0))
        listen = f"127.0.0.1:{probe.getsockname()[1]}"
    args = build_parser().parse_args(["echo-peer", "--listen", listen, "--lifetime", "0.2"])
    assert echo_peer.run(args) == 0
    assert "WARNING: no token" in capsys.readouterr().err
    args = build_parser().parse_args(["echo-peer", "--listen", listen, "--lifetime", "0.2",
                                      "--token", TOKEN])
    assert echo_peer.run(args) == 0
    err = capsys.readouterr().err
    assert "no token" not in err and "--token on the command line is visible" in err
    monkeypatch.setenv(echo_peer.TOKEN_ENV, "short")
    args = build_parser().parse_args(["echo-peer", "--listen", listen])
    assert echo_peer.run(args) == 2
    assert "token" in capsys.readouterr().err


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
    assert observations[1].facts.flow.received == 50
    assert observations[2].facts.summary.filtered == ()
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
    started = time.monotonic()
    for i in range(burst + 200):  # microseconds apart: the bucket refills by < 1 packet
        echo.datagram_received(i.to_bytes(4, "big"), ("198.18.9.9", 5000))
    echo.datagram_received(b"x" * 8, ("198.18.9.10", 5000))  # another source has its own
    echo.datagram_received(b"x" * (echo_server.MAX_DATAGRAM + 1), ("198.18.9.11", 5000))
    refilled = (time.monotonic() - started) * echo_server.RATE_PPS  # a busy machine is slow
    from_first = [d for d, a in sent if a == ("198.18.9.9", 5000)]
    assert burst <= len(from_first) <= burst + 1 + refilled
    assert [d for d, a in sent if a != ("198.18.9.9", 5000)] == [b"x" * 8]


def test_echo_peer_url_must_be_http() -> None:
    with pytest.raises(CallArgsError):
        echo_checks_from_args("turn:1.2.3.4:3478")
