"""ICE candidates in a session description, cut down to one address — both ends of the
echo test call use it: the echo peer keeps only the caller's address from an offer, the
caller keeps only the echo peer's address from the answer. Nothing else is ever contacted,
whatever the other side writes (docs/security.md §1 and §5).

Everything goes through aiortc's own SDP parser (the one ``setRemoteDescription`` uses) and
is written out again from the parsed form, so a line the parser reads differently from a
pattern (two spaces, a tab, mixed case) cannot slip through.
"""

from __future__ import annotations

import ipaddress

from aiortc import sdp


def same_address(a: str, b: str) -> bool:
    try:
        x, y = ipaddress.ip_address(a.split("%", 1)[0]), ipaddress.ip_address(b.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(x, ipaddress.IPv6Address) and x.ipv4_mapped:
        x = x.ipv4_mapped
    if isinstance(y, ipaddress.IPv6Address) and y.ipv4_mapped:
        y = y.ipv4_mapped
    return x == y


def parse_sdp(text: str) -> sdp.SessionDescription:
    """``text`` through aiortc's own SDP parser (the one ``setRemoteDescription`` uses);
    ValueError for anything it cannot read."""
    try:
        return sdp.SessionDescription.parse(text)
    except (AssertionError, ValueError, KeyError, IndexError, TypeError, StopIteration) as exc:
        raise ValueError(f"not a session description ({type(exc).__name__})") from None


def only_candidates_of(text: str, address: str) -> str:
    """The session description ``text`` parsed by aiortc and written out again, with every
    ICE candidate dropped that is not UDP to ``address`` (for the peer: the address the
    offer came from; for the caller: the echo peer's). Names (mDNS ``.local``) never match.
    Rebuilt from the parsed form, so no line the parser reads differently survives.
    With no candidate left, the far side is found from its own connectivity checks
    (peer-reflexive) and ``end-of-candidates`` is left out so ICE keeps waiting."""
    session = parse_sdp(text)
    for media in session.media:
        dropped = len(media.ice_candidates)
        media.ice_candidates = [c for c in media.ice_candidates
                                if c.protocol.lower() == "udp" and same_address(c.ip, address)]
        dropped -= len(media.ice_candidates)
        if dropped and not media.ice_candidates:
            media.ice_candidates_complete = False
    try:
        return str(session)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a session description ({type(exc).__name__})") from None


def audio_only(session: sdp.SessionDescription) -> None:
    """An echo call is one audio section: anything else (video, data, several sections,
    none) is refused, so no video decoder or data channel is ever set up for a caller."""
    kinds = [m.kind for m in session.media]
    if kinds != ["audio"]:
        raise ValueError(f"an offer needs exactly one audio section, got {kinds or 'none'}")
