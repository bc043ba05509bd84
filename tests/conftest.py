"""Shared fixtures for every test directory."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.fixtures import *  # noqa: F403  (the standard loopback test servers)


@pytest.fixture(autouse=True)
def _own_data_and_config(tmp_path_factory: pytest.TempPathFactory,
                         monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No test reads or writes the real user's history or settings (child processes too)."""
    home = tmp_path_factory.mktemp("conncheck-home")
    monkeypatch.setenv("CONNCHECK_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("CONNCHECK_CONFIG_DIR", str(home / "config"))
    yield home
