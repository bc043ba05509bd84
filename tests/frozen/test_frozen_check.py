"""The built app checks the network as the source does: catalog, translations and CA roots
all come from inside the bundle. Loopback servers only; the default catalog runs in an empty
network namespace so it contacts nobody."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.frozen.frozen_app import NETWORK_STATUSES, VERDICTS, FrozenApp, run_frozen

pytestmark = pytest.mark.frozen

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr[-3000:]}"
    try:
        document = json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        pytest.fail(f"not one JSON document ({exc}):\n{result.stdout[:2000]}")
    assert isinstance(document, dict)
    return document


def _check(document: dict[str, Any], check_id: str) -> dict[str, Any]:
    for item in document["checks"]:
        if item["id"] == check_id:
            return item
    pytest.fail(f"check {check_id!r} missing from the report")


def test_bundle_carries_catalog_translations_and_ca_roots(frozen_app: FrozenApp) -> None:
    resources = frozen_app.internal / "resources"
    assert (resources / "catalog" / "default.toml").is_file()
    assert (resources / "catalog" / "signal-ca.pem").is_file()
    for lang in ("ru", "en"):
        assert (resources / "locale" / lang / "LC_MESSAGES" / "conncheck.mo").is_file()
    cacert = frozen_app.internal / "certifi" / "cacert.pem"
    assert cacert.is_file(), "certifi's root certificates are not in the bundle"
    assert cacert.read_text(encoding="ascii").count("BEGIN CERTIFICATE") > 100


def test_version_matches_source(frozen_app: FrozenApp, home: Path) -> None:
    from app import __version__

    result = run_frozen(frozen_app.exe, ["--version"], home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"conncheck {__version__}"


def test_json_check_against_loopback(frozen_app: FrozenApp, loopback_catalog: Path,
                                     home: Path) -> None:
    document = _json(run_frozen(frozen_app.exe, ["check", "--json", "--catalog",
                                                 str(loopback_catalog)], home))
    assert document["schema"] == 3
    assert document["network"]["status"] in NETWORK_STATUSES
    assert set(document["features"]) == {"calls", "messages", "maps"}
    for feature in document["features"].values():
        assert feature["verdict"] in VERDICTS
        assert all(v in VERDICTS for v in feature["services"].values())
    assert document["network"]["status"] == "online"
    assert document["features"]["messages"]["services"]["Loopback Messenger"] == "works"
    assert document["features"]["maps"]["services"]["Loopback Maps"] == "works"
    for check_id in ("msg-https", "msg-tls", "maps-https", "ctl-loopback"):
        assert _check(document, check_id)["ok"] is True, _check(document, check_id)


def test_tls_trusts_the_test_ca_only_through_extra_ca(frozen_app: FrozenApp,
                                                      loopback_catalog_without_ca: Path,
                                                      home: Path) -> None:
    """Same servers, no extra_ca: the bundled public roots must not accept the test CA."""
    document = _json(run_frozen(frozen_app.exe, ["check", "--json", "--catalog",
                                                 str(loopback_catalog_without_ca)], home))
    for check_id in ("msg-https", "msg-tls"):
        item = _check(document, check_id)
        assert item["ok"] is False
        assert item["failure"] == "ssl_unknown_authority", item
    assert document["features"]["messages"]["services"]["Loopback Messenger"] != "works"


def test_russian_output_comes_from_the_bundled_translation(frozen_app: FrozenApp,
                                                           loopback_catalog: Path,
                                                           home: Path) -> None:
    ru = run_frozen(frozen_app.exe, ["check", "--lang", "ru", "--quiet", "--catalog",
                                     str(loopback_catalog)], home)
    assert ru.returncode == 0, ru.stderr[-3000:]
    assert CYRILLIC.search(ru.stdout), ru.stdout[:2000]
    en = run_frozen(frozen_app.exe, ["check", "--lang", "en", "--quiet", "--catalog",
                                     str(loopback_catalog)], home)
    assert en.returncode == 0, en.stderr[-3000:]
    assert not CYRILLIC.search(en.stdout.replace("Проверка связи", "")), en.stdout[:2000]


def _empty_netns_prefix() -> list[str]:
    """A command prefix that runs a program with no network at all (not even loopback)."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed: cannot run the default catalog without network")
    for prefix in (["unshare", "--net"], ["unshare", "--user", "--map-root-user", "--net"]):
        probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=30, check=False)
        if probe.returncode == 0:
            return prefix
    pytest.skip("no network namespace can be made here: the default catalog would contact "
                "real servers, which tests never do")


def test_default_catalog_loads_and_answers_offline(frozen_app: FrozenApp, home: Path) -> None:
    prefix = _empty_netns_prefix()
    result = run_frozen(frozen_app.exe, ["check", "--json", "--only", "maps", "--deadline", "3"],
                        home, prefix=prefix)
    document = _json(result)
    assert document["schema"] == 3
    assert document["catalog"]["name"] == "default"
    assert document["network"]["status"] == "offline"
    assert document["features"]["maps"]["verdict"] in VERDICTS
    assert document["checks"], "the default catalog ran no check"
