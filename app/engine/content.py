"""Is a 2xx answer what the service sends? Magic bytes first, Content-Type second. Pure.

A tile server that answers 200 with an HTML page, or with an endless stream of unrelated bytes,
is reached but not working: a map app would show nothing (docs/catalog.md "Content"). The
judgement uses only what was read (``body_prefix``, at most the entry's ``max_bytes``).
"""

from __future__ import annotations

from collections.abc import Mapping

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"\x1f\x8b", "gzip"),
)
# What each expectation accepts when the bytes say what they are …
_ACCEPTS: Mapping[str, frozenset[str]] = {
    "png": frozenset({"png"}),
    "jpeg": frozenset({"jpeg"}),
    "image": frozenset({"png", "jpeg", "gif", "webp"}),
    "pbf": frozenset({"gzip"}),  # vector tiles are protobuf, usually gzip-compressed
    "json": frozenset({"json"}),
    "html": frozenset({"html"}),
}
# … and, when they do not, which Content-Types it accepts (prefixes, or "+json" suffixes).
_TYPES: Mapping[str, tuple[str, ...]] = {
    "png": ("image/png",),
    "jpeg": ("image/jpeg",),
    "image": ("image/",),
    "pbf": ("application/x-protobuf", "application/protobuf",
            "application/vnd.mapbox-vector-tile", "application/octet-stream"),
    "json": ("application/json", "text/json"),
    "html": ("text/html", "application/xhtml+xml"),
}


def detect(prefix: bytes) -> str | None:
    """What the first bytes say the body is: png, jpeg, gif, webp, gzip, html, json; or None."""
    for magic, name in _MAGIC:
        if prefix.startswith(magic):
            return name
    if prefix[:4] == b"RIFF" and prefix[8:12] == b"WEBP":
        return "webp"
    head = prefix[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in head:
        return "html"
    if head[:1] in (b"{", b"["):
        return "json"
    return None


def mismatch(expected: str, prefix: bytes, headers: Mapping[str, str]) -> str | None:
    """None when the body fits ``expected``; else what it looks like instead ("html",
    "text/plain", "nothing"), for the check's details. Without a body (a HEAD request, an
    empty answer) the Content-Type alone decides."""
    if expected in ("", "any"):
        return None
    found = detect(prefix) if prefix else None
    if found is not None:
        return None if found in _ACCEPTS[expected] else found
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if expected == "json" and content_type.endswith("+json"):
        return None
    if content_type and content_type.startswith(_TYPES[expected]):
        return None
    if not prefix:
        return "nothing"
    return content_type or "unknown bytes"
