"""A deliberately small HTTP/1.1 client over asyncio streams, written for measuring.

Why by hand: we need facts a library hides — time to first byte, how many body bytes came
before a transfer froze (the "16 KB freeze" of foreign TLS connections), and the exact point
of failure. One request per connection (``Connection: close``) — except DNS over HTTPS, which
may ask a second question on the same connection, and a service's slow read, which may be read
again (``keep_alive``, ``reusable``; app/engine/second_look.py); bodies are streamed and
counted, never kept beyond a short prefix for the captive-portal hint.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from app.core import failures as F
from app.core.model import Check, Kind, Phase
from app.engine import timeouts
from app.engine.classify import classify
from app.engine.context import Clock
from app.engine.steps import Budget, StepFailed, phase

STALL_WINDOW_S = 3.0  # no body bytes for this long (or for the rest of the budget) = frozen
MIN_STALL_S = 0.5  # a silence shorter than this at the deadline is "slow", not "frozen"
MAX_HEADER_BYTES = 65_536
MAX_CHUNK_SIZE_DIGITS = 16  # hex digits of a chunk size: more is not a size but an attack
_DIGITS = frozenset(b"0123456789")
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")
KEEP_PREFIX = 16_384  # body bytes kept by default (captive-portal hint, DoH answers)
_READ_SIZE = 16_384


@dataclass
class HttpResponse:
    status: int
    reason: str
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body_bytes: int = 0
    body_prefix: bytes = b""
    complete: bool = False  # the whole body (by Content-Length, chunks or close) arrived
    truncated: bool = False  # stopped at max_bytes on purpose
    silence_ms: int | None = None  # failure stalled: how long no body byte had come


def request_target(check: Check) -> tuple[str, str]:
    """(Host header value, path) from the check's URL, or "/" on the check's host."""
    default_port = 80 if check.kind == Kind.HTTP else 443
    if check.url:
        parts = urlsplit(check.url)
        host = parts.hostname or check.host
        port = parts.port or default_port
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
    else:
        host, port, path = check.host, check.port, "/"
    if ":" in host:
        host = f"[{host}]"
    return (host if port == default_port else f"{host}:{port}"), path


def build_request(method: str, host: str, path: str, user_agent: str,
                  body: bytes = b"", content_type: str | None = None,
                  accept: str = "*/*", last_byte: int | None = None,
                  keep_alive: bool = False) -> bytes:
    """One HTTP/1.1 request. ``last_byte``: ask only for bytes 0..last_byte (``Range``) — the
    check reads no more than that, and a server that honours it sends no more either.
    ``keep_alive``: the connection may carry another request after this one."""
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {host}",
        f"User-Agent: {user_agent}",
        f"Accept: {accept}",
        "Accept-Encoding: identity",
        "Connection: keep-alive" if keep_alive else "Connection: close",
    ]
    if last_byte is not None:
        lines.append(f"Range: bytes=0-{last_byte}")
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    if method == "POST" or body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                   request: bytes, *, method: str, max_bytes: int, budget: Budget,
                   clock: Clock, keep: int = KEEP_PREFIX) -> HttpResponse:
    """Send ``request``, read the response head and stream the body.

    Raises StepFailed(phase http): generic_timeout_error when no response head arrives,
    http_invalid_response for a malformed head or chunking, eof_error when the peer closes
    before the announced end, stalled when body bytes stop arriving.
    """
    async with phase(Phase.HTTP, budget, timeouts.FIRST_BYTE_S):
        writer.write(request)
        await writer.drain()
        first = await reader.read(1)
        if not first:
            raise StepFailed(Phase.HTTP, F.EOF_ERROR, "connection closed before any response")
        clock.mark("ttfb")
        head = first + await _read_head(reader)
    response = _parse_head(head)
    if method == "HEAD" or response.status in (204, 304) or 100 <= response.status < 200:
        response.complete = True
        clock.mark("body")
        return response
    body = _BodyReader(reader, response, max_bytes, budget, keep)
    await body.run()
    clock.mark("body")
    return response


def reusable(response: HttpResponse) -> bool:
    """Whether the connection can carry another request: the whole body, measured by
    Content-Length, has been read, and the server did not say it closes."""
    headers = response.headers
    return (response.complete and not response.truncated
            and parse_content_length(headers.get("content-length", "")) is not None
            and "chunked" not in headers.get("transfer-encoding", "").lower()
            and "close" not in headers.get("connection", "").lower())


async def _read_head(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError as exc:
        raise StepFailed(Phase.HTTP, F.HTTP_INVALID_RESPONSE, "response head too long") from exc
    except asyncio.IncompleteReadError as exc:
        if exc.partial.startswith(b"TTP/") or not exc.partial:
            raise StepFailed(Phase.HTTP, F.EOF_ERROR,
                             "connection closed inside the response head") from exc
        raise StepFailed(Phase.HTTP, F.HTTP_INVALID_RESPONSE,
                         "not an HTTP response: " + _show(exc.partial)) from exc


def _parse_head(head: bytes) -> HttpResponse:
    text = head.decode("latin-1")
    lines = text.split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not _is_status(parts[1]):
        raise StepFailed(Phase.HTTP, F.HTTP_INVALID_RESPONSE,
                         "bad status line: " + _show(lines[0].encode("latin-1")))
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise StepFailed(Phase.HTTP, F.HTTP_INVALID_RESPONSE, "bad header line: " +
                             _show(line.encode("latin-1")))
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    return HttpResponse(status=int(parts[1]), reason=parts[2] if len(parts) > 2 else "",
                        headers=headers)


def _is_status(text: str) -> bool:
    """Three ASCII digits (str.isdigit() also accepts '²' and other non-ASCII digits)."""
    return len(text) == 3 and all(ord(ch) in _DIGITS for ch in text)


def parse_content_length(text: str) -> int | None:
    """The body length a Content-Length value announces; None if it is not one.

    RFC 9110 §8.6: 1*DIGIT; a repeated header with equal values is allowed ("5, 5"). No sign,
    no underscores, no spaces inside — what int() would forgive.
    """
    values = {value.strip() for value in text.split(",")}
    if len(values) != 1:
        return None
    (value,) = values
    if not value or not all(ord(ch) in _DIGITS for ch in value):
        return None
    return int(value)


def parse_chunk_size(line: bytes) -> int | None:
    """The size on a chunk-size line (extensions after ';' ignored); None if it is not one."""
    digits = line.split(b";", 1)[0].strip()
    if not digits or len(digits) > MAX_CHUNK_SIZE_DIGITS or not set(digits) <= _HEX_DIGITS:
        return None
    return int(digits, 16)


def _show(data: bytes) -> str:
    return repr(data[:60])


class _BodyReader:
    """Streams a body, counting bytes and telling a frozen transfer from a slow one."""

    def __init__(self, reader: asyncio.StreamReader, response: HttpResponse, max_bytes: int,
                 budget: Budget, keep: int) -> None:
        self.keep = keep
        self.reader = reader
        self.response = response
        self.max_bytes = max_bytes
        self.budget = budget
        self.last_progress = time.monotonic()

    def _count(self, data: bytes) -> None:
        response = self.response
        if len(response.body_prefix) < self.keep:
            response.body_prefix += data[: self.keep - len(response.body_prefix)]
        response.body_bytes += len(data)
        self.last_progress = time.monotonic()

    def _limit_reached(self) -> bool:
        if self.response.body_bytes >= self.max_bytes:
            self.response.truncated = True
            return True
        return False

    async def _wait(self, read: Coroutine[Any, Any, bytes]) -> bytes:
        """Await one read, bounded by the stall window and the budget."""
        window = min(STALL_WINDOW_S, self.budget.remaining())
        try:
            async with asyncio.timeout(window):
                return await read
        except TimeoutError:
            silence = time.monotonic() - self.last_progress
            received = self.response.body_bytes
            if silence >= min(STALL_WINDOW_S, max(MIN_STALL_S, self.budget.total_s / 2)):
                raise _Stalled(received, silence) from None
            raise StepFailed(Phase.HTTP, F.GENERIC_TIMEOUT,
                             f"body still arriving at the deadline ({received} bytes)") from None
        except (OSError, EOFError) as exc:
            raise _Broken(exc) from exc

    async def _read_some(self, size: int) -> bytes:
        return await self._wait(self.reader.read(size))

    async def _read_line(self) -> bytes:
        try:
            return await self._wait(self.reader.readline())
        except ValueError:  # StreamReader.readline: no line end within the reader's limit
            raise StepFailed(Phase.HTTP, F.HTTP_INVALID_RESPONSE,
                             "chunk size line too long") from None

    async def run(self) -> None:
        """Read the body; a StepFailed raised here carries the partial ``response``."""
        try:
            try:
                await self._run()
            except _Stalled as stalled:
                self.response.silence_ms = round(stalled.silence * 1000)
                raise StepFailed(Phase.HTTP, F.STALLED,
                                 f"no data for {stalled.silence:.1f} s after "
                                 f"{stalled.received} body bytes") from None
            except _Broken as broken:
                failure, detail = classify(broken.exc)
                raise StepFailed(Phase.HTTP, failure, detail) from None
        except StepFailed as failed:
            failed.response = self.response
            raise

    async def _run(self) -> None:
        headers = self.response.headers
        if "chunked" in headers.get("transfer-encoding", "").lower():
            await self._chunked()
            return
        length_text = headers.get("content-length")
        if length_text is not None:
            length = parse_content_length(length_text)
            if length is None:
                raise StepFailed(Phase.HTTP, F.HTTP_INVALID_RESPONSE,
                                 f"bad Content-Length {length_text[:60]!r}")
            await self._sized(length)
            return
        while not self._limit_reached():
            data = await self._read_some(_READ_SIZE)
            if not data:
                self.response.complete = True
                return
            self._count(data)

    async def _sized(self, length: int) -> None:
        while self.response.body_bytes < length:
            if self._limit_reached():
                return
            want = min(_READ_SIZE, length - self.response.body_bytes)
            data = await self._read_some(want)
            if not data:
                raise StepFailed(Phase.HTTP, F.EOF_ERROR,
                                 f"connection closed after {self.response.body_bytes} of "
                                 f"{length} body bytes")
            self._count(data)
        self.response.complete = True

    async def _chunked(self) -> None:
        while not self._limit_reached():
            line = await self._read_line()
            if not line:
                raise StepFailed(Phase.HTTP, F.EOF_ERROR, "connection closed inside a chunk")
            size = parse_chunk_size(line)
            if size is None:
                raise StepFailed(Phase.HTTP, F.HTTP_INVALID_RESPONSE,
                                 "bad chunk size " + _show(line))
            if size == 0:
                self.response.complete = True
                return  # trailers are not needed: Connection: close
            left = size
            while left > 0:
                if self._limit_reached():
                    return
                data = await self._read_some(min(left, _READ_SIZE))
                if not data:
                    raise StepFailed(Phase.HTTP, F.EOF_ERROR, "connection closed inside a chunk")
                self._count(data)
                left -= len(data)
            await self._read_line()  # CRLF after the chunk data


class _Stalled(Exception):
    def __init__(self, received: int, silence: float) -> None:
        super().__init__()
        self.received = received
        self.silence = silence


class _Broken(Exception):
    def __init__(self, exc: BaseException) -> None:
        super().__init__(str(exc))
        self.exc = exc
