"""English left in a Russian text: which Latin words a Russian rendering may contain (and a
capital after a dash, the other slip the glossary names).

Why: the glossary allows no bare English in the Russian interface — table headers, feature
names, check names, phases and units are all translated. Only names stay Latin (WhatsApp,
Telegram, Wi-Fi, VPN…), and in Details (and the ``.details`` texts support staff read) the
glossary's technical words too. ``check_translations`` runs ``latin_words`` over every Russian
text and over every page of the window drawn in Russian (app/ui/selftest_pages.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Names people know in Latin letters, and keyboard keys and file formats named as they are
# printed; allowed everywhere.
NAMES: frozenset[str] = frozenset({
    "WhatsApp", "Telegram", "Signal", "Google", "OpenStreetMap", "OsmAnd", "Organic", "Maps",
    "Mapbox", "Apple", "VK", "Android", "iPhone", "Wi-Fi", "VPN", "GPS", "Enter", "Ctrl",
    "C", "PDF", "HTML", "JSON",
    # operating systems, named where the steps differ between them
    "Windows", "macOS", "Linux",
    # «Язык · Language» and the language's own name: found by those who need them
    "Language", "English",
})

# The glossary's technical words: allowed in Details and in texts made for support staff.
TECHNICAL: frozenset[str] = frozenset({
    "DNS", "DoH", "DNS-over-HTTPS", "TCP", "TLS", "UDP", "STUN", "TURN", "SNI", "DPI", "NAT",
    "RST", "HTTP", "HTTPS", "IP", "NXDOMAIN", "bogon", "ClientHello", "binding", "EOF",
    "MTProto", "fake-IP", "Clash", "sing-box", "PROXY", "ALL", "captive", "portal", "HTTP/1.1",
})

# A host name, an address, a URL or an identifier (failure ids like connection_reset) is data,
# not a word of the interface.
_DATA = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://\S+)"  # URL
    r"|(?:\b[\w-]+(?:\.[\w-]+)+\b)"  # host name (ya.ru), dotted id, version
    r"|(?:\.[a-z]{2,4}\b)"  # a file extension (.pdf)
    r"|(?:\b[\w-]*\d[\w-]*\b)"  # anything with a digit: a code, a size, a port
    r"|(?:\{[^{}]*\})"  # a {placeholder}
)
_IDENTIFIER = re.compile(r"\b\w*_\w*\b")  # connection_reset: a failure id (Details)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’]*(?:-[A-Za-z0-9]+)*")


def latin_words(text: str, allowed: Iterable[str] = (), *, details: bool = False) -> list[str]:
    """Latin words in ``text`` that are neither names nor (with ``details``) technical
    words nor in ``allowed``; hosts, URLs and identifiers are skipped in Details only."""
    ok = set(NAMES) | set(allowed)
    if details:
        ok |= TECHNICAL
    text = _DATA.sub(" ", text)
    if details:
        text = _IDENTIFIER.sub(" ", text)
    return [w for w in _WORD.findall(text) if w not in ok and w.rstrip("-") not in ok]


def is_details_key(key: str) -> bool:
    """Texts support staff read: a cause's details, check labels, phases and timing steps."""
    return key.endswith(".details") or key.startswith(
        ("details.", "check.", "phase.", "timing.", "service_name.stun_servers"))


# After a dash or a colon, a lower-case letter: «Звонки — с перебоями», never «— Работает».
_AFTER_DASH = re.compile(r"(?:—|:)\s+([А-ЯЁ][а-яё]+)")
# Words that start a verdict or a status: a capital one after a dash glued two messages.
VERDICT_STARTS: frozenset[str] = frozenset({
    "Работает", "Работают", "Заблокировано", "Заблокированы", "Блокировка", "Не", "Нет",
    "Неясно", "Есть", "Проблемы",
})


def capital_after_dash(text: str) -> list[str]:
    """Verdict words written with a capital after a dash or colon («Звонки — Работает»)."""
    return [w for w in _AFTER_DASH.findall(text) if w in VERDICT_STARTS]
