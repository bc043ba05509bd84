"""pytest fixtures for the standard test servers (session-scoped: started once, stopped at
the end). Import with ``from tests.servers.fixtures import *`` in a conftest.py.

Each server fixture yields a started ``BackgroundServer``: use ``.host``/``.port``; the good
certificate is for ``SERVICE_NAME``/127.0.0.1 and is trusted through ``test_pki.ca_file``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers.base import BackgroundServer
from tests.servers.catalog import make_server
from tests.servers.certs import TestPki, make_test_pki

__all__ = [
    "doh_keep_alive_server",
    "doh_server",
    "expired_server",
    "https_chunked_server",
    "https_server",
    "no_content_server",
    "portal_server",
    "reset_server",
    "self_signed_server",
    "silent_server",
    "stall_server",
    "stun_error_server",
    "stun_garbage_server",
    "stun_server",
    "stun_silent_server",
    "test_pki",
    "wrong_host_server",
]


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return make_test_pki(tmp_path_factory.mktemp("pki"))


def _serve(kind: str, pki: TestPki | None) -> Iterator[BackgroundServer]:
    server = make_server(kind, pki, hold_s=10.0).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def https_server(test_pki: TestPki) -> Iterator[BackgroundServer]:
    yield from _serve("https", test_pki)


@pytest.fixture(scope="session")
def https_chunked_server(test_pki: TestPki) -> Iterator[BackgroundServer]:
    yield from _serve("https-chunked", test_pki)


@pytest.fixture(scope="session")
def stall_server(test_pki: TestPki) -> Iterator[BackgroundServer]:
    yield from _serve("stall", test_pki)


@pytest.fixture(scope="session")
def wrong_host_server(test_pki: TestPki) -> Iterator[BackgroundServer]:
    yield from _serve("wrong-host", test_pki)


@pytest.fixture(scope="session")
def self_signed_server(test_pki: TestPki) -> Iterator[BackgroundServer]:
    yield from _serve("self-signed", test_pki)


@pytest.fixture(scope="session")
def expired_server(test_pki: TestPki) -> Iterator[BackgroundServer]:
    yield from _serve("expired", test_pki)


@pytest.fixture(scope="session")
def doh_server(test_pki: TestPki) -> Iterator[BackgroundServer]:
    yield from _serve("doh", test_pki)


@pytest.fixture(scope="session")
def doh_keep_alive_server(test_pki: TestPki) -> Iterator[BackgroundServer]:
    yield from _serve("doh-keep-alive", test_pki)


@pytest.fixture(scope="session")
def reset_server() -> Iterator[BackgroundServer]:
    yield from _serve("reset", None)


@pytest.fixture(scope="session")
def silent_server() -> Iterator[BackgroundServer]:
    yield from _serve("silent", None)


@pytest.fixture(scope="session")
def portal_server() -> Iterator[BackgroundServer]:
    yield from _serve("portal", None)


@pytest.fixture(scope="session")
def no_content_server() -> Iterator[BackgroundServer]:
    yield from _serve("no-content", None)


@pytest.fixture(scope="session")
def stun_server() -> Iterator[BackgroundServer]:
    yield from _serve("stun", None)


@pytest.fixture(scope="session")
def stun_garbage_server() -> Iterator[BackgroundServer]:
    yield from _serve("stun-garbage", None)


@pytest.fixture(scope="session")
def stun_error_server() -> Iterator[BackgroundServer]:
    yield from _serve("stun-error", None)


@pytest.fixture(scope="session")
def stun_silent_server() -> Iterator[BackgroundServer]:
    yield from _serve("stun-silent", None)
