"""The lab's "world": every server the lab catalog names, in one asyncio process.

Runs inside the world namespace (``ip netns exec <world> python -m tests.lab.world --config
X.json``): the ISP resolver (UDP+TCP 53, can lie per name), a trusted DNS-over-HTTPS server,
HTTPS/HTTP servers with the lab CA, STUN servers, a UDP echo and silent TCP listeners.
It prints ``ready`` once everything listens, and exits by itself when its parent dies or
its maximum lifetime is over, so a crashed test never leaves it behind.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import socket
import ssl
import struct
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from tests.lab.labcatalog import BLOCKPAGE_IP, BOGON_ANSWER, LabPlan
from tests.lab.pki import blockpage_cert
from tests.servers.hostile import DNS_MODES, dns_replies, serve_hostile

CHUNK = 4096  # small TLS records, so a client sees a partial body before a freeze
KEEP_ALIVE_REQUESTS = 16  # requests one DNS-over-HTTPS connection may carry
STUN_COOKIE = 0x2112A442
TTL = 30


@dataclass
class WorldConfig:
    plan: str
    # name -> bogon|wrong|blockpage|nxdomain|silent|servfail; the name "*" stands for every name
    dns_lies: dict[str, str] = field(default_factory=dict)
    intercepted: list[str] = field(default_factory=list)  # addresses whose TLS uses the rogue CA
    content: dict[str, str] = field(default_factory=dict)  # address -> html|garbage|tiny
    body_bytes: int = 65536  # size of an ordinary HTTPS body
    # Pause between 4 KiB chunks: ~16 Mbit/s, like a real server far away. Without it, bodies
    # arrive in a fraction of a millisecond and timing comparisons are pure noise.
    chunk_pause_s: float = 0.002
    max_lifetime_s: float = 300.0
    query_log: str = ""  # append "isp|doh NAME TYPE" per DNS question here ("" = no log)

    @classmethod
    def load(cls, path: Path) -> WorldConfig:
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def make_png(width: int, height: int, seed: int = 1) -> bytes:
    """A valid RGB PNG of noise (hardly compressible, so its size is predictable)."""
    rng = random.Random(seed)
    raw = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) of a single "bytes=A-B" (or "bytes=A-") range within ``size``; else None."""
    unit, _, spec = header.strip().partition("=")
    first_text, dash, last_text = spec.strip().partition("-")
    if unit.strip().lower() != "bytes" or not dash or not first_text.isdigit() or "," in spec:
        return None
    first = int(first_text)
    last = int(last_text) if last_text.strip().isdigit() else size - 1
    if first >= size or last < first:
        return None
    return first, min(last, size - 1)


class World:
    def __init__(self, config: WorldConfig) -> None:
        self.config = config
        self.plan = LabPlan.load(Path(config.plan))
        self.zone = {**self.plan.zone, "portal.lab": self.plan.portal_ip}
        self.tile = make_png(160, 160)
        self.telegram = set(self.plan.services.get("Telegram", ()))
        self.body = (b"lab " * (config.body_bytes // 4 + 1))[: config.body_bytes]
        self.servers: list[Any] = []

    # ---------------------------------------------------------------- DNS
    def answer(self, query: dns.message.Message, truthful: bool) -> dns.message.Message | None:
        """The ISP resolver's answer (with its lies), or the truth for DNS over HTTPS."""
        response = dns.message.make_response(query)
        response.flags |= dns.flags.RA
        if not query.question:
            response.set_rcode(dns.rcode.FORMERR)
            return response
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        if self.config.query_log:  # tests/lab/test_privacy_lab.py: which names were asked
            with open(self.config.query_log, "a", encoding="utf-8") as log:
                log.write(f"{'doh' if truthful else 'isp'} {name} "
                          f"{dns.rdatatype.to_text(question.rdtype)}\n")
        lie = None if truthful else self._lie(name)
        if lie == "silent":
            return None
        if lie == "servfail":  # a broken resolver: fails for the name, whatever it is
            response.set_rcode(dns.rcode.SERVFAIL)
            return response
        if lie == "nxdomain" or (lie is None and name not in self.zone):
            response.set_rcode(dns.rcode.NXDOMAIN)
            return response
        address = {"bogon": BOGON_ANSWER, "wrong": self.plan.portal_ip,
                   "blockpage": BLOCKPAGE_IP}.get(lie or "", self.zone.get(name))
        if question.rdtype == dns.rdatatype.A and address:
            response.answer.append(
                dns.rrset.from_text(question.name, TTL, dns.rdataclass.IN, dns.rdatatype.A,
                                    address)
            )
        return response

    def hostile_dns(self, data: bytes) -> list[bytes] | None:
        """A hostile resolver's datagrams (tests/servers/hostile.py) for names whose "lie" is a
        DNS_MODES name (dns-malformed, dns-huge, dns-mismatched-id, dns-flood); else None."""
        try:
            question = dns.message.from_wire(data).question[0]
        except Exception:
            return None
        lie = self._lie(question.name.to_text(omit_final_dot=True).lower())
        return dns_replies(data, lie) if lie in DNS_MODES else None

    def _lie(self, name: str) -> str | None:
        for target, kind in self.config.dns_lies.items():
            if target == "*" or name == target or name.endswith("." + target):
                return kind
        return None

    async def serve_dns(self, ip: str) -> None:
        loop = asyncio.get_running_loop()
        world = self

        class Udp(asyncio.DatagramProtocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                self.transport = transport

            def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
                hostile = world.hostile_dns(data)
                if hostile is not None:
                    for datagram in hostile:
                        self.transport.sendto(datagram, addr)  # type: ignore[attr-defined]
                    return
                try:
                    reply = world.answer(dns.message.from_wire(data), truthful=False)
                except Exception:
                    return
                if reply is not None:
                    self.transport.sendto(reply.to_wire(), addr)  # type: ignore[attr-defined]

        transport, _ = await loop.create_datagram_endpoint(Udp, local_addr=(ip, 53))
        self.servers.append(transport)

        async def tcp(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(10):
                    size = struct.unpack(">H", await reader.readexactly(2))[0]
                    query = await reader.readexactly(size)
                    hostile = self.hostile_dns(query)
                    reply = None if hostile is not None else self.answer(
                        dns.message.from_wire(query), truthful=False)
                    if hostile:  # over TCP a hostile resolver sends its first datagram
                        writer.write(struct.pack(">H", len(hostile[0])) + hostile[0])
                        await writer.drain()
                    if reply is not None:
                        wire = reply.to_wire()
                        writer.write(struct.pack(">H", len(wire)) + wire)
                        await writer.drain()
            writer.close()

        self.servers.append(await asyncio.start_server(tcp, ip, 53))

    # ---------------------------------------------------------------- HTTP(S)
    async def http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(60):
                for _ in range(KEEP_ALIVE_REQUESTS):  # DoH keeps its connection, as real ones do
                    if not await self._http(reader, writer):
                        break
        except Exception:
            pass
        finally:
            writer.close()

    async def _http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; True when the connection stays open for another."""
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (line.partition(":") for line in lines[1:] if line)}
        length = min(int(headers.get("content-length", "0") or 0), 65536)
        payload = await reader.readexactly(length) if length else b""
        local_ip = writer.get_extra_info("sockname")[0]
        url = urlsplit(target)
        mode = self.config.content.get(local_ip)
        if mode and not url.path.startswith("/dns-query"):
            await self._wrong_content(writer, mode)
            return False
        status, ctype, body, extra = self._page(local_ip, method, target, payload)
        # A connection stays open when the client asks, as real servers do: DoH asks, and a
        # service's slow read asks for a second look (app/engine/second_look.py).
        keep = headers.get("connection", "").lower() == "keep-alive"
        wanted = _byte_range(headers.get("range", ""), len(body)) if status == 200 else None
        if wanted is not None:  # Range: bytes=A-B, as real tile servers and CDNs honour it
            first, last = wanted
            status, extra = 206, f"Content-Range: bytes {first}-{last}/{len(body)}\r\n"
            body = body[first:last + 1]
        if status in (204, 304):
            body = b""
        reason = {200: "OK", 204: "No Content", 206: "Partial Content", 302: "Found",
                  400: "Bad Request", 501: "Not Implemented"}.get(status, "X")
        writer.write(
            (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\n"
             f"Content-Length: {len(body)}\r\n{extra}"
             f"Connection: {'keep-alive' if keep else 'close'}\r\n\r\n").encode()
        )
        await writer.drain()
        if method != "HEAD":
            for start in range(0, len(body), CHUNK):
                writer.write(body[start:start + CHUNK])
                await writer.drain()
                await asyncio.sleep(self.config.chunk_pause_s)
        return keep

    def _page(self, local_ip: str, method: str, target: str, payload: bytes
              ) -> tuple[int, str, bytes, str]:
        """(status, content type, body, extra header lines) for one request."""
        url = urlsplit(target)
        status, ctype, body, extra = 200, "text/html; charset=utf-8", self.body, ""
        if local_ip == BLOCKPAGE_IP:
            body = b"<html><body>Lab block page: access restricted.</body></html>"
        elif local_ip == self.plan.portal_ip:
            if url.path.startswith("/login"):
                body = b"<html><body>Lab captive portal: please log in.</body></html>"
            else:
                status, body = 302, b""
                extra = f"Location: http://{self.plan.portal_ip}/login\r\n"
        elif url.path.startswith("/dns-query"):
            status, ctype, body = self._doh(method, url.query, payload)
        elif method == "POST" and local_ip in self.telegram:
            # A Telegram data centre answers OONI's plain-HTTP POST with a short error, not a
            # web page (OONI saw 404 and 501: ooni/pipeline#125, research/ooni.md).
            status, body = 501, b""
        elif url.path in self.plan.status_paths:
            status, body = self.plan.status_paths[url.path], b""
        elif "tile" in target or url.path.startswith("/vt") or url.path.endswith(".png"):
            ctype, body = "image/png", self.tile
        elif url.path.endswith(".pbf"):  # a vector tile: protobuf, gzip-compressed
            ctype, body = "application/x-protobuf", zlib.compress(self.body[:8192], 1)
            body = b"\x1f\x8b" + body  # the gzip signature is what a client can check
        elif url.path == "/maps":  # Organic Maps' download list
            ctype, body = "application/json", b'[{"lab": "' + self.body[:4096] + b'"}]'
        return status, ctype, body, extra

    async def _wrong_content(self, writer: asyncio.StreamWriter, mode: str) -> None:
        """200, and not what the service sends (tests/lab/profiles.wrong_content)."""
        if mode == "garbage":  # no length: it keeps coming until the client goes away
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                         b"Connection: close\r\n\r\n")
            rng = random.Random(7)
            for _ in range(2000):  # bounded: ~8 MB, or until the client closes
                writer.write(rng.randbytes(CHUNK))
                await writer.drain()
                await asyncio.sleep(self.config.chunk_pause_s)
            return
        ctype, body = (("image/png", b"\x89PN") if mode == "tiny" else
                       ("text/html; charset=utf-8",
                        b"<!DOCTYPE html><html><body>Lab: not a tile.</body></html>"))
        writer.write(f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: "
                     f"{len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
        await writer.drain()

    def _doh(self, method: str, query: str, payload: bytes) -> tuple[int, str, bytes]:
        """RFC 8484: GET ?dns=<base64url> or POST application/dns-message."""
        try:
            if method == "POST":
                wire = payload
            else:
                text = parse_qs(query)["dns"][0]
                wire = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            reply = self.answer(dns.message.from_wire(wire), truthful=True)
        except Exception:
            return 400, "text/plain", b"bad dns query"
        assert reply is not None
        return 200, "application/dns-message", reply.to_wire()

    async def hold(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """A TCP service that accepts and says nothing (an XMPP or MTProto port)."""
        with contextlib.suppress(Exception):
            async with asyncio.timeout(30):
                while await reader.read(4096):
                    pass
        writer.close()

    # ---------------------------------------------------------------- UDP
    async def serve_udp(self, ip: str, port: int, kind: str) -> None:
        loop = asyncio.get_running_loop()
        if kind.startswith("hostile:"):  # tests/servers/hostile.py, e.g. "hostile:stun-flood"
            self.servers.append(await serve_hostile(ip, "udp", port, kind.split(":", 1)[1]))
            return

        class Udp(asyncio.DatagramProtocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                self.transport = transport

            def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
                reply = data if kind == "echo" else stun_reply(data, addr)
                if reply:
                    self.transport.sendto(reply, addr)  # type: ignore[attr-defined]

        transport, _ = await loop.create_datagram_endpoint(Udp, local_addr=(ip, port))
        self.servers.append(transport)

    # ---------------------------------------------------------------- all
    def tls_context(self, rogue: bool) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if rogue:
            ctx.load_cert_chain(self.plan.rogue_cert, self.plan.rogue_key)
        else:
            ctx.load_cert_chain(self.plan.server_cert, self.plan.server_key)
        ctx.set_alpn_protocols(["http/1.1"])
        return ctx

    async def start(self) -> None:
        trusted, rogue = self.tls_context(False), self.tls_context(True)
        blockpage = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        page_cert = blockpage_cert(self.plan.server_cert)
        blockpage.load_cert_chain(page_cert, page_cert.with_suffix(".key"))
        await self.serve_dns(self.plan.resolver_ip)
        for ip, ports in self.plan.tcp.items():
            for port, proto in ports.items():
                if proto == "echo_peer":
                    await self.serve_echo_peer(ip, int(port))
                    continue
                if proto.startswith(("hostile:", "hostile-tls:")):  # tests/servers/hostile.py
                    tls = trusted if proto.startswith("hostile-tls:") else None
                    server = await serve_hostile(ip, "tcp", int(port), proto.split(":", 1)[1],
                                                 tls=tls)
                elif proto == "hold":
                    server = await asyncio.start_server(self.hold, ip, int(port))
                else:
                    if proto in ("tls", "tls-blockpage"):
                        ctx = rogue if ip in self.config.intercepted else (
                            blockpage if proto == "tls-blockpage" else trusted)
                        server = await asyncio.start_server(self.http, ip, int(port), ssl=ctx,
                                                            ssl_handshake_timeout=10)
                    else:
                        server = await asyncio.start_server(self.http, ip, int(port))
                self.servers.append(server)
        for ip, ports in self.plan.udp.items():
            for port, kind in ports.items():
                if self.plan.tcp.get(ip, {}).get(port) != "echo_peer":  # it echoes UDP itself
                    await self.serve_udp(ip, int(port), kind)

    async def serve_echo_peer(self, ip: str, port: int) -> None:
        """The app's own echo peer (``conncheck echo-peer``) for ``echo_call`` entries."""
        from app.engine.calls.echo_server import EchoPeer

        peer = EchoPeer(ip, port, None)
        await peer.start()
        self.servers.append(peer)


def stun_reply(data: bytes, addr: tuple[str, int]) -> bytes | None:
    """Answer a STUN Binding request with XOR-MAPPED-ADDRESS (RFC 5389)."""
    if len(data) < 20:
        return None
    kind, _length, cookie = struct.unpack(">HHI", data[:8])
    if kind != 0x0001:
        return None
    if cookie != STUN_COOKIE:  # RFC 3489 request (the calls "stun_classic" check)
        mapped = struct.pack(">HHBBH", 0x0001, 8, 0, 1, addr[1]) + socket.inet_aton(addr[0])
        return struct.pack(">HH", 0x0101, len(mapped)) + data[4:20] + mapped
    txid = data[8:20]
    address = socket.inet_aton(addr[0])
    xaddr = bytes(a ^ b for a, b in zip(address, struct.pack(">I", STUN_COOKIE), strict=True))
    xor_mapped = struct.pack(">HHBBH", 0x0020, 8, 0, 1, addr[1] ^ (STUN_COOKIE >> 16)) + xaddr
    mapped = struct.pack(">HHBBH", 0x0001, 8, 0, 1, addr[1]) + address
    attrs = xor_mapped + mapped
    return struct.pack(">HHI", 0x0101, len(attrs), STUN_COOKIE) + txid + attrs


async def run(config: WorldConfig) -> None:
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, _ctx: None)  # aborted handshakes are normal here
    world = World(config)
    await world.start()
    print("ready", flush=True)
    parent = os.getppid()
    deadline = loop.time() + config.max_lifetime_s
    while loop.time() < deadline and os.getppid() == parent:
        await asyncio.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the lab's world servers.")
    parser.add_argument("--config", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        asyncio.run(run(WorldConfig.load(args.config)))
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        print(f"world: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
