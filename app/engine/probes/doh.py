"""kind = "doh": does a trusted DNS-over-HTTPS resolver answer?

It queries a fixed control name, ``example.com`` type A (IANA-reserved, stable, unlikely to
be blocked anywhere), so the result is about the resolver's reachability, not about any
service. The resolver URL carries an IP literal; ``check.sni`` names its certificate.
``addresses`` holds the resolver's answer for the control name.
"""

from __future__ import annotations

from typing import Any

from app.core import failures as F
from app.core.facts import DohFacts
from app.core.model import Check, Observation, Phase
from app.engine.context import Clock, ProbeContext, observation
from app.engine.doh_client import doh_query, rcode_failure, reply_addresses
from app.engine.steps import Budget, StepFailed, failed_observation

CONTROL_NAME = "example.com"


async def run(check: Check, ctx: ProbeContext) -> Observation:
    clock = Clock()
    budget = Budget(check.timeout_s)
    facts: dict[str, Any] = {"facts": DohFacts(query=f"{CONTROL_NAME} A")}
    try:
        reply = await doh_query(check, ctx, CONTROL_NAME, "A", budget, clock, facts)
    except StepFailed as failed:
        return failed_observation(check, clock, failed, facts)
    addresses = reply_addresses(reply)
    facts["addresses"] = addresses
    failure = rcode_failure(reply) or (None if addresses else F.DNS_NO_ANSWER)
    return observation(check, clock, ok=failure is None, phase=Phase.DNS, failure=failure,
                       failure_detail=f"rcode {reply.rcode()}" if failure else None, **facts)
