"""The trusted resolver: DNS over HTTPS to the catalog's resolvers, for comparison only.

System DNS is what apps use and what a censor can rewrite; DoH to a resolver given by IP
address is much harder to tamper with unnoticed. Its answer is a reference, not a verdict:
geo-aware DNS legitimately gives different addresses to different resolvers.

Resolvers are tried in catalog order with a short per-resolver allowance; one that fails is
skipped for the rest of the run (unless all have failed). A, then AAAA, are asked on one
kept-alive connection (one handshake per name: ``doh_client.doh_queries``), and results are
cached per host, so a name shared by many checks costs one lookup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import dns.message

from app.core import failures as F
from app.core.model import Check, Phase
from app.engine.context import ProbeContext
from app.engine.doh_client import doh_queries, rcode_failure, reply_addresses
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
                answers = await doh_queries(resolver, self.ctx, host, ("A", "AAAA"),
                                            Budget(min(self.timeout_s, resolver.timeout_s)))
            except Exception:  # a bug or an unforeseen error: this resolver gave no answer
                answers = []
            found: list[str] = []
            answered = False
            for result in answers:
                addresses = _addresses(result)
                if isinstance(addresses, StepFailed):
                    self.last_failures[resolver.id] = addresses.failure
                    continue
                answered = True
                found.extend(a for a in addresses if a not in found)
            if answered:
                return tuple(found)
            self._dead.add(resolver.id)
        return None


def _addresses(result: dns.message.Message | StepFailed) -> tuple[str, ...] | StepFailed:
    """Addresses (possibly none: NXDOMAIN / no data is an answer too), or the failure."""
    if isinstance(result, StepFailed):
        return result
    if rcode_failure(result) == F.DNS_SERVER_FAILURE:
        return StepFailed(Phase.DNS, F.DNS_SERVER_FAILURE, f"rcode {result.rcode()}")
    return reply_addresses(result)
