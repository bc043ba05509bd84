"""Hostile catalogs refused before they can hang the app (issue 18: 9, 10): size, line
length and entry count checked on the bytes before the TOML parser runs, a linear
duplicate-id check, and `ca` files that must stay in the catalog's folder."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from app.catalog import loader
from app.catalog.call_options import with_call_options
from app.catalog.loader import CatalogError, load_catalog

HEAD = '[catalog]\nschema = 1\nname = "test"\nversion = "1"\n'
ENTRY = ('[[check]]\nid = "{id}"\nservice = "Example"\nfeature = "messages"\n'
         'kind = "tcp"\nhost = "example.net"\nport = 443\n')


def _refused_quickly(path: Path, words: str) -> None:
    started = time.monotonic()
    with pytest.raises(CatalogError) as refused:
        load_catalog(path)
    assert time.monotonic() - started < 0.5
    assert words in str(refused.value)


def test_a_long_dotted_key_is_refused_before_the_toml_parser(tmp_path: Path) -> None:
    """Python's TOML parser is quadratic in a dotted key's parts (20,000 parts: 5 s and
    2.4 GB). 6,000 parts here, so that the old code, which parsed it, stays bounded."""
    path = tmp_path / "dotted.toml"
    path.write_text(HEAD + ENTRY.format(id="a") + "x" + ".x" * 6000 + " = 1\n")
    _refused_quickly(path, "a line of 12005 characters")


def test_a_catalog_too_large_or_with_too_many_entries_is_refused_unparsed(
        tmp_path: Path) -> None:
    """100,000 entries took 423 s of CPU before; now the size alone refuses them."""
    huge = tmp_path / "huge.toml"
    huge.write_text(HEAD + "".join(ENTRY.format(id=f"c{i}") for i in range(100_000)))
    _refused_quickly(huge, "too large")
    many = tmp_path / "many.toml"  # small entries: under the size cap, over the count
    many.write_text(HEAD + "[[check]]\n" * (loader.MAX_CHECKS + 1))
    _refused_quickly(many, f"more than {loader.MAX_CHECKS} [[check]] entries")
    inline = tmp_path / "inline.toml"  # the same as one array, which the byte count misses
    inline.write_text(HEAD.replace("[catalog]", "check = [\n" + "{},\n" * (loader.MAX_CHECKS + 1)
                                   + "]\n[catalog]"))
    _refused_quickly(inline, f"more than {loader.MAX_CHECKS} [[check]] entries")


def test_the_limits_leave_room_for_the_shipped_catalog() -> None:
    shipped = Path(loader.__file__).parents[2] / "resources" / "catalog" / "default.toml"
    raw = shipped.read_bytes()
    assert len(raw) * 4 < loader.MAX_CATALOG_BYTES
    assert max(map(len, raw.splitlines())) * 3 < loader.MAX_LINE_CHARS
    assert raw.count(b"[[check]]") * 10 < loader.MAX_CHECKS
    assert load_catalog(shipped).checks


def test_the_duplicate_id_check_is_linear(tmp_path: Path) -> None:
    """Before: ``ids.count`` for every id — O(n²); 10,000 checks took seconds."""
    path = tmp_path / "one.toml"
    path.write_text(HEAD + ENTRY.format(id="only"))
    one = load_catalog(path)
    many = replace(one, checks=tuple(replace(one.checks[0], id=f"c{i}") for i in range(10_000)))
    started = time.monotonic()
    merged = with_call_options(many, echo_peer="http://127.0.0.1:8765")
    assert time.monotonic() - started < 0.5
    assert len(merged.checks) == 10_004


@pytest.mark.parametrize("ca", ["/etc/passwd", "../../../../etc/hostname", "../outside.pem",
                                "sub/../../outside.pem", "link.pem"])
def test_ca_must_be_inside_the_catalogs_folder(tmp_path: Path, ca: str) -> None:
    """Before: `ca = "/etc/passwd"` and `"../../../../etc/hostname"` loaded."""
    folder = tmp_path / "catalog"
    (folder / "sub").mkdir(parents=True)
    (tmp_path / "outside.pem").write_text("not a CA, but outside\n")
    (folder / "link.pem").symlink_to(tmp_path / "outside.pem")
    path = folder / "c.toml"
    path.write_text(HEAD + ENTRY.format(id="a").replace(
        'kind = "tcp"\nhost = "example.net"\nport = 443\n',
        f'kind = "tls"\nhost = "example.net"\nport = 443\nca = "{ca}"\n'))
    with pytest.raises(CatalogError) as refused:
        load_catalog(path)
    assert "must be next to the catalog" in str(refused.value)


def test_ca_next_to_the_catalog_or_below_it_is_fine(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("own.pem", "sub/own.pem"):
        (tmp_path / name).write_text("-----BEGIN CERTIFICATE-----\n")
        path = tmp_path / "c.toml"
        path.write_text(HEAD + ENTRY.format(id="a").replace(
            'kind = "tcp"\nhost = "example.net"\nport = 443\n',
            f'kind = "tls"\nhost = "example.net"\nport = 443\nca = "{name}"\n'))
        assert load_catalog(path).checks[0].ca_file == str((tmp_path / name).resolve())
