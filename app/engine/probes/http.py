"""kind = "http": one plain-HTTP request (GET, HEAD or POST).

Used for the captive-portal probe (expects e.g. 204; a portal answers with a redirect or a
login page, recorded in the facts' ``body_hint``) and for Telegram's HTTP-on-DC check (POST,
where any status means the data centre was reached). Every 3xx is ``http_redirect``.
"""

from __future__ import annotations

from app.core.model import Check, Observation
from app.engine.context import ProbeContext
from app.engine.probes.web import fetch


async def run(check: Check, ctx: ProbeContext) -> Observation:
    return await fetch(check, ctx, use_tls=False, redirect_is_failure=True)
