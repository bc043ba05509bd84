"""TCP servers that misbehave the way censors make connections misbehave."""

from __future__ import annotations

import asyncio
import socket
import struct

from tests.servers.base import StreamServer


class ResetServer(StreamServer):
    """Reads the client's first bytes (the TLS ClientHello) and answers with a TCP RST.

    SO_LINGER with a zero timeout makes close() send RST instead of FIN — what DPI equipment
    injecting resets on a forbidden SNI looks like from the client.
    """

    kind = "reset"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.wait_for(reader.read(4096), 10.0)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()


class SilentServer(StreamServer):
    """Accepts the connection, then never sends a byte: a dropped ClientHello."""

    kind = "silent"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await self.hold()


def closed_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (bound, then released), for "refused" checks."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
    return port
