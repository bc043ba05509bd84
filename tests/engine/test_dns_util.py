"""Bogon list, the fake-IP proxy range, ordinary ranges and the trusted-DNS comparison."""

from __future__ import annotations

import ipaddress

import pytest

from app.engine.dns_util import (
    FLAG_BOGON,
    FLAG_DIFFERS,
    FLAG_FAKE_IP,
    is_bogon,
    is_fake_ip,
    is_ip_literal,
    judge_answers,
)

LAB = (ipaddress.ip_network("198.18.0.0/15"),)


@pytest.mark.parametrize("address", [
    "10.10.34.34", "127.0.0.1", "0.0.0.0", "192.168.1.1", "172.16.5.5", "100.64.0.1",
    "169.254.1.1", "224.0.0.1", "255.255.255.255", "198.18.0.1", "::1", "fe80::1",
    "fd00::1", "2001:db8::1", "::ffff:10.0.0.1", "2002:0a00:0001::1", "not-an-address",
])
def test_bogons(address: str) -> None:
    assert is_bogon(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "149.154.167.51", "2606:4700::1111",
                                     "198.20.0.1", "2002:5db8:d70e::1"])
def test_public_addresses_are_not_bogons(address: str) -> None:
    assert not is_bogon(address)


def test_ordinary_ranges_lift_the_bogon_mark() -> None:
    assert is_bogon("198.18.0.10")
    assert not is_bogon("198.18.0.10", LAB)
    assert is_bogon("10.0.0.1", LAB)


def test_fake_ip_range_only_when_not_declared_ordinary() -> None:
    assert is_fake_ip("198.19.255.1")
    assert not is_fake_ip("198.19.255.1", LAB)
    assert not is_fake_ip("10.0.0.1")


def test_fake_ip_answer_is_a_proxy_not_tampering() -> None:
    judged = judge_answers(("198.18.0.7",), ("93.184.215.14",))
    assert judged.flags == (FLAG_FAKE_IP,)
    assert not judged.all_bogon


def test_lab_catalog_answers_in_198_18_are_ordinary() -> None:
    judged = judge_answers(("198.18.1.10",), ("198.18.1.10",), LAB)
    assert judged.flags == ()
    assert not judged.all_bogon


def test_bogon_only_answer_is_unusable() -> None:
    judged = judge_answers(("10.10.34.34",), ("93.184.215.14",))
    assert judged.all_bogon
    assert FLAG_BOGON in judged.flags and FLAG_DIFFERS in judged.flags


def test_mixed_answer_is_flagged_but_usable() -> None:
    judged = judge_answers(("10.10.34.34", "93.184.215.14"), None)
    assert judged.flags == (FLAG_BOGON,)
    assert not judged.all_bogon


def test_differs_only_when_disjoint_from_trusted() -> None:
    assert judge_answers(("1.2.3.4", "5.6.7.8"), ("5.6.7.8",)).flags == ()
    assert judge_answers(("1.2.3.4",), ("5.6.7.8",)).flags == (FLAG_DIFFERS,)
    assert judge_answers(("1.2.3.4",), None).flags == ()  # no trusted answer: no comparison


def test_ip_literals() -> None:
    assert is_ip_literal("149.154.167.51") and is_ip_literal("[2001:db8::1]")
    assert not is_ip_literal("web.telegram.org")
