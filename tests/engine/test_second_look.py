"""A second look at a service's read that came in slowly (app/engine/second_look.py).

What a user would notice if it broke: one pause of a busy computer during one read made the
app say "WhatsApp is slowed down on this network" (CI, stop 21). The probe now reads the same
bytes again when the body came in slowly, and reports both looks; a fast read costs nothing.
Loopback servers only; the pauses are made by the server (a tenth of a second per chunk).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from app.core.facts import WebFacts
from app.core.model import Check, Feature, Kind, Role
from app.engine.context import ProbeContext
from app.engine.probes import https
from app.engine.second_look import AFTER_MS
from tests.servers import SERVICE_NAME, TestPki
from tests.servers.http_server import HttpServer, Reply, Request, body_of

SIZE = 8192
PAUSE_S = 0.1  # after each of the first look's four 2 KiB chunks but the last: ~300 ms


def _check(port: int, pki: TestPki, *, role: Role = Role.SERVICE,
           max_bytes: int = SIZE) -> Check:
    return Check(id="t-speed", service="Test", feature=Feature.MESSAGES, kind=Kind.HTTPS,
                 host="127.0.0.1", port=port, url=f"https://127.0.0.1:{port}/", role=role,
                 timeout_s=5.0, max_bytes=max_bytes, sni=SERVICE_NAME,
                 ca_file=str(pki.ca_file))


def _replies(*pauses: float):
    """A handler whose n-th request gets a body of SIZE with ``pauses[n]`` between chunks
    (the last pause for every later request)."""
    seen: list[Request] = []

    def answer(request: Request) -> Reply:
        seen.append(request)
        pause = pauses[min(len(seen), len(pauses)) - 1]
        return Reply(body=body_of(SIZE), chunk_size=2048, pause_s=pause,
                     headers={"Content-Type": "text/html"})
    return answer, seen


def _server(pki: TestPki, handler, *, keep_alive: bool) -> HttpServer:
    return HttpServer(handler, cert_file=pki.good.cert_file, key_file=pki.good.key_file,
                      keep_alive=keep_alive, hold_s=10.0)


@pytest.fixture
def served(test_pki: TestPki) -> Iterator[list[HttpServer]]:
    servers: list[HttpServer] = []
    yield servers
    for server in servers:
        server.stop()


def _start(served: list[HttpServer], server: HttpServer) -> HttpServer:
    served.append(server.start())
    return server


async def test_a_slow_read_gets_a_second_look_on_the_same_connection(
        test_pki: TestPki, served: list[HttpServer]) -> None:
    handler, seen = _replies(PAUSE_S, 0.0)
    server = _start(served, _server(test_pki, handler, keep_alive=True))
    obs = await https.run(_check(server.port, test_pki), ProbeContext())
    assert obs.ok and obs.bytes_received == SIZE
    assert obs.timings_ms["body"] >= AFTER_MS  # the first look came in slowly
    facts = obs.facts
    assert isinstance(facts, WebFacts)
    assert facts.second_bytes == SIZE
    assert facts.second_body_ms is not None and facts.second_body_ms < obs.timings_ms["body"]
    assert facts.second_ttfb_ms is not None
    assert len(seen) == 2 and server.connections == 1  # one connection, asked to stay open
    assert seen[0].headers.get("connection") == "keep-alive"


async def test_a_server_that_closes_gets_the_second_look_on_a_new_connection(
        test_pki: TestPki, served: list[HttpServer]) -> None:
    handler, seen = _replies(PAUSE_S, 0.0)
    server = _start(served, _server(test_pki, handler, keep_alive=False))
    obs = await https.run(_check(server.port, test_pki), ProbeContext())
    assert obs.ok
    assert isinstance(obs.facts, WebFacts) and obs.facts.second_bytes == SIZE
    assert len(seen) == 2 and server.connections == 2


async def test_a_fast_read_sends_nothing_more(test_pki: TestPki,
                                              served: list[HttpServer]) -> None:
    handler, seen = _replies(0.0)
    server = _start(served, _server(test_pki, handler, keep_alive=True))
    obs = await https.run(_check(server.port, test_pki), ProbeContext())
    assert obs.ok and obs.timings_ms["body"] < AFTER_MS
    assert isinstance(obs.facts, WebFacts) and obs.facts.second_bytes is None
    assert len(seen) == 1


async def test_control_sites_and_small_reads_never_look_twice(
        test_pki: TestPki, served: list[HttpServer]) -> None:
    """The line's speed is judged from the control sites' own reads (and a 512-byte read
    shows no speed at all): neither asks again, however slowly it came."""
    handler, seen = _replies(PAUSE_S)
    server = _start(served, _server(test_pki, handler, keep_alive=True))
    control = await https.run(_check(server.port, test_pki, role=Role.CONTROL_DOMESTIC),
                              ProbeContext())
    small = await https.run(_check(server.port, test_pki, max_bytes=512), ProbeContext())
    assert control.ok and small.ok
    assert len(seen) == 2  # one request each
    assert all(s.headers.get("connection") == "close" for s in seen)


async def test_a_second_look_that_fails_leaves_the_first_standing(
        test_pki: TestPki, served: list[HttpServer]) -> None:
    """The second look runs out of the check's time: the check still worked, with one look."""
    handler, seen = _replies(PAUSE_S, 5.0)
    server = _start(served, _server(test_pki, handler, keep_alive=True))
    check = dataclasses.replace(_check(server.port, test_pki), timeout_s=1.5)
    obs = await https.run(check, ProbeContext())
    assert obs.ok and obs.bytes_received == SIZE and obs.failure is None
    assert isinstance(obs.facts, WebFacts) and obs.facts.second_bytes is None
    assert len(seen) == 2
