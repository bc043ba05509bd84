"""Shared fixtures for every test directory."""

from tests.servers.fixtures import *  # noqa: F403  (the standard loopback test servers)
