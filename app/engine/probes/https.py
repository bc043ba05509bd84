"""kind = "https": TLS + one HTTP/1.1 request, streaming the body up to ``max_bytes``.

Catches what a handshake alone cannot: a transfer that freezes after the first ~16 KB, block
pages, redirects. See app.engine.probes.web for the status rules.
"""

from __future__ import annotations

from app.core.model import Check, Observation
from app.engine.context import ProbeContext
from app.engine.probes.web import fetch


async def run(check: Check, ctx: ProbeContext) -> Observation:
    return await fetch(check, ctx, use_tls=True, redirect_is_failure=False)
