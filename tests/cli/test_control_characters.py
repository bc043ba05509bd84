"""Terminal control characters from a catalog never reach the terminal or a report raw
(issue 18: 11): a service name that would change the terminal's title, clear the screen or
reverse the text is shown as visible escapes, on stdout, stderr, and in .txt/.html/.json."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from app.core.printable import printable
from tests.cli.test_cli import conncheck

EVIL = "Evil\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eppA"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def _toml(text: str) -> str:
    """A TOML string literal: TOML itself wants control characters written as escapes."""
    return '"' + "".join(f"\\u{ord(c):04X}" if not c.isprintable() else c for c in text) + '"'


def _closed_port() -> int:
    with socket.socket() as probe:  # bound, never listening: a connection is refused at once
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_printable_escapes_every_control_character() -> None:
    assert printable(EVIL) == "Evil\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202eppA"
    assert printable("Звонки — WhatsApp\tok") == "Звонки — WhatsApp\\x09ok"
    assert printable("plain") == "plain"


@pytest.mark.parametrize("suffix", ["txt", "html", "json"])
def test_a_hostile_service_name_reaches_no_output_raw(tmp_path: Path, suffix: str) -> None:
    """Before: the name went raw to stderr and to the .txt report."""
    port = _closed_port()
    catalog = tmp_path / "evil.toml"
    name, service = _toml("evil\x1b[2J"), _toml(EVIL)
    catalog.write_text(
        f'[catalog]\nschema = 1\nname = {name}\nversion = "1"\ntimeout_s = 1\n'
        'deadline_s = 8\nordinary_ranges = ["127.0.0.0/8"]\n'
        + "".join(f'[[check]]\nid = "{ident}"\nservice = {service}\nfeature = "{feature}"\n'
                  f'kind = "tcp"\nip = "127.0.0.1"\nport = {port}\n'
                  for ident, feature in (("m", "messages"), ("c", "calls"), ("p", "maps"))),
        encoding="utf-8")
    report = tmp_path / f"out.{suffix}"
    result = conncheck("check", "--catalog", str(catalog), "--lang", "en",
                       "--report", str(report),
                       env={"CONNCHECK_DATA_DIR": str(tmp_path / "data")}, timeout=60)
    assert report.exists(), result.stderr[-600:]
    written = report.read_text(encoding="utf-8")
    assert "Evil" in result.stdout + result.stderr and "Evil" in written
    for text in (result.stdout, result.stderr, written):
        assert not any(c in text for c in RAW), [c for c in RAW if c in text]
