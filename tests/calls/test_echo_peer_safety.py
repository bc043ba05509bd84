"""The echo peer attacked on loopback (issue 18): relaying through ICE candidates, slots held
by offers that fail, video, reflection from the ICE sockets, connection holding, the
rate-limit table, and a client fooled by a malicious peer.

Every test talks to loopback only: the peer listens on 127.0.0.1, the "third party" is a
UDP sink the test opens itself on 127.0.0.9 or [::1], and each test counts what reaches
that sink over a bounded window. mDNS lookups are replaced by a recorder, so a `.local`
name can never make anything leave the machine.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import ssl
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aioice.ice
import pytest
from aioice import stun
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription, VideoStreamTrack

from app.catalog.call_options import echo_checks_from_args
from app.core.model import Kind
from app.engine.calls import echo_call, echo_server
from app.engine.calls.echo_call import post_offer
from app.engine.calls.webrtc import ToneTrack
from app.engine.context import ProbeContext

# aiortc would otherwise ask Google's STUN server: the tests stay on loopback
NO_ICE_SERVERS = RTCConfiguration(iceServers=[])
WINDOW_S = 1.5  # how long a sink listens after the offer: ICE sends its first checks at once


# ------------------------------------------------------------------ helpers

class _Sink(asyncio.DatagramProtocol):
    """A UDP port on a loopback address that counts what arrives (the "third party")."""

    def __init__(self) -> None:
        self.packets, self.bytes = 0, 0
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.packets += 1
        self.bytes += len(data)


async def _sink(host: str) -> tuple[_Sink, int]:
    loop = asyncio.get_running_loop()
    transport, sink = await loop.create_datagram_endpoint(_Sink, local_addr=(host, 0))
    return sink, transport.get_extra_info("sockname")[1]


@pytest.fixture
def no_mdns(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Records every mDNS name aioice would look up, and looks up none."""
    asked: list[str] = []

    class Recorder:
        async def resolve(self, host: str, timeout: float = 1.0) -> None:
            asked.append(host)

    async def fake(subscriber: object) -> Recorder:
        return Recorder()

    async def unref(subscriber: object) -> None:
        return None

    monkeypatch.setattr(aioice.ice, "get_or_create_mdns_protocol", fake)
    monkeypatch.setattr(aioice.ice, "unref_mdns_protocol", unref)
    yield asked


@pytest.fixture
async def peer(no_mdns: list[str]) -> AsyncIterator[echo_server.EchoPeer]:
    server = echo_server.EchoPeer("127.0.0.1", 0)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def _offer(video: bool = False) -> str:
    """A real aiortc offer with its candidates removed (they would name this machine's
    other interfaces)."""
    pc = RTCPeerConnection(NO_ICE_SERVERS)
    pc.addTrack(ToneTrack(5))
    if video:
        pc.addTrack(VideoStreamTrack())
    await pc.setLocalDescription(await pc.createOffer())
    await pc.close()
    return re.sub(r"a=(candidate:|end-of-candidates)[^\r\n]*\r\n", "", pc.localDescription.sdp)


def _with_candidates(sdp: str, lines: list[str]) -> str:
    at = sdp.index("a=mid:")
    return sdp[:at] + "".join(line + "\r\n" for line in lines) + sdp[at:]


async def _post(port: int, sdp: str, host: str = "127.0.0.1",
                source: str | None = None) -> tuple[int, dict[str, Any]]:
    body = json.dumps({"sdp": sdp, "type": "offer"}).encode()
    request = (f"POST /offer HTTP/1.1\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    return await _http(port, request, host, source)


async def _http(port: int, request: bytes, host: str = "127.0.0.1",
                source: str | None = None) -> tuple[int, dict[str, Any]]:
    """One request; status 0 when the peer closes without answering."""
    reader, writer = await asyncio.open_connection(
        host, port, local_addr=(source, 0) if source else None)
    try:
        writer.write(request)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), 5)
    except (ConnectionError, OSError):
        raw = b""
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    if not head:
        return 0, {}
    return int(head.split()[1]), json.loads(body)


def _ice(answer: str) -> tuple[str, str, list[tuple[str, int]]]:
    ufrag = re.search(r"a=ice-ufrag:(\S+)", answer)
    pwd = re.search(r"a=ice-pwd:(\S+)", answer)
    assert ufrag and pwd
    candidates = [(m[1], int(m[2])) for m in
                  re.finditer(r"a=candidate:\S+ \d+ udp \d+ (\S+) (\d+) typ", answer)]
    return ufrag[1], pwd[1], candidates


# ------------------------------------------------------------------ 1. relaying via candidates

THIRD_PARTY_SPELLINGS = {
    "two spaces": "a=candidate:1 1 udp  2130706431  {ip} {port} typ host",
    "tabs": "a=candidate:1\t1\tudp\t2130706431\t{ip}\t{port}\ttyp\thost",
    "mixed case": "a=candidate:1 1 UDP 2130706431 {ip} {port} typ host",
    "trailing tab": "a=candidate:1 1 udp 2130706431 {ip} {port} typ host\t",
    "srflx with raddr": ("a=candidate:2 1 udp 1694498815 {ip} {port} typ srflx raddr "
                         "127.0.0.1 rport 40000"),
}


@pytest.mark.parametrize("sink_host", ["127.0.0.9", "::1"])
@pytest.mark.parametrize("spelling", sorted(THIRD_PARTY_SPELLINGS))
async def test_no_spelling_of_a_candidate_makes_the_peer_contact_a_third_address(
        peer: echo_server.EchoPeer, spelling: str, sink_host: str) -> None:
    """Before: two spaces or a tab slipped past the pattern and the peer sent ICE checks to
    the address the caller named (the server's loopback, its LAN, 169.254.169.254...)."""
    sink, port = await _sink(sink_host)
    try:
        line = THIRD_PARTY_SPELLINGS[spelling].format(ip=sink_host, port=port)
        status, _ = await _post(peer.port, _with_candidates(await _offer(), [line]))
        assert status == 200
        await asyncio.sleep(WINDOW_S)
    finally:
        sink.transport.close()
    assert (sink.packets, sink.bytes) == (0, 0)
    (session,) = peer.sessions
    remote = [c.ip for t in session.getTransceivers()
              for c in t.receiver.transport.transport.getRemoteCandidates()]
    assert remote == []


async def test_an_mdns_name_in_an_offer_is_never_looked_up(
        peer: echo_server.EchoPeer, no_mdns: list[str]) -> None:
    line = "a=candidate:1 1 udp 2130706431 3f1c9a2e-5b8d-4c1e-9a7f-2d6b8e4c1a90.local 9 typ host"
    status, _ = await _post(peer.port, _with_candidates(await _offer(), [line, line.replace(
        " ", "\t")]))
    assert status == 200
    await asyncio.sleep(0.3)
    assert no_mdns == []


async def test_thousands_of_candidates_send_nothing_to_the_named_address(
        peer: echo_server.EchoPeer) -> None:
    """The issue's attack: one 64 KB offer with ~1,200 tab-separated candidates naming a
    third address (before: 8,113 packets / 941 KB there in 60 s)."""
    sink, port = await _sink("127.0.0.9")
    try:
        line = f"a=candidate:{{}}\t1\tudp\t1\t127.0.0.9\t{port}\ttyp\thost"
        base = await _offer()
        room = echo_server.MAX_BODY - len(json.dumps({"sdp": base, "type": "offer"})) - 200
        count = room // (len(json.dumps(line.format(9999) + "\r\n")) - 2)
        sdp = _with_candidates(base, [line.format(i) for i in range(count)])
        assert count > 1000
        started = time.monotonic()
        status, _ = await _post(peer.port, sdp)
        answered_s = time.monotonic() - started
        assert status == 200
        await asyncio.sleep(WINDOW_S)
    finally:
        sink.transport.close()
    assert (sink.packets, sink.bytes) == (0, 0)
    assert answered_s < 3.0


def test_the_candidate_filter_is_linear_and_keeps_only_the_caller() -> None:
    lines = [f"a=candidate:{i} 1 udp 1 10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256} 9 "
             "typ host" for i in range(5000)]
    lines += ["a=candidate:x 1 udp 2 [::1] 9 typ host", "a=candidate:y 1 tcp 3 203.0.113.7 9 "
              "typ host tcptype passive", "a=candidate:z\t1\tUDP\t4\t203.0.113.7\t5000\ttyp\thost",
              "a=candidate:w 1 udp 5 2001:db8::7 5001 typ host"]
    sdp = ("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n"
           "a=mid:0\r\na=rtpmap:0 PCMU/8000\r\n" + "".join(f"{line}\r\n" for line in lines)
           + "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\na=setup:actpass\r\n")
    started = time.monotonic()
    kept = echo_server.only_candidates_of(sdp, "203.0.113.7")
    assert time.monotonic() - started < 2.0
    assert re.findall(r"a=candidate:[^\r\n]*", kept) == [
        "a=candidate:z 1 UDP 4 203.0.113.7 5000 typ host"]
    six = echo_server.only_candidates_of(sdp, "2001:db8:0::7")
    assert re.findall(r"a=candidate:[^\r\n]*", six) == [
        "a=candidate:w 1 udp 5 2001:db8::7 5001 typ host"]


# ------------------------------------------------------------------ 2, 3. slots and audio only

JUNK_OFFERS = {
    "not sdp": "x",
    "empty": "",
    "no media": "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n",
    "bad candidate": "v=0\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=candidate:1 1 udp\r\n",
    "bad media line": "v=0\r\ns=-\r\nm=audio x\r\n",
}


async def test_offers_that_fail_hold_no_slot_and_are_refused(peer: echo_server.EchoPeer) -> None:
    """Before: each failing offer kept one of the 4 slots for 60 s (and "x" was answered
    200), so four requests a minute denied test calls to everyone."""
    statuses = {name: (await _post(peer.port, sdp))[0] for name, sdp in JUNK_OFFERS.items()}
    base = await _offer()
    statuses["no ice-ufrag"] = (await _post(peer.port, re.sub(r"a=ice-ufrag:[^\r\n]*\r\n", "",
                                                                 base)))[0]
    statuses["two audio sections"] = (await _post(peer.port, base + base[base.index("m="):]))[0]
    assert statuses == dict.fromkeys(statuses, 400)
    assert peer.sessions == set() and peer._pending == 0
    status, _ = await _post(peer.port, base)
    assert status == 200 and len(peer.sessions) == 1


async def test_video_and_data_are_refused(peer: echo_server.EchoPeer) -> None:
    """Before: a 720p video offer was accepted and re-encoded (85 % of a core, +60 MB)."""
    with_video = await _offer(video=True)
    assert "m=video" in with_video
    status, reply = await _post(peer.port, with_video)
    assert status == 400 and "audio" in reply["error"]
    pc = RTCPeerConnection(NO_ICE_SERVERS)
    pc.createDataChannel("x")
    await pc.setLocalDescription(await pc.createOffer())
    await pc.close()
    status, _ = await _post(peer.port, pc.localDescription.sdp.replace(
        "a=candidate", "a=x-removed"))
    assert status == 400
    assert peer.sessions == set()


# ------------------------------------------------------------------ 7. media follows --listen

async def test_media_uses_only_the_listen_address(peer: echo_server.EchoPeer) -> None:
    """Before: `--listen 127.0.0.1` still offered every interface's address for media."""
    status, answer = await _post(peer.port, await _offer())
    assert status == 200
    _, _, candidates = _ice(answer["sdp"])
    assert candidates and {ip for ip, _ in candidates} == {"127.0.0.1"}


# ------------------------------------------------------------------ 6. reflection from ICE

def _binding(peer_ufrag: str, peer_pwd: str, n: int) -> list[bytes]:
    out = []
    for i in range(n):
        request = stun.Message(message_method=stun.Method.BINDING,
                               message_class=stun.Class.REQUEST)
        request.attributes["USERNAME"] = f"{peer_ufrag}:attk"
        request.attributes["PRIORITY"] = 1853824767 - i
        request.attributes["ICE-CONTROLLING"] = 2**63
        request.add_message_integrity(peer_pwd.encode())
        request.add_fingerprint()
        out.append(bytes(request))
    return out


@pytest.mark.parametrize("forged_source", ["127.0.0.9"])
async def test_ice_sockets_answer_no_forged_source(peer: echo_server.EchoPeer,
                                                   forged_source: str) -> None:
    """Authenticated STUN requests "from" a third address (here a sink we own): before,
    each was answered and followed by the peer's own checks there (~8 packets per request)."""
    status, answer = await _post(peer.port, await _offer())
    assert status == 200
    ufrag, pwd, candidates = _ice(answer["sdp"])
    target = next(c for c in candidates if c[0] == "127.0.0.1")
    sink, _ = await _sink(forged_source)
    try:
        for packet in _binding(ufrag, pwd, 20):
            sink.transport.sendto(packet, target)
        await asyncio.sleep(WINDOW_S)
    finally:
        sink.transport.close()
    assert (sink.packets, sink.bytes) == (0, 0)
    assert peer.ice_dropped >= 20


async def test_ice_sockets_answer_the_caller_within_the_echo_caps(
        monkeypatch: pytest.MonkeyPatch, no_mdns: list[str]) -> None:
    monkeypatch.setattr(echo_server, "BURST", 10.0)
    monkeypatch.setattr(echo_server, "RATE_PPS", 1.0)
    server = echo_server.EchoPeer("127.0.0.1", 0)
    await server.start()
    caller, _ = await _sink("127.0.0.1")
    try:
        status, answer = await _post(server.port, await _offer())
        assert status == 200
        ufrag, pwd, candidates = _ice(answer["sdp"])
        target = next(c for c in candidates if c[0] == "127.0.0.1")
        for packet in _binding(ufrag, pwd, 100):
            caller.transport.sendto(packet, target)
        await asyncio.sleep(WINDOW_S)
    finally:
        caller.transport.close()
        await server.stop()
    # at most the bucket (10, +1 refilled) answered, plus the peer's own check(s) back
    assert 1 <= caller.packets <= 10 + 1 + 1 + 7
    assert server.ice_dropped >= 100 - 12


# ------------------------------------------------------------------ 4. connection holding

async def _hold(port: int, source: str, count: int) -> list[asyncio.StreamWriter]:
    held = []
    for _ in range(count):
        _, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
        held.append(writer)
    await asyncio.sleep(0.1)
    return held


@pytest.mark.parametrize("sources", [5, 8])
async def test_a_bystander_is_served_while_several_sources_hold_connections(
        peer: echo_server.EchoPeer, sources: int) -> None:
    """Before: five addresses holding idle connections filled the one global cap of 32 and
    a bystander's /health was closed unanswered."""
    held: list[asyncio.StreamWriter] = []
    try:
        for _ in range(4):  # round-robin, as an attacker with several addresses would
            for i in range(sources):
                held += await _hold(peer.port, f"127.0.0.{10 + i}", 3)
        answers = [(await _http(peer.port, b"GET /health HTTP/1.1\r\n\r\n",
                                source="127.0.0.99"))[0] for _ in range(3)]
        answers += [(await _http(peer.port, b"GET /health HTTP/1.1\r\n\r\n",
                                 source=f"127.0.0.{100 + i}"))[0] for i in range(3)]
    finally:
        for writer in held:
            writer.close()
    assert answers == [200] * 6
    assert sum(peer._connections.values()) <= echo_server.MAX_CONNECTIONS


async def test_a_silent_connection_is_closed_after_the_header_time(
        monkeypatch: pytest.MonkeyPatch, peer: echo_server.EchoPeer) -> None:
    monkeypatch.setattr(echo_server, "HEADER_S", 0.3)
    reader, writer = await asyncio.open_connection("127.0.0.1", peer.port)
    started = time.monotonic()
    try:
        writer.write(b"GET /health HTT")  # and nothing more
        assert await asyncio.wait_for(reader.read(), 3.0) == b""
    finally:
        writer.close()
    assert time.monotonic() - started < 1.5


# ------------------------------------------------------------------ 5. the rate-limit table

async def test_many_sources_do_not_reset_anyones_udp_limit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: the 4,097th address cleared every bucket, the attacker's own included."""
    monkeypatch.setattr(echo_server, "BURST", 5.0)
    monkeypatch.setattr(echo_server, "RATE_PPS", 0.01)
    monkeypatch.setattr(echo_server, "TOTAL_BURST", 1e6)
    server = echo_server.EchoPeer("127.0.0.1", 0)
    await server.start()
    assert server._echo is not None
    target = ("127.0.0.1", server.port)
    try:
        attacker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        attacker.bind(("127.0.0.2", 0))
        for _ in range(10):
            attacker.sendto(b"a", target)
        await asyncio.sleep(0.2)
        assert server._echo.echoed == 5
        for i in range(echo_server.MAX_SOURCES + 10):  # each a new address: 127.1.x.y
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as one:
                one.bind((f"127.1.{i // 250}.{i % 250 + 1}", 0))
                one.sendto(b"b", target)
            if i % 500 == 0:
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)
        before = server._echo.echoed
        for _ in range(10):
            attacker.sendto(b"a", target)
        await asyncio.sleep(0.2)
        again = server._echo.echoed - before
        attacker.close()
    finally:
        await server.stop()
    assert again == 0
    assert len(server._echo.buckets.state) <= echo_server.MAX_SOURCES


def test_ipv6_addresses_in_one_64_share_a_limit() -> None:
    buckets = echo_server._Buckets(rate=0.001, burst=3)
    taken = [buckets.take(f"2001:db8:1:2::{i:x}") for i in range(1, 7)]
    assert taken == [True, True, True, False, False, False]
    assert buckets.take("2001:db8:1:3::1")  # the next /64 is someone else
    assert buckets.take("127.0.0.1") and buckets.take("::ffff:127.0.0.2")


# ------------------------------------------------------------------ 8. the client

class _MaliciousPeer:
    """Answers every offer with a real answer whose candidates name a third address (a sink
    on 127.0.0.9 or [::1]) and an mDNS name — never its own."""

    def __init__(self, sink_host: str, sink_port: int) -> None:
        self.sink_host, self.sink_port = sink_host, sink_port
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: (\d+)", head)[1])  # type: ignore[index]
        offer = json.loads(await reader.readexactly(length))
        sdp = re.sub(r"a=(candidate:|end-of-candidates)[^\r\n]*\r\n", "", offer["sdp"])
        pc = RTCPeerConnection(NO_ICE_SERVERS)
        await pc.setRemoteDescription(RTCSessionDescription(sdp, "offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        await pc.close()
        answer = re.sub(r"a=candidate:[^\r\n]*\r\n", "", pc.localDescription.sdp)
        answer = _with_candidates(answer, [
            f"a=candidate:1\t1\tudp\t2130706431\t{self.sink_host}\t{self.sink_port}\ttyp\thost",
            f"a=candidate:2 1 udp 2130706430 {self.sink_host} {self.sink_port} typ host",
            "a=candidate:3 1 udp 2130706429 0b8f6a1c-2d3e-4f50-8a9b-7c6d5e4f3a21.local 9 typ host",
        ])
        payload = json.dumps({"sdp": answer, "type": "answer"}).encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(payload) + payload)
        await writer.drain()
        writer.close()


@pytest.mark.parametrize("sink_host", ["127.0.0.9", "::1"])
async def test_the_client_contacts_only_the_echo_peers_own_address(
        no_mdns: list[str], sink_host: str) -> None:
    """Before: the answer's candidates made the client send STUN to 127.0.0.9 and an mDNS
    query to 224.0.0.251 — addresses the catalog never named."""
    sink, port = await _sink(sink_host)
    fake = _MaliciousPeer(sink_host, port)
    await fake.start()
    try:
        check = {c.kind: c for c in echo_checks_from_args(f"http://127.0.0.1:{fake.port}")}[
            Kind.ECHO_CALL]
        check = type(check)(**{**check.__dict__, "duration_s": 0.5, "timeout_s": 4.0})
        observation = await echo_call.run(check, ProbeContext())
    finally:
        sink.transport.close()
        assert fake.server is not None
        fake.server.close()
    assert not observation.ok
    assert (sink.packets, sink.bytes) == (0, 0)
    assert no_mdns == []


async def test_post_offer_keeps_only_the_peers_candidates(peer: echo_server.EchoPeer) -> None:
    pc = RTCPeerConnection(NO_ICE_SERVERS)
    pc.addTrack(ToneTrack(5))
    await pc.setLocalDescription(await pc.createOffer())
    sdp = re.sub(r"a=(candidate:|end-of-candidates)[^\r\n]*\r\n", "", pc.localDescription.sdp)
    try:
        answer = await post_offer(f"http://127.0.0.1:{peer.port}",
                                  RTCSessionDescription(sdp, "offer"), None, 5.0)
    finally:
        await pc.close()
    _, _, candidates = _ice(answer.sdp)
    assert candidates and {ip for ip, _ in candidates} == {"127.0.0.1"}



# ------------------------------------------------------------------ 7. the token

def _free_listen() -> str:
    with socket.socket() as probe:  # a free port number (the peer needs TCP and UDP on it)
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


def test_the_token_comes_from_a_file_and_the_command_line_is_warned_about(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    """Before: only --token (readable by every local user in ps) or the environment."""
    from app.cli import echo_peer
    from app.cli.main import build_parser

    monkeypatch.delenv(echo_peer.TOKEN_ENV, raising=False)
    token_file = tmp_path / "token"
    token_file.write_text("s3cret-token_1\n")
    token_file.chmod(0o600)
    base = ["echo-peer", "--listen", _free_listen(), "--lifetime", "0.2"]
    args = build_parser().parse_args([*base, "--token-file", str(token_file)])
    assert echo_peer._token(args) == "s3cret-token_1"
    assert echo_peer.run(args) == 0
    err = capsys.readouterr().err
    assert "WARNING" not in err and "in clear" in err  # plain HTTP is said
    assert echo_peer.run(build_parser().parse_args([*base, "--token", "s3cret-token_1"])) == 0
    assert "visible to every user" in capsys.readouterr().err
    missing = build_parser().parse_args([*base, "--token-file", str(tmp_path / "none")])
    assert echo_peer.run(missing) == 2
    assert "cannot read --token-file" in capsys.readouterr().err
    key_only = build_parser().parse_args([*base, "--tls-key", str(token_file)])
    assert echo_peer.run(key_only) == 2


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "echo peer test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


async def test_signalling_over_https_with_a_certificate_path(
        tmp_path: Path, no_mdns: list[str]) -> None:
    """Before: plain HTTP only, so the token crossed the network in clear."""
    from app.cli.echo_peer import tls_context

    cert, key = _self_signed(tmp_path)
    server = echo_server.EchoPeer("127.0.0.1", 0, token="s3cret-token_1",
                                  tls=tls_context(cert, key))
    await server.start()
    client = ssl.create_default_context(cafile=str(cert))
    pc = RTCPeerConnection(NO_ICE_SERVERS)
    pc.addTrack(ToneTrack(5))
    try:
        await pc.setLocalDescription(await pc.createOffer())
        sdp = re.sub(r"a=(candidate:|end-of-candidates)[^\r\n]*\r\n", "",
                     pc.localDescription.sdp)
        answer = await post_offer(f"https://127.0.0.1:{server.port}",
                                  RTCSessionDescription(sdp, "offer"), client, 5.0,
                                  token="s3cret-token_1")
        assert answer.type == "answer" and len(server.sessions) == 1
        status, _ = await _http(server.port, b"GET /health HTTP/1.1\r\n\r\n")
        assert status == 0  # plain HTTP to the HTTPS port gets nothing
    finally:
        await pc.close()
        await server.stop()


def test_the_systemd_example_keeps_the_token_out_of_the_unit() -> None:
    """Before: `Environment=CONNCHECK_ECHO_TOKEN=...` in a unit file every user can read."""
    doc = (Path(__file__).parents[2] / "docs" / "echo-peer.md").read_text(encoding="utf-8")
    unit = doc[doc.index("[Unit]"):doc.index("WantedBy=multi-user.target")]
    assert "Environment=CONNCHECK_ECHO_TOKEN" not in unit and "--token " not in unit
    assert "LoadCredential=" in unit and "--token-file" in unit
    assert "chmod 0600" in doc or "install -m 0600" in doc
