"""The echo peer support staff run on a server they control (``conncheck echo-peer``).

Two services on one port number: HTTP on TCP (``POST /offer`` takes a WebRTC offer as JSON
``{"sdp", "type"}`` and answers with this side's answer; the audio that arrives is sent
straight back), and a UDP echo on the same UDP port (for the ``udp``, ``call_flow`` and
``call_shapes`` checks). A test call to it crosses the user's real network end to end.

Safe to leave running on the open internet (docs/echo-peer.md "Safety", docs/security.md):

- a shared token: with one set, ``POST /offer`` needs ``Authorization: Bearer TOKEN``
  (``401`` otherwise, and no call is set up); HTTPS when given a certificate;
- an offer is read by aiortc's own SDP parser and must be exactly one audio section
  (``400`` otherwise); at most ``max_sessions`` calls at a time (``503``), a slot is held
  only by a call that was set up, each closed after ``session_s``;
- HTTP requests are rate-limited per source (``429``; a source is an IPv4 address or an
  IPv6 /64, the table keeps the most recently seen ``MAX_SOURCES``); at most
  ``MAX_CONNECTIONS`` are served at once, ``MAX_CONNECTIONS_PER_SOURCE`` per source, the
  last ``NEW_SOURCE_SHARE`` only for sources holding none; headers and bodies are
  size-capped (``413``); ``HEADER_S`` for the head, ``REQUEST_S`` for the request;
- no relaying: the peer only ever sends to the address a request or datagram came from. The
  offer's ICE candidates are cut down to that address (``candidates.only_candidates_of``),
  the call's sockets answer STUN only from it and under the UDP echo's buckets, and the
  client cannot hand it ICE servers — it uses only its own ``--stun``. Media uses only the
  ``--listen`` address unless that is a wildcard;
- the UDP echo is rate-limited per source and in total, and an echo is never bigger than
  what it got, so it cannot be used to flood anyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import hmac
import ipaddress
import json
import ssl
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aioice.ice
from aioice import stun
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription

from app.engine.calls.candidates import audio_only, only_candidates_of, parse_sdp, same_address

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
MAX_CONNECTIONS_PER_SOURCE = 4  # ... and per source address (an IPv6 /64 is one source)
NEW_SOURCE_SHARE = 8  # the last slots go only to sources holding no connection yet
HEADER_S = 5.0  # to send the request head
REQUEST_S = 15.0  # for the whole request
MAX_SOURCES = 4096  # rate-limit buckets kept; the least recently used one goes first


def source_key(address: str) -> str:
    """The unit a limit counts: an IPv4 address, or an IPv6 /64 (one host often holds a
    whole /64, so per /128 an attacker has endless addresses)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class _Buckets:
    """Token buckets per source (``source_key``); at most ``MAX_SOURCES`` kept, the least
    recently used dropped first, so many addresses cannot reset everyone's limit."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.state: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, address: str) -> bool:
        key = source_key(address)
        now = time.monotonic()
        tokens, last = self.state.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        self.state[key] = (tokens - 1.0 if allowed else tokens, now)
        while len(self.state) > MAX_SOURCES:
            self.state.popitem(last=False)
        return allowed


# Which local addresses ICE offers for media: None means every interface (aioice's
# default); set while the peer answers a call so media follows --listen.
_MEDIA_HOST: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "conncheck_media_host", default=None)
_all_host_addresses = aioice.ice.get_host_addresses


def _host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    host = _MEDIA_HOST.get()
    return [host] if host is not None else _all_host_addresses(use_ipv4, use_ipv6)


aioice.ice.get_host_addresses = _host_addresses  # type: ignore[assignment]


def _media_host(listen: str) -> str | None:
    """The one address media uses when ``--listen`` names one; None for a wildcard."""
    try:
        ip = ipaddress.ip_address(listen)
    except ValueError:
        return None
    return None if ip.is_unspecified else str(ip)


class _UdpEcho(asyncio.DatagramProtocol):
    """Echo with a token bucket per source address and one for all sources; the WebRTC
    calls' ICE sockets answer STUN under the same buckets (``EchoPeer._guard_ice``)."""

    def __init__(self) -> None:
        self.transport: Any = None
        self.buckets = _Buckets(RATE_PPS, BURST)
        self.total = _Buckets(TOTAL_PPS, TOTAL_BURST)
        self.echoed = 0

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def allowed(self, address: str) -> bool:
        return self.buckets.take(address) and self.total.take("*")

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if len(data) > MAX_DATAGRAM or not self.allowed(addr[0]):
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
    tls: ssl.SSLContext | None = None  # HTTPS for the signalling (--tls-cert/--tls-key)
    sessions: set[RTCPeerConnection] = field(default_factory=set)
    refused: dict[int, int] = field(default_factory=dict)  # HTTP status -> how many times
    ice_dropped: int = 0  # STUN requests on the calls' sockets not answered
    _http_buckets: _Buckets = field(default_factory=lambda: _Buckets(HTTP_RATE, HTTP_BURST))
    _connections: dict[str, int] = field(default_factory=dict)  # source -> open connections
    _pending: int = 0  # calls being set up (counted against max_sessions)
    _server: asyncio.Server | None = None
    _udp: Any = None
    _echo: _UdpEcho | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.port,
                                                  limit=MAX_HEADER, ssl=self.tls)
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
    def _admit(self, source: str) -> bool:
        """Room for one more connection from ``source``: at most MAX_CONNECTIONS_PER_SOURCE
        each, and the last NEW_SOURCE_SHARE of MAX_CONNECTIONS only for sources with none."""
        held, total = self._connections.get(source, 0), sum(self._connections.values())
        if total >= MAX_CONNECTIONS or held >= MAX_CONNECTIONS_PER_SOURCE:
            return False
        return not (held and total >= MAX_CONNECTIONS - NEW_SOURCE_SHARE)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        source = source_key(str((writer.get_extra_info("peername") or ("",))[0]))
        if not self._admit(source):
            writer.close()
            return
        self._connections[source] = self._connections.get(source, 0) + 1
        try:
            await self._serve(reader, writer)
        finally:
            self._connections[source] -= 1
            if not self._connections[source]:
                del self._connections[source]

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
            except TimeoutError:
                writer.close()  # too slow: no answer, the slot is free again
                return
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
        async with asyncio.timeout(HEADER_S):
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
        if (not isinstance(offer, dict) or offer.get("type") != "offer"
                or not isinstance(offer.get("sdp"), str)):
            return 400, {"error": "expected {\"sdp\": ..., \"type\": \"offer\"}"}
        try:
            audio_only(parse_sdp(offer["sdp"]))
            sdp_text = only_candidates_of(offer["sdp"], source)
        except ValueError as exc:
            return 400, {"error": str(exc)}
        if len(self.sessions) + self._pending >= self.max_sessions:
            return 503, {"error": "busy: too many test calls at once"}
        self._pending += 1  # the slot is held from here; _answer keeps it only on success
        try:
            answer = await self._answer(RTCSessionDescription(sdp_text, "offer"), source)
        finally:
            self._pending -= 1
        return 200, {"sdp": answer.sdp, "type": answer.type}

    # ------------------------------------------------------------------ WebRTC
    async def _answer(self, offer: RTCSessionDescription,
                      caller: str) -> RTCSessionDescription:
        servers = [RTCIceServer(urls=self.stun)] if self.stun else []
        pc = RTCPeerConnection(RTCConfiguration(iceServers=servers))

        @pc.on("track")
        def _on_track(track: Any) -> None:
            if track.kind == "audio":
                pc.addTrack(track)  # echo: the caller hears its own tone back

        @pc.on("connectionstatechange")
        async def _on_state() -> None:
            if pc.connectionState in ("failed", "closed"):
                await self._end(pc)

        token = _MEDIA_HOST.set(_media_host(self.host))
        try:
            await pc.setRemoteDescription(offer)
            self._guard_ice(pc, caller)
            await pc.setLocalDescription(await pc.createAnswer())
        except BaseException:
            with contextlib.suppress(Exception):
                await pc.close()
            raise
        finally:
            _MEDIA_HOST.reset(token)
        self.sessions.add(pc)
        task = asyncio.ensure_future(self._expire(pc))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return pc.localDescription

    def _guard_ice(self, pc: RTCPeerConnection, caller: str) -> None:
        """STUN requests on this call's ICE sockets are answered only when they come from
        the caller's address and fit the UDP echo's buckets: a correctly authenticated
        request with a forged source would otherwise make the peer answer (and start
        checks towards) any address, several packets for one."""
        echo = self._echo
        for transceiver in pc.getTransceivers():
            connection = transceiver.receiver.transport.transport.iceGatherer._connection
            received = connection.request_received

            def guarded(message: stun.Message, addr: tuple[str, int], protocol: Any,
                        _received: Callable[..., None] = received) -> None:
                if not same_address(addr[0], caller) or (
                        echo is not None and not echo.allowed(addr[0])):
                    self.ice_dropped += 1
                    return
                _received(message, addr, protocol)

            connection.request_received = guarded  # type: ignore[method-assign]

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
                token: str | None = None, tls: ssl.SSLContext | None = None) -> None:
    """Run until cancelled (or for ``lifetime_s``); ``on_listening(port)`` once it listens."""
    peer = EchoPeer(host, port, stun, token=token, tls=tls)
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
