"""The engine against hostile peers on loopback (tests/servers/hostile.py).

For every behaviour: the whole run ends within the check's timeout plus a small grace (an
outer ``asyncio.timeout`` is the hard bound, the engine's own ``duration_ms`` the measured
one), the check reports a failure a person can act on — never ``internal_error`` — and, for
the endless body and the reply flood, memory stays bounded (tracemalloc peak).
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core import failures as F
from app.core.catalog import Catalog
from app.core.model import Check, Feature, Kind, Observation
from app.engine.context import ProbeContext
from app.engine.probes import dns as dns_probe
from app.engine.probes.registry import PROBES
from app.engine.runner import Engine
from app.engine.trusted_dns import DohResolver
from tests.servers import SERVICE_NAME, TestPki
from tests.servers.base import BackgroundServer
from tests.servers.hostile import HostileTcpServer, HostileUdpServer

assert PROBES  # imported up front: module imports would count in the memory peaks below
GRACE_S = 0.75  # on top of a check's timeout: closing sockets, the engine's bookkeeping
MEMORY_BOUND = 4 * 1024 * 1024  # bytes: a tracemalloc peak well above what a probe needs


@pytest.fixture
def serve() -> Iterator[Any]:
    started: list[BackgroundServer] = []

    def start(server: BackgroundServer) -> BackgroundServer:
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()


def tcp(mode: str, pki: TestPki | None = None) -> HostileTcpServer:
    pair = pki.good if pki is not None else None
    return HostileTcpServer(mode, cert_file=pair.cert_file if pair else None,
                            key_file=pair.key_file if pair else None, hold_s=15.0)


def check_for(kind: Kind, port: int, pki: TestPki | None = None, *,
              timeout_s: float = 2.0, **fields: Any) -> Check:
    url = {Kind.HTTPS: "https", Kind.DOH: "https", Kind.HTTP: "http"}.get(kind)
    if pki is not None:
        fields.update(sni=SERVICE_NAME, ca_file=str(pki.ca_file))
    return Check(id=f"hostile-{kind.value}", service="Hostile", feature=Feature.MESSAGES,
                 kind=kind, host="127.0.0.1", port=port, timeout_s=timeout_s,
                 url=f"{url}://127.0.0.1:{port}/" if url else None, **fields)


async def run_bounded(check: Check) -> Observation:
    """Run ``check`` through the engine; fail the test if it overruns its allowance."""
    catalog = Catalog(path=Path("hostile.toml"), name="hostile", version="1", country="",
                      checks=(check,), deadline_s=check.timeout_s + 10, concurrency=2)
    engine = Engine(catalog, use_trusted_dns=False)
    started = time.monotonic()
    async with asyncio.timeout(check.timeout_s + GRACE_S + 1.0):  # +1: the interface snapshot
        result = await engine.run()
    (obs,) = result.observations
    assert obs.failure != F.INTERNAL_ERROR, obs
    assert obs.duration_ms <= (check.timeout_s + GRACE_S) * 1000, obs
    assert time.monotonic() - started < check.timeout_s + GRACE_S + 1.0
    return obs


def assert_failure(obs: Observation, failure: str, phase: str, *words: str) -> None:
    assert (obs.ok, obs.failure, obs.phase) == (False, failure, phase), obs
    assert obs.failure_detail
    for word in words:
        assert word in obs.failure_detail, obs.failure_detail


async def peak_bytes(coro: Any) -> tuple[Any, int]:
    """``coro``'s result and the peak of memory allocated while it ran (both threads: the
    engine's and the server's), over what was allocated before."""
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        result = await coro
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak - before


# -- HTTP bodies that never end or hardly move ------------------------------------------------

@pytest.mark.parametrize("mode", ["endless-body", "endless-chunked"])
async def test_endless_body_stops_at_max_bytes_in_bounded_memory(
        serve: Any, test_pki: TestPki, mode: str) -> None:
    server = serve(tcp(mode, test_pki))
    check = check_for(Kind.HTTPS, server.port, test_pki, timeout_s=5.0, max_bytes=2_000_000)
    obs, peak = await peak_bytes(run_bounded(check))
    assert obs.ok and obs.status_code == 200, obs
    assert obs.facts.truncated_at_max_bytes is True and obs.facts.complete is False
    assert 2_000_000 <= (obs.bytes_received or 0) <= 2_000_000 + 16_384
    assert peak < MEMORY_BOUND, f"tracemalloc peak {peak} bytes"


async def test_endless_plain_http_body_is_truncated_too(serve: Any) -> None:
    server = serve(tcp("endless-body"))
    obs = await run_bounded(check_for(Kind.HTTP, server.port, max_bytes=300_000))
    assert obs.ok and obs.facts.truncated_at_max_bytes is True
    assert obs.facts.body_hint == "other"


async def test_head_at_one_byte_per_second_times_out_in_http(serve: Any,
                                                             test_pki: TestPki) -> None:
    server = serve(tcp("trickle-head", test_pki))
    obs = await run_bounded(check_for(Kind.HTTPS, server.port, test_pki, timeout_s=2.0))
    assert_failure(obs, F.GENERIC_TIMEOUT, "http")
    assert "tls" in obs.timings_ms  # TLS worked: it is the answer that crawls


async def test_body_at_one_byte_per_second_ends_at_the_deadline(serve: Any,
                                                                test_pki: TestPki) -> None:
    server = serve(tcp("trickle-body", test_pki))
    obs = await run_bounded(check_for(Kind.HTTPS, server.port, test_pki, timeout_s=2.5))
    assert obs.ok is False and obs.phase == "http"
    assert obs.failure in (F.GENERIC_TIMEOUT, F.STALLED), obs
    assert obs.status_code == 200 and 1 <= (obs.bytes_received or 0) <= 4


# -- malformed response heads ----------------------------------------------------------------

@pytest.mark.parametrize(("mode", "words"), [
    ("huge-header", "too long"),
    ("endless-headers", "too long"),
    ("bad-status-line", "status line"),
    ("bad-status-digit", "status line"),
    ("bad-header", "header line"),
    ("not-http", "not an HTTP response"),
    ("binary-head", "status line"),
    ("bad-length", "Content-Length"),
    ("bad-chunk", "chunk size"),
    ("negative-chunk", "chunk size"),
    ("huge-chunk-line", "chunk size"),
])
async def test_malformed_http_is_an_invalid_response(serve: Any, test_pki: TestPki, mode: str,
                                                     words: str) -> None:
    server = serve(tcp(mode, test_pki))
    obs, peak = await peak_bytes(
        run_bounded(check_for(Kind.HTTPS, server.port, test_pki, timeout_s=3.0)))
    assert_failure(obs, F.HTTP_INVALID_RESPONSE, "http", words)
    assert peak < MEMORY_BOUND, f"tracemalloc peak {peak} bytes"


# -- TLS ports that do not speak TLS ---------------------------------------------------------

@pytest.mark.parametrize("mode", ["tls-garbage", "tls-plain-http"])
async def test_garbage_instead_of_server_hello_is_a_tls_failure(serve: Any, test_pki: TestPki,
                                                                mode: str) -> None:
    server = serve(tcp(mode))  # plain TCP: what comes back is not TLS
    for kind in (Kind.TLS, Kind.HTTPS):
        obs = await run_bounded(check_for(kind, server.port, test_pki))
        assert_failure(obs, F.SSL_FAILED_HANDSHAKE, "tls")


# -- DNS over HTTPS answers that are not (our) DNS -------------------------------------------

@pytest.mark.parametrize(("mode", "words"), [
    ("doh-not-dns", "not a DNS message"),
    ("doh-malformed", "not a DNS message"),
    ("doh-wrong-id", "different question"),
    ("doh-oversized", "larger than"),
])
async def test_bad_doh_answer_is_an_invalid_response(serve: Any, test_pki: TestPki, mode: str,
                                                     words: str) -> None:
    server = serve(tcp(mode, test_pki))
    obs = await run_bounded(check_for(Kind.DOH, server.port, test_pki))
    assert_failure(obs, F.HTTP_INVALID_RESPONSE, "http", words)
    assert not obs.addresses  # a mismatched or broken answer is never taken as an answer


async def test_huge_doh_answer_is_read_but_reported_briefly(serve: Any,
                                                            test_pki: TestPki) -> None:
    server = serve(tcp("doh-huge", test_pki))
    obs = await run_bounded(check_for(Kind.DOH, server.port, test_pki))
    assert obs.ok, obs
    assert obs.addresses and len(obs.addresses) <= 32
    assert obs.bytes_received and obs.bytes_received > 40_000


@pytest.mark.parametrize("mode", ["doh-not-dns", "doh-wrong-id", "doh-oversized",
                                  "tls-garbage", "trickle-head"])
async def test_hostile_trusted_resolver_only_loses_the_reference(
        serve: Any, test_pki: TestPki, mode: str) -> None:
    server = serve(tcp(mode, None if mode == "tls-garbage" else test_pki))
    resolver = check_for(Kind.DOH, server.port, test_pki, timeout_s=1.5)
    ctx = ProbeContext(ordinary_ranges=())
    ctx.trusted = DohResolver([resolver], ctx, timeout_s=1.5)
    check = Check(id="t-dns", service="Test", feature=Feature.NETWORK, kind=Kind.DNS,
                  host="localhost", port=53, timeout_s=2.0)
    async with asyncio.timeout(2.0 + GRACE_S):
        obs = await dns_probe.run(check, ctx)
    assert obs.trusted_addresses is None  # no reference, rather than a wrong one
    assert obs.failure != F.INTERNAL_ERROR
    assert obs.duration_ms <= (2.0 + GRACE_S) * 1000


# -- STUN "servers" --------------------------------------------------------------------------

@pytest.mark.parametrize(("mode", "words"), [
    ("stun-malformed", "malformed"),
    ("stun-truncated", "malformed"),
    ("stun-oversized", "mapped address"),  # 60 KB of attributes, none of them an address
    ("stun-wrong-txid", "none for our request"),
])
async def test_bad_stun_reply_is_an_invalid_response(serve: Any, mode: str, words: str) -> None:
    server = serve(HostileUdpServer(mode))
    obs = await run_bounded(check_for(Kind.STUN, server.port, timeout_s=1.5))
    assert_failure(obs, F.STUN_INVALID_RESPONSE, "udp", words)
    assert not getattr(obs.facts, "mapped_address", None)


async def test_flood_of_stun_replies_still_finds_ours_in_bounded_memory(serve: Any) -> None:
    server = serve(HostileUdpServer("stun-flood"))  # 2000 x 1.2 KB to others, then ours
    obs, peak = await peak_bytes(run_bounded(check_for(Kind.STUN, server.port, timeout_s=3.0)))
    assert obs.ok, obs
    assert obs.facts.mapped_address.startswith("127.0.0.1:")
    assert peak < MEMORY_BOUND, f"tracemalloc peak {peak} bytes"
