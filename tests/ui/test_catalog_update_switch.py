"""The window's consent to catalog updates: one switch on the notice, off until the person
turns it on; the update runs off the GUI thread and is said in one line; ``--no-update``
holds it back (docs/catalog.md "Updates")."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from app.catalog.update import Status, UpdateResult
from app.session import Options

MIRROR = "https://mirror.test/c/default.toml"


@pytest.fixture
def updatable(quick_catalog: Path) -> Path:
    text = quick_catalog.read_text(encoding="utf-8")
    text = text.replace("[catalog]\n", f'[catalog]\nupdate_urls = ["{MIRROR}"]\n', 1)
    quick_catalog.write_text(text, encoding="utf-8")
    return quick_catalog


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Options, str]]:
    """Replaces the download: records (options, thread name) and answers 'updated'."""
    seen: list[tuple[Options, str]] = []

    async def fake(options: Options) -> UpdateResult:
        seen.append((options, threading.current_thread().name))
        return UpdateResult(Status.UPDATED, "2099.01.01", (f"{MIRROR}: took version 2099",))

    monkeypatch.setattr("app.ui.update_thread.update_catalog", fake)
    return seen


def test_the_switch_is_off_until_turned_on_and_nothing_is_fetched(
        qtbot, make_window, updatable, calls, private_settings: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window(updatable, "en")
    switch = window.welcome.notice.keep_updated
    assert switch.isVisible() and not switch.isChecked()
    assert switch.text() == "Keep the list of services up to date"
    assert "mirror.test" in window.welcome.notice.update_text.text()
    qtbot.wait(200)
    assert calls == []


def test_turning_it_on_saves_it_and_updates_off_the_gui_thread(
        qtbot, make_window, updatable, calls, private_settings: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window(updatable, "ru")
    window.welcome.notice.keep_updated.setChecked(True)
    qtbot.waitUntil(lambda: "2099.01.01" in window.welcome.notice.update_text.text(),
                    timeout=5000)
    assert "Список сервисов обновлён: версия 2099.01.01." in (
        window.welcome.notice.update_text.text())
    assert len(calls) == 1 and calls[0][1] == "catalog-update"
    saved = json.loads((private_settings / "window.json").read_text(encoding="utf-8"))
    assert saved["keep_catalog_updated"] is True


def test_once_agreed_the_window_updates_at_start_unless_told_not_to(
        qtbot, make_window, updatable, calls, private_settings: Path) -> None:  # type: ignore[no-untyped-def]
    private_settings.mkdir(parents=True, exist_ok=True)
    (private_settings / "window.json").write_text(json.dumps(
        {"keep_catalog_updated": True, "notice_seen": True}), encoding="utf-8")
    window = make_window(updatable, "en", Options(catalog=updatable, no_update=True))
    qtbot.wait(300)
    assert calls == []
    window.close()
    again = make_window(updatable, "en")
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=5000)
    assert again.welcome.notice.keep_updated.isChecked()


def test_a_catalog_without_update_sources_shows_no_switch(
        make_window, quick_catalog, calls) -> None:  # type: ignore[no-untyped-def]
    window = make_window(quick_catalog, "en")
    assert not window.welcome.notice.keep_updated.isVisible()


def test_the_window_takes_a_signed_update_from_a_real_mirror_and_uses_it(
        qtbot, make_window, quick_catalog, test_pki, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """End to end on loopback: published with the signing tool and the TEST key, downloaded
    by the window once the switch is on, used by the next window (without --catalog)."""
    import re

    from app.paths import default_catalog_path
    from app.ui.app import create_window
    from tests.servers.update_server import BackgroundMirror
    from tools import sign_catalog

    keys = Path(__file__).parents[1] / "catalog" / "update_keys"
    shipped = default_catalog_path()
    source = tmp_path / "publish"
    source.mkdir()
    text = re.sub(r'(?m)^version = ".*"$', 'version = "2999.01.01"',
                  shipped.read_text(encoding="utf-8"), count=1)
    (source / "default.toml").write_text(text, encoding="utf-8")
    (source / "signal-ca.pem").write_bytes((shipped.parent / "signal-ca.pem").read_bytes())
    monkeypatch.setenv("CONNCHECK_CATALOG_KEY_FILE", str(keys / "test.key"))
    root = tmp_path / "mirror"
    assert sign_catalog.main([str(source / "default.toml"), "--out", str(root / "c")]) == 0
    monkeypatch.setenv("CONNCHECK_UPDATE_KEY", str(keys / "test.pub"))
    pair = test_pki.good  # for 127.0.0.1, signed by the test CA the catalog names
    with BackgroundMirror(root, pair.cert_file, pair.key_file) as mirror:
        url = f"https://127.0.0.1:{mirror.port}/ok/c/default.toml"
        (quick_catalog.parent / "mirror-ca.pem").write_bytes(test_pki.ca_file.read_bytes())
        catalog = quick_catalog.read_text(encoding="utf-8").replace(
            "[catalog]\n", f'[catalog]\nupdate_urls = ["{url}"]\n'
                           'extra_ca = "mirror-ca.pem"\n', 1)
        quick_catalog.write_text(catalog, encoding="utf-8")
        window = make_window(quick_catalog, "en")
        window.welcome.notice.keep_updated.setChecked(True)
        qtbot.waitUntil(lambda: "version 2999.01.01" in
                        window.welcome.notice.update_text.text(), timeout=15000)
    assert "The list of services is updated" in window.welcome.notice.update_text.text()
    again = create_window("en", Options())
    qtbot.addWidget(again)
    assert again.catalog is not None and again.catalog.version == "2999.01.01"
    again.close()
