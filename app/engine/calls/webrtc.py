"""What the WebRTC test calls share: a generated tone (no microphone), a listener that times
every audio frame that arrives, and the numbers read from getStats.

Why a generated tone: no microphone is needed or touched, and every 20 ms packet carries a
real signal, as in a call.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import fractions
import math
import time
from dataclasses import dataclass, field

from aiortc import MediaStreamTrack, RTCPeerConnection, RTCRtpSender
from aiortc.mediastreams import MediaStreamError
from av import AudioFrame

SAMPLE_RATE = 48_000
PTIME_S = 0.020
SAMPLES = int(SAMPLE_RATE * PTIME_S)
TONE_HZ = 440  # a whole number of periods per second: one second of samples loops cleanly
# The test calls send G.711 (PCMU): 160-byte voice packets every 20 ms, the size of a real
# call's packets, at half the bytes of aiortc's 96 kbit/s Opus. getStats jitter is in RTP
# clock units: 8000 per second for PCMU.
CALL_CODEC = "audio/PCMU"
CODEC_CLOCK = 8_000
_AMPLITUDE = 8000


def _one_second() -> bytes:
    samples = array.array("h", (
        int(_AMPLITUDE * math.sin(2 * math.pi * TONE_HZ * i / SAMPLE_RATE))
        for i in range(SAMPLE_RATE)
    ))
    return samples.tobytes()


class ToneTrack(MediaStreamTrack):
    """A 440 Hz mono tone in 20 ms frames, paced in real time, for at most ``max_s``."""

    kind = "audio"
    _SECOND: bytes | None = None

    def __init__(self, max_s: float = 120.0) -> None:
        super().__init__()
        if ToneTrack._SECOND is None:
            ToneTrack._SECOND = _one_second()
        self._start: float | None = None
        self._pts = 0
        self._max_frames = int(max_s / PTIME_S)

    async def recv(self) -> AudioFrame:
        if self.readyState != "live" or self._pts // SAMPLES >= self._max_frames:
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        else:
            self._pts += SAMPLES
            wait = self._start + self._pts / SAMPLE_RATE - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
        second = ToneTrack._SECOND
        assert second is not None
        offset = (self._pts % SAMPLE_RATE) * 2
        frame = AudioFrame(format="s16", layout="mono", samples=SAMPLES)
        frame.planes[0].update(second[offset:offset + SAMPLES * 2])
        frame.pts = self._pts
        frame.sample_rate = SAMPLE_RATE
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        return frame


@dataclass
class FrameLog:
    """Arrival times (monotonic) of the audio frames of one incoming track."""

    arrivals: list[float] = field(default_factory=list)
    task: asyncio.Task[None] | None = None

    def listen(self, track: MediaStreamTrack, max_frames: int = 30_000) -> None:
        async def consume() -> None:
            with contextlib.suppress(MediaStreamError, asyncio.CancelledError):
                while len(self.arrivals) < max_frames:  # bounded: about 10 minutes of audio
                    await track.recv()
                    self.arrivals.append(time.monotonic())

        self.task = asyncio.ensure_future(consume())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task


@dataclass(frozen=True)
class MediaStats:
    packets_sent: int = 0
    packets_received: int = 0
    packets_lost: int = 0
    jitter_ms: float | None = None
    rtt_ms: float | None = None

    @property
    def loss_pct(self) -> float | None:
        expected = self.packets_received + self.packets_lost
        return 100.0 * self.packets_lost / expected if expected else None


async def media_stats(pc: RTCPeerConnection) -> MediaStats:
    """This side's view: what it sent, what it received of the other side's audio."""
    report = await pc.getStats()
    sent = received = lost = 0
    jitter: float | None = None
    rtt: float | None = None
    for stats in report.values():
        kind = getattr(stats, "type", "")
        if kind == "outbound-rtp":
            sent += int(getattr(stats, "packetsSent", 0))
        elif kind == "inbound-rtp":
            received += int(getattr(stats, "packetsReceived", 0))
            lost += max(0, int(getattr(stats, "packetsLost", 0)))
            jitter = float(getattr(stats, "jitter", 0)) * 1000.0 / CODEC_CLOCK
        elif kind == "remote-inbound-rtp":
            value = getattr(stats, "roundTripTime", None)
            if value is not None:
                rtt = float(value) * 1000.0
    return MediaStats(sent, received, lost, jitter, rtt)


def add_tone(pc: RTCPeerConnection, max_s: float) -> None:
    """Send a tone on a send-and-receive audio line that offers only PCMU."""
    transceiver = pc.addTransceiver(ToneTrack(max_s), direction="sendrecv")
    codecs = RTCRtpSender.getCapabilities("audio").codecs
    transceiver.setCodecPreferences([c for c in codecs if c.mimeType == CALL_CODEC])


async def wait_connected(pcs: list[RTCPeerConnection], timeout_s: float) -> bool:
    """True once every peer connection is "connected" (ICE + DTLS), False on failure/timeout."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:  # bounded by the timeout
        states = {pc.connectionState for pc in pcs}
        if states == {"connected"}:
            return True
        if states & {"failed", "closed"}:
            return False
        await asyncio.sleep(0.05)
    return False


async def close_all(*pcs: RTCPeerConnection, timeout_s: float = 1.5) -> None:
    """Close peer connections together, without letting a stuck one hold the check up."""

    async def close(pc: RTCPeerConnection) -> None:
        with contextlib.suppress(Exception):
            await pc.close()

    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout_s):
            await asyncio.gather(*(close(pc) for pc in pcs))


def has_relay_candidate(sdp: str) -> bool:
    return " typ relay" in sdp

