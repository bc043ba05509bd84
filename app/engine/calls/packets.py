"""The UDP payloads the calls checks send. Pure byte building, no I/O.

Shapes come from calls-dpi.md: a standard STUN binding request (RFC 5389: magic cookie
0x2112A442 at offset 4, what DPI matches, §2.4); a "classic" RFC 3489 binding request whose
16-byte transaction id takes the cookie's place, so cookie filters miss it; WhatsApp's call
packets (STUN header with the non-standard types 0x0800-0x0802 and attributes 0x4000+, §2.1,
nDPI stun.c); Telegram's legacy relay pings (40 bytes with 12 bytes of 0xFF, §2.2). Only the
shape is imitated, and only towards our own echo peer or a configured server.
"""

from __future__ import annotations

import os
import struct
from typing import Final

STUN_COOKIE: Final = 0x2112A442
COOKIE_BYTES: Final = struct.pack("!I", STUN_COOKIE)
BINDING_REQUEST: Final = 0x0001
BINDING_INDICATION: Final = 0x0011  # RFC 8489 §6.3: a server answers no indication
BINDING_SUCCESS: Final = 0x0101
SOFTWARE: Final = 0x8022  # comprehension-optional: servers that do not know it ignore it
_SOFTWARE_TEXT: Final = "ConnectionCheck call test "
# A 2-byte UTF-8 character pads SOFTWARE to voice size while staying under RFC 5389's
# "fewer than 128 characters".
_PAD_CHAR: Final = "·"
HEADER_BYTES: Final = 20


def _pad4(n: int) -> int:
    return (n + 3) & ~3


def stun_binding(size: int = HEADER_BYTES, transaction_id: bytes | None = None) -> bytes:
    """A binding request of exactly ``size`` bytes (a multiple of 4, >= 20).

    Beyond the header, a SOFTWARE attribute carries padding text, so a flow of these looks
    like voice packets in size while every one of them still gets a STUN answer.
    """
    size = max(HEADER_BYTES, size - size % 4)
    txid = transaction_id if transaction_id is not None else os.urandom(12)
    attrs = b""
    room = size - HEADER_BYTES
    if room >= 8:  # an attribute header (4) plus at least 4 bytes of value
        value_len = room - 4
        ascii_part = _SOFTWARE_TEXT[:value_len]
        pad_bytes = value_len - len(ascii_part.encode())
        text = ascii_part + _PAD_CHAR * (pad_bytes // 2) + "." * (pad_bytes % 2)
        value = text.encode()
        attrs = struct.pack("!HH", SOFTWARE, len(value)) + value
        attrs += b"\x00" * (_pad4(len(value)) - len(value))
    return struct.pack("!HHI", BINDING_REQUEST, len(attrs), STUN_COOKIE) + txid + attrs


def stun_indication(size: int = HEADER_BYTES) -> bytes:
    """A binding indication of exactly ``size`` bytes: the same shape as ``stun_binding``, but
    a STUN server takes it silently (ICE sends these as keep-alives during a call)."""
    request = stun_binding(size)
    return struct.pack("!H", BINDING_INDICATION) + request[2:]


def stun_transaction_id(data: bytes) -> bytes | None:
    """The transaction id of a STUN success response (RFC 5389), else None."""
    if len(data) < HEADER_BYTES or data[4:8] != COOKIE_BYTES:
        return None
    (kind,) = struct.unpack("!H", data[:2])
    if kind != BINDING_SUCCESS:
        return None
    return data[8:20]


def classic_stun_binding(transaction_id: bytes | None = None) -> bytes:
    """An RFC 3489 binding request: no magic cookie, a 16-byte random transaction id."""
    txid = transaction_id if transaction_id is not None else os.urandom(16)
    if txid[:4] == COOKIE_BYTES:  # 1 in 4 billion: it would turn into a modern request
        txid = b"\x00" + txid[1:]
    return struct.pack("!HH", BINDING_REQUEST, 0) + txid


def classic_transaction_id(data: bytes) -> bytes | None:
    """The 16-byte transaction id of an RFC 3489 binding response, else None."""
    if len(data) < HEADER_BYTES or data[4:8] == COOKIE_BYTES:
        return None
    (kind,) = struct.unpack("!H", data[:2])
    return data[4:20] if kind == BINDING_SUCCESS else None


def neutral(size: int) -> bytes:
    """Random bytes that match no known protocol signature (no STUN cookie, no 0xFF run)."""
    size = max(size, 12)
    data = bytearray(os.urandom(size))
    data[0] |= 0x80  # STUN's first two bits are zero (RFC 5389 §6): this is never STUN
    if data[4:8] == COOKIE_BYTES:
        data[4] ^= 0xFF
    return bytes(data)


def whatsapp_like(size: int = 60, transaction_id: bytes | None = None) -> bytes:
    """A STUN-framed packet with WhatsApp's call types (0x0801) and attributes 0x4000+."""
    txid = transaction_id if transaction_id is not None else os.urandom(12)
    attrs = b""
    kind_index = 0
    attribute_types = (0x4000, 0x4001, 0x4002, 0x4003, 0x4004, 0x4007)
    while HEADER_BYTES + len(attrs) + 8 <= size:
        body = os.urandom(4)
        attrs += struct.pack("!HH", attribute_types[kind_index % 6], len(body)) + body
        kind_index += 1
    return struct.pack("!HHI", 0x0801, len(attrs), STUN_COOKIE) + txid + attrs


def telegram_like(size: int = 40) -> bytes:
    """A legacy Telegram relay ping: a 16-byte peer tag, then 12 bytes of 0xFF, then data."""
    size = max(size, 40)
    return os.urandom(16) + b"\xff" * 12 + os.urandom(size - 28)
