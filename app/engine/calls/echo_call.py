"""kind = "echo_call": a real WebRTC audio call to a ``conncheck echo-peer`` that support
staff run on a server they control; the peer sends our tone straight back.

Why: the TURN test call relays through a server, which a censor may treat differently from
a direct call. This one is end to end: this computer's own addresses (not relay-only), the
user's real network, a peer on the other side. Signalling is one HTTP POST of the offer to
``<url>/offer`` (JSON ``{"sdp", "type"}``), answered with the peer's answer.

Facts (app/core/facts.py ``TestCallFacts``): connected, connect_ms, the sound (frames
received, answered until) and the getStats numbers (loss, jitter, rtt).
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from typing import Any
from urllib.parse import urlsplit

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from app.core import call_defaults as defaults
from app.core import failures as F
from app.core.model import Check, Observation, Phase
from app.engine.calls.candidates import only_candidates_of
from app.engine.calls.turn_call import CallProgress, add_media_stats, media_window
from app.engine.calls.webrtc import FrameLog, add_tone, close_all, wait_connected
from app.engine.classify import classify
from app.engine.context import Clock, ProbeContext, observation
from app.engine.steps import StepFailed, failed_observation

MAX_ANSWER = 64 * 1024


async def post_offer(url: str, offer: RTCSessionDescription, ssl_ctx: ssl.SSLContext | None,
                     timeout_s: float, token: str = "") -> RTCSessionDescription:
    """POST the offer to ``url``/offer (with the peer's token, if any); return the answer,
    its ICE candidates cut down to the address the answer came from: a peer (or whoever
    answers in its place) cannot make this computer contact anything else — no third
    address, no mDNS name. Raises StepFailed."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = (parts.path.rstrip("/") or "") + "/offer"
    body = json.dumps({"sdp": offer.sdp, "type": offer.type}).encode()
    host_header = f"[{host}]" if ":" in host else host
    request = (f"POST {path} HTTP/1.1\r\nHost: {host_header}:{port}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
               + (f"Authorization: Bearer {token}\r\n" if token else "")
               + "Connection: close\r\n\r\n").encode() + body
    use_ssl = ssl_ctx if parts.scheme == "https" else None
    try:
        async with asyncio.timeout(timeout_s):
            reader, writer = await asyncio.open_connection(host, port, ssl=use_ssl)
            peer_address = str((writer.get_extra_info("peername") or ("",))[0])
            try:
                writer.write(request)
                await writer.drain()
                raw = await reader.read(MAX_ANSWER)
                while raw and len(raw) < MAX_ANSWER and (more := await reader.read(4096)):
                    raw += more
            finally:
                writer.close()
    except TimeoutError:
        raise StepFailed(Phase.HTTP, F.GENERIC_TIMEOUT,
                         f"the echo peer did not answer within {timeout_s:g} s") from None
    except OSError as exc:
        failure, detail = classify(exc)
        raise StepFailed(Phase.TCP, failure, detail) from None
    head, _, payload = raw.partition(b"\r\n\r\n")
    status = head.split(b" ", 2)[1:2]
    if status != [b"200"]:
        raise StepFailed(Phase.HTTP, F.HTTP_UNEXPECTED_STATUS,
                         f"echo peer answered {head[:80]!r}")
    try:
        answer = json.loads(payload)
        if answer["type"] != "answer" or not isinstance(answer["sdp"], str):
            raise ValueError("expected {\"sdp\": ..., \"type\": \"answer\"}")
        return RTCSessionDescription(only_candidates_of(answer["sdp"], peer_address), "answer")
    except (ValueError, KeyError, TypeError) as exc:
        raise StepFailed(Phase.HTTP, F.HTTP_INVALID_RESPONSE, f"not an answer: {exc}") from None


async def run(check: Check, ctx: ProbeContext) -> Observation:
    clock = Clock()
    progress = CallProgress(connected=False)
    duration = check.duration_s or defaults.CALL_QUICK_S
    # No ICE servers: aiortc's default would ask Google's STUN server, which is not in the
    # catalog (only catalog targets are contacted; docs/security.md). The peer finds this
    # side's address from its connectivity checks.
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    log = FrameLog()
    # Gathering, signalling and ICE share one setup allowance; then the sound, stats, close.
    connect_s = max(1.0, check.timeout_s - duration - 2.5)
    setup_end = time.monotonic() + connect_s
    try:
        add_tone(pc, duration + connect_s + 4.0)

        @pc.on("track")
        def _on_track(track: Any) -> None:
            log.listen(track)

        async with asyncio.timeout(connect_s):
            await pc.setLocalDescription(await pc.createOffer())
        ssl_ctx = ctx.ssl_context(check) if (check.url or "").startswith("https") else None
        answer = await post_offer(check.url or "", pc.localDescription, ssl_ctx,
                                  max(0.5, min(4.0, setup_end - time.monotonic())),
                                  token=check.credential)
        clock.mark(Phase.HTTP)
        await pc.setRemoteDescription(answer)
        connected = await wait_connected([pc], max(0.5, setup_end - time.monotonic()))
        progress.connected = connected
        if not connected:
            raise StepFailed(Phase.UDP, F.GENERIC_TIMEOUT,
                             f"the test call did not connect within {connect_s:g} s")
        clock.mark(Phase.UDP)
        progress.connect_ms = round(clock.timings[Phase.UDP], 1)
        await media_window([log], duration, progress, Phase.UDP)
        await add_media_stats([pc], progress)
        clock.mark("media")
    except TimeoutError:
        return failed_observation(check, clock, StepFailed(
            Phase.UDP, F.GENERIC_TIMEOUT, "could not prepare the call"),
            {"facts": progress.facts()})
    except StepFailed as failed:
        if progress.sound is not None:
            await add_media_stats([pc], progress)
        return failed_observation(check, clock, failed, {"facts": progress.facts()})
    finally:
        await log.stop()
        await close_all(pc)
    return observation(check, clock, ok=True, phase=Phase.UDP, facts=progress.facts())
