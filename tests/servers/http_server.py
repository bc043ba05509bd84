"""HTTP/1.1 and HTTPS test servers whose answer is data (a ``Reply``), not code.

Bodies are written in small pieces (4 KiB by default), each flushed on its own, so a client —
and a byte-counting censor in the lab — sees the transfer progress as with real servers (a
16 KiB TLS record would hide a partial transfer). ``stall_after`` stops sending after that many
body bytes and keeps the connection open: the "16 KB freeze".
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset

from tests.servers.base import DEFAULT_HOLD_S, StreamServer

LOGIN_PAGE = (
    b"<!doctype html><html><head><title>Wi-Fi login</title></head><body>"
    b"<form method=post action=/login><input name=user><input type=password name=pw>"
    b"<button>Sign in</button></form></body></html>"
)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    status: int = 200
    reason: str = "OK"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    chunk_size: int = 4096
    chunked: bool = False  # Transfer-Encoding: chunked instead of Content-Length
    stall_after: int | None = None  # stop sending after this many body bytes, keep open
    pause_s: float = 0.0  # wait this long after each chunk: a body that comes in slowly


def body_of(size: int) -> bytes:
    pattern = b"connection-check-test-body\n"
    return (pattern * (size // len(pattern) + 1))[:size]


Handler = Callable[[Request], Reply]


class HttpServer(StreamServer):
    """Answers every request with ``handler(request)``; TLS when a cert/key pair is given."""

    kind = "http"

    def __init__(self, handler: Handler, *, cert_file: Path | None = None,
                 key_file: Path | None = None, host: str = "127.0.0.1", port: int = 0,
                 hold_s: float = DEFAULT_HOLD_S, keep_alive: bool = False) -> None:
        super().__init__(host, port, hold_s)
        self.handler = handler
        self.keep_alive = keep_alive  # answer more requests on a connection that asks for it
        self.cert_file = cert_file
        self.key_file = key_file
        self.requests: list[Request] = []

    def ssl_context(self) -> ssl.SSLContext | None:
        if self.cert_file is None:
            return None
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(self.cert_file), str(self.key_file) if self.key_file else None)
        ctx.set_alpn_protocols(["http/1.1"])
        return ctx

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(16):  # bounded: at most 16 requests on one kept-alive connection
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10.0)
            request = _parse_request(head)
            length = int(request.headers.get("content-length", "0") or 0)
            body = await asyncio.wait_for(reader.readexactly(length), 10.0) if length else b""
            request = Request(request.method, request.path, request.headers, body)
            self.requests.append(request)
            reply = self.handler(request)
            keep = (self.keep_alive and not reply.chunked and reply.stall_after is None
                    and request.headers.get("connection", "").lower() == "keep-alive")
            await self._send(writer, request, reply, keep)
            if not keep:
                return

    async def _send(self, writer: asyncio.StreamWriter, request: Request, reply: Reply,
                    keep: bool = False) -> None:
        headers = {"Server": "conncheck-test", "Connection": "keep-alive" if keep else "close",
                   **reply.headers}
        if reply.chunked:
            headers["Transfer-Encoding"] = "chunked"
        elif reply.status not in (204, 304):
            headers.setdefault("Content-Length", str(len(reply.body)))
        head = f"HTTP/1.1 {reply.status} {reply.reason}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        writer.write(head.encode("latin-1"))
        await writer.drain()
        if request.method == "HEAD" or reply.status in (204, 304):
            return
        sent = 0
        limit = len(reply.body) if reply.stall_after is None else min(reply.stall_after,
                                                                       len(reply.body))
        while sent < limit:
            piece = reply.body[sent: min(sent + reply.chunk_size, limit)]
            writer.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if reply.chunked
                         else piece)
            await writer.drain()
            sent += len(piece)
            if reply.pause_s and sent < limit:
                await asyncio.sleep(reply.pause_s)
        if reply.stall_after is not None:
            await self.hold()
            return
        if reply.chunked:
            writer.write(b"0\r\n\r\n")
            await writer.drain()


def _parse_request(head: bytes) -> Request:
    lines = head.decode("latin-1").split("\r\n")
    method, path, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return Request(method, path, headers, b"")


# -- ready-made handlers -----------------------------------------------------------------------

def static(reply: Reply) -> Handler:
    return lambda _request: reply


def big_body(size: int = 65_536 + 4_096, *, chunked: bool = False,
             stall_after: int | None = None) -> Handler:
    return static(Reply(body=body_of(size), chunked=chunked, stall_after=stall_after,
                        headers={"Content-Type": "application/octet-stream"}))


def portal(login_url: str = "http://portal.test/login") -> Handler:
    """What a captive portal does: every request is redirected to its login page."""

    def answer(request: Request) -> Reply:
        if request.path.startswith("/login"):
            return Reply(body=LOGIN_PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
        return Reply(status=302, reason="Found", body=LOGIN_PAGE,
                     headers={"Location": login_url, "Content-Type": "text/html"})

    return answer


def no_content() -> Handler:
    """What a connectivity-check endpoint answers on an open network."""
    return static(Reply(status=204, reason="No Content"))


def doh(answers: dict[str, list[str]]) -> Handler:
    """A DNS-over-HTTPS endpoint (POST /dns-query) answering from a fixed table.

    Names not in the table get NXDOMAIN; a name mapped to [] gets NOERROR with no records.
    """
    table = {name.lower().rstrip("."): list(addresses) for name, addresses in answers.items()}

    def answer(request: Request) -> Reply:
        if request.method != "POST" or not request.path.startswith("/dns-query"):
            return Reply(status=404, reason="Not Found")
        query = dns.message.from_wire(request.body)
        response = dns.message.make_response(query)
        question = query.question[0]
        name = question.name.to_text().lower().rstrip(".")
        if name not in table:
            response.set_rcode(dns.rcode.NXDOMAIN)
        else:
            wanted = dns.rdatatype.to_text(question.rdtype)
            records = [a for a in table[name] if (":" in a) == (wanted == "AAAA")]
            if records and wanted in ("A", "AAAA"):
                response.answer.append(dns.rrset.from_text_list(question.name, 60, "IN",
                                                                wanted, records))
        return Reply(body=response.to_wire(),
                     headers={"Content-Type": "application/dns-message"})

    return answer
