"""The trusted resolver: DNS over HTTPS to the catalog's resolvers, for comparison only.

System DNS is what apps use and what a censor can rewrite; DoH to a resolver given by IP
address is much harder to tamper with unnoticed. Its answer is a reference, not a verdict:
geo-aware DNS legitimately gives different addresses to different resolvers.

Resolvers are tried in catalog order with a short per-resolver allowance; one that fails is
skipped for the rest of the run (unless all have failed). A/AAAA are asked in parallel and
results are cached per host, so a name shared by many checks costs one lookup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from app.core import failures as F
from app.core.model import Check, Phase
from app.engine.context import Clock, ProbeContext
from app.engine.doh_client import doh_query, rcode_failure, reply_addresses
from app.engine.steps import Budget, StepFailed

DEFAULT_TIMEOUT_S = 3.0


class DohResolver:
    """Implements ``TrustedResolver`` (app.engine.context) over the catalog's doh entries.

    ``ctx`` supplies the TLS settings (certifi roots, catalog extra CA, entry CA); the engine
    usually sets ``ctx.trusted = DohResolver(catalog.resolvers(), ctx)`` afterwards.
    """

    def __init__(self, resolvers: Sequence[Check], ctx: ProbeContext,
                 timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.resolvers = tuple(resolvers)
        self.ctx = ctx
        self.timeout_s = timeout_s
        self._cache: dict[str, asyncio.Future[tuple[str, ...] | None]] = {}
        self._dead: set[str] = set()
        self.last_failures: dict[str, str] = {}  # resolver id -> failure, for Details

    def available(self) -> bool:
        """Some resolver has not failed yet in this run (asking again would only wait)."""
        return len(self._dead) < len(self.resolvers)

    async def lookup(self, host: str) -> tuple[str, ...] | None:
        key = host.lower().rstrip(".")
        pending = self._cache.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._lookup(key))
            self._cache[key] = pending
        # shield: one caller's cancellation (its own timeout) must not spoil the shared answer
        return await asyncio.shield(pending)

    def _order(self) -> list[Check]:
        alive = [r for r in self.resolvers if r.id not in self._dead]
        return alive or list(self.resolvers)

    async def _lookup(self, host: str) -> tuple[str, ...] | None:
        for resolver in self._order():
            try:
                answers = await asyncio.gather(
                    self._ask(resolver, host, "A"), self._ask(resolver, host, "AAAA"),
                    return_exceptions=True,
                )
            except Exception:  # gather itself does not raise with return_exceptions
                continue
            found: list[str] = []
            answered = False
            for result in answers:
                if isinstance(result, BaseException):
                    if isinstance(result, StepFailed):
                        self.last_failures[resolver.id] = result.failure
                    continue
                answered = True
                found.extend(a for a in result if a not in found)
            if answered:
                return tuple(found)
            self._dead.add(resolver.id)
        return None

    async def _ask(self, resolver: Check, host: str, rdtype: str) -> tuple[str, ...]:
        """Addresses (possibly none: NXDOMAIN / no data is an answer too)."""
        facts: dict[str, Any] = {}
        reply = await doh_query(resolver, self.ctx, host, rdtype,
                                Budget(min(self.timeout_s, resolver.timeout_s)), Clock(), facts)
        failure = rcode_failure(reply)
        if failure == F.DNS_SERVER_FAILURE:
            raise StepFailed(Phase.DNS, failure, f"rcode {reply.rcode()}")
        return reply_addresses(reply)
