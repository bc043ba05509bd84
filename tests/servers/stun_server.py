"""A STUN responder (RFC 5389 binding) on UDP, with modes for the ways it can go wrong."""

from __future__ import annotations

import asyncio
from typing import Any

from aioice import stun

from tests.servers.base import DEFAULT_HOLD_S, BackgroundServer

MODES = ("ok", "garbage", "error", "silent")


class StunServer(BackgroundServer):
    """``mode``: "ok" answers with XOR-MAPPED-ADDRESS; "garbage" sends bytes that are not
    STUN; "error" sends a 400 error response; "silent" drops every request."""

    kind = "stun"

    def __init__(self, mode: str = "ok", host: str = "127.0.0.1", port: int = 0,
                 hold_s: float = DEFAULT_HOLD_S) -> None:
        super().__init__(host, port, hold_s)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.mode = mode
        self.requests = 0
        self._transport: asyncio.DatagramTransport | None = None

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: DatagramResponder(self), local_addr=(self.host, self.port))
        self._transport = transport
        self.port = transport.get_extra_info("sockname")[1]

    async def _close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def answer(self, data: bytes, addr: tuple[str, int]) -> bytes | None:
        self.requests += 1
        try:
            request = stun.parse_message(data)
        except ValueError:
            return None
        if request.message_method != stun.Method.BINDING:
            return None
        if self.mode == "silent":
            return None
        if self.mode == "garbage":
            return b"\x01\x01\x00\x04garbage!"
        if self.mode == "error":
            reply = stun.Message(stun.Method.BINDING, stun.Class.ERROR,
                                 transaction_id=request.transaction_id,
                                 attributes={"ERROR-CODE": (400, "Bad Request")})
            return bytes(reply)
        reply = stun.Message(stun.Method.BINDING, stun.Class.RESPONSE,
                             transaction_id=request.transaction_id,
                             attributes={"XOR-MAPPED-ADDRESS": (addr[0], addr[1]),
                                         "SOFTWARE": "conncheck-test"})
        reply.add_fingerprint()
        return bytes(reply)


class DatagramResponder(asyncio.DatagramProtocol):
    """Sends back whatever ``server.answer(data, addr)`` returns (None: stay silent)."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        reply = self.server.answer(data, (addr[0], addr[1]))
        if reply is not None:
            self.transport.sendto(reply, addr)
