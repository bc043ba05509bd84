"""The download of a catalog update on loopback: a plain request that says nothing about the
user, the size cap enforced while reading, and a time bound for a mirror that stalls or
drips (app/engine/fetch_update.py; the lab version: tests/lab/test_update_lab.py)."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.engine.fetch_update import FetchError, fetch, request_bytes, tls_context
from tests.servers.certs import TestCA
from tests.servers.update_server import BackgroundMirror


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BackgroundMirror, Path]]:
    root = tmp_path_factory.mktemp("mirror")
    ca = TestCA.create(root / "pki")
    pair = ca.issue("mirror", ["127.0.0.1"])
    (root / "c").mkdir()
    (root / "c" / "default.toml").write_bytes(b"x" * 5000)
    with BackgroundMirror(root, pair.cert_file, pair.key_file) as server:
        yield server, root / "pki" / "ca.pem"


def get(mirror: tuple[BackgroundMirror, Path], path: str, max_bytes: int = 100_000,
        timeout_s: float = 5.0, trusted: bool = True) -> bytes:
    server, ca = mirror
    ctx = tls_context(ca if trusted else None)
    return asyncio.run(fetch(f"https://127.0.0.1:{server.port}/{path}", max_bytes, timeout_s,
                             ctx=ctx))


def test_a_file_is_fetched_with_a_request_that_says_nothing_about_the_user(
        mirror: tuple[BackgroundMirror, Path]) -> None:
    assert get(mirror, "ok/c/default.toml") == b"x" * 5000
    log = (mirror[0].mirror.log).read_bytes().split(b"\0\n")[-2]
    assert log == request_bytes(f"https://127.0.0.1:{mirror[0].port}/ok/c/default.toml")
    assert log.split(b"\r\n")[1:] == [f"Host: 127.0.0.1:{mirror[0].port}".encode(),
                                      b"User-Agent: conncheck", b"Accept: */*",
                                      b"Connection: close", b"", b""]


def test_the_size_cap_holds_while_reading(mirror: tuple[BackgroundMirror, Path]) -> None:
    with pytest.raises(FetchError, match="too large: 5000 bytes"):
        get(mirror, "ok/c/default.toml", max_bytes=4999)
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(FetchError, match="too large: over the cap of 65536"):
        get(mirror, "endless/c/default.toml", max_bytes=65536)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert time.monotonic() - started < 2 and peak < 2_000_000
    with pytest.raises(FetchError, match="not Content-Length long"):
        get(mirror, "liar/c/default.toml")


@pytest.mark.parametrize("mode", ["stall", "drip"])
def test_a_mirror_that_stalls_or_drips_ends_at_the_time_bound(
        mirror: tuple[BackgroundMirror, Path], mode: str) -> None:
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        get(mirror, f"{mode}/c/default.toml", timeout_s=1.5)
    assert 1.4 < time.monotonic() - started < 2.5


def test_missing_files_and_untrusted_certificates_are_one_line(
        mirror: tuple[BackgroundMirror, Path]) -> None:
    with pytest.raises(FetchError, match=r"^HTTP 404$"):
        get(mirror, "ok/c/nothing.toml")
    with pytest.raises(FetchError, match=r"^TLS: CERTIFICATE_VERIFY_FAILED"):
        get(mirror, "ok/c/default.toml", trusted=False)
    with pytest.raises(FetchError, match="not an https URL"):
        asyncio.run(fetch("http://127.0.0.1/x.toml", 10, 1))
