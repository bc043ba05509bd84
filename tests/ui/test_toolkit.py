"""The Qt binding itself: a known-bad release must never come back through the lock file."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel

pytestmark = pytest.mark.gui


def test_qt_calls_do_not_eat_references_to_none(qapp):
    """PySide6 6.12.0 dropped a reference to None on every call that returns nothing; after a
    few thousand calls (a long session of progress updates) the app aborted with
    "none_dealloc". Pinned away in pyproject.toml; this test fails on such a release."""
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2000):  # bounded
        label.setText("x")
        label.setEnabled(True)
    assert sys.getrefcount(None) - before > -100
