"""Cancel at any moment, against real loopback servers: ``Engine.run`` returns within about a
second of the cancel, every check has its observation, and nothing is left behind — no
asyncio task, no thread, no socket, no open file."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import psutil
import pytest

from app.catalog import load_catalog
from app.core.catalog import Catalog
from app.core.events import CheckStarted, Event
from app.core.run import RunResult
from app.engine.runner import Engine
from tests.servers import BackgroundServer, TestPki

CANCEL_BOUND_S = 1.0
SETTLE_S = 3.0  # how long the loopback servers get to notice a closed connection


SERVER_PORTS: set[int] = set()  # the test servers' own sockets are theirs, not the engine's


@pytest.fixture
def busy_catalog(tmp_path: Path, test_pki: TestPki, https_server: BackgroundServer,
                 stall_server: BackgroundServer, silent_server: BackgroundServer,
                 stun_server: BackgroundServer, stun_silent_server: BackgroundServer,
                 reset_server: BackgroundServer) -> Catalog:
    """Quick checks and checks that would take 10 s each: a black hole, a server that
    stalls mid-answer, a STUN server that never answers (the calls check)."""
    SERVER_PORTS.update(s.port for s in (https_server, stall_server, silent_server,
                                         stun_server, stun_silent_server, reset_server))
    def url(server: BackgroundServer, path: str = "/") -> str:
        return f"https://127.0.0.1:{server.port}{path}"

    checks = [
        ("ctl-dom", "network", "tcp", f'ip = "127.0.0.1"\nport = {https_server.port}'),
        ("maps-ok", "maps", "https", f'url = "{url(https_server, "/tiles")}"'),
        ("maps-stall", "maps", "https",
         f'url = "{url(stall_server, "/vt")}"\nmax_bytes = 262144'),  # reads past the stall
        ("msg-hole", "messages", "tls",
         f'ip = "127.0.0.1"\nport = {silent_server.port}\nsni = "e1.whatsapp.net"'),
        ("msg-reset", "messages", "tls",
         f'ip = "127.0.0.1"\nport = {reset_server.port}\nsni = "telegram.org"'),
        ("calls-ok", "calls", "stun", f'ip = "127.0.0.1"\nport = {stun_server.port}'),
        ("calls-silent", "calls", "stun", f'ip = "127.0.0.1"\nport = {stun_silent_server.port}'),
    ]
    body = "".join(
        f'\n[[check]]\nid = "{ident}"\nservice = "Svc {ident}"\nfeature = "{feature}"\n'
        f'kind = "{kind}"\n{fields}\n' + ('role = "control_domestic"\n' if ident == "ctl-dom"
                                           else "")
        for ident, feature, kind, fields in checks)
    path = tmp_path / "busy.toml"
    path.write_text(
        f'[catalog]\nschema = 1\nname = "busy"\nversion = "1"\nextra_ca = "{test_pki.ca_file}"\n'
        f'ordinary_ranges = ["127.0.0.0/8"]\ntimeout_s = 10\ndeadline_s = 30\n' + body,
        encoding="utf-8")
    return load_catalog(path)


def resources() -> tuple[int, int, set[str]]:
    """Open files and the engine's sockets in this process, and the names of its threads.

    The loopback servers run in this process too; a connection they accepted is closed on
    their own schedule (a black hole never closes), so their side is left out of the count.
    """
    proc = psutil.Process()
    connections = proc.net_connections(kind="all")
    servers = sum(1 for c in connections if c.laddr and c.laddr.port in SERVER_PORTS)
    return (proc.num_fds() - servers, len(connections) - servers,
            {t.name for t in threading.enumerate()})


def settled(baseline: tuple[int, int, set[str]]) -> tuple[int, int, set[str]]:
    """Wait (bounded) until the process is back to ``baseline``; the last reading."""
    deadline = time.monotonic() + SETTLE_S
    now = resources()
    while now != baseline and time.monotonic() < deadline:  # bounded by the deadline
        time.sleep(0.05)
        now = resources()
    return now


async def cancelled_run(catalog: Catalog, moment: float | str
                        ) -> tuple[RunResult, float, list[asyncio.Task[object]]]:
    """Run, cancel at ``moment`` (seconds after start, or "calls": once the calls check has
    started); the result, seconds from cancel to return, and tasks still alive after."""
    calls_started = asyncio.Event()

    def on_event(event: Event) -> None:
        if isinstance(event, CheckStarted) and event.check.id == "calls-silent":
            calls_started.set()

    engine = Engine(catalog, on_event=on_event, use_trusted_dns=False, offline_after_s=None)
    task = asyncio.create_task(engine.run())
    if moment == "calls":
        await asyncio.wait_for(calls_started.wait(), 5)
        await asyncio.sleep(0.3)  # the STUN request is out and being retransmitted
    elif isinstance(moment, float) and moment > 0:
        await asyncio.sleep(moment)
    t0 = time.monotonic()
    engine.cancel()
    result = await asyncio.wait_for(task, 5)
    elapsed = time.monotonic() - t0
    await asyncio.sleep(0)  # let done-callbacks run
    left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    return result, elapsed, left  # type: ignore[return-value]


@pytest.mark.parametrize("moment", [0.0, 0.01, 0.05, 0.2, 1.0, "calls"],
                         ids=["0ms", "10ms", "50ms", "200ms", "1s", "during-calls"])
def test_cancel_at_any_moment_returns_fast_and_leaves_nothing_behind(
        busy_catalog: Catalog, moment: float | str) -> None:
    baseline = resources()
    result, elapsed, left = asyncio.run(cancelled_run(busy_catalog, moment))

    assert elapsed < CANCEL_BOUND_S, f"run() took {elapsed:.2f} s after cancel"
    assert left == []
    assert result.cancelled
    # every check has exactly one observation, in catalog order
    assert [o.check_id for o in result.observations] == [c.id for c in busy_catalog.checks]
    by_id = {o.check_id: o for o in result.observations}
    for slow in ("maps-stall", "msg-hole", "calls-silent"):  # could not have finished
        assert by_id[slow].failure == "interrupted", (slow, by_id[slow].failure)
    if moment == 0.0:
        assert {o.failure for o in result.observations} == {"interrupted"}

    fds, connections, threads = settled(baseline)
    assert threads == baseline[2], "a thread outlived the run"
    assert connections == baseline[1], "a socket outlived the run"
    assert fds == baseline[0], "a file or socket outlived the run"


def test_cancel_twice_and_after_the_end_is_harmless(busy_catalog: Catalog) -> None:
    async def scenario() -> RunResult:
        engine = Engine(busy_catalog, use_trusted_dns=False, offline_after_s=None)
        task = asyncio.create_task(engine.run())
        await asyncio.sleep(0.1)
        engine.cancel()
        engine.cancel()
        result = await asyncio.wait_for(task, 5)
        engine.cancel()  # the run is over: nothing to stop, nothing raised
        return result

    baseline = resources()
    result = asyncio.run(scenario())
    assert result.cancelled and len(result.observations) == len(busy_catalog.checks)
    assert settled(baseline) == baseline
