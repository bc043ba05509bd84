"""Each probe against loopback servers that behave like working services or like censors.

Timeouts are kept at 1-1.5 s so the silent/stall cases stay quick; nothing here measures speed.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from app.core import failures as F
from app.core.model import Check, Feature, Kind, Observation
from app.engine.context import ProbeContext
from app.engine.probes import dns, doh, http, https, stun, tcp, tls
from app.engine.probes.registry import PROBES
from app.engine.trusted_dns import DohResolver
from tests.servers import (
    BODY_SIZE,
    DOH_CONTROL_ANSWER,
    SERVICE_NAME,
    STALL_AFTER,
    BackgroundServer,
    TestPki,
    closed_port,
)

SHORT = 1.5
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def make_check(kind: Kind, port: int, pki: TestPki | None = None, *, path: str = "/",
               **fields: Any) -> Check:
    url = None
    if kind in (Kind.HTTPS, Kind.DOH):
        url = f"https://127.0.0.1:{port}{path}"
    elif kind == Kind.HTTP:
        url = f"http://127.0.0.1:{port}{path}"
    fields.setdefault("timeout_s", SHORT)
    fields.setdefault("max_bytes", 262_144)  # the tests' bodies are read whole unless a test says
    if pki is not None:
        fields.setdefault("sni", SERVICE_NAME)
        fields.setdefault("ca_file", str(pki.ca_file))
    return Check(id=f"t-{kind.value}", service="Test", feature=Feature.MESSAGES, kind=kind,
                 host="127.0.0.1", port=port, url=url, **fields)


def assert_failed(obs: Observation, failure: str, phase: str) -> None:
    assert (obs.ok, obs.failure, obs.phase) == (False, failure, phase), obs
    assert obs.failure_detail


BASIC_KINDS = {Kind.DNS, Kind.DOH, Kind.TCP, Kind.TLS, Kind.HTTPS, Kind.HTTP, Kind.STUN}


def test_registry_covers_every_basic_kind() -> None:
    assert set(PROBES) >= BASIC_KINDS
    assert all(callable(PROBES[kind]) for kind in BASIC_KINDS)


# -- TCP ---------------------------------------------------------------------------------------

async def test_tcp_connects(https_server: BackgroundServer) -> None:
    obs = await tcp.run(make_check(Kind.TCP, https_server.port), ProbeContext())
    assert obs.ok and obs.phase == "tcp" and obs.failure is None
    assert obs.peer_address == "127.0.0.1" and "tcp" in obs.timings_ms


async def test_tcp_to_closed_port_is_refused() -> None:
    obs = await tcp.run(make_check(Kind.TCP, closed_port()), ProbeContext())
    assert_failed(obs, F.CONNECTION_REFUSED, "tcp")


# -- TLS ---------------------------------------------------------------------------------------

async def test_tls_ok_records_version_and_issuer(https_server: BackgroundServer,
                                                 test_pki: TestPki) -> None:
    obs = await tls.run(make_check(Kind.TLS, https_server.port, test_pki), ProbeContext())
    assert obs.ok and obs.phase == "tls"
    assert obs.tls_version in ("TLSv1.2", "TLSv1.3")
    assert obs.tls_issuer == "Connection Check Test CA"
    assert set(obs.timings_ms) >= {"tcp", "tls"}


async def test_tls_reset_after_client_hello(reset_server: BackgroundServer,
                                            test_pki: TestPki) -> None:
    obs = await tls.run(make_check(Kind.TLS, reset_server.port, test_pki), ProbeContext())
    assert_failed(obs, F.CONNECTION_RESET, "tls")
    assert "tcp" in obs.timings_ms  # TCP worked: the block is after the connection


async def test_tls_never_answered_times_out_in_tls(silent_server: BackgroundServer,
                                                   test_pki: TestPki) -> None:
    check = make_check(Kind.TLS, silent_server.port, test_pki, timeout_s=1.0)
    obs = await tls.run(check, ProbeContext())
    assert_failed(obs, F.GENERIC_TIMEOUT, "tls")
    assert "tcp" in obs.timings_ms and "tls" not in obs.timings_ms


async def test_tls_wrong_hostname(wrong_host_server: BackgroundServer,
                                  test_pki: TestPki) -> None:
    obs = await tls.run(make_check(Kind.TLS, wrong_host_server.port, test_pki), ProbeContext())
    assert_failed(obs, F.SSL_INVALID_HOSTNAME, "tls")


async def test_tls_self_signed_is_unknown_authority(self_signed_server: BackgroundServer,
                                                    test_pki: TestPki) -> None:
    obs = await tls.run(make_check(Kind.TLS, self_signed_server.port, test_pki),
                        ProbeContext())
    assert_failed(obs, F.SSL_UNKNOWN_AUTHORITY, "tls")


async def test_tls_expired_certificate(expired_server: BackgroundServer,
                                       test_pki: TestPki) -> None:
    obs = await tls.run(make_check(Kind.TLS, expired_server.port, test_pki), ProbeContext())
    assert_failed(obs, F.SSL_INVALID_CERTIFICATE, "tls")


async def test_tls_without_the_test_ca_is_unknown_authority(
        https_server: BackgroundServer) -> None:
    check = make_check(Kind.TLS, https_server.port, sni=SERVICE_NAME)
    obs = await tls.run(check, ProbeContext())
    assert_failed(obs, F.SSL_UNKNOWN_AUTHORITY, "tls")


async def test_catalog_extra_ca_is_trusted(https_server: BackgroundServer,
                                           test_pki: TestPki) -> None:
    check = make_check(Kind.TLS, https_server.port, sni=SERVICE_NAME)
    obs = await tls.run(check, ProbeContext(extra_ca=test_pki.ca_file))
    assert obs.ok, obs


# -- HTTPS -------------------------------------------------------------------------------------

async def test_https_reads_the_whole_body(https_server: BackgroundServer,
                                          test_pki: TestPki) -> None:
    obs = await https.run(make_check(Kind.HTTPS, https_server.port, test_pki), ProbeContext())
    assert obs.ok and obs.phase == "http" and obs.status_code == 200
    assert obs.bytes_received == BODY_SIZE
    assert obs.facts.complete is True
    assert {"tcp", "tls", "ttfb", "body"} <= set(obs.timings_ms)


async def test_https_chunked_body(https_chunked_server: BackgroundServer,
                                  test_pki: TestPki) -> None:
    obs = await https.run(make_check(Kind.HTTPS, https_chunked_server.port, test_pki),
                          ProbeContext())
    assert obs.ok and obs.bytes_received == BODY_SIZE


async def test_https_stops_at_max_bytes(https_server: BackgroundServer,
                                        test_pki: TestPki) -> None:
    check = make_check(Kind.HTTPS, https_server.port, test_pki, max_bytes=20_000)
    obs = await https.run(check, ProbeContext())
    assert obs.ok
    assert 20_000 <= obs.bytes_received < BODY_SIZE
    assert obs.facts.truncated_at_max_bytes is True


async def test_https_head_has_no_body(https_server: BackgroundServer,
                                      test_pki: TestPki) -> None:
    check = make_check(Kind.HTTPS, https_server.port, test_pki, method="HEAD")
    obs = await https.run(check, ProbeContext())
    assert obs.ok and obs.status_code == 200 and obs.bytes_received == 0


async def test_https_freeze_after_16_kb_is_stalled(stall_server: BackgroundServer,
                                                   test_pki: TestPki) -> None:
    obs = await https.run(make_check(Kind.HTTPS, stall_server.port, test_pki, max_bytes=65536),
                          ProbeContext())
    assert_failed(obs, F.STALLED, "http")
    assert obs.stalled_after_bytes is not None
    assert 12_000 <= obs.stalled_after_bytes <= 20_000
    assert obs.bytes_received == obs.stalled_after_bytes == STALL_AFTER
    assert obs.status_code == 200 and obs.tls_version


async def test_https_expected_status_mismatch(https_server: BackgroundServer,
                                              test_pki: TestPki) -> None:
    check = make_check(Kind.HTTPS, https_server.port, test_pki, expect_status=204)
    obs = await https.run(check, ProbeContext())
    assert_failed(obs, F.HTTP_UNEXPECTED_STATUS, "http")
    assert obs.status_code == 200


async def test_https_reset_is_a_tls_failure(reset_server: BackgroundServer,
                                            test_pki: TestPki) -> None:
    obs = await https.run(make_check(Kind.HTTPS, reset_server.port, test_pki), ProbeContext())
    assert_failed(obs, F.CONNECTION_RESET, "tls")


# -- plain HTTP --------------------------------------------------------------------------------

async def test_http_portal_redirect(portal_server: BackgroundServer) -> None:
    check = make_check(Kind.HTTP, portal_server.port, path="/generate_204", expect_status=204)
    obs = await http.run(check, ProbeContext())
    assert_failed(obs, F.HTTP_REDIRECT, "http")
    assert obs.status_code == 302
    assert obs.redirect_to == "http://portal.test/login"
    assert obs.facts.body_hint == "login_page"


async def test_http_login_page_is_recognised(portal_server: BackgroundServer) -> None:
    check = make_check(Kind.HTTP, portal_server.port, path="/login", expect_status=204)
    obs = await http.run(check, ProbeContext())
    assert_failed(obs, F.HTTP_UNEXPECTED_STATUS, "http")
    assert obs.facts.body_hint == "login_page" and obs.facts.title == "Wi-Fi login"


async def test_http_204_is_an_open_network(no_content_server: BackgroundServer) -> None:
    check = make_check(Kind.HTTP, no_content_server.port, path="/generate_204",
                       expect_status=204)
    obs = await http.run(check, ProbeContext())
    assert obs.ok and obs.status_code == 204 and obs.redirect_to is None


async def test_http_post_any_status_reaches_the_service(no_content_server: BackgroundServer
                                                        ) -> None:
    check = make_check(Kind.HTTP, no_content_server.port, method="POST")
    obs = await http.run(check, ProbeContext())
    assert obs.ok and obs.status_code == 204
    assert no_content_server.requests[-1].method == "POST"  # type: ignore[attr-defined]


async def test_http_to_a_tls_only_silence_times_out(silent_server: BackgroundServer) -> None:
    check = make_check(Kind.HTTP, silent_server.port, timeout_s=1.0)
    obs = await http.run(check, ProbeContext())
    assert_failed(obs, F.GENERIC_TIMEOUT, "http")


# -- STUN --------------------------------------------------------------------------------------

async def test_stun_binding_gives_mapped_address(stun_server: BackgroundServer) -> None:
    obs = await stun.run(make_check(Kind.STUN, stun_server.port), ProbeContext())
    assert obs.ok and obs.phase == "udp"
    assert obs.facts.mapped_address.startswith("127.0.0.1:")
    assert obs.facts.rtt_ms >= 0 and obs.facts.tries == 1


async def test_stun_garbage_reply(stun_garbage_server: BackgroundServer) -> None:
    obs = await stun.run(make_check(Kind.STUN, stun_garbage_server.port), ProbeContext())
    assert_failed(obs, F.STUN_INVALID_RESPONSE, "udp")


async def test_stun_error_reply(stun_error_server: BackgroundServer) -> None:
    obs = await stun.run(make_check(Kind.STUN, stun_error_server.port), ProbeContext())
    assert_failed(obs, F.STUN_INVALID_RESPONSE, "udp")


async def test_stun_dropped_is_a_udp_timeout(stun_silent_server: BackgroundServer) -> None:
    before = stun_silent_server.requests  # type: ignore[attr-defined]
    obs = await stun.run(make_check(Kind.STUN, stun_silent_server.port, timeout_s=1.0),
                         ProbeContext())
    assert_failed(obs, F.GENERIC_TIMEOUT, "udp")
    assert stun_silent_server.requests - before >= 2  # type: ignore[attr-defined]  # retried


async def test_stun_to_closed_port_is_refused() -> None:
    obs = await stun.run(make_check(Kind.STUN, closed_port()), ProbeContext())
    assert_failed(obs, F.CONNECTION_REFUSED, "udp")


# -- DNS ---------------------------------------------------------------------------------------

def dns_check(host: str) -> Check:
    return Check(id="t-dns", service="Test", feature=Feature.NETWORK, kind=Kind.DNS, host=host,
                 port=53, timeout_s=2.0)


async def test_dns_localhost_resolves_when_loopback_is_declared_ordinary() -> None:
    obs = await dns.run(dns_check("localhost"), ProbeContext(ordinary_ranges=LOOPBACK))
    assert obs.ok and obs.phase == "dns"
    assert "127.0.0.1" in obs.addresses or "::1" in obs.addresses
    assert obs.trusted_addresses is None and obs.dns_flags == ()


async def test_dns_loopback_answer_is_a_bogon_otherwise() -> None:
    obs = await dns.run(dns_check("localhost"), ProbeContext())
    assert_failed(obs, F.DNS_BOGON, "dns")
    assert "bogon" in obs.dns_flags and obs.addresses


async def test_dns_invalid_name_does_not_resolve() -> None:
    obs = await dns.run(dns_check("no-such-name.invalid"), ProbeContext())
    assert obs.ok is False and obs.phase == "dns"
    assert obs.failure in (F.DNS_NXDOMAIN, F.DNS_NO_ANSWER)


async def test_tcp_probe_fails_in_dns_for_an_invalid_name() -> None:
    check = Check(id="t", service="Test", feature=Feature.MESSAGES, kind=Kind.TCP,
                  host="no-such-name.invalid", port=443, timeout_s=2.0)
    obs = await tcp.run(check, ProbeContext())
    assert obs.phase == "dns" and obs.failure in (F.DNS_NXDOMAIN, F.DNS_NO_ANSWER)


async def test_dns_ip_literal_skips_resolution() -> None:
    obs = await dns.run(dns_check("149.154.167.51"), ProbeContext())
    assert obs.ok and obs.addresses == ("149.154.167.51",) and "dns" not in obs.timings_ms


class FixedTrusted:
    """A trusted resolver with a fixed answer: isolates the comparison from DoH transport."""

    def __init__(self, answer: tuple[str, ...] | None) -> None:
        self.answer = answer

    async def lookup(self, host: str) -> tuple[str, ...] | None:
        return self.answer


async def test_dns_differs_from_trusted_is_flagged_not_failed() -> None:
    ctx = ProbeContext(ordinary_ranges=LOOPBACK, trusted=FixedTrusted(("93.184.215.14",)))
    obs = await dns.run(dns_check("localhost"), ctx)
    assert obs.ok and obs.dns_flags == ("differs_from_trusted",)
    assert obs.trusted_addresses == ("93.184.215.14",)


async def test_dns_trusted_agreeing_is_not_flagged() -> None:
    ctx = ProbeContext(ordinary_ranges=LOOPBACK, trusted=FixedTrusted(("127.0.0.1", "::1")))
    obs = await dns.run(dns_check("localhost"), ctx)
    assert obs.ok and obs.dns_flags == ()


# -- DoH ---------------------------------------------------------------------------------------

def resolver_check(port: int, pki: TestPki, timeout_s: float = SHORT) -> Check:
    return Check(id="t-doh", service="Trusted DNS", feature=Feature.NETWORK, kind=Kind.DOH,
                 host="127.0.0.1", port=port, url=f"https://127.0.0.1:{port}/dns-query",
                 sni=SERVICE_NAME, ca_file=str(pki.ca_file), timeout_s=timeout_s)


async def test_doh_probe_answers_the_control_name(doh_server: BackgroundServer,
                                                  test_pki: TestPki) -> None:
    obs = await doh.run(resolver_check(doh_server.port, test_pki), ProbeContext())
    assert obs.ok and obs.phase == "dns"
    assert obs.addresses == (DOH_CONTROL_ANSWER,)
    assert obs.tls_version and obs.status_code == 200


async def test_doh_probe_blocked_resolver(reset_server: BackgroundServer,
                                          test_pki: TestPki) -> None:
    obs = await doh.run(resolver_check(reset_server.port, test_pki), ProbeContext())
    assert_failed(obs, F.CONNECTION_RESET, "tls")


async def test_trusted_resolver_answers_and_caches(doh_server: BackgroundServer,
                                                   test_pki: TestPki) -> None:
    resolver = DohResolver([resolver_check(doh_server.port, test_pki)], ProbeContext())
    server_requests = doh_server.requests  # type: ignore[attr-defined]
    first = await resolver.lookup("localhost")
    count = len(server_requests)
    again = await resolver.lookup("LOCALHOST.")
    assert first is not None and set(first) == {"127.0.0.1", "::1"}
    assert again == first and len(server_requests) == count  # served from the cache
    assert await resolver.lookup("unknown.test") == ()  # NXDOMAIN is an answer: no addresses


async def test_trusted_resolver_asks_both_address_types_over_one_connection(
        doh_keep_alive_server: BackgroundServer, test_pki: TestPki) -> None:
    """Fewer bytes (docs/performance.md, issue 17): one handshake per name, not per question —
    and still both the IPv4 and the IPv6 answer."""
    server = doh_keep_alive_server
    before = server.connections  # type: ignore[attr-defined]
    resolver = DohResolver([resolver_check(server.port, test_pki)], ProbeContext())
    assert set(await resolver.lookup("localhost") or ()) == {"127.0.0.1", "::1"}
    assert server.connections - before == 1  # type: ignore[attr-defined]


async def test_trusted_resolver_asks_again_when_the_server_closes_after_an_answer(
        doh_server: BackgroundServer, test_pki: TestPki) -> None:
    before = doh_server.connections  # type: ignore[attr-defined]
    resolver = DohResolver([resolver_check(doh_server.port, test_pki)], ProbeContext())
    assert set(await resolver.lookup("localhost") or ()) == {"127.0.0.1", "::1"}
    assert doh_server.connections - before == 2  # type: ignore[attr-defined]


async def test_trusted_resolver_skips_a_dead_resolver(doh_server: BackgroundServer,
                                                      silent_server: BackgroundServer,
                                                      test_pki: TestPki) -> None:
    dead = resolver_check(silent_server.port, test_pki, timeout_s=0.5)
    good = resolver_check(doh_server.port, test_pki)
    resolver = DohResolver([dead, good], ProbeContext(), timeout_s=0.5)
    assert await resolver.lookup(SERVICE_NAME) == ("127.0.0.1",)


async def test_trusted_resolver_none_when_nobody_answers(reset_server: BackgroundServer,
                                                         test_pki: TestPki) -> None:
    resolver = DohResolver([resolver_check(reset_server.port, test_pki)], ProbeContext())
    assert await resolver.lookup(SERVICE_NAME) is None


async def test_dns_probe_with_real_doh_comparison(doh_server: BackgroundServer,
                                                  test_pki: TestPki) -> None:
    ctx = ProbeContext(ordinary_ranges=LOOPBACK)
    ctx.trusted = DohResolver([resolver_check(doh_server.port, test_pki)], ctx)
    obs = await dns.run(dns_check("localhost"), ctx)
    assert obs.ok and obs.trusted_addresses is not None
    assert "127.0.0.1" in obs.trusted_addresses
    assert "differs_from_trusted" not in obs.dns_flags
