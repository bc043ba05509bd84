"""The standard test servers by name — one place used by fixtures and by the CLI."""

from __future__ import annotations

from collections.abc import Callable

from tests.servers.base import DEFAULT_HOLD_S, BackgroundServer
from tests.servers.certs import SERVICE_NAME, TestPki
from tests.servers.http_server import HttpServer, big_body, doh, no_content, portal
from tests.servers.raw import ResetServer, SilentServer
from tests.servers.stun_server import StunServer

BODY_SIZE = 65_536 + 4_096  # a little over 64 KiB: past any "16 KB freeze"
STALL_AFTER = 16_384
DOH_CONTROL_ANSWER = "192.0.2.1"  # what the test DoH server says example.com is
DEFAULT_DOH_ANSWERS: dict[str, list[str]] = {
    "example.com": [DOH_CONTROL_ANSWER],
    SERVICE_NAME: ["127.0.0.1"],
    "localhost": ["127.0.0.1", "::1"],
}

Factory = Callable[[TestPki | None, str, int, float], BackgroundServer]


def _needs(pki: TestPki | None) -> TestPki:
    if pki is None:
        raise ValueError("this server needs certificates (--certs DIR)")
    return pki


def _https(kind: str, handler_pair: str = "good", **body: object) -> Factory:
    def make(pki: TestPki | None, host: str, port: int, hold_s: float) -> BackgroundServer:
        pair = getattr(_needs(pki), handler_pair)
        server = HttpServer(big_body(BODY_SIZE, **body),  # type: ignore[arg-type]
                            cert_file=pair.cert_file, key_file=pair.key_file, host=host,
                            port=port, hold_s=hold_s)
        server.kind = kind
        return server
    return make


def _doh(keep_alive: bool) -> Factory:
    def make(pki: TestPki | None, host: str, port: int, hold_s: float) -> BackgroundServer:
        pair = _needs(pki).good
        server = HttpServer(doh(DEFAULT_DOH_ANSWERS), cert_file=pair.cert_file,
                            key_file=pair.key_file, host=host, port=port, hold_s=hold_s,
                            keep_alive=keep_alive)
        server.kind = "doh-keep-alive" if keep_alive else "doh"
        return server
    return make


def _plain(kind: str, handler: Callable[[], object]) -> Factory:
    def make(pki: TestPki | None, host: str, port: int, hold_s: float) -> BackgroundServer:
        server = HttpServer(handler(), host=host, port=port, hold_s=hold_s)  # type: ignore[arg-type]
        server.kind = kind
        return server
    return make


def _stun(mode: str) -> Factory:
    def make(pki: TestPki | None, host: str, port: int, hold_s: float) -> BackgroundServer:
        return StunServer(mode, host=host, port=port, hold_s=hold_s)
    return make


SERVERS: dict[str, Factory] = {
    "https": _https("https"),
    "https-chunked": _https("https-chunked", chunked=True),
    "stall": _https("stall", stall_after=STALL_AFTER),
    "wrong-host": _https("wrong-host", "wrong_host"),
    "self-signed": _https("self-signed", "self_signed"),
    "expired": _https("expired", "expired"),
    "doh": _doh(keep_alive=False),
    "doh-keep-alive": _doh(keep_alive=True),
    "reset": lambda pki, host, port, hold_s: ResetServer(host, port, hold_s),
    "silent": lambda pki, host, port, hold_s: SilentServer(host, port, hold_s),
    "portal": _plain("portal", portal),
    "no-content": _plain("no-content", no_content),
    "stun": _stun("ok"),
    "stun-garbage": _stun("garbage"),
    "stun-error": _stun("error"),
    "stun-silent": _stun("silent"),
}


def make_server(kind: str, pki: TestPki | None = None, host: str = "127.0.0.1", port: int = 0,
                hold_s: float = DEFAULT_HOLD_S) -> BackgroundServer:
    """An unstarted server of a standard kind (see SERVERS); call ``start()`` on it."""
    try:
        factory = SERVERS[kind]
    except KeyError:
        raise ValueError(f"unknown server kind {kind!r}; known: {', '.join(SERVERS)}") from None
    return factory(pki, host, port, hold_s)
