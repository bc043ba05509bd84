"""What in a report could identify the user, and scrubbing it out.

Why a module of its own: reports are pasted into chats and sent to strangers. By default no
report may contain this computer's own addresses, the public address a STUN server saw (the
user's public IP), the computer's name or the user's name. The writers leave those facts out
on purpose; :func:`scrub` is the safety net for the places where they slip in by accident —
raw error texts ("bind to 192.168.1.5 failed", "/home/anna/…"), kind-specific facts.

The addresses of the services' servers stay: they are public and are the evidence support
needs (e.g. DNS answers that point somewhere else).
"""

from __future__ import annotations

import getpass
import ipaddress
import os
import re
import socket
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from app.core.facts import facts_to_dict
from app.core.printable import printable
from app.core.run import RunResult

HIDDEN = "[hidden]"
# Keys of an observation's facts (its ``extra`` in the JSON) whose values identify the user.
IDENTIFYING_EXTRA: frozenset[str] = frozenset(
    {"mapped_address", "local_address", "mapped_addresses", "local_addresses"}
)
_MIN_NAME = 2  # one-letter names would scrub ordinary words


def _flatten(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in _flatten(v)]
    if isinstance(value, Iterable):
        return [s for v in value for s in _flatten(v)]
    return []


def _bare_address(text: str) -> str | None:
    """"203.0.113.7:3478" / "[2001:db8::1]:3478" / "fe80::1%eth0" -> the IP; None if not one."""
    candidate = text.strip()
    if candidate.startswith("[") and "]" in candidate:
        candidate = candidate[1 : candidate.index("]")]
    elif candidate.count(":") == 1:
        candidate = candidate.split(":", 1)[0]
    candidate = candidate.split("%", 1)[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def public_addresses(run: RunResult) -> list[str]:
    """The user's public address(es) as servers saw them (STUN's mapped address), in order."""
    found: list[str] = []
    for obs in run.observations:
        for key in ("mapped_address", "mapped_addresses"):
            for text in _flatten(facts_to_dict(obs.facts).get(key)):
                address = _bare_address(text) or text
                if address and address not in found:
                    found.append(address)
    return found


def run_identifiers(run: RunResult) -> set[str]:
    """Addresses in ``run`` that belong to the user: interface addresses and what STUN saw."""
    found: set[str] = set()
    for interface in run.interfaces.interfaces:
        found.update(interface.addresses)
    for obs in run.observations:
        for key in IDENTIFYING_EXTRA:
            for text in _flatten(facts_to_dict(obs.facts).get(key)):
                found.add(text)
                bare = _bare_address(text)
                if bare:
                    found.add(bare)
    return {f for f in found if f}


def hostname() -> str:
    try:
        return socket.gethostname()
    except OSError:
        return ""


def user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError, ImportError):  # no passwd entry, no USER variable
        return ""


def machine_identifiers() -> set[str]:
    """This computer's name (and its first label), the user name, the home folder and the
    addresses of the network adapters right now (a run may have missed an adapter)."""
    found: set[str] = set()
    host = hostname()
    if host:
        found.update({host, host.split(".", 1)[0]})
    for name in (user_name(), os.environ.get("USER", ""), os.environ.get("USERNAME", "")):
        if name:
            found.add(name)
    home = str(Path.home())
    if home not in ("", "/"):
        found.add(home)
    found.update(_local_addresses())
    return {f for f in found if len(f) >= _MIN_NAME}


def _local_addresses() -> set[str]:
    """Every address of this computer's adapters right now (psutil; read here, not through the
    engine: a report never measures anything). Empty when they cannot be read — the run's own
    snapshot still counts."""
    try:
        import psutil

        return {entry.address.split("%", 1)[0] for entries in psutil.net_if_addrs().values()
                for entry in entries if entry.family.name in ("AF_INET", "AF_INET6")}
    except Exception:
        return set()


def identifiers(run: RunResult) -> set[str]:
    """Everything :func:`scrub` must remove from a report about ``run``."""
    return run_identifiers(run) | machine_identifiers()


def _pattern(items: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for every identifier, longest first, never matching inside a longer token:
    ``10.0.0.1`` must not eat the start of ``10.0.0.12``, ``max`` must not eat ``max_bytes``."""
    words = sorted({i for i in items if len(i) >= _MIN_NAME}, key=len, reverse=True)
    if not words:
        return None
    body = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![\w.:-])(?:{body})(?![\w:-]|\.\d)", re.IGNORECASE)


class Scrubber:
    """Replaces the user's identifiers in texts; build it once per report."""

    def __init__(self, items: Iterable[str]) -> None:
        self.items = frozenset(items)
        self._pattern = _pattern(self.items)

    def text(self, value: str) -> str:
        value = printable(value)  # a server's answer may carry terminal control sequences
        if self._pattern is None or not value:
            return value
        return self._pattern.sub(HIDDEN, value)

    def data(self, value: Any) -> Any:
        """The same structure (dicts, lists, tuples) with every string scrubbed, keys too."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self.data(k): self.data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value


class _NoScrub(Scrubber):
    def __init__(self) -> None:
        super().__init__(())


def scrubber(run: RunResult, include_identifiers: bool) -> Scrubber:
    """A scrubber for ``run``; one that changes nothing when the user asked for identifiers."""
    if include_identifiers:
        return _NoScrub()
    return Scrubber(identifiers(run))


def scrub(text: str, run: RunResult) -> str:
    """``text`` without anything that identifies the user (see :func:`identifiers`)."""
    return Scrubber(identifiers(run)).text(text)
