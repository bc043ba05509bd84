"""Default sizes and durations of the calls checks, in one place (docs/catalog.md "Calls").

The quick defaults keep the whole calls step within about 12 s of wall time and well under
300 KB sent, so it can run with every other check of a full checkup.
"""

from __future__ import annotations

from typing import Final

from app.core.model import Kind

# A STUN binding request without attributes is 20 bytes: the plain-UDP twin is the same size.
UDP_PACKET_BYTES: Final = 20
# Voice at 20 ms frames: 50 packets/s; Opus at ~16 kbit/s is 40 bytes a frame, 62 with the
# RTP header (12) and the SRTP tag (10) — the low end of a voice call's 60-120 bytes, which
# keeps the full check under its 400 KB (a WhatsApp or Telegram call sends Opus).
FLOW_PACKET_BYTES: Final = 64
FLOW_RATE_PPS: Final = 50
# Of a STUN flow's packets, the first FLOW_SETUP_PACKETS (a call's connectivity checks) and
# then one in FLOW_ANSWER_EVERY are binding requests the server answers: 10 answers a second
# time the flow. The others are binding indications, which a server takes silently: voice
# rhythm upstream at a fifth of the answers downstream (docs/catalog.md "Calls").
FLOW_SETUP_PACKETS: Final = 10
FLOW_ANSWER_EVERY: Final = 5
FLOW_QUICK_S: Final = 6.0  # the shipped catalog's duration: part of the full checkup
FLOW_LONG_S: Final = 20.0  # `--calls-long`
CALL_QUICK_S: Final = 2.5  # media window of a WebRTC test call (UDP + TCP fit 300 KB)
CALL_LONG_S: Final = 15.0
ICE_CONNECT_S: Final = 6.0  # TURN allocation + ICE + DTLS; aioice's own give-up is ~30 s

# Time a check needs on top of its media window (setup, the last replies, closing).
_EXTRA_S: Final = {
    Kind.UDP_ECHO: 0.0,
    Kind.CALL_FLOW: 2.5,
    Kind.TURN_CALL: ICE_CONNECT_S + 3.0,
    Kind.ECHO_CALL: ICE_CONNECT_S + 4.0,
    Kind.CALL_SHAPES: 0.0,
}

PAYLOADS: Final[dict[Kind, tuple[str, ...]]] = {
    Kind.UDP_ECHO: ("random", "stun_classic"),
    Kind.CALL_FLOW: ("stun", "echo"),
}


def default_duration(kind: Kind) -> float:
    if kind == Kind.CALL_FLOW:
        return FLOW_QUICK_S
    if kind in (Kind.TURN_CALL, Kind.ECHO_CALL):
        return CALL_QUICK_S
    return 0.0


def default_timeout(kind: Kind, duration_s: float, fallback: float) -> float:
    """A timeout that leaves room for the media window; ``fallback`` for the other kinds."""
    if kind not in _EXTRA_S:
        return fallback
    return max(fallback, duration_s + _EXTRA_S[kind])


def is_call_kind(kind: Kind) -> bool:
    return kind in _EXTRA_S
