"""Catalog entries of the calls kinds: defaults filled in, mistakes named precisely."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.catalog.call_options import (
    CallArgsError,
    turn_checks_from_args,
    with_call_duration,
    with_call_options,
)
from app.catalog.loader import CatalogError, parse_catalog
from app.core import call_defaults as defaults
from app.core.model import Check, Kind, Role

HEAD = {"schema": 1, "name": "t", "version": "1", "timeout_s": 3.0}


def one(**entry: Any) -> Check:
    base = {"id": "c", "service": "Test call", "feature": "calls", "role": "call_test"}
    return parse_catalog({"catalog": HEAD, "check": [{**base, **entry}]}, Path("t.toml")
                         ).checks[0]


def error(**entry: Any) -> str:
    with pytest.raises(CatalogError) as exc:
        one(**entry)
    return str(exc.value)


def test_call_flow_defaults_are_the_quick_call() -> None:
    check = one(kind="call_flow", host="stun.example.org", port=3478)
    assert check.role == Role.CALL_TEST
    assert check.duration_s == defaults.FLOW_QUICK_S
    assert (check.packet_bytes, check.rate_pps, check.payload) == (64, 50, "stun")
    assert check.timeout_s > check.duration_s  # room for the last answers


def test_turn_call_takes_host_and_port_from_its_url() -> None:
    check = one(kind="turn_call", url="turn:relay.example.org:443?transport=tcp",
                username="u", credential="p")
    assert (check.host, check.port, check.username, check.credential) == (
        "relay.example.org", 443, "u", "p")
    assert check.target == "turn:relay.example.org:443?transport=tcp"
    assert "p" not in repr(check).split("username='u'")[1]  # the password is never shown


@pytest.mark.parametrize(("entry", "message"), [
    ({"kind": "turn_call", "url": "turn:relay.example.org"}, "missing field 'username'"),
    ({"kind": "turn_call", "url": "http://x", "username": "u", "credential": "p"},
     "not a TURN URL"),
    ({"kind": "call_flow", "host": "x.org", "port": 1, "payload": "random"},
     "payload must be stun or echo"),
    ({"kind": "call_flow", "host": "x.org", "port": 1, "duration_s": 10, "timeout_s": 5},
     "timeout_s must be longer than duration_s"),
    ({"kind": "tcp", "host": "x.org", "port": 1, "duration_s": 3}, "not used by kind tcp"),
    ({"kind": "udp", "host": "x.org", "port": 1, "packet_bytes": 5000}, "packet_bytes"),
    ({"kind": "echo_call", "url": "ftp://x.org"}, "http(s)://"),
])
def test_mistakes_are_named(entry: dict[str, Any], message: str) -> None:
    assert message in error(**entry)


def test_udp_payload_choices() -> None:
    assert one(kind="udp", host="x.org", port=7).payload == "random"
    assert one(kind="udp", host="x.org", port=3478, payload="stun_classic").packet_bytes == 20


def test_turn_args_make_a_udp_and_a_tcp_call() -> None:
    checks = turn_checks_from_args(["turn:alice:s3cret@198.18.4.1:3478"])
    assert [(c.kind, c.url) for c in checks] == [
        (Kind.TURN_CALL, "turn:198.18.4.1:3478?transport=udp"),
        (Kind.TURN_CALL, "turn:198.18.4.1:3478?transport=tcp"),
    ]
    assert all(c.credential == "s3cret" and "s3cret" not in c.target for c in checks)
    assert len(turn_checks_from_args(["turns:a:b@relay.example.org:443"])) == 1
    with pytest.raises(CallArgsError, match="USER:PASS"):
        turn_checks_from_args(["turn:198.18.4.1:3478"])


def test_calls_long_lengthens_only_call_checks() -> None:
    flow = one(kind="call_flow", host="x.org", port=1)
    plain = one(kind="udp", host="x.org", port=7)
    longer = with_call_duration([flow, plain])
    assert longer[0].duration_s == defaults.FLOW_LONG_S
    assert longer[0].timeout_s > defaults.FLOW_LONG_S
    assert longer[1] == plain
    assert with_call_duration([flow], 12.0)[0].duration_s == 12.0


def test_call_options_add_checks_and_room_in_the_deadline() -> None:
    catalog = parse_catalog({"catalog": {**HEAD, "deadline_s": 10.0}, "check": [
        {"id": "flow", "service": "Test call", "feature": "calls", "role": "call_test",
         "kind": "call_flow", "host": "x.org", "port": 3478}]}, Path("t.toml"))
    more = with_call_options(catalog, turn=["turn:u:p@198.18.4.1:3478"],
                             echo_peer="http://198.18.4.7:8765", calls_long=True)
    kinds = [c.kind for c in more.checks]
    assert kinds.count(Kind.TURN_CALL) == 2 and Kind.ECHO_CALL in kinds
    assert all(c.duration_s >= defaults.CALL_LONG_S for c in more.checks
               if c.kind in (Kind.TURN_CALL, Kind.ECHO_CALL, Kind.CALL_FLOW))
    assert more.deadline_s > max(c.timeout_s for c in more.checks)
    assert with_call_options(catalog).checks == catalog.checks
    with pytest.raises(CallArgsError, match="already has"):
        with_call_options(more, echo_peer="http://198.18.4.7:8765")
