"""What a person can do: workaround texts, which situations offer which, and their order.

Why the order is global: when one result offers advice for its verdict and for several causes,
the list is merged, de-duplicated and sorted by ``keys.WORKAROUND_IDS`` (easiest first), so the
same advice always sits in the same place whatever produced it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.analysis.model import CauseId
from app.i18n import Translator
from app.knowledge import keys


@dataclass(frozen=True)
class Workaround:
    key: str  # stable id, e.g. "calls.voice_messages" (the JSON report lists these)
    title: str
    steps: tuple[str, ...]


# Offline maps: the apps whose own download works from any network, easiest first.
OFFLINE_MAPS: tuple[str, ...] = (
    "maps.offline.yandex",
    "maps.offline.2gis",
    "maps.offline.google",
    "maps.offline.organic",
    "maps.offline.osmand",
)

# Advice a cause adds wherever it appears (network or feature).
BY_CAUSE: dict[CauseId, tuple[str, ...]] = {
    CauseId.OFFLINE: ("network.check_connection",),
    CauseId.CAPTIVE_PORTAL: ("network.login_page",),
    CauseId.WHITELIST_ONLY: ("network.use_wifi", "network.allowed_services"),
    CauseId.DNS_TAMPERING: ("any.other_network", "any.vpn"),
    CauseId.IP_BLOCKING: ("any.other_network", "any.vpn"),
    CauseId.SNI_FILTERING: ("any.other_network", "any.vpn"),
    CauseId.TLS_INTERCEPTION: ("any.other_network",),
    CauseId.UDP_BLOCKED: ("any.other_network",),
    CauseId.STUN_BLOCKED: ("any.other_network",),
    CauseId.CALL_CUTOFF: ("any.other_network",),
    CauseId.THROTTLED: ("any.other_network",),
    CauseId.TRANSFER_FREEZE: ("any.other_network",),
    CauseId.CONNECTION_FAILURES: ("any.check_again",),
    CauseId.POOR_CALL_QUALITY: ("calls.turn_off_video", "any.other_network"),
    CauseId.RELAY_TCP_ONLY: ("calls.turn_off_video",),
    CauseId.CALL_TRAFFIC_FILTERED: ("any.other_network",),
    CauseId.LOCAL_PROXY: ("any.turn_off_proxy",),
    CauseId.VPN_ACTIVE: ("any.turn_off_vpn",),
    CauseId.SYSTEM_PROXY: ("any.app_without_proxy",),  # the checks already went around it
    CauseId.DNS_FAILURE: ("network.restart_router", "any.other_network", "network.public_dns"),
    CauseId.NETWORK_CHANGED: ("any.check_again",),
    CauseId.UNEXPECTED_CONTENT: ("any.check_again", "any.other_network"),
}

# Steps that apply to everything: a screen says them once, under all the features.
COMMON: tuple[str, ...] = ("any.check_again", "any.other_network")

# Advice that already says another: once it is on a screen, the other is not said again
# («Подключитесь к Wi-Fi вместо мобильного интернета» IS «попробуйте другую сеть»).
ALSO_SAYS: dict[str, tuple[str, ...]] = {
    "network.use_wifi": ("any.other_network",),
}


def said_by(ids: Iterable[str]) -> set[str]:
    """The advice a screen has given once it shows ``ids``: those, and what they also say."""
    said = set(ids)
    return said | {other for wid in said for other in ALSO_SAYS.get(wid, ())}

# Which advice a card leads with when it offers several (the rest, in WORKAROUND_IDS order,
# are behind "More"): what replaces the blocked thing directly comes before a general fix.
PRIMARY_FIRST: tuple[str, ...] = (
    "any.turn_off_vpn", "any.turn_off_proxy", "network.login_page", "network.check_connection",
    "calls.other_app", "calls.phone_call", "calls.voice_messages",
    "messages.other_app", "messages.proxy.telegram", "messages.proxy.whatsapp",
    "messages.proxy.signal", "messages.sms",
    "maps.working_app", "maps.use_offline", "maps.offline.yandex", "maps.offline.2gis",
)

# Advice that only makes sense for one feature; a cause's advice for another is dropped.
_FEATURE_ONLY = {"calls.": "calls", "messages.": "messages", "maps.": "maps"}


def fits_feature(workaround_id: str, feature: str | None) -> bool:
    """Call advice belongs to calls, map advice to maps; network and "any." advice fit all."""
    for prefix, owner in _FEATURE_ONLY.items():
        if workaround_id.startswith(prefix):
            return feature == owner
    return True


def ordered(ids: Iterable[str], lead: Iterable[str] = ()) -> list[str]:
    """De-duplicated, easiest first (the order of ``keys.WORKAROUND_IDS``). ``lead`` ids, when
    offered, come first: after an unclear result, checking again is the obvious first step."""
    rank = {wid: i for i, wid in enumerate(keys.WORKAROUND_IDS)}
    unique = list(dict.fromkeys(ids))
    unknown = [wid for wid in unique if wid not in rank]
    if unknown:
        raise KeyError(f"unknown workaround id(s): {', '.join(unknown)}")
    first = [wid for wid in dict.fromkeys(lead) if wid in unique]
    return first + sorted((w for w in unique if w not in first), key=rank.__getitem__)


def build(workaround_id: str, tr: Translator, **fields: Any) -> Workaround:
    """The workaround's title and numbered steps in the translator's language."""
    title = tr.format(keys.workaround_title(workaround_id), **fields)
    text = tr.format(keys.workaround_steps(workaround_id), **fields)
    steps = tuple(line.strip() for line in text.split("\n") if line.strip())
    return Workaround(key=workaround_id, title=title, steps=steps)
