"""Verdicts appear on the checking page as soon as they are known, not at the end of the run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.servers import BackgroundServer, TestPki
from tests.ui.conftest import _check, write_catalog

pytestmark = pytest.mark.gui


@pytest.fixture
def mixed_catalog(tmp_path: Path, test_pki: TestPki, https_server: BackgroundServer,
                  silent_server: BackgroundServer) -> Path:
    """The network and maps answer at once; messages meet a server that never answers the
    secure handshake, so their checks run for seconds more."""
    ca = "test-ca.pem"  # a catalog's 'ca' must be in its folder (docs/security.md §3)
    shutil.copyfile(test_pki.ca_file, tmp_path / ca)
    checks = [
        _check("ctl-dom", "Example RU", "network", "tcp", "control_domestic",
               host="127.0.0.1", port=https_server.port),
        _check("ctl-int", "Example", "network", "tls", "control_international",
               host="127.0.0.1", port=https_server.port, sni="127.0.0.1", ca=ca),
        _check("maps-tiles", "Yandex Maps", "maps", "tls", host="127.0.0.1",
               port=https_server.port, sni="127.0.0.1", ca=ca),
        *(
            _check(f"hole-{n}", "WhatsApp", "messages", "tls", host="127.0.0.1",
                   port=silent_server.port, sni="e1.whatsapp.net", timeout_s=30)
            for n in range(2)
        ),
    ]
    return write_catalog(tmp_path / "mixed.toml", checks, deadline_s=60, timeout_s=30)


def test_maps_verdict_shows_while_messages_are_still_being_checked(qtbot, make_window,
                                                                   mixed_catalog):
    window = make_window(mixed_catalog, "ru")
    window.start_check()
    maps = window.checking.cards["maps"]
    qtbot.waitUntil(lambda: maps.state_text() == "В порядке", timeout=5000)
    # The run goes on: messages are still being checked and say so, without a verdict.
    assert window.current_page() is window.checking
    assert window.checking.network.state_text() == "Работает"  # the internet connection
    assert window.checking.cards["messages"].verdict is None
    assert window.checking.cards["messages"].state_text() != "Блокировка"
    # The secure handshake gives up after its own limit (4 s), then the results come.
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=15_000)
    assert window.bridge.wait(3.0)
