"""Property tests: arbitrary bytes never escape the engine's parsers except as their
documented error (StepFailed with a failure string, ValueError, or None)."""

from __future__ import annotations

import asyncio
import struct

import dns.message
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.core import failures as F
from app.engine.calls import packets
from app.engine.context import Clock
from app.engine.doh_client import MAX_ADDRESSES, parse_reply, reply_addresses
from app.engine.http1 import (
    HttpResponse,
    exchange,
    parse_chunk_size,
    parse_content_length,
)
from app.engine.probes import stun as stun_probe
from app.engine.steps import Budget, StepFailed

FUZZ = settings(max_examples=200, deadline=None)
COOKIE = struct.pack("!I", 0x2112A442)
TXID = bytes(range(12))
READER_LIMIT = 65_536  # asyncio.open_connection's default, what the probes use


# -- STUN ------------------------------------------------------------------------------------

def stun_like() -> st.SearchStrategy[bytes]:
    """Bytes with a STUN header (right cookie, often our transaction id) and random rest."""
    return st.builds(
        lambda kind, length, txid, rest: struct.pack("!HH", kind, length) + COOKIE + txid + rest,
        st.sampled_from([0x0101, 0x0111, 0x0001, 0x0801]) | st.integers(0, 0xFFFF),
        st.integers(0, 0xFFFF),
        st.just(TXID) | st.binary(min_size=12, max_size=12),
        st.binary(max_size=200),
    )


def attributes() -> st.SearchStrategy[bytes]:
    """A STUN success header followed by attribute TLVs with random types, lengths, values."""
    tlv = st.builds(lambda t, n, v: struct.pack("!HH", t, n) + v,
                    st.sampled_from([0x0001, 0x0020, 0x0009, 0x8022, 0x8028, 0x0008])
                    | st.integers(0, 0xFFFF),
                    st.integers(0, 64), st.binary(max_size=64))
    return st.lists(tlv, max_size=6).map(
        lambda tlvs: struct.pack("!HH", 0x0101, len(b"".join(tlvs))) + COOKIE + TXID
        + b"".join(tlvs))


@FUZZ
@given(st.binary(max_size=300) | stun_like() | attributes())
@example(struct.pack("!HHI", 0x0101, 200, 0x2112A442) + TXID + b"\x00\x20\x00\x08")
def test_stun_reply_parser_raises_only_value_error(data: bytes) -> None:
    try:
        message = stun_probe._parse_reply(data, TXID)
    except ValueError:
        return
    if message is None:
        return
    assert message.transaction_id == TXID
    try:  # what the probe does next with an answer: a fact, or stun_invalid_response
        facts = stun_probe._mapped(message)
    except StepFailed as failed:
        assert failed.failure == F.STUN_INVALID_RESPONSE
    else:
        assert facts["mapped_address"]


@FUZZ
@given(st.binary(max_size=100) | stun_like())
def test_call_packet_transaction_ids_never_raise(data: bytes) -> None:
    modern = packets.stun_transaction_id(data)
    classic = packets.classic_transaction_id(data)
    assert modern is None or (len(modern) == 12 and data[4:8] == COOKIE)
    assert classic is None or (len(classic) == 16 and data[4:8] != COOKIE)


# -- DNS (our wrapper around dnspython's from_wire) ------------------------------------------

QUERY = dns.message.make_query("example.com", "A")
QUERY.id = 0


def dns_like() -> st.SearchStrategy[bytes]:
    """A DNS header with our id and random counts, then random bytes or a real answer's tail."""
    answer = dns.message.make_response(QUERY).to_wire()
    return st.builds(
        lambda flags, counts, rest: b"\x00\x00" + struct.pack("!H", flags)
        + struct.pack("!HHHH", *counts) + rest,
        st.integers(0, 0xFFFF),
        st.tuples(*[st.integers(0, 3)] * 4),
        st.binary(max_size=120) | st.just(answer[12:]),
    )


@FUZZ
@given(st.binary(max_size=300) | dns_like())
def test_doh_reply_parser_raises_only_step_failed(wire: bytes) -> None:
    try:
        reply = parse_reply(wire, QUERY)
    except StepFailed as failed:
        assert (failed.phase, failed.failure) == ("http", F.HTTP_INVALID_RESPONSE)
        assert failed.detail
        return
    assert reply.id == QUERY.id and reply.question[0] == QUERY.question[0]
    assert len(reply_addresses(reply)) <= MAX_ADDRESSES


# -- HTTP response heads and bodies ----------------------------------------------------------

def http_like() -> st.SearchStrategy[bytes]:
    """A status line and headers built from plausible and hostile pieces, then a body."""
    status = st.sampled_from([b"HTTP/1.1 200 OK", b"HTTP/1.0 204", b"HTTP/1.1 \xb2\xb9\xb3 X",
                              b"HTTP/1.1 -12 X", b"HTTP/2 200", b"ICY 200 OK"]) | st.binary(
                                  max_size=30)
    header = st.sampled_from([b"Content-Length: 5", b"Content-Length: -1",
                              b"Content-Length: 1_0", b"Content-Length: 5, 6",
                              b"Transfer-Encoding: chunked", b"X: y", b"no colon"]) | st.binary(
                                  max_size=30)
    body = st.sampled_from([b"hello", b"5\r\nhello\r\n0\r\n\r\n", b"-1\r\nx\r\n",
                            b"0x5\r\nhello\r\n", b"fffffffffffffffffffff\r\n"]) | st.binary(
                                max_size=60)
    return st.builds(lambda s, hs, b: s + b"\r\n" + b"".join(h + b"\r\n" for h in hs)
                     + b"\r\n" + b, status, st.lists(header, max_size=4), body)


async def _exchange(data: bytes, method: str) -> HttpResponse:
    """Run http1.exchange on a reader fed ``data`` and then EOF, as the probes do."""
    reader = asyncio.StreamReader(limit=READER_LIMIT)
    reader.feed_data(data)
    reader.feed_eof()

    class Sink(asyncio.Transport):
        def write(self, data: bytes | bytearray | memoryview) -> None:
            pass

        def is_closing(self) -> bool:
            return False

        def close(self) -> None:
            pass

    protocol = asyncio.StreamReaderProtocol(reader)
    writer = asyncio.StreamWriter(Sink(), protocol, reader, asyncio.get_running_loop())
    return await exchange(reader, writer, b"GET / HTTP/1.1\r\n\r\n", method=method,
                          max_bytes=1_000, budget=Budget(2.0), clock=Clock())


@FUZZ
@given(st.binary(max_size=400) | http_like(), st.sampled_from(["GET", "HEAD"]))
@example(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"1" * 70_000, "GET")
@example(b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70_000 + b"\r\n\r\n", "GET")
def test_http_response_parser_raises_only_step_failed(data: bytes, method: str) -> None:
    async def run() -> None:
        try:
            response = await _exchange(data, method)
        except StepFailed as failed:
            assert failed.phase == "http"
            assert failed.failure in (F.HTTP_INVALID_RESPONSE, F.EOF_ERROR), failed
            return
        assert 100 <= response.status <= 999
        assert 0 <= response.body_bytes <= 1_000 + 16_384
        assert response.complete or response.truncated or method == "HEAD"

    asyncio.run(run())


@FUZZ
@given(st.text(max_size=30))
@example("+5")
@example("1_000")
@example("٣")
def test_content_length_is_plain_digits_or_none(text: str) -> None:
    length = parse_content_length(text)
    if length is not None:
        assert length >= 0 and str(length) in text


@FUZZ
@given(st.binary(max_size=40))
@example(b"-1")
@example(b"0x10")
@example(b"1_0")
def test_chunk_size_is_bounded_hex_or_none(line: bytes) -> None:
    size = parse_chunk_size(line)
    if size is not None:
        assert 0 <= size < 16**16

