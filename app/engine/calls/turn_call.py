"""kind = "turn_call": a real WebRTC audio call between two peers in this process, relayed
only through a TURN server (iceTransportPolicy "relay"), over UDP, TCP or TLS. The sound is
a tone in G.711 (160-byte packets every 20 ms, the size of a real call's packets).

Why: it is the closest thing to an app's call we can make without the app. Both peers'
media leaves this computer for the TURN server and comes back, so it crosses the user's
network like a relayed call does. Trying TURN over UDP and over TCP separately shows the
finding "calls over UDP are blocked, but calls over TCP still work" (cause relay_tcp_only).

Every wait is ours and short: aioice on its own takes ~30 s to give up. Setup (TURN
allocation, ICE, DTLS) gets ``ICE_CONNECT_S``; then the tone flows for ``duration_s``.
Facts (app/core/facts.py ``TestCallFacts``): relay_allocated, connected, connect_ms, the
sound (frames received, answered until) and both sides' getStats (loss, jitter, rtt).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
)
from aiortc.rtcconfiguration import RTCIceTransportPolicy

from app.core import call_defaults as defaults
from app.core import failures as F
from app.core.facts import CallSound, CallStats, TestCallFacts
from app.core.model import Check, Observation, Phase
from app.engine.calls.flowstats import CUTOFF_MIN_REPLIES, CUTOFF_SILENCE_S
from app.engine.calls.turn_url import TurnUrl, TurnUrlError, parse_turn_url
from app.engine.calls.webrtc import (
    PTIME_S,
    FrameLog,
    MediaStats,
    ToneTrack,
    add_tone,
    close_all,
    has_relay_candidate,
    media_stats,
    wait_connected,
)
from app.engine.context import Clock, ProbeContext, observation
from app.engine.steps import StepFailed, failed_observation


@dataclass
class CallProgress:
    """How far a test call got; ``facts()`` freezes it for the observation."""

    connected: bool = False
    turn_transport: str | None = None  # turn_call only
    relay_allocated: bool | None = None  # turn_call only
    connect_ms: float | None = None
    sound: CallSound | None = None
    stats: CallStats | None = None

    def facts(self) -> TestCallFacts:
        return TestCallFacts(turn_transport=self.turn_transport,
                             relay_allocated=self.relay_allocated, connected=self.connected,
                             connect_ms=self.connect_ms, sound=self.sound, stats=self.stats)


def setup_phase(turn: TurnUrl) -> Phase:
    """The phase a failure to reach the relay belongs to."""
    if turn.scheme == "turns":
        return Phase.TLS
    return Phase.TCP if turn.transport == "tcp" else Phase.UDP


async def media_window(logs: list[FrameLog], duration_s: float, progress: CallProgress,
                       fail_phase: Phase) -> None:
    """Let the tone flow for ``duration_s``; record the sound; raise if it stopped.

    The sound counts as cut off when frames stop arriving at least CUTOFF_SILENCE_S before
    the end of the window (or never arrive although the call connected).
    """
    start = time.monotonic()
    await asyncio.sleep(duration_s)
    window = time.monotonic() - start
    frames = [t for log in logs for t in log.arrivals if t >= start]
    # The latest moment at which every direction was still delivering sound.
    lasts = [max((t for t in log.arrivals if t >= start), default=None) for log in logs]
    silent = any(last is None for last in lasts)
    until = 0.0 if silent else min(last for last in lasts if last is not None) - start
    progress.sound = CallSound(window_s=round(window, 2), frames_received=len(frames),
                               frames_expected=int(window / PTIME_S) * len(logs),
                               answered_until_s=round(until, 2))
    if silent:
        raise StepFailed(fail_phase, F.STALLED,
                         "the call connected, but no sound arrived in one direction")
    few = len(frames) < CUTOFF_MIN_REPLIES
    if few or window - until >= CUTOFF_SILENCE_S:
        raise StepFailed(fail_phase, F.STALLED,
                         f"the sound stopped {until:.1f} s into a {window:.1f} s test call")


async def add_media_stats(pcs: list[RTCPeerConnection], progress: CallProgress) -> None:
    """Sum both sides' getStats into ``progress``; at most 1 s, stats are a bonus."""
    try:
        async with asyncio.timeout(1.0):
            results = await asyncio.gather(*(media_stats(pc) for pc in pcs),
                                           return_exceptions=True)
    except TimeoutError:
        results = []
    stats = [r for r in results if isinstance(r, MediaStats)]
    sent = sum(s.packets_sent for s in stats)
    received = sum(s.packets_received for s in stats)
    lost = sum(s.packets_lost for s in stats)
    jitters = [s.jitter_ms for s in stats if s.jitter_ms is not None]
    rtts = [s.rtt_ms for s in stats if s.rtt_ms is not None]
    progress.stats = CallStats(
        packets_sent=sent, packets_received=received, packets_lost=lost,
        loss_pct=round(100.0 * lost / (received + lost), 2) if received + lost else None,
        jitter_ms=round(max(jitters), 2) if jitters else None,
        rtt_ms=round(max(rtts), 1) if rtts else None)


async def run(check: Check, ctx: ProbeContext) -> Observation:
    clock = Clock()
    try:
        turn = parse_turn_url(check.url or "")
    except TurnUrlError as exc:
        return observation(check, clock, ok=False, phase=Phase.UDP, failure=F.INTERNAL_ERROR,
                           failure_detail=str(exc))
    progress = CallProgress(turn_transport="tls" if turn.scheme == "turns" else turn.transport)
    fail_phase = setup_phase(turn)
    duration = check.duration_s or defaults.CALL_QUICK_S
    server = RTCIceServer(urls=turn.url, username=check.username or turn.username,
                          credential=check.credential or turn.credential)
    config = RTCConfiguration(iceServers=[server],
                              iceTransportPolicy=RTCIceTransportPolicy.RELAY)
    caller, callee = RTCPeerConnection(config), RTCPeerConnection(config)
    logs = [FrameLog(), FrameLog()]
    try:
        connect_s = max(1.0, min(defaults.ICE_CONNECT_S, check.timeout_s - duration - 1.0))
        await _connect(caller, callee, logs, duration, connect_s, progress, fail_phase)
        clock.mark(fail_phase)
        progress.connect_ms = round(clock.timings[fail_phase], 1)
        await media_window(logs, duration, progress, fail_phase)
        await add_media_stats([caller, callee], progress)
        clock.mark("media")
        if progress.stats is not None and progress.stats.rtt_ms is not None:
            clock.timings["rtt"] = progress.stats.rtt_ms
    except StepFailed as failed:
        if progress.sound is not None:
            await add_media_stats([caller, callee], progress)
        return failed_observation(check, clock, failed, {"facts": progress.facts()})
    finally:
        for log in logs:
            await log.stop()
        await close_all(caller, callee)
    return observation(check, clock, ok=True, phase=fail_phase, facts=progress.facts())


async def _connect(caller: RTCPeerConnection, callee: RTCPeerConnection, logs: list[FrameLog],
                   duration: float, connect_s: float, progress: CallProgress,
                   fail_phase: Phase) -> None:
    """Offer/answer in memory, then wait for ICE + DTLS through the relay."""
    progress.relay_allocated = False
    progress.connected = False
    tone_s = duration + connect_s + 2.0
    add_tone(caller, tone_s)

    @callee.on("track")
    def _on_callee_track(track: Any) -> None:
        logs[0].listen(track)

    @caller.on("track")
    def _on_caller_track(track: Any) -> None:
        logs[1].listen(track)

    try:
        async with asyncio.timeout(connect_s):
            await caller.setLocalDescription(await caller.createOffer())
            offer = caller.localDescription
            progress.relay_allocated = has_relay_candidate(offer.sdp)
            if not progress.relay_allocated:
                raise StepFailed(fail_phase, F.GENERIC_TIMEOUT,
                                 "the TURN server gave no relay address (no answer, "
                                 "refused, or wrong credentials)")
            await callee.setRemoteDescription(offer)
            callee.addTrack(ToneTrack(tone_s))
            await callee.setLocalDescription(await callee.createAnswer())
            await caller.setRemoteDescription(callee.localDescription)
            connected = await wait_connected([caller, callee], connect_s)
    except TimeoutError:
        connected = False
    progress.connected = connected
    if not connected:
        raise StepFailed(fail_phase, F.GENERIC_TIMEOUT,
                         f"the test call did not connect through the relay within {connect_s:g} s")
