"""Download one file of a catalog update: a plain HTTPS GET, bounded in size and time.

The request says nothing about the person or this copy of the app: ``GET`` with ``Host``,
``User-Agent: conncheck`` (no version: it would tell an observer which release the person
runs), ``Accept: */*`` and ``Connection: close`` — no cookie, no id, no query. HTTP/1.0 on
the request line, so a server answers with a plain body (no chunks) that ends when the
connection closes or at ``Content-Length``.

Trust roots: certifi's (never the system store), plus ``extra_ca`` when the catalog in use
was chosen with ``--catalog`` and names one (the lab). Limits: the body is cut off (refused)
as soon as it passes ``max_bytes``; the whole exchange must end within ``timeout_s``; no
redirects (a mirror URL names the file itself).
"""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from urllib.parse import urlsplit

import certifi

MAX_HEAD_BYTES = 16_384
USER_AGENT = "conncheck"
_READ = 16_384


class FetchError(OSError):
    """The file could not be downloaded. ``str()`` is one line for Details."""


def tls_context(extra_ca: Path | None = None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=certifi.where())
    if extra_ca is not None:
        ctx.load_verify_locations(cafile=str(extra_ca))
    return ctx


def request_bytes(url: str) -> bytes:
    """The exact request sent for ``url`` (tests read it: nothing about the user)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port and parts.port != 443:
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    return (f"GET {path} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: {USER_AGENT}\r\n"
            "Accept: */*\r\nConnection: close\r\n\r\n").encode("ascii")


async def fetch(url: str, max_bytes: int, timeout_s: float, *,
                ctx: ssl.SSLContext | None = None) -> bytes:
    """The body of ``url`` (status 200 only). Raises FetchError (an OSError) for every
    problem, TimeoutError when ``timeout_s`` passes."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise FetchError(f"not an https URL: {url}")
    async with asyncio.timeout(timeout_s):
        try:
            reader, writer = await asyncio.open_connection(
                parts.hostname, parts.port or 443, ssl=ctx or tls_context(),
                server_hostname=parts.hostname, limit=MAX_HEAD_BYTES)
        except ssl.SSLError as exc:
            raise FetchError(f"TLS: {exc.reason or exc}") from None
        except OSError as exc:
            raise FetchError(f"cannot connect: {exc.strerror or exc}") from None
        try:
            writer.write(request_bytes(url))
            await writer.drain()
            return await _response(reader, max_bytes)
        except ssl.SSLError as exc:
            raise FetchError(f"TLS: {exc.reason or exc}") from None
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError,
                ConnectionError) as exc:
            raise FetchError(f"broken answer: {type(exc).__name__}") from None
        finally:
            writer.close()
            try:
                async with asyncio.timeout(1.0):
                    await writer.wait_closed()
            except (OSError, TimeoutError, ssl.SSLError):
                pass


async def _response(reader: asyncio.StreamReader, max_bytes: int) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = lines[0].split(" ", 2)
    if len(status) < 2 or not status[0].startswith("HTTP/") or not status[1].isdigit():
        raise FetchError("broken answer: not HTTP")
    if status[1] != "200":
        raise FetchError(f"HTTP {status[1]}")
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length" and value.strip().isdigit():
            length = int(value.strip())
        if name.strip().lower() == "transfer-encoding":
            raise FetchError("broken answer: chunked body to an HTTP/1.0 request")
    if length is not None and length > max_bytes:
        raise FetchError(f"too large: {length} bytes, the cap is {max_bytes}")
    body = bytearray()
    while True:
        chunk = await reader.read(_READ)
        if not chunk:
            break
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(f"too large: over the cap of {max_bytes} bytes")
        if length is not None and len(body) >= length:
            break
    if length is not None and len(body) != length:
        raise FetchError("broken answer: the body is not Content-Length long")
    return bytes(body)
