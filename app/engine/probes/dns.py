"""kind = "dns": the system resolver's answer (what apps get), compared with trusted DoH.

Facts only: ``addresses`` (system), ``trusted_addresses`` (DoH, None when no trusted resolver
answered or none is configured) and ``dns_flags``: "bogon", "fake_ip_proxy",
"differs_from_trusted". The probe fails with ``dns_bogon`` when every usable answer is a
non-public address; a differing answer is only flagged — CDNs answer differently by location.
"""

from __future__ import annotations

import asyncio
from typing import Any

from app.core import failures as F
from app.core.model import Check, Observation, Phase
from app.engine import timeouts
from app.engine.context import Clock, ProbeContext, observation
from app.engine.dns_util import is_ip_literal, judge_answers
from app.engine.steps import Budget, StepFailed, failed_observation, phase


async def run(check: Check, ctx: ProbeContext) -> Observation:
    clock = Clock()
    budget = Budget(check.timeout_s)
    facts: dict[str, Any] = {}
    if is_ip_literal(check.host):
        facts["addresses"] = (check.host.strip("[]"),)
        return observation(check, clock, ok=True, phase=Phase.DNS, **facts)
    trusted_task = (asyncio.ensure_future(ctx.trusted.lookup(check.host))
                    if ctx.trusted is not None else None)
    try:
        async with phase(Phase.DNS, budget, timeouts.DNS_S):
            addresses = await ctx.system_dns.resolve(check.host)
        clock.mark(Phase.DNS)
        facts["addresses"] = addresses
        if not addresses:
            raise StepFailed(Phase.DNS, F.DNS_NO_ANSWER, "the resolver answered without addresses")
    except StepFailed as failed:
        facts["trusted_addresses"] = await _trusted(trusted_task, budget)
        return failed_observation(check, clock, failed, facts)
    trusted = await _trusted(trusted_task, budget)
    facts["trusted_addresses"] = trusted
    judged = judge_answers(addresses, trusted, ctx.ordinary_ranges)
    facts["dns_flags"] = judged.flags
    if judged.all_bogon:
        return observation(check, clock, ok=False, phase=Phase.DNS, failure=F.DNS_BOGON,
                           failure_detail="only non-public addresses", **facts)
    return observation(check, clock, ok=True, phase=Phase.DNS, **facts)


async def _trusted(task: asyncio.Future[tuple[str, ...] | None] | None,
                   budget: Budget) -> tuple[str, ...] | None:
    """The trusted answer if it arrives within the budget; None otherwise (never raises)."""
    if task is None:
        return None
    try:
        async with asyncio.timeout(max(budget.remaining(), 0.05)):
            return await task
    except TimeoutError:
        return None
    except Exception:  # the trusted side is a reference; its own failure is not this check's
        return None
