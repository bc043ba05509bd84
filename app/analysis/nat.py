"""What the STUN answers say about this network's address translation (NAT). Details only:
never a verdict, never a cause — support staff read it, users do not.

Each STUN check uses its own socket, so only the *public address* can be compared across
servers, not the port. One public IPv4 address for every server is the common case (home
router, most mobile networks); several addresses for different servers means the carrier's
NAT picks the address per destination ("varies by destination"), which breaks the
peer-to-peer path of calls and forces them through relays (calls-dpi.md §1.6, §1.1).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.core.facts import StunFacts
from app.core.model import Kind, Observation


class Mapping(StrEnum):
    SAME = "same_for_all"  # every server saw the same public address
    VARIES = "varies_by_destination"  # servers saw different public addresses
    UNKNOWN = "unknown"  # fewer than two servers answered


@dataclass(frozen=True)
class NatInfo:
    ipv4_addresses: tuple[str, ...]  # distinct public IPv4 addresses, in first-seen order
    ipv6_addresses: tuple[str, ...]
    ipv4_mapping: Mapping
    servers_answered: int

    @property
    def ipv6(self) -> bool:
        """An IPv6 STUN answer came back: calls may also use IPv6."""
        return bool(self.ipv6_addresses)


def split_host_port(text: str) -> tuple[str, int] | None:
    """``"1.2.3.4:5"`` or ``"[2001:db8::1]:5"`` -> (host, port); None if malformed."""
    if text.startswith("["):
        host, sep, port = text[1:].partition("]:")
    else:
        host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        return None
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return None
    return host, int(port)


def nat_info(observations: Sequence[Observation]) -> NatInfo:
    """From every successful STUN observation that carries the address the server saw."""
    v4: list[str] = []
    v6: list[str] = []
    v4_answers = 0
    answered = 0
    for obs in observations:
        if obs.kind != Kind.STUN or not obs.ok or not isinstance(obs.facts, StunFacts):
            continue
        parsed = split_host_port(obs.facts.mapped_address or "")
        if parsed is None:
            continue
        answered += 1
        host = parsed[0]
        if ipaddress.ip_address(host).version == 4:
            v4_answers += 1
            if host not in v4:
                v4.append(host)
        elif host not in v6:
            v6.append(host)
    if v4_answers < 2:
        mapping = Mapping.UNKNOWN
    else:
        mapping = Mapping.SAME if len(v4) == 1 else Mapping.VARIES
    return NatInfo(tuple(v4), tuple(v6), mapping, answered)
