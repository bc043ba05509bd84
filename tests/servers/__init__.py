"""Reusable loopback/lab test servers: TLS, HTTP, STUN, DoH, and misbehaving TCP.

Used three ways: as pytest fixtures (tests/servers/fixtures.py, imported by tests/conftest.py),
as plain classes (``with make_server("https", pki) as s: s.port``), and from a shell or a
lab namespace: ``python -m tests.servers https --certs DIR --host 198.18.0.10 --port 443``.
"""

from tests.servers.base import BackgroundServer, StreamServer
from tests.servers.catalog import (
    BODY_SIZE,
    DOH_CONTROL_ANSWER,
    SERVERS,
    STALL_AFTER,
    make_server,
)
from tests.servers.certs import (
    OTHER_NAME,
    SERVICE_NAME,
    CertPair,
    TestCA,
    TestPki,
    make_test_pki,
    self_signed,
)
from tests.servers.http_server import HttpServer, Reply, Request
from tests.servers.raw import ResetServer, SilentServer, closed_port
from tests.servers.stun_server import StunServer

__all__ = [
    "BODY_SIZE",
    "DOH_CONTROL_ANSWER",
    "OTHER_NAME",
    "SERVERS",
    "SERVICE_NAME",
    "STALL_AFTER",
    "BackgroundServer",
    "CertPair",
    "HttpServer",
    "Reply",
    "Request",
    "ResetServer",
    "SilentServer",
    "StreamServer",
    "StunServer",
    "TestCA",
    "TestPki",
    "closed_port",
    "make_server",
    "make_test_pki",
    "self_signed",
]
