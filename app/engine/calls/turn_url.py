"""TURN server URLs: the catalog's ``turn:HOST:PORT?transport=udp`` and the CLI's
``turn:USER:PASS@HOST:PORT`` (RFC 7065 syntax, plus user info for the command line).

Why our own parser: aiortc silently skips a URL it does not like; a support person typing a
``--turn`` address needs a precise error instead.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

_TURN_RE = re.compile(
    r"^(?P<scheme>turns?):(?:(?P<user>[^:@/?]*):(?P<password>[^@/?]*)@)?"
    r"(?P<host>\[[0-9A-Fa-f:.]+\]|[^:?/@\[\]]+)(?::(?P<port>\d{1,5}))?"
    r"(?:\?transport=(?P<transport>udp|tcp))?$"
)


class TurnUrlError(ValueError):
    """A TURN URL we cannot use; ``str()`` says why in one line."""


@dataclass(frozen=True)
class TurnUrl:
    scheme: str  # turn | turns (TLS)
    host: str  # without brackets
    port: int
    transport: str  # udp | tcp
    username: str = ""
    credential: str = field(default="", repr=False)

    @property
    def url(self) -> str:
        """The URL without credentials, as aiortc and reports want it."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}:{host}:{self.port}?transport={self.transport}"

    @property
    def label(self) -> str:
        """How Details names this path: "TURN over UDP", "TURN over TLS"."""
        if self.scheme == "turns":
            return "TURN over TLS"
        return f"TURN over {self.transport.upper()}"


def parse_turn_url(text: str) -> TurnUrl:
    match = _TURN_RE.match(text.strip())
    if not match:
        raise TurnUrlError(
            f"not a TURN URL: {text!r} (expected turn:HOST:PORT?transport=udp|tcp, "
            "turns:HOST:PORT, or turn:USER:PASS@HOST:PORT)")
    scheme = match["scheme"]
    host = match["host"].strip("[]")
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise TurnUrlError(f"bad IPv6 address in TURN URL: {text!r}") from None
    port = int(match["port"]) if match["port"] else (5349 if scheme == "turns" else 3478)
    if not 1 <= port <= 65535:
        raise TurnUrlError(f"bad port in TURN URL: {text!r}")
    transport = match["transport"] or ("tcp" if scheme == "turns" else "udp")
    if scheme == "turns" and transport != "tcp":
        raise TurnUrlError(f"TURN over TLS runs over TCP only: {text!r}")
    return TurnUrl(scheme, host, port, transport, unquote(match["user"] or ""),
                   unquote(match["password"] or ""))
