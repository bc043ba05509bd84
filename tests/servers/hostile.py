"""Hostile servers: peers that try to hang, flood or confuse the engine's parsers.

Each behaviour is a *mode* name. The pieces are plain asyncio, so they run on any loop:

- ``TCP_MODES``: ``async handler(reader, writer)`` for a TCP (optionally TLS) listener —
  endless bodies, one byte per second, a 1 MiB header line, malformed heads and chunking,
  garbage instead of a TLS ServerHello, DoH answers that are not (our) DNS messages.
- ``stun_replies(data, mode)`` / ``dns_replies(query, mode)``: the datagrams a hostile STUN
  or DNS "server" sends back for one request (malformed, truncated, oversized, wrong
  transaction id, a flood of them).

``HostileTcpServer`` and ``HostileUdpServer`` wrap them as ``BackgroundServer`` for loopback
tests; ``serve_hostile`` starts one inside an existing loop (the lab's world process).
Every hostile connection ends by itself after ``hold_s`` at the latest.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import ssl
import struct
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import dns.flags
import dns.message
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from tests.servers.base import DEFAULT_HOLD_S, BackgroundServer, StreamServer

STUN_COOKIE = 0x2112A442
MIB = 1 << 20
FLOOD_COUNT = 2_000  # datagrams a flooding server sends per request
FLOOD_SIZE = 1_200  # bytes each (a typical voice-sized datagram)
OVERSIZED = 60_000  # bytes: close to the largest UDP datagram
HUGE_DNS_RECORDS = 3_000  # A records in a "huge" answer (~48 KB: fits one DNS message)
TRICKLE_PAUSE_S = 1.0  # "one byte per second"

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


# ------------------------------------------------------------------------ TCP / HTTP
async def _request_head(reader: asyncio.StreamReader) -> bytes:
    """The client's request head (and its body, by Content-Length), or b"" if none came."""
    with contextlib.suppress(Exception):
        async with asyncio.timeout(5):
            head = await reader.readuntil(b"\r\n\r\n")
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    return head + await reader.readexactly(min(int(value), 65_536))
            return head
    return b""


async def _send(writer: asyncio.StreamWriter, data: bytes,
                reader: asyncio.StreamReader | None = None) -> None:
    gone = writer.transport.is_closing() or (
        reader is not None and (reader.at_eof() or reader.exception() is not None))
    if gone:  # the client left: drain() would not say so (and TLS transports hide it)
        raise ConnectionResetError("the client went away")
    writer.write(data)
    await writer.drain()
    await asyncio.sleep(0)  # drain() need not yield: let a lost connection be noticed


async def endless_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """200 without Content-Length, then body bytes for as long as the client reads."""
    await _request_head(reader)
    await _send(writer, b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                        b"Connection: close\r\n\r\n")
    block = b"x" * 16_384
    while True:
        await _send(writer, block, reader)


async def endless_chunked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A chunked body whose last chunk never comes."""
    await _request_head(reader)
    await _send(writer, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"4000\r\n" + b"y" * 0x4000 + b"\r\n"
    while True:
        await _send(writer, chunk, reader)


async def _trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                   data: bytes) -> None:
    for i in range(len(data)):
        await _send(writer, data[i:i + 1], reader)
        await asyncio.sleep(TRICKLE_PAUSE_S)


async def trickle_head(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """The response head, one byte per second (a slowloris in reverse)."""
    await _request_head(reader)
    await _trickle(reader, writer, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789")


async def trickle_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A prompt head announcing 100 000 bytes, then the body one byte per second."""
    await _request_head(reader)
    await _send(writer, b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
    await _trickle(reader, writer, b"z" * 100_000)


async def huge_header(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """One header line of 1 MiB."""
    await _request_head(reader)
    await _send(writer, b"HTTP/1.1 200 OK\r\nX-Filler: " + b"a" * MIB + b"\r\n\r\nbody")


async def endless_headers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Short header lines forever: the head never ends."""
    await _request_head(reader)
    await _send(writer, b"HTTP/1.1 200 OK\r\n")
    line = b"X-More: " + b"h" * 56 + b"\r\n"
    while True:
        await _send(writer, line * 256, reader)


def _raw(response: bytes) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request_head(reader)
        await _send(writer, response)
        writer.close()  # like a server that has said all it will say
    return handler


MALFORMED_HEADS: dict[str, bytes] = {
    "bad-status-line": b"HTTP/1.1 OK 200\r\nContent-Length: 0\r\n\r\n",
    # Latin-1 superscript digits: str.isdigit() says yes, int() says no.
    "bad-status-digit": b"HTTP/1.1 \xb2\xb9\xb3 OK\r\nContent-Length: 0\r\n\r\n",
    "bad-header": b"HTTP/1.1 200 OK\r\nthis line has no colon\r\n\r\n",
    "not-http": b"SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n",
    "binary-head": bytes(range(256)) * 4 + b"\r\n\r\n",
    "bad-length": b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nhello",
    "bad-chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    "negative-chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nhello\r\n",
    # A chunk-size line of 1 MiB without a line end.
    "huge-chunk-line": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"1" * MIB,
}


async def tls_garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Reads the ClientHello and answers with random bytes instead of a ServerHello."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(5):
            await reader.read(4096)
    for _ in range(64):
        await _send(writer, os.urandom(4096))
    await asyncio.sleep(DEFAULT_HOLD_S)


async def tls_plain_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A plain-HTTP server on the TLS port: a 400 page in clear text."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(5):
            await reader.read(4096)
    await _send(writer, b"HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\n\r\nBad Request")


# -- DoH: the request is a valid RFC 8484 POST; the answers are not what the client asked.
def _doh_reply(body: bytes) -> bytes:
    return (b"HTTP/1.1 200 OK\r\nContent-Type: application/dns-message\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)


def _query_of(request: bytes) -> dns.message.Message | None:
    try:
        return dns.message.from_wire(request.partition(b"\r\n\r\n")[2])
    except Exception:
        return None


def _doh(build: Callable[[dns.message.Message | None], bytes]) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await _request_head(reader)
        await _send(writer, _doh_reply(build(_query_of(request))))
    return handler


def _answer(query: dns.message.Message | None, records: int = 1) -> dns.message.Message:
    if query is None:
        query = dns.message.make_query("example.com", "A")
    reply = dns.message.make_response(query)
    question = query.question[0]
    addresses = [f"192.0.2.{i % 250 + 1}" if i < 250 else f"198.51.{i // 250}.{i % 250 + 1}"
                 for i in range(records)]
    reply.answer.append(dns.rrset.from_text_list(question.name, 30, dns.rdataclass.IN,
                                                 dns.rdatatype.A, addresses))
    return reply


def _doh_wrong_id(query: dns.message.Message | None) -> bytes:
    reply = _answer(query)
    reply.id = (reply.id + 0x1234) & 0xFFFF
    return reply.to_wire()


def _doh_huge(query: dns.message.Message | None) -> bytes:
    return _answer(query, HUGE_DNS_RECORDS).to_wire()


async def doh_oversized(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A DNS header promising 65 535 answers, then answer records without end."""
    request = await _request_head(reader)
    query = _query_of(request)
    qid = query.id if query is not None else 0
    await _send(writer, b"HTTP/1.1 200 OK\r\nContent-Type: application/dns-message\r\n\r\n"
                + struct.pack("!HHHHHH", qid, 0x8180, 0, 0xFFFF, 0, 0))
    record = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 30, 4) + bytes([192, 0, 2, 1])
    while True:
        await _send(writer, record * 1024, reader)


TCP_MODES: dict[str, Handler] = {
    "endless-body": endless_body,
    "endless-chunked": endless_chunked,
    "trickle-head": trickle_head,
    "trickle-body": trickle_body,
    "huge-header": huge_header,
    "endless-headers": endless_headers,
    **{name: _raw(data) for name, data in MALFORMED_HEADS.items()},
    "tls-garbage": tls_garbage,
    "tls-plain-http": tls_plain_http,
    "doh-not-dns": _doh(lambda q: b"<html><body>Access denied</body></html>"),
    "doh-malformed": _doh(lambda q: struct.pack("!HHHHHH", 0, 0x8180, 1, 3, 0, 0) + b"\x07exa"),
    "doh-wrong-id": _doh(_doh_wrong_id),
    "doh-huge": _doh(_doh_huge),
    "doh-oversized": doh_oversized,
}


async def run_tcp_mode(mode: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                       hold_s: float) -> None:
    """Run one hostile connection, ended after ``hold_s`` or when the client goes away."""
    handler = TCP_MODES[mode]
    with contextlib.suppress(Exception):
        async with asyncio.timeout(hold_s):
            await handler(reader, writer)
            await reader.read(1)  # keep it open until the client closes
    writer.transport.abort()


# ------------------------------------------------------------------------ UDP: STUN
def _stun_header(kind: int, length: int, txid: bytes) -> bytes:
    return struct.pack("!HHI", kind, length, STUN_COOKIE) + txid


def _xor_mapped(addr: tuple[str, int]) -> bytes:
    ip = bytes(int(p) for p in addr[0].split("."))
    xip = bytes(a ^ b for a, b in zip(ip, struct.pack("!I", STUN_COOKIE), strict=True))
    return struct.pack("!HHBBH", 0x0020, 8, 0, 1, addr[1] ^ (STUN_COOKIE >> 16)) + xip


def stun_success(txid: bytes, addr: tuple[str, int], extra: bytes = b"") -> bytes:
    attrs = _xor_mapped(addr) + extra
    return _stun_header(0x0101, len(attrs), txid) + attrs


STUN_MODES = ("stun-malformed", "stun-truncated", "stun-oversized", "stun-wrong-txid",
              "stun-flood")


def stun_replies(data: bytes, addr: tuple[str, int], mode: str) -> list[bytes]:
    """What a hostile STUN server sends back for the request ``data`` from ``addr``."""
    if len(data) < 20:
        return []
    txid = data[8:20]
    if mode == "stun-malformed":  # an XOR-MAPPED-ADDRESS of address family 7, 3 bytes long
        attrs = struct.pack("!HHBBH", 0x0020, 3, 0, 7, 1) + b"\x00"
        return [_stun_header(0x0101, len(attrs), txid) + attrs]
    if mode == "stun-truncated":  # the header promises 200 bytes of attributes; 8 came
        return [_stun_header(0x0101, 200, txid) + _xor_mapped(addr)[:8]]
    if mode == "stun-oversized":  # a 60 KB response whose attributes are all garbage
        junk = b"\xff" * (OVERSIZED - 20)
        return [_stun_header(0x0101, len(junk), txid) + junk]
    if mode == "stun-wrong-txid":
        return [stun_success(bytes(b ^ 0x5A for b in txid), addr)]
    if mode == "stun-flood":  # a flood of answers to other transactions, then the real one
        other = stun_success(os.urandom(12), addr, b"\x80\x22\x04\x94" + b"f" * 1172)
        return [other] * FLOOD_COUNT + [stun_success(txid, addr)]
    raise ValueError(f"unknown STUN mode {mode!r}")


# ------------------------------------------------------------------------ UDP: DNS
DNS_MODES = ("dns-malformed", "dns-huge", "dns-mismatched-id", "dns-flood")


def dns_replies(query: bytes, mode: str) -> list[bytes]:
    """What a hostile DNS server sends back (over UDP) for the query ``query``."""
    if len(query) < 12:
        return []
    qid = query[:2]
    if mode == "dns-malformed":  # right id, claims 5 answers, carries half a name
        return [qid + b"\x81\x80\x00\x01\x00\x05\x00\x00\x00\x00\x07exa"]
    try:
        parsed = dns.message.from_wire(query)
    except Exception:
        return []
    if mode == "dns-huge":  # thousands of records, and the truncated flag
        reply = _answer(parsed, HUGE_DNS_RECORDS)
        reply.flags |= dns.flags.TC
        return [reply.to_wire()[:65_000]]
    if mode == "dns-mismatched-id":
        reply = _answer(parsed)
        reply.id = (parsed.id + 1) & 0xFFFF
        return [reply.to_wire()]
    if mode == "dns-flood":  # answers to other queries, never to this one
        reply = _answer(parsed)
        reply.id = (parsed.id + 7) & 0xFFFF
        return [reply.to_wire()] * FLOOD_COUNT
    raise ValueError(f"unknown DNS mode {mode!r}")


UDP_MODES = STUN_MODES + DNS_MODES


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self, mode: str, on_request: Callable[[], None] | None = None) -> None:
        self.mode = mode
        self.on_request = on_request
        self.transport: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if self.on_request is not None:
            self.on_request()
        address = (str(addr[0]), int(addr[1]))
        if self.mode in STUN_MODES:
            replies = stun_replies(data, address, self.mode)
        else:
            replies = dns_replies(data, self.mode)
        if len(replies) > 1:  # a flood: send all but the last now, the last a moment later
            for reply in replies[:-1]:
                self.transport.sendto(reply, addr)
            last = replies[-1]
            asyncio.get_running_loop().call_later(0.05, self.transport.sendto, last, addr)
        elif replies:
            self.transport.sendto(replies[0], addr)


# ------------------------------------------------------------------------ servers
async def serve_hostile(host: str, proto: str, port: int, mode: str, *,
                        tls: ssl.SSLContext | None = None,
                        hold_s: float = DEFAULT_HOLD_S) -> Any:
    """Start one hostile listener on the running loop; returns what to ``close()``."""
    loop = asyncio.get_running_loop()
    if proto == "udp":
        if mode not in UDP_MODES:
            raise ValueError(f"unknown UDP mode {mode!r}")
        transport, _ = await loop.create_datagram_endpoint(lambda: _Datagrams(mode),
                                                           local_addr=(host, port))
        return transport
    if mode not in TCP_MODES:
        raise ValueError(f"unknown TCP mode {mode!r}")

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await run_tcp_mode(mode, reader, writer, hold_s)

    if tls is None:
        return await asyncio.start_server(accept, host, port)
    return await asyncio.start_server(accept, host, port, ssl=tls, ssl_handshake_timeout=10)


def server_tls(cert_file: Path | str, key_file: Path | str | None = None) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert_file), str(key_file) if key_file else None)
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


class HostileTcpServer(StreamServer):
    """A loopback TCP server in one of ``TCP_MODES``; TLS (for https/doh checks) when a
    certificate is given. ``tls-garbage``/``tls-plain-http`` are plain TCP on purpose."""

    def __init__(self, mode: str, *, cert_file: Path | None = None, key_file: Path | None = None,
                 host: str = "127.0.0.1", port: int = 0, hold_s: float = DEFAULT_HOLD_S) -> None:
        if mode not in TCP_MODES:
            raise ValueError(f"unknown TCP mode {mode!r}; known: {', '.join(TCP_MODES)}")
        super().__init__(host, port, hold_s)
        self.mode = mode
        self.kind = f"hostile-{mode}"
        self.cert_file = cert_file
        self.key_file = key_file

    def ssl_context(self) -> ssl.SSLContext | None:
        return None if self.cert_file is None else server_tls(self.cert_file, self.key_file)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await run_tcp_mode(self.mode, reader, writer, self.hold_s)


class HostileUdpServer(BackgroundServer):
    """A loopback UDP server in one of ``UDP_MODES`` (STUN or DNS)."""

    def __init__(self, mode: str, host: str = "127.0.0.1", port: int = 0,
                 hold_s: float = DEFAULT_HOLD_S) -> None:
        if mode not in UDP_MODES:
            raise ValueError(f"unknown UDP mode {mode!r}; known: {', '.join(UDP_MODES)}")
        super().__init__(host, port, hold_s)
        self.mode = mode
        self.kind = f"hostile-{mode}"
        self.requests = 0
        self._transport: asyncio.DatagramTransport | None = None

    def _count(self) -> None:
        self.requests += 1

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _Datagrams(self.mode, self._count), local_addr=(self.host, self.port))
        self._transport = transport
        self.port = transport.get_extra_info("sockname")[1]

    async def _close(self) -> None:
        if self._transport is not None:
            self._transport.close()
