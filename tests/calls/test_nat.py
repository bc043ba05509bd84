"""NAT facts from STUN answers: Details only."""

from __future__ import annotations

from app.analysis.nat import Mapping, nat_info, split_host_port
from app.core.facts import StunFacts
from app.core.model import Observation


def _stun(check_id: str, mapped: str | None, ok: bool = True) -> Observation:
    facts = StunFacts(rtt_ms=20.0, tries=1, mapped_address=mapped) if mapped else None
    return Observation(check_id, "STUN servers", "calls", "stun", "reference_stun",
                       f"{check_id}:3478", ok, None if ok else "generic_timeout_error", "udp",
                       50, facts=facts)


def test_same_public_address_for_every_server() -> None:
    info = nat_info([_stun("a", "203.0.113.7:40001"), _stun("b", "203.0.113.7:40555")])
    assert info.ipv4_mapping == Mapping.SAME
    assert info.ipv4_addresses == ("203.0.113.7",)
    assert info.servers_answered == 2
    assert not info.ipv6


def test_address_that_varies_by_destination() -> None:
    info = nat_info([_stun("a", "203.0.113.7:1"), _stun("b", "203.0.113.9:2"),
                     _stun("c", "203.0.113.7:3")])
    assert info.ipv4_mapping == Mapping.VARIES
    assert info.ipv4_addresses == ("203.0.113.7", "203.0.113.9")


def test_one_answer_or_failures_tell_nothing_about_mapping() -> None:
    info = nat_info([_stun("a", "203.0.113.7:1"), _stun("b", None, ok=False)])
    assert info.ipv4_mapping == Mapping.UNKNOWN
    assert info.servers_answered == 1


def test_ipv6_answers_are_reported_separately() -> None:
    info = nat_info([_stun("a", "[2001:db8::5]:5000"), _stun("b", "203.0.113.7:1")])
    assert info.ipv6 and info.ipv6_addresses == ("2001:db8::5",)
    assert info.ipv4_mapping == Mapping.UNKNOWN


def test_malformed_addresses_are_ignored() -> None:
    assert split_host_port("nonsense") is None
    assert split_host_port("example.org:80") is None
    assert split_host_port("[2001:db8::1]:9") == ("2001:db8::1", 9)
    assert nat_info([_stun("a", "garbage")]).servers_answered == 0
