"""GUI tests: offscreen Qt, a private settings folder, and small catalogs of loopback servers.

QT_QPA_PLATFORM is set here, at import, before any QApplication exists (pytest-qt makes it
lazily in its ``qapp`` fixture).
"""

from __future__ import annotations

import os
import shutil

if not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.servers import BackgroundServer, TestPki

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def private_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("CONNCHECK_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def restore_excepthook() -> Iterator[None]:
    saved = sys.excepthook
    yield
    sys.excepthook = saved


def _check(ident: str, service: str, feature: str, kind: str, role: str = "service",
           **fields: object) -> str:
    lines = ["[[check]]", f'id = "{ident}"', f'service = "{service}"',
             f'feature = "{feature}"', f'kind = "{kind}"', f'role = "{role}"']
    for key, value in fields.items():
        lines.append(f"{key} = {value!r}" if not isinstance(value, str) else f'{key} = "{value}"')
    return "\n".join(lines) + "\n"


def write_catalog(path: Path, checks: list[str], *, deadline_s: float = 20,
                  timeout_s: float = 3) -> Path:
    head = (
        "[catalog]\nschema = 1\nname = \"ui-test\"\nversion = \"1\"\n"
        f"deadline_s = {deadline_s}\ntimeout_s = {timeout_s}\nconcurrency = 8\n\n"
    )
    path.write_text(head + "\n".join(checks), encoding="utf-8")
    return path


@pytest.fixture
def quick_catalog(tmp_path: Path, test_pki: TestPki, https_server: BackgroundServer,
                  reset_server: BackgroundServer, no_content_server: BackgroundServer,
                  ) -> Path:
    """Network online (both controls answer), maps work, messages meet a reset on every
    connection, calls reach a good server: a full run in well under a second. No transfer is
    big enough to be judged for speed, so a busy test machine cannot turn "works" into
    "works with problems"."""
    ca = "test-ca.pem"  # a catalog's 'ca' must be in its folder (docs/security.md §3)
    shutil.copyfile(test_pki.ca_file, tmp_path / ca)
    checks = [
        _check("ctl-int", "Example", "network", "tls", "control_international",
               host="127.0.0.1", port=https_server.port, sni="127.0.0.1", ca=ca),
        _check("ctl-dom", "Example RU", "network", "tcp", "control_domestic",
               host="127.0.0.1", port=https_server.port),
        _check("portal", "Portal", "network", "http", "captive_portal",
               url=f"http://127.0.0.1:{no_content_server.port}/generate_204", expect_status=204),
        _check("maps-tiles", "Yandex Maps", "maps", "tls", host="127.0.0.1",
               port=https_server.port, sni="127.0.0.1", ca=ca),
        _check("maps-2gis", "2GIS", "maps", "tls", host="127.0.0.1", port=https_server.port,
               sni="127.0.0.1", ca=ca),
        _check("msg-wa", "WhatsApp", "messages", "tls", host="127.0.0.1",
               port=reset_server.port, sni="e1.whatsapp.net"),
        _check("msg-tg", "Telegram", "messages", "tls", host="127.0.0.1",
               port=reset_server.port, sni="telegram.org"),
        _check("calls-wa", "WhatsApp", "calls", "tls", host="127.0.0.1",
               port=https_server.port, sni="127.0.0.1", ca=ca),
    ]
    return write_catalog(tmp_path / "quick.toml", checks)


@pytest.fixture
def portal_catalog(tmp_path: Path, https_server: BackgroundServer,
                   portal_server: BackgroundServer) -> Path:
    """A Wi-Fi login page: the captive-portal probe gets a redirect instead of 204."""
    checks = [
        _check("portal", "Portal", "network", "http", "captive_portal",
               url=f"http://127.0.0.1:{portal_server.port}/generate_204", expect_status=204),
        _check("ctl-dom", "Example RU", "network", "tcp", "control_domestic",
               host="127.0.0.1", port=https_server.port),
        _check("maps-2gis", "2GIS", "maps", "tcp", host="127.0.0.1", port=https_server.port),
    ]
    return write_catalog(tmp_path / "portal.toml", checks)


@pytest.fixture
def slow_catalog(tmp_path: Path, https_server: BackgroundServer,
                 silent_server: BackgroundServer) -> Path:
    """One check answers at once; the others meet a black hole and would wait 30 s each."""
    checks = [
        _check("ctl-dom", "Example RU", "network", "tcp", "control_domestic",
               host="127.0.0.1", port=https_server.port),
        *(
            _check(f"hole-{n}", "WhatsApp", "messages", "tls", host="127.0.0.1",
                   port=silent_server.port, sni="e1.whatsapp.net", timeout_s=30)
            for n in range(4)
        ),
    ]
    return write_catalog(tmp_path / "slow.toml", checks, deadline_s=60, timeout_s=30)


@pytest.fixture
def broken_catalog(tmp_path: Path) -> Path:
    path = tmp_path / "broken.toml"
    path.write_text("[catalog]\nschema = 1\nname = \"x\"\nversion = \"1\"\n\n[[check]]\n"
                    "id = \"bad\"\nservice = \"X\"\nfeature = \"maps\"\nkind = \"tcp\"\n"
                    "host = \"127.0.0.1\"\nport = 70000\n", encoding="utf-8")
    return path


@pytest.fixture
def make_window(qtbot) -> Iterator[Callable[..., object]]:  # type: ignore[no-untyped-def]
    from app.session import Options
    from app.ui.app import create_window

    made = []

    def make(catalog: Path, lang: str = "ru",  # type: ignore[no-untyped-def]
             options: Options | None = None):
        window = create_window(lang, options or Options(catalog=catalog))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()
        assert window.bridge.wait(5.0), "the engine thread did not end"
