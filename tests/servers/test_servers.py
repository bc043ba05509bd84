"""The test servers themselves: they start, answer as promised, run from the CLI, and stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import (
    BODY_SIZE,
    SERVERS,
    SERVICE_NAME,
    TestPki,
    closed_port,
    make_server,
)

ROOT = Path(__file__).resolve().parents[2]


def test_every_kind_starts_on_an_ephemeral_port_and_stops(test_pki: TestPki) -> None:
    for kind in SERVERS:
        server = make_server(kind, test_pki, hold_s=1.0).start()
        try:
            assert server.port > 0 and server.host == "127.0.0.1"
        finally:
            server.stop()
        assert server._thread is None  # joined


def test_tcp_listener_is_gone_after_stop(test_pki: TestPki) -> None:
    with make_server("silent", test_pki, hold_s=1.0) as server:
        port = server.port
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_https_body_arrives_in_small_pieces(test_pki: TestPki) -> None:
    ctx = ssl.create_default_context(cafile=str(test_pki.ca_file))
    with make_server("https", test_pki, hold_s=1.0) as server, \
            socket.create_connection(server.address, timeout=5) as raw, \
            ctx.wrap_socket(raw, server_hostname=SERVICE_NAME) as tls:
        tls.sendall(b"GET / HTTP/1.1\r\nHost: service.test\r\nConnection: close\r\n\r\n")
        sizes: list[int] = []
        data = b""
        for _ in range(1000):  # bounded
            piece = tls.recv(65536)
            if not piece:
                break
            sizes.append(len(piece))
            data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and len(body) == BODY_SIZE
    assert max(sizes) <= 4096  # one TLS record per 4 KiB write


def test_closed_port_refuses() -> None:
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", closed_port()), timeout=2).close()


def test_cli_prints_port_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.servers", "https", "--certs", str(tmp_path),
         "--lifetime", "20"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert info["kind"] == "https" and info["port"] > 0
        assert Path(info["ca_file"]).is_file()
        ctx = ssl.create_default_context(cafile=info["ca_file"])
        with socket.create_connection(("127.0.0.1", info["port"]), timeout=5) as raw, \
                ctx.wrap_socket(raw, server_hostname=SERVICE_NAME) as tls:
            assert tls.version() is not None
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()


def test_cli_reuses_one_ca_for_several_servers(tmp_path: Path) -> None:
    from tests.servers import make_test_pki

    first = make_test_pki(tmp_path)
    second = make_test_pki(tmp_path)
    assert first.ca_file.read_bytes() == second.ca_file.read_bytes()
