"""Signed catalog updates without a network: the signature, every acceptance rule, the store,
and which catalog a run uses (app/catalog/update.py, app/session.py). The downloads
themselves: tests/engine/test_fetch_update.py (loopback) and tests/lab/test_update_lab.py."""

from __future__ import annotations

import asyncio
import re
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from app.catalog import update as U
from app.catalog.loader import load_catalog
from app.paths import default_catalog_path
from app.session import Options, catalog_in_use, prepare

KEYS = Path(__file__).parent / "update_keys"
SHIPPED = default_catalog_path()
URL = "https://mirror.example/catalog/default.toml"


def signing_key() -> U.Ed25519PrivateKey:
    return U.load_private_key((KEYS / "test.key").read_text())


TEST_PUB = U.parse_public_keys((KEYS / "test.pub").read_text())


def shipped_text(version: str = "2026.12.01") -> str:
    text = SHIPPED.read_text(encoding="utf-8")
    return re.sub(r'(?m)^version = ".*"$', f'version = "{version}"', text, count=1)


def publish(text: str, *, version: str | None = None,
            extra: Mapping[str, bytes] | None = None,
            key: U.Ed25519PrivateKey | None = None) -> dict[str, bytes]:
    """The files a mirror serves for a catalog text (signed as ``version``)."""
    ca = (SHIPPED.parent / "signal-ca.pem").read_bytes()
    files = [("default.toml", text.encode("utf-8")), ("signal-ca.pem", ca)]
    files += list((extra or {}).items())
    if version is None:
        found = re.search(r'(?m)^version = "(.*)"$', text)
        assert found
        version = found.group(1)
    sig = U.sign(version, files, key or signing_key())
    return {**dict(files), "default.toml.sig": sig}


def mirror(served: Mapping[str, Mapping[str, bytes]]) -> Callable[..., object]:
    """A fetch that serves ``{base url: {file: bytes}}`` and records what was asked."""
    asked: list[str] = []

    async def fetch(url: str, max_bytes: int, timeout_s: float) -> bytes:
        asked.append(url)
        base, _, name = url.rpartition("/")
        try:
            body = served[base][name]
        except KeyError:
            raise U.UpdateRefused("HTTP 404") from None
        if len(body) > max_bytes:
            raise OSError(f"too large: over the cap of {max_bytes} bytes")
        return body

    fetch.asked = asked  # type: ignore[attr-defined]
    return fetch


def run_update(tmp_path: Path, served: Mapping[str, Mapping[str, bytes]],
               urls: tuple[str, ...] = (URL,), current: str = "2026.11.23") -> U.UpdateResult:
    return asyncio.run(U.update(urls, current, mirror(served), name="default", keys=TEST_PUB,
                                data=tmp_path))


BASE = URL.rpartition("/")[0]


# ------------------------------------------------------------------------------ signature


def test_a_good_update_is_verified_taken_and_kept_privately(tmp_path: Path) -> None:
    result = run_update(tmp_path, {BASE: publish(shipped_text())})
    assert result.status == U.Status.UPDATED and result.version == "2026.12.01"
    kept = U.stored_catalog(TEST_PUB, tmp_path, newer_than="2026.11.23")
    assert kept is not None and kept.version == "2026.12.01"
    assert len(kept.checks) == len(load_catalog(SHIPPED).checks)
    store = U.store_dir(tmp_path)
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    for path in store.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    assert not list(store.rglob("*.part"))


def test_one_changed_byte_or_another_key_is_refused(tmp_path: Path) -> None:
    files = publish(shipped_text())
    tampered = {**files, "default.toml": files["default.toml"].replace(b"e1.whatsapp.net",
                                                                        b"e1.whatsapp.nex")}
    result = run_update(tmp_path, {BASE: tampered})
    assert result.status == U.Status.FAILED
    assert "differs from the signed file" in result.details[0]
    other = U.Ed25519PrivateKey.generate()
    result = run_update(tmp_path, {BASE: publish(shipped_text(), key=other)})
    assert result.status == U.Status.FAILED and "bad signature" in result.details[0]
    ca = {**files, "signal-ca.pem": files["signal-ca.pem"].replace(b"-----END", b"-----end")}
    assert "signal-ca.pem differs" in run_update(tmp_path, {BASE: ca}).details[0]
    assert U.stored_catalog(TEST_PUB, tmp_path) is None


def test_the_signature_is_checked_before_anything_else_is_downloaded(tmp_path: Path) -> None:
    other = U.Ed25519PrivateKey.generate()
    fetch = mirror({BASE: publish(shipped_text(), key=other)})
    asyncio.run(U.update((URL,), "2026.11.23", fetch, keys=TEST_PUB, data=tmp_path))
    assert fetch.asked == [URL + ".sig"]  # type: ignore[attr-defined]


def test_the_builtin_key_is_not_the_test_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(U.ENV_KEY, raising=False)
    builtin = {U.key_id(k) for k in U.builtin_keys()}
    assert builtin and builtin.isdisjoint({U.key_id(k) for k in TEST_PUB})


@pytest.mark.parametrize("sig", [b"", b"garbage", b"signature !!!\n", b"x" * 5000,
                                 b"conncheck catalog signature 1\nsignature AAAA\n"])
def test_a_malformed_signature_file_is_refused_in_one_line(sig: bytes) -> None:
    with pytest.raises(U.UpdateRefused) as caught:
        U.verify_signature(sig, TEST_PUB)
    assert "\n" not in str(caught.value)


# ---------------------------------------------------------------------------------- rules


def test_the_same_or_an_older_version_changes_nothing(tmp_path: Path) -> None:
    same = run_update(tmp_path, {BASE: publish(shipped_text("2026.11.23"))})
    older = run_update(tmp_path, {BASE: publish(shipped_text("2026.10.01"))})
    assert same.status == older.status == U.Status.UP_TO_DATE
    assert "not newer" in older.details[0]
    assert U.stored_catalog(TEST_PUB, tmp_path) is None
    run_update(tmp_path, {BASE: publish(shipped_text("2026.12.01"))})
    rollback = run_update(tmp_path, {BASE: publish(shipped_text("2026.11.30"))},
                          current="2026.12.01")
    assert rollback.status == U.Status.UP_TO_DATE
    kept = U.stored_catalog(TEST_PUB, tmp_path)
    assert kept is not None and kept.version == "2026.12.01"


def test_a_version_signed_differently_from_the_file_is_refused(tmp_path: Path) -> None:
    result = run_update(tmp_path, {BASE: publish(shipped_text("2026.12.01"),
                                                 version="2026.12.02")})
    assert result.status == U.Status.FAILED and "signature '2026.12.02'" in result.details[0]


def _bad(text: str, why: str) -> tuple[str, str]:
    return text, why


@pytest.mark.parametrize(("text", "why"), [
    _bad(shipped_text().replace("port = 443\n", "port = 70000\n", 1), "does not load"),
    _bad(shipped_text().replace("concurrency = 64", 'concurrency = 64\nordinary_ranges = '
                                '["198.18.0.0/15"]'), "ordinary_ranges"),
    _bad(shipped_text().replace("concurrency = 64", 'concurrency = 64\nextra_ca = '
                                '"signal-ca.pem"'), "extra_ca"),
    _bad(shipped_text().replace("concurrency = 64", "concurrency = 1"), "does not fit"),
    _bad(shipped_text().replace('ip = "149.154.175.50"', 'ip = "198.19.2.9"'),
         "private or lab address"),
    _bad(shipped_text().replace('ip = "149.154.175.50"', 'ip = "10.10.34.35"'),
         "private or lab address"),
    _bad(shipped_text().replace('name = "default"', 'name = "other"'), "named 'other'"),
], ids=["loader", "lab-ranges", "extra-ca", "deadline", "lab-address", "private-address",
        "another-catalog"])
def test_a_download_that_breaks_a_rule_changes_nothing(tmp_path: Path, text: str,
                                                       why: str) -> None:
    assert text != shipped_text()
    result = run_update(tmp_path, {BASE: publish(text)})
    assert result.status == U.Status.FAILED and why in result.details[0], result.details
    assert U.stored_catalog(TEST_PUB, tmp_path) is None
    assert not [p for p in U.store_dir(tmp_path).iterdir() if p.is_dir()]


def test_too_few_entries_are_refused(tmp_path: Path) -> None:
    text = shipped_text()
    head, _, rest = text.partition("[[check]]")
    few = head + "[[check]]" + "[[check]]".join(rest.split("[[check]]")[:5])
    few = few.split("[[restriction]]")[0]
    result = run_update(tmp_path, {BASE: publish(few)})
    assert result.status == U.Status.FAILED and "entries" in result.details[0]


def test_a_catalog_over_the_cap_is_refused_from_the_signature_alone(tmp_path: Path) -> None:
    big = shipped_text() + "#" * U.MAX_CATALOG_BYTES + "\n"
    fetch = mirror({BASE: publish(big)})
    result = asyncio.run(U.update((URL,), "2026.11.23", fetch, keys=TEST_PUB, data=tmp_path))
    assert result.status == U.Status.FAILED and "over the cap" in result.details[0]
    assert fetch.asked == [URL + ".sig"]  # type: ignore[attr-defined]


def test_a_file_the_catalog_does_not_name_is_refused(tmp_path: Path) -> None:
    result = run_update(tmp_path, {BASE: publish(shipped_text(), extra={"x.pem": b"x"})})
    assert result.status == U.Status.FAILED and "other files" in result.details[0]


def test_a_refused_mirror_is_passed_over_for_the_next(tmp_path: Path) -> None:
    bad = "https://bad.example/c/default.toml"
    good = "https://good.example/c/default.toml"
    other = U.Ed25519PrivateKey.generate()
    result = run_update(tmp_path, {"https://bad.example/c": publish(shipped_text(), key=other),
                                   "https://good.example/c": publish(shipped_text())},
                        urls=(bad, good))
    assert result.status == U.Status.UPDATED
    assert result.details[0].startswith(bad) and "bad signature" in result.details[0]
    assert result.details[1] == f"{good}: took version 2026.12.01"


def test_mirrors_that_never_answer_end_within_the_bounds(tmp_path: Path) -> None:
    async def stall(url: str, max_bytes: int, timeout_s: float) -> bytes:
        await asyncio.sleep(3600)
        return b""

    loop = asyncio.new_event_loop()
    started = loop.time()
    result = loop.run_until_complete(U.update(("https://a.example/default.toml",) * 3,
                                              "2026.11.23", stall, keys=TEST_PUB,
                                              data=tmp_path, per_mirror_s=0.2, total_s=0.5))
    took = loop.time() - started
    loop.close()
    assert result.status == U.Status.FAILED and took < 1.5
    assert "no answer within 0.2 s" in result.details[0]
    assert "longer than 0.5 s" in result.details[-1]


def test_a_catalog_without_sources_never_updates(tmp_path: Path) -> None:
    fetch = mirror({})
    result = asyncio.run(U.update((), "2026.11.23", fetch, keys=TEST_PUB, data=tmp_path))
    assert result.status == U.Status.NO_SOURCES
    assert fetch.asked == []  # type: ignore[attr-defined]


# ------------------------------------------------------------------ the catalog in use


def test_a_kept_update_is_used_and_checked_again_each_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNCHECK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(U.ENV_KEY, str(KEYS / "test.pub"))
    assert catalog_in_use().version == load_catalog(SHIPPED).version
    run_update(tmp_path, {BASE: publish(shipped_text("2099.01.01"))})
    assert catalog_in_use().version == "2099.01.01"
    assert prepare(Options()).version == "2099.01.01"
    own = tmp_path / "mine.toml"
    own.write_text(shipped_text("2000.01.01"), encoding="utf-8")
    (tmp_path / "signal-ca.pem").write_bytes((SHIPPED.parent / "signal-ca.pem").read_bytes())
    assert prepare(Options(catalog=own)).version == "2000.01.01"  # --catalog always wins
    kept = next(p for p in U.store_dir(tmp_path).iterdir() if p.is_dir())
    catalog = kept / "default.toml"
    catalog.write_bytes(catalog.read_bytes().replace(b"e1.whatsapp.net", b"e1.evil.example"))
    assert catalog_in_use().version == load_catalog(SHIPPED).version  # damaged: shipped


def test_a_kept_update_older_than_the_shipped_catalog_is_not_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNCHECK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(U.ENV_KEY, str(KEYS / "test.pub"))
    run_update(tmp_path, {BASE: publish(shipped_text("2026.11.24"))}, current="2026.01.01")
    assert U.stored_catalog(TEST_PUB, tmp_path) is not None
    shipped = load_catalog(SHIPPED).version
    expected = "2026.11.24" if U.is_newer("2026.11.24", shipped) else shipped
    assert catalog_in_use().version == expected
    assert U.stored_catalog(TEST_PUB, tmp_path, newer_than="2026.11.24") is None


def test_the_shipped_catalog_names_https_update_sources_and_passes_the_rules() -> None:
    shipped = load_catalog(SHIPPED)
    assert len(shipped.update_urls) >= 2
    assert all(url.startswith("https://") for url in shipped.update_urls)
    assert U.sanity_problems(shipped) == []
    assert U.is_date_like(shipped.version)


@pytest.mark.parametrize("value", ['"https://a.example/c.toml"', '["http://a.example/c.toml"]',
                                   '["https://a.example/c.toml?id=1"]',
                                   '["https://u:p@a.example/c.toml"]',
                                   '["https://a.example/"]', "[" + '"https://a.example/c.toml",'
                                   * 9 + "]"])
def test_the_loader_refuses_update_sources_that_are_not_https_catalog_urls(
        tmp_path: Path, value: str) -> None:
    from app.catalog.loader import CatalogError

    text = shipped_text().replace("update_urls = [", f"update_urls = {value}\nold_urls = [", 1)
    text = text.replace("old_urls", "# old_urls").replace('\n    "https://', '\n#    "https://')
    text = text.replace("\n]\n", "\n#]\n", 1)
    path = tmp_path / "default.toml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "signal-ca.pem").write_bytes((SHIPPED.parent / "signal-ca.pem").read_bytes())
    with pytest.raises(CatalogError, match="update_urls"):
        load_catalog(path)


# ----------------------------------------------------------------------- make sign-catalog


def test_the_signing_tool_signs_what_the_app_accepts_and_refuses_unsafe_input(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from tools import sign_catalog

    source = tmp_path / "src"
    source.mkdir()
    (source / "default.toml").write_text(shipped_text("2026.12.24"), encoding="utf-8")
    (source / "signal-ca.pem").write_bytes((SHIPPED.parent / "signal-ca.pem").read_bytes())
    out = tmp_path / "out"
    monkeypatch.delenv("CONNCHECK_CATALOG_KEY", raising=False)
    monkeypatch.delenv("CONNCHECK_CATALOG_KEY_FILE", raising=False)
    with pytest.raises(SystemExit, match="never kept in the repository"):
        sign_catalog.main([str(source / "default.toml"), "--out", str(out)])
    in_repo = SHIPPED.parent / "x.key"  # a key file inside the repository is refused
    monkeypatch.setenv("CONNCHECK_CATALOG_KEY_FILE", str(in_repo))
    with pytest.raises(SystemExit, match="inside the repository"):
        sign_catalog.main([str(source / "default.toml"), "--out", str(out)])
    monkeypatch.setenv("CONNCHECK_CATALOG_KEY_FILE", str(KEYS / "test.key"))
    assert sign_catalog.main([str(source / "default.toml"), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["default.toml", "default.toml.sig",
                                                     "signal-ca.pem"]
    served = {BASE: {p.name: p.read_bytes() for p in out.iterdir()}}
    assert run_update(tmp_path / "data", served).version == "2026.12.24"
    lab = source / "default.toml"
    lab.write_text(shipped_text("2026.12.25").replace(
        "concurrency = 64", 'concurrency = 64\nordinary_ranges = ["198.18.0.0/15"]'))
    assert sign_catalog.main([str(lab), "--out", str(tmp_path / "lab")]) == 2
    assert "ordinary_ranges" in capsys.readouterr().err
    lab.write_text(shipped_text("2026.12.25-viber"))
    assert sign_catalog.main([str(lab), "--out", str(tmp_path / "lab")]) == 2
    assert "not date-like" in capsys.readouterr().err
