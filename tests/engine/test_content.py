"""What a 2xx answer must be (docs/catalog.md "Content"): magic bytes first, Content-Type second."""

from __future__ import annotations

import pytest

from app.engine.content import detect, mismatch

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF"
HTML = b"  <!DOCTYPE html><html><body>blocked</body></html>"


@pytest.mark.parametrize(("prefix", "kind"), [
    (PNG, "png"), (JPEG, "jpeg"), (b"GIF89a..", "gif"), (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
    (b"\x1f\x8b\x08\x00", "gzip"), (HTML, "html"), (b'\n {"a": 1}', "json"), (b"lab lab", None),
])
def test_detect(prefix: bytes, kind: str | None) -> None:
    assert detect(prefix) == kind


@pytest.mark.parametrize(("expected", "prefix", "ctype"), [
    ("png", PNG, "text/html"),  # the bytes win over a wrong header
    ("image", JPEG, ""),
    ("image", b"\x00\x01odd", "image/avif"),  # no signature we know: the header decides
    ("pbf", b"\x1f\x8b\x08", "application/octet-stream"),
    ("pbf", b"\x1a\x05water", "application/vnd.mapbox-vector-tile"),
    ("json", b"[1, 2]", "text/plain"),
    ("json", b"1", "application/geo+json"),
    ("html", b"lab lab lab", "text/html; charset=utf-8"),
    ("any", b"whatever", ""),
    ("html", b"", "text/html"),  # HEAD: the header alone
    ("", b"", ""),
])
def test_what_fits(expected: str, prefix: bytes, ctype: str) -> None:
    assert mismatch(expected, prefix, {"content-type": ctype}) is None


@pytest.mark.parametrize(("expected", "prefix", "ctype", "instead"), [
    ("png", HTML, "image/png", "html"),  # a block page sent as an "image"
    ("image", b"\x8f\x13random bytes", "application/octet-stream", "application/octet-stream"),
    ("image", b"\x8f\x13random bytes", "", "unknown bytes"),
    ("pbf", HTML, "application/x-protobuf", "html"),
    ("json", HTML, "application/json", "html"),
    ("png", b"", "text/plain", "nothing"),
    ("html", PNG, "text/html", "png"),
])
def test_what_does_not(expected: str, prefix: bytes, ctype: str, instead: str) -> None:
    assert mismatch(expected, prefix, {"content-type": ctype}) == instead
