"""benchmarks.wire: a capture is counted per destination, and a TLS connection's handshake is
told apart from the answer the check reads (docs/performance.md "Issue 17, part 5")."""

from __future__ import annotations

import socket
import struct

from benchmarks.wire import _RECORD, Flow, flows, table, tls_handshake_bytes

CLIENT, SERVER = "198.18.1.2", "198.19.2.9"


def frame(down: bool, at: float, payload: bytes, *, proto: int = 6, seq: int = 0,
          port: int = 443) -> bytes:
    """One captured record: Ethernet + IPv4 + TCP (no options) or UDP, as benchmarks.wire
    writes it."""
    src, dst = (SERVER, CLIENT) if down else (CLIENT, SERVER)
    sport, dport = (port, 40000) if down else (40000, port)
    if proto == 6:
        l4 = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x18, 65535, 0, 0)
    else:
        l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4) + len(payload), 0, 0, 64, proto,
                     0, socket.inet_aton(src), socket.inet_aton(dst))
    data = b"\x00" * 12 + b"\x08\x00" + ip + l4 + payload
    return _RECORD.pack(int(down), at, len(data)) + data


def record(kind: int, size: int) -> bytes:
    return struct.pack("!BHH", kind, 0x0303, size) + b"x" * size


def test_a_tls_connection_splits_into_handshake_and_answer() -> None:
    capture = b"".join([
        frame(False, 0.0, record(0x16, 512), seq=1),  # ClientHello
        frame(True, 0.1, record(0x16, 122) + record(0x17, 2000), seq=1),  # ServerHello..Finished
        frame(False, 0.2, record(0x17, 53) + record(0x17, 200), seq=518),  # Finished + request
        frame(True, 0.3, record(0x17, 1100), seq=2133),  # the answer
    ])
    (flow,), other = flows(capture)
    assert other == 0
    assert (flow.proto, flow.server, flow.port) == ("tcp", SERVER, 443)
    assert tls_handshake_bytes(flow) == 127 + 2005
    assert flow.down == 2 * (14 + 20 + 20) + 127 + 2005 + 1105  # every byte on the wire


def test_plain_http_and_udp_have_no_handshake_and_rows_sum_to_the_total() -> None:
    capture = b"".join([
        frame(False, 0.0, b"POST / HTTP/1.1\r\n\r\n", port=80),
        frame(True, 0.1, b"HTTP/1.1 501 Not Implemented\r\n\r\n", port=80),
        frame(False, 0.2, b"\x00\x01" + b"s" * 78, proto=17, port=3478),
    ])
    captured, _ = flows(capture)
    assert all(tls_handshake_bytes(f) is None for f in captured)
    rows = table(captured, {SERVER: "tile.example"}, 0)
    assert any(r.startswith("| tile.example | udp/3478 | 1 | 122 | 0 |") for r in rows)
    total = rows[-1]
    assert f"| {sum(f.up for f in captured)} | {sum(f.down for f in captured)} |" in total


def test_an_empty_flow_is_not_tls() -> None:
    assert tls_handshake_bytes(Flow("tcp", SERVER, 443)) is None
