"""The echo peer support staff run on a server they control (``conncheck echo-peer``).

Two services on one port number: HTTP on TCP (``POST /offer`` takes a WebRTC offer as JSON
``{"sdp", "type"}`` and answers with this side's answer; the audio that arrives is sent
straight back), and a UDP echo on the same UDP port (for the ``udp``, ``call_flow`` and
``call_shapes`` checks). A test call to it crosses the user's real network end to end.

Safe to leave running on the open internet (docs/echo-peer.md "Safety", docs/security.md):

- a shared token: with one set, ``POST /offer`` needs ``Authorization: Bearer TOKEN``
  (``401`` otherwise, and no call is set up);
- at most ``max_sessions`` calls at a time (``503``), each closed after ``session_s``;
- HTTP requests are rate-limited per source address (``429``), at most ``MAX_CONNECTIONS``
  are served at once, headers and bodies are size-capped (``413``), each request has 15 s;
- no relaying: the peer only ever sends to the address a request or datagram came from. The
  offer's ICE candidates are cut down to that address (an offer naming a third party's
  address makes the peer send nothing there), and the client cannot hand it ICE servers —
  it uses only its own ``--stun``;
- the UDP echo is rate-limited per source address and in total, and an echo is never bigger
  than what it got, so it cannot be used to flood anyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription

MAX_SESSIONS = 4
SESSION_S = 60.0
MAX_BODY = 64 * 1024
MAX_HEADER = 16 * 1024
MAX_DATAGRAM = 1200
RATE_PPS = 200.0  # per source address: a voice flow is 50/s, the shapes test ~300 in a burst
BURST = 400.0
TOTAL_PPS = 2000.0  # all sources together (spoofed sources cannot add up to more)
TOTAL_BURST = 4000.0
HTTP_RATE = 0.5  # requests per second per source address; one check makes one or two
HTTP_BURST = 10.0
MAX_CONNECTIONS = 32  # HTTP connections served at once; more are closed straight away
REQUEST_S = 15.0
_MAX_SOURCES = 4096
_CANDIDATE = re.compile(r"^a=candidate:\S+ \d+ \S+ \d+ (\S+) .*$")


class _Buckets:
    """Token buckets per key (a source address), bounded in number."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.state: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> bool:
        now = time.monotonic()
        tokens, last = self.state.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1.0:
            self.state[key] = (tokens, now)
            return False
        if len(self.state) >= _MAX_SOURCES and key not in self.state:
            self.state.clear()
        self.state[key] = (tokens - 1.0, now)
        return True


def _same_address(a: str, b: str) -> bool:
    try:
        x, y = ipaddress.ip_address(a.split("%", 1)[0]), ipaddress.ip_address(b.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(x, ipaddress.IPv6Address) and x.ipv4_mapped:
        x = x.ipv4_mapped
    if isinstance(y, ipaddress.IPv6Address) and y.ipv4_mapped:
        y = y.ipv4_mapped
    return x == y


def only_candidates_of(sdp: str, source: str) -> str:
    """The offer with every ICE candidate removed whose address is not ``source`` (the
    address the offer came from): the peer must never send to a third party. The caller's
    real address is still found through its connectivity checks (peer-reflexive)."""
    kept, dropped, remaining = [], 0, 0
    for line in sdp.splitlines(keepends=True):
        match = _CANDIDATE.match(line.rstrip("\r\n"))
        if match and not _same_address(match[1], source):
            dropped += 1
            continue
        remaining += bool(match)
        kept.append(line)
    if dropped and not remaining:
        # Behind a NAT no candidate is the source address: keep waiting for the caller's
        # checks (ended by the session's time limit) instead of failing at once.
        kept = [line for line in kept if not line.startswith("a=end-of-candidates")]
    return "".join(kept)


class _UdpEcho(asyncio.DatagramProtocol):
    """Echo with a token bucket per source address."""

    def __init__(self) -> None:
        self.transport: Any = None
        self.buckets = _Buckets(RATE_PPS, BURST)
        self.total = _Buckets(TOTAL_PPS, TOTAL_BURST)
        self.echoed = 0

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if len(data) > MAX_DATAGRAM:
            return
        if not self.buckets.take(addr[0]) or not self.total.take("*"):
            return
        self.echoed += 1
        self.transport.sendto(data, addr)


@dataclass
class EchoPeer:
    host: str
    port: int
    stun: str | None = None  # "stun:HOST:PORT" when this server sits behind a 1:1 NAT
    token: str | None = None  # the shared token POST /offer must carry (None: open)
    max_sessions: int = MAX_SESSIONS
    session_s: float = SESSION_S
    sessions: set[RTCPeerConnection] = field(default_factory=set)
    refused: dict[int, int] = field(default_factory=dict)  # HTTP status -> how many times
    _http_buckets: _Buckets = field(default_factory=lambda: _Buckets(HTTP_RATE, HTTP_BURST))
    _connections: int = 0
    _server: asyncio.Server | None = None
    _udp: Any = None
    _echo: _UdpEcho | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.port,
                                                  limit=MAX_HEADER)
        self.port = self._server.sockets[0].getsockname()[1]
        loop = asyncio.get_running_loop()
        self._udp, self._echo = await loop.create_datagram_endpoint(
            _UdpEcho, local_addr=(self.host, self.port))

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        if self._udp is not None:
            self._udp.close()
        for task in list(self._tasks):
            task.cancel()
        for pc in list(self.sessions):
            with contextlib.suppress(Exception):
                await pc.close()
        self.sessions.clear()

    # ------------------------------------------------------------------ HTTP
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._connections >= MAX_CONNECTIONS:
            writer.close()
            return
        self._connections += 1
        try:
            await self._serve(reader, writer)
        finally:
            self._connections -= 1

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        source = str((writer.get_extra_info("peername") or ("",))[0])
        if not self._http_buckets.take(source):
            status, body = 429, {"error": "too many requests; try again in a minute"}
        else:
            try:
                async with asyncio.timeout(REQUEST_S):
                    status, body = await self._request(reader, source)
            except (asyncio.LimitOverrunError, ValueError) as exc:
                too_big = isinstance(exc, asyncio.LimitOverrunError) or "too large" in str(exc)
                status, body = (413, {"error": "request too large"}) if too_big else (
                    400, {"error": f"bad request: {type(exc).__name__}"})
            except Exception as exc:  # any malformed request: answer 400, keep serving
                status, body = 400, {"error": f"bad request: {type(exc).__name__}"}
        if status != 200:
            self.refused[status] = self.refused.get(status, 0) + 1
        payload = json.dumps(body).encode()
        head = (f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
                "Connection: close\r\n\r\n").encode()
        with contextlib.suppress(Exception):
            writer.write(head + payload)
            await writer.drain()
            if status != 200:  # a refused request may be unread: take it (bounded), so
                writer.write_eof()  # closing does not reset the connection before the answer
                async with asyncio.timeout(1.0):
                    await reader.read(MAX_BODY + MAX_HEADER)
        writer.close()

    def _authorized(self, headers: dict[str, str]) -> bool:
        if not self.token:
            return True
        scheme, _, given = headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), self.token.encode())

    async def _request(self, reader: asyncio.StreamReader,
                       source: str) -> tuple[int, dict[str, Any]]:
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > MAX_HEADER:
            raise ValueError("header too large")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (line.partition(":") for line in lines[1:] if line)}
        if method == "GET" and target == "/health":
            return 200, {"ok": True, "udp_echo_port": self.port,
                         "token_required": bool(self.token)}
        if method != "POST" or target != "/offer":
            return 404, {"error": "POST /offer or GET /health"}
        if not self._authorized(headers):
            return 401, {"error": "this echo peer needs its token: --echo-peer http://TOKEN@HOST:PORT"}
        length = int(headers.get("content-length", "0"))
        if not 0 < length <= MAX_BODY:
            return 413, {"error": "body missing or too large"}
        offer = json.loads(await reader.readexactly(length))
        if offer.get("type") != "offer" or not isinstance(offer.get("sdp"), str):
            return 400, {"error": "expected {\"sdp\": ..., \"type\": \"offer\"}"}
        if len(self.sessions) >= self.max_sessions:
            return 503, {"error": "busy: too many test calls at once"}
        sdp = only_candidates_of(offer["sdp"], source)
        answer = await self._answer(RTCSessionDescription(sdp, "offer"))
        return 200, {"sdp": answer.sdp, "type": answer.type}

    # ------------------------------------------------------------------ WebRTC
    async def _answer(self, offer: RTCSessionDescription) -> RTCSessionDescription:
        servers = [RTCIceServer(urls=self.stun)] if self.stun else []
        pc = RTCPeerConnection(RTCConfiguration(iceServers=servers))
        self.sessions.add(pc)

        @pc.on("track")
        def _on_track(track: Any) -> None:
            pc.addTrack(track)  # echo: the caller hears its own tone back

        @pc.on("connectionstatechange")
        async def _on_state() -> None:
            if pc.connectionState in ("failed", "closed"):
                await self._end(pc)

        task = asyncio.ensure_future(self._expire(pc))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        await pc.setRemoteDescription(offer)
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription

    async def _expire(self, pc: RTCPeerConnection) -> None:
        await asyncio.sleep(self.session_s)
        await self._end(pc)

    async def _end(self, pc: RTCPeerConnection) -> None:
        self.sessions.discard(pc)
        with contextlib.suppress(Exception):
            await pc.close()


async def serve(host: str, port: int, stun: str | None = None,
                lifetime_s: float | None = None,
                on_listening: Callable[[int], None] | None = None,
                token: str | None = None) -> None:
    """Run until cancelled (or for ``lifetime_s``); ``on_listening(port)`` once it listens."""
    peer = EchoPeer(host, port, stun, token=token)
    await peer.start()
    if on_listening is not None:
        on_listening(peer.port)
    try:
        if lifetime_s is None:
            await asyncio.Event().wait()
        else:
            await asyncio.sleep(lifetime_s)
    finally:
        await peer.stop()
