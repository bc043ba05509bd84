"""Shared fixtures for every test directory."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.servers.fixtures import *  # noqa: F403  (the standard loopback test servers)

# CI judges one commit, so the same commit gets the same examples every time: a property
# that breaks is found on a developer's machine (random examples, remembered in
# .hypothesis/), and then fails CI for good — not once in a while.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

_HOME = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """From the very start (session fixtures such as the lab's runs included), nothing the
    tests start reads or writes the real user's history, settings or crash log."""
    home = Path(tempfile.mkdtemp(prefix="conncheck-tests-"))
    config.stash[_HOME] = home
    os.environ["CONNCHECK_DATA_DIR"] = str(home / "data")
    os.environ["CONNCHECK_CONFIG_DIR"] = str(home / "config")
    os.environ["CONNCHECK_LOG_DIR"] = str(home / "log")


def pytest_unconfigure(config: pytest.Config) -> None:
    home = config.stash.get(_HOME, None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(autouse=True)
def _own_data_and_config(tmp_path_factory: pytest.TempPathFactory,
                         monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test also gets folders of its own, so one test's history never leaks into another."""
    home = tmp_path_factory.mktemp("conncheck-home")
    monkeypatch.setenv("CONNCHECK_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("CONNCHECK_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("CONNCHECK_LOG_DIR", str(home / "log"))
    yield home
