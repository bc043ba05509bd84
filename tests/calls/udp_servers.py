"""A loopback UDP server for the calls checks: STUN answers (modern and RFC 3489), echo, and
the two ways a censor spoils calls — dropping STUN by its cookie, and going silent after the
first N packets of a flow (a call cut off)."""

from __future__ import annotations

import asyncio
import socket
import struct

from app.engine.calls import packets
from tests.servers.base import DEFAULT_HOLD_S, BackgroundServer
from tests.servers.stun_server import DatagramResponder


def stun_answer(data: bytes, addr: tuple[str, int]) -> bytes | None:
    """A binding success response for a modern or a classic binding request, else None."""
    if len(data) < 20 or struct.unpack("!H", data[:2])[0] != packets.BINDING_REQUEST:
        return None
    address = socket.inet_aton(addr[0])
    if data[4:8] == packets.COOKIE_BYTES:
        cookie = packets.STUN_COOKIE
        xaddr = bytes(a ^ b for a, b in zip(address, struct.pack("!I", cookie), strict=True))
        attr = struct.pack("!HHBBH", 0x0020, 8, 0, 1, addr[1] ^ (cookie >> 16)) + xaddr
        return struct.pack("!HHI", packets.BINDING_SUCCESS, len(attr), cookie) + data[8:20] + attr
    attr = struct.pack("!HHBBH", 0x0001, 8, 0, 1, addr[1]) + address  # RFC 3489 MAPPED-ADDRESS
    return struct.pack("!HH", packets.BINDING_SUCCESS, len(attr)) + data[4:20] + attr


class CallServer(BackgroundServer):
    """``mode``: "stun" answers binding requests; "echo" sends every datagram back.
    ``drop_cookie``: ignore datagrams carrying the STUN magic cookie (a cookie filter).
    ``answer_first``: answer only the first N datagrams, then nothing (a cut-off call).
    ``drop_shapes``: ignore datagrams that look like WhatsApp/Telegram call packets."""

    kind = "calls-udp"

    def __init__(self, mode: str = "stun", *, drop_cookie: bool = False,
                 answer_first: int | None = None, drop_shapes: bool = False,
                 host: str = "127.0.0.1", hold_s: float = DEFAULT_HOLD_S) -> None:
        super().__init__(host, 0, hold_s)
        self.mode = mode
        self.drop_cookie = drop_cookie
        self.answer_first = answer_first
        self.drop_shapes = drop_shapes
        self.received = 0
        self._transport: asyncio.DatagramTransport | None = None

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: DatagramResponder(self), local_addr=(self.host, 0))
        self._transport = transport
        self.port = transport.get_extra_info("sockname")[1]

    async def _close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def answer(self, data: bytes, addr: tuple[str, int]) -> bytes | None:
        self.received += 1
        if self.answer_first is not None and self.received > self.answer_first:
            return None
        if self.drop_cookie and data[4:8] == packets.COOKIE_BYTES:
            return None
        if self.drop_shapes and (data[:2] in (b"\x08\x00", b"\x08\x01", b"\x08\x02")
                                 or b"\xff" * 12 in data):
            return None
        if self.mode == "echo":
            return data
        return stun_answer(data, addr)
