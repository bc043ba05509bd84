"""The echo peer support staff run on a server they control (``conncheck echo-peer``).

Two services on one port number: HTTP on TCP (``POST /offer`` takes a WebRTC offer as JSON
``{"sdp", "type"}`` and answers with this side's answer; the audio that arrives is sent
straight back), and a UDP echo on the same UDP port (for the ``udp``, ``call_flow`` and
``call_shapes`` checks). A test call to it crosses the user's real network end to end.

Safe to leave running: at most ``MAX_SESSIONS`` calls at a time, each closed after
``SESSION_S``; requests and datagrams are size-capped; the UDP echo is rate-limited per
source address, so it cannot be used to flood anyone (an echo is never bigger than what
it got).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
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
_MAX_SOURCES = 4096


class _UdpEcho(asyncio.DatagramProtocol):
    """Echo with a token bucket per source address."""

    def __init__(self) -> None:
        self.transport: Any = None
        self.buckets: dict[str, tuple[float, float]] = {}
        self.echoed = 0

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if len(data) > MAX_DATAGRAM:
            return
        now = time.monotonic()
        tokens, last = self.buckets.get(addr[0], (BURST, now))
        tokens = min(BURST, tokens + (now - last) * RATE_PPS)
        if tokens < 1.0:
            self.buckets[addr[0]] = (tokens, now)
            return
        if len(self.buckets) >= _MAX_SOURCES and addr[0] not in self.buckets:
            self.buckets.clear()
        self.buckets[addr[0]] = (tokens - 1.0, now)
        self.echoed += 1
        self.transport.sendto(data, addr)


@dataclass
class EchoPeer:
    host: str
    port: int
    stun: str | None = None  # "stun:HOST:PORT" when this server sits behind a 1:1 NAT
    sessions: set[RTCPeerConnection] = field(default_factory=set)
    _server: asyncio.Server | None = None
    _udp: Any = None
    _echo: _UdpEcho | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
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
        try:
            async with asyncio.timeout(15.0):
                status, body = await self._request(reader)
        except Exception as exc:  # any malformed request: answer 400, keep serving
            status, body = 400, {"error": f"bad request: {type(exc).__name__}"}
        payload = json.dumps(body).encode()
        head = (f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
                "Connection: close\r\n\r\n").encode()
        with contextlib.suppress(Exception):
            writer.write(head + payload)
            await writer.drain()
        writer.close()

    async def _request(self, reader: asyncio.StreamReader) -> tuple[int, dict[str, Any]]:
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > MAX_HEADER:
            raise ValueError("header too large")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (line.partition(":") for line in lines[1:] if line)}
        if method == "GET" and target == "/health":
            return 200, {"ok": True, "udp_echo_port": self.port, "sessions": len(self.sessions)}
        if method != "POST" or target != "/offer":
            return 404, {"error": "POST /offer or GET /health"}
        length = int(headers.get("content-length", "0"))
        if not 0 < length <= MAX_BODY:
            return 413, {"error": "body missing or too large"}
        offer = json.loads(await reader.readexactly(length))
        if offer.get("type") != "offer" or not isinstance(offer.get("sdp"), str):
            return 400, {"error": "expected {\"sdp\": ..., \"type\": \"offer\"}"}
        if len(self.sessions) >= MAX_SESSIONS:
            return 503, {"error": "busy: too many test calls at once"}
        answer = await self._answer(RTCSessionDescription(offer["sdp"], "offer"))
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
        await asyncio.sleep(SESSION_S)
        await self._end(pc)

    async def _end(self, pc: RTCPeerConnection) -> None:
        self.sessions.discard(pc)
        with contextlib.suppress(Exception):
            await pc.close()


async def serve(host: str, port: int, stun: str | None = None,
                lifetime_s: float | None = None,
                on_listening: Callable[[int], None] | None = None) -> None:
    """Run until cancelled (or for ``lifetime_s``); ``on_listening(port)`` once it listens."""
    peer = EchoPeer(host, port, stun)
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
