"""The shapes we send look like what they claim to be — to a parser and to a DPI rule."""

from __future__ import annotations

import struct

import pytest
from aioice import stun

from app.engine.calls import packets


@pytest.mark.parametrize("size", [20, 28, 160, 200])
def test_padded_binding_request_is_valid_stun_of_the_asked_size(size: int) -> None:
    data = packets.stun_binding(size)
    assert len(data) == size
    message = stun.parse_message(data)
    assert message.message_method == stun.Method.BINDING
    assert message.message_class == stun.Class.REQUEST
    if size > 20:
        software = message.attributes["SOFTWARE"]
        assert "ConnectionCheck call test".startswith(software[:4])
        assert len(software) < 128  # RFC 5389: fewer than 128 characters


def test_binding_request_carries_the_cookie_dpi_matches() -> None:
    data = packets.stun_binding(160)
    assert data[4:8] == b"\x21\x12\xa4\x42"
    assert data[0] >> 6 == 0 and struct.unpack("!H", data[2:4])[0] % 4 == 0


def test_classic_request_has_no_cookie_and_its_answer_is_recognised() -> None:
    data = packets.classic_stun_binding(b"\x01" * 16)
    assert len(data) == 20 and data[4:8] != packets.COOKIE_BYTES
    answer = struct.pack("!HH", packets.BINDING_SUCCESS, 0) + b"\x01" * 16
    assert packets.classic_transaction_id(answer) == b"\x01" * 16
    assert packets.stun_transaction_id(answer) is None


def test_whatsapp_shape_uses_its_nonstandard_types() -> None:
    data = packets.whatsapp_like(60)
    assert len(data) == 60
    assert struct.unpack("!H", data[:2])[0] in (0x0800, 0x0801, 0x0802)
    assert data[4:8] == packets.COOKIE_BYTES
    assert struct.unpack("!H", data[20:22])[0] >= 0x4000


def test_telegram_shape_has_twelve_ff_bytes() -> None:
    data = packets.telegram_like(40)
    assert len(data) == 40 and b"\xff" * 12 in data


def test_neutral_packets_match_no_signature() -> None:
    for _ in range(200):
        data = packets.neutral(40)
        assert data[0] >> 6 != 0  # cannot parse as STUN
        assert data[4:8] != packets.COOKIE_BYTES
