"""Fixtures for the tests of the PyInstaller-built app (dist/conncheck/): the build itself
(made by build/freeze.py only when its inputs changed) and loopback catalogs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.frozen.frozen_app import BUILD_TIMEOUT_S, FREEZE, REPO, FrozenApp, write_catalog
from tests.servers.base import BackgroundServer
from tests.servers.certs import TestPki


@pytest.fixture(scope="session")
def frozen_app() -> FrozenApp:
    """dist/conncheck/, built now if its inputs changed since the last build."""
    result = subprocess.run([sys.executable, str(FREEZE)], cwd=REPO, capture_output=True,
                            text=True, timeout=BUILD_TIMEOUT_S, check=False)
    if result.returncode != 0:
        pytest.fail("building the frozen app failed:\n" + (result.stdout + result.stderr)[-4000:])
    app = FrozenApp(Path(result.stdout.strip().splitlines()[-1]))
    assert app.exe.is_file(), f"no executable at {app.exe}"
    return app


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def loopback_catalog(tmp_path_factory: pytest.TempPathFactory, test_pki: TestPki,
                     https_server: BackgroundServer, stun_server: BackgroundServer) -> Path:
    """Loopback servers whose certificates only the test CA (the catalog's extra_ca) trusts."""
    folder = tmp_path_factory.mktemp("frozen-catalog")
    ca = folder / "test-ca.pem"
    shutil.copyfile(test_pki.ca_file, ca)
    return write_catalog(folder / "loopback.toml", https_server, stun_server, ca)


@pytest.fixture(scope="session")
def loopback_catalog_without_ca(tmp_path_factory: pytest.TempPathFactory,
                                https_server: BackgroundServer,
                                stun_server: BackgroundServer) -> Path:
    folder = tmp_path_factory.mktemp("frozen-catalog-no-ca")
    return write_catalog(folder / "loopback.toml", https_server, stun_server, None)
