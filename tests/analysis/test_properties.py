"""The analysis's promises as properties over arbitrary observations (hypothesis).

Whatever mix of results the checks produce, the user must never be told "blocked" without
evidence that the network otherwise works, and never "works" for a service whose certificate
came from an unknown authority.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from app.analysis import thresholds
from app.analysis.diagnose import diagnose
from app.analysis.model import NetworkStatus, Verdict
from app.analysis.progressive import network_settled
from app.analysis.verdicts import SIGNALLING
from app.core.facts import WebFacts
from app.core.model import Observation
from tests.analysis.factory import CONNECTED, ENTRIES, NO_INTERFACE, catalog, fail, healthy, ok

PHASES = ["dns", "tcp", "tls", "http", "udp"]
FAILURES = ["generic_timeout_error", "connection_reset", "connection_refused", "eof_error",
            "dns_nxdomain_error", "dns_bogon", "ssl_unknown_authority", "ssl_invalid_hostname",
            "stalled", "http_redirect", "internal_error", "interrupted", "network_unreachable"]
CONTROLS = {i for i, _s, _f, _k, r in ENTRIES if r.value.startswith("control_")}


@st.composite
def observation(draw: st.DrawFn, check_id: str) -> Observation:
    if draw(st.booleans()):
        # A finished transfer, quick or crawling (64 KiB in 50 ms or in 4 s): slowness is
        # judged across features, so early and final verdicts must still agree.
        body_ms = draw(st.sampled_from([50, 4000]))
        return ok(check_id, timings_ms={"dns": 5, "tcp": 20, "tls": 30, "ttfb": 40,
                                        "body": body_ms})
    return fail(check_id, draw(st.sampled_from(FAILURES)), draw(st.sampled_from(PHASES)),
                bytes_received=draw(st.sampled_from([0, 4096, 16384])),
                trusted_addresses=draw(st.sampled_from([None, (), ("203.0.113.9",)])))


def observations() -> st.SearchStrategy[list[Observation]]:
    return st.tuples(*(observation(i) for i, *_ in ENTRIES)).map(list)


def run(obs: list[Observation], interfaces=CONNECTED):
    return diagnose(obs, catalog(), interfaces, date=dt.date(2026, 11, 23))


def verdicts(d) -> list[Verdict]:
    return [f.verdict for f in d.features] + [s.verdict for f in d.features for s in f.services]


@settings(max_examples=300, deadline=None)
@given(observations())
def test_no_control_reached_means_no_block_anywhere(obs):
    """If no ordinary site answered, nothing shows the network works: never "blocked"."""
    obs = [o if o.check_id not in CONTROLS else fail(o.check_id, "generic_timeout_error", "tcp")
           for o in obs]
    d = run(obs)
    assert Verdict.BLOCKED not in verdicts(d)
    assert d.network.status in (NetworkStatus.OFFLINE, NetworkStatus.UNKNOWN,
                                NetworkStatus.CAPTIVE_PORTAL)


@settings(max_examples=200, deadline=None)
@given(observations())
def test_not_connected_means_everything_unavailable(obs):
    d = run(obs, NO_INTERFACE)
    assert d.network.status == NetworkStatus.OFFLINE
    assert set(verdicts(d)) == {Verdict.UNAVAILABLE}


@settings(max_examples=300, deadline=None)
@given(observations())
def test_a_service_with_an_intercepted_certificate_never_works(obs):
    d = run(obs)
    for feature in d.features:
        for service in feature.services:
            intercepted = any(
                o.service == service.service and o.feature == feature.feature
                and o.role == "service" and not o.ok and o.phase == "tls"
                and o.failure in ("ssl_unknown_authority", "ssl_invalid_hostname")
                for o in obs)
            if intercepted:
                assert service.verdict != Verdict.WORKS


@settings(max_examples=300, deadline=None)
@given(observations())
def test_every_cause_points_at_checks_that_did_not_simply_work(obs):
    d = run(obs)
    by_id = {o.check_id: o for o in obs}
    for feature in d.features:
        for cause in feature.causes:
            for check_id in cause.checks:
                assert check_id in by_id
                observed = by_id[check_id]
                assert not observed.ok or cause.id.value in ("throttled", "local_proxy")


@settings(max_examples=300, deadline=None)
@given(observations())
def test_a_feature_is_never_better_or_worse_than_all_its_services(obs):
    d = run(obs)
    for feature in d.features:
        judged = {s.verdict for s in feature.services} - {Verdict.UNKNOWN}
        if len(judged) == 1:
            assert feature.verdict == next(iter(judged))
        if feature.verdict == Verdict.BLOCKED:
            assert all(s.verdict in (Verdict.BLOCKED, Verdict.UNKNOWN) for s in feature.services)


@settings(max_examples=300, deadline=None)
@given(observations())
def test_a_verdict_given_early_is_the_verdict_at_the_end(obs):
    """app/analysis/progressive.py shows a feature's verdict once its own checks and the
    network's are in. That is only honest if the other features' checks cannot change it."""
    cat = catalog()
    final = {f.feature: f.verdict for f in run(obs).features}
    if not network_settled([o for o in obs if o.feature == "network"], CONNECTED):
        return  # no early verdicts then: they wait for the end of the run
    for feature in ("calls", "messages", "maps"):
        needed = ("network", feature, *((SIGNALLING[feature],) if feature in SIGNALLING else ()))
        seen = [o for o in obs if o.feature in needed]
        early = diagnose(seen, cat, CONNECTED, features=[feature], date=dt.date(2026, 11, 23))
        assert early.features[0].verdict == final[feature], feature


BROKEN_LOOKUP = ["dns_server_failure", "generic_timeout_error", "dns_nxdomain_error"]
NAMED_SERVICES_OF = {s for _i, s, _f, _k, r in ENTRIES if r.value == "service"}


@st.composite
def broken_resolver_run(draw: st.DrawFn) -> list[Observation]:
    """The system resolver fails for every name; a trusted resolver, asked by address,
    answers. Every check either failed at its name lookup (the trusted resolver may or may
    not have been asked for that name) or went by address (an IP literal: any outcome)."""
    obs = []
    for check_id, _s, _f, _k, role in ENTRIES:
        if role.value == "resolver":
            obs.append(ok(check_id))
        elif role.value.startswith("control_") or role.value == "captive_portal" or draw(
                st.booleans()):
            obs.append(fail(check_id, draw(st.sampled_from(BROKEN_LOOKUP)), "dns",
                            trusted_addresses=draw(st.sampled_from([None, ("203.0.113.9",)]))))
        else:
            by_address = draw(observation(check_id))
            if by_address.phase == "dns" and not by_address.ok:  # no lookup: no DNS failure
                by_address = fail(check_id, by_address.failure or "connection_reset", "tcp")
            obs.append(by_address)
    return obs


@settings(max_examples=300, deadline=None)
@given(broken_resolver_run())
def test_a_broken_resolver_is_an_outage_never_a_block(obs):
    """System DNS broken + trusted DNS works: online (dns_failure); a service whose names do
    not resolve is never "blocked" and never "works" — nor are its calls."""
    d = run(obs)
    assert d.network.status == NetworkStatus.ONLINE
    assert "dns_failure" in {c.id for c in d.network.causes}
    lookups_failed = {(o.feature, o.service) for o in obs if o.phase == "dns" and not o.ok
                      and o.feature != "network"}
    messages = d.feature("messages")
    for feature in d.features:
        for s in feature.services:
            named = ((feature.feature, s.service) in lookups_failed
                     or (("messages", s.service) in lookups_failed and feature.feature == "calls"))
            path = messages.service(s.service) if feature.feature == "calls" else None
            if path is not None and path.verdict == Verdict.BLOCKED:
                continue  # its message servers, by address, are blocked: so are its calls
            if named:
                assert s.verdict == Verdict.UNKNOWN, (feature.feature, s)
                assert "dns_failure" in {c.id for c in s.causes}, (feature.feature, s)


@settings(max_examples=300, deadline=None)
@given(observations())
def test_calls_never_work_while_their_signalling_is_blocked(obs):
    """A call is set up through the service's message servers: while those are blocked, the
    service's calls are never "works" (nor "works with problems")."""
    d = run(obs)
    messages = d.feature("messages")
    for s in d.feature("calls").services:
        path = messages.service(s.service)
        if path is not None and path.verdict == Verdict.BLOCKED:
            assert s.verdict == Verdict.BLOCKED, (s, path)


SLOWABLE = ("WhatsApp", "Telegram", "Google Maps", "Yandex Maps")


@st.composite
def one_service_slowed(draw: st.DrawFn) -> tuple[str, list[Observation]]:
    """Everything fast except one service's messages or maps: every read of it crawls
    (16-64 KiB at 4-64 kbit/s), and its other checks either work or wait out their time."""
    slowed = draw(st.sampled_from(SLOWABLE))
    obs = []
    for check_id, service, feature, kind, _role in ENTRIES:
        if service != slowed or feature.value == "calls":
            obs.append(ok(check_id))
        elif kind.value == "https":
            size = draw(st.sampled_from([16384, 32768, 65536]))
            kbits = draw(st.sampled_from([4, 16, 64]))
            obs.append(ok(check_id, bytes_received=size,
                          timings_ms={"dns": 5, "tcp": 20, "tls": 30, "ttfb": 40,
                                      "body": size * 8 / kbits}))
        elif draw(st.booleans()):
            obs.append(ok(check_id))
        else:
            obs.append(fail(check_id, "generic_timeout_error",
                            draw(st.sampled_from(["tcp", "tls"])) if kind.value != "dns"
                            else "dns"))
    return slowed, obs


@settings(max_examples=200, deadline=None)
@given(one_service_slowed())
def test_one_service_slowed_down_is_never_blocked_and_blames_nobody_else(case):
    """A service ten times slower than the fast controls "works with problems" (throttled),
    never "blocked", whatever its other checks did; the network and every other service keep
    their verdicts."""
    slowed, obs = case
    d = run(obs)
    assert d.network.status == NetworkStatus.ONLINE
    assert "throttled" not in {c.id for c in d.network.causes}
    for feature in d.features:
        for s in feature.services:
            if s.service == slowed and feature.feature != "calls":
                assert s.verdict == Verdict.DEGRADED, s
                assert "throttled" in {c.id for c in s.causes}, s
            elif s.service != slowed:
                assert s.verdict == Verdict.WORKS, (feature.feature, s)


@st.composite
def one_read_paused(draw: st.DrawFn) -> list[Observation]:
    """Everything fast, except that one service's read paused: for less than a busy computer
    can pause (SERVICE_SLOW_MIN_BODY_MS), or for as long as it likes (up to 5 s) with a second
    look that came fast (app/engine/second_look.py)."""
    paused = draw(st.sampled_from([i for i, _s, f, k, _r in ENTRIES
                                   if k.value == "https" and f.value != "network"]))
    size = draw(st.sampled_from([8192, 16384, 65536]))
    if draw(st.booleans()):
        body = draw(st.floats(0.0, thresholds.SERVICE_SLOW_MIN_BODY_MS - 0.1))
        facts = None
    else:
        body = draw(st.floats(thresholds.SERVICE_SLOW_MIN_BODY_MS, 5000.0))
        facts = WebFacts(complete=True, second_ttfb_ms=40.0, second_bytes=size,
                         second_body_ms=draw(st.floats(0.0, 20.0)))
    read = ok(paused, bytes_received=size, facts=facts,
              timings_ms={"dns": 5, "tcp": 20, "tls": 30, "ttfb": 40, "body": body})
    return [read if o.check_id == paused else o for o in healthy()]


@settings(max_examples=200, deadline=None)
@given(one_read_paused())
def test_one_paused_read_never_singles_a_service_out(obs):
    """One pause of a busy computer in one read (CI, stop 21) is no slowdown: everything
    stays "works", and nobody is called slowed down."""
    d = run(obs)
    assert d.network.status == NetworkStatus.ONLINE and not d.network.causes
    for feature in d.features:
        assert feature.verdict == Verdict.WORKS, feature
