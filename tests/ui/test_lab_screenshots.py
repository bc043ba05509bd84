"""The README's real results (issue 16: 8): the recorded lab runs replay, and the screenshot
tool's lab part draws each of them in the window, in both languages, offscreen.

``tools/screenshots.py`` pictures these runs (``docs/screenshots/lab-*.png``); a recording
that no longer replays, or a page that fails to draw, would leave the README showing results
the app no longer gives.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from app.analysis.model import NetworkStatus, Verdict
from tools import screenshots

# what each real run must show: the connection, and the calls feature
EXPECTED = {
    "healthy": (NetworkStatus.ONLINE, Verdict.WORKS),
    "udp_blocked": (NetworkStatus.ONLINE, Verdict.BLOCKED),
    "domestic_whitelist": (NetworkStatus.WHITELIST_ONLY, None),
    "offline": (NetworkStatus.OFFLINE, Verdict.UNAVAILABLE),
}


def test_every_lab_scenario_of_the_readme_has_a_recording_that_replays() -> None:
    assert set(screenshots.LAB_SCENARIOS) == set(EXPECTED)
    outcomes = screenshots.lab_outcomes()
    for name, (network, calls) in EXPECTED.items():
        diagnosis = outcomes[name].diagnosis
        assert diagnosis.network.status == network, name
        if calls is not None:
            by_feature = {f.feature: f for f in diagnosis.features}
            assert by_feature["calls"].verdict == calls, name
        assert outcomes[name].code, name


def test_the_lab_screenshots_draw_every_run_in_both_languages(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    written, _notes = screenshots.lab_shots(tmp_path)
    names = {p.name for p in written}
    for scenario in screenshots.LAB_SCENARIOS:
        for lang in ("ru", "en"):
            assert f"lab-{scenario}-{lang}.png" in names
            assert f"lab-{scenario}-{lang}-first.png" in names
    for path in written:
        image = QImage(str(path))
        assert not image.isNull(), path.name
        if not path.stem.endswith("-first"):  # the maximised laptop window
            assert image.width() >= 1366 and image.height() >= 697, path.name


@pytest.mark.parametrize("scenario", list(EXPECTED))
def test_a_lab_run_shows_its_answer_on_the_results_page(qtbot, scenario: str) -> None:  # type: ignore[no-untyped-def]
    from app.ui.app import create_window
    from app.ui.settings import Settings

    window = create_window("ru", settings=Settings(notice_seen=True))
    qtbot.addWidget(window)
    window.resize(1366, 697)
    window.show()
    outcome = screenshots.lab_outcomes()[scenario]
    screenshots.show_outcome(window, outcome)
    assert window.stack.currentWidget() is window.results
    assert window.record is outcome
    assert window.results.cards, scenario
