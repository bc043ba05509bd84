"""Pieces of the window that need no network: accessibility names, icons, time estimate,
the self-test and its loud failure on a missing resource."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QTableView,
    QWidget,
)

from app.analysis.model import Verdict
from app.ui import icons
from app.ui.pages.checking import estimate_left_s

pytestmark = pytest.mark.gui


def test_every_control_has_an_accessible_name_and_description(qtbot, make_window,
                                                              quick_catalog):
    window = make_window(quick_catalog, "ru")
    from app.ui.selftest_pages import render_pages

    render_pages(window, window.catalog)  # fill every page, so every control has content
    missing = []
    for widget in window.findChildren(QWidget):
        interactive = isinstance(widget, QAbstractButton | QComboBox | QTableView)
        if (not interactive or isinstance(widget.parent(), QAbstractItemView)
                or widget.objectName().startswith("qt_")):
            continue  # Qt's own helpers: the table's corner button, the menu bar's "more"
        if not widget.accessibleName() or not widget.accessibleDescription():
            missing.append(f"{type(widget).__name__} {widget.objectName()}")
    assert missing == []


def test_verdict_icons_differ_in_shape_not_only_colour(qapp):
    from PySide6.QtGui import QImage

    def silhouette(verdict: Verdict) -> list[bool]:
        image = icons.pixmap(icons.verdict_icon_name(verdict), 32).toImage()
        image = image.convertToFormat(QImage.Format.Format_ARGB32)
        return [image.pixelColor(x, y).alpha() > 128 for y in range(32) for x in range(32)]

    shapes = {v: tuple(silhouette(v)) for v in Verdict}
    assert len(set(shapes.values())) == len(Verdict)


def test_icons_are_sharp_at_high_dpi(qapp):
    pixmap = icons.pixmap("verdict-works", 24, 2.0)
    assert (pixmap.width(), pixmap.height()) == (48, 48)
    assert pixmap.devicePixelRatio() == 2.0


def test_time_left_follows_the_pace_and_never_passes_the_deadline():
    assert estimate_left_s(0.0, 0, 40, 40.0) == 40.0
    assert estimate_left_s(5.0, 20, 40, 40.0) == pytest.approx(5.0)
    assert estimate_left_s(30.0, 1, 40, 40.0) == pytest.approx(10.0)  # capped by the deadline
    assert estimate_left_s(50.0, 1, 40, 40.0) == 0.0


def test_self_test_draws_every_page(qapp, capsys):
    from app.ui.selftest import run_self_test

    assert run_self_test(None) == 0
    assert "self-test OK" in capsys.readouterr().out


def test_self_test_fails_loudly_naming_a_missing_icon(qapp, capsys, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch):
    import app.paths
    from app.ui.selftest import run_self_test

    copy = tmp_path / "resources"
    shutil.copytree(app.paths.resources_dir(), copy)
    (copy / "icons" / "verdict-blocked.svg").unlink()
    monkeypatch.setattr(app.paths, "resources_dir", lambda: copy)
    assert run_self_test(None) == 1
    assert "verdict-blocked.svg" in capsys.readouterr().err


@pytest.mark.parametrize(("lang", "title"), [
    # a whole sentence (issue 16), not "Подключение к интернету: Не удалось определить"
    ("en", "Couldn't tell whether the internet connection works."),
    ("ru", "Не удалось понять, работает ли подключение к интернету."),
])
def test_an_unclear_network_banner_says_what_is_unclear(qtbot, lang, title):
    from app.analysis.model import NetworkResult, NetworkStatus
    from app.ui import language
    from app.ui.widgets.banner import Banner

    language.set_language(lang)
    banner = Banner()
    qtbot.addWidget(banner)
    banner.show_network(NetworkResult(NetworkStatus.UNKNOWN))
    assert banner.title.text() == title


def test_steps_are_numbered_one_way_in_rich_text_and_plain_text():
    import re

    from app.knowledge.workarounds import Workaround
    from app.ui.widgets import rich

    items = (Workaround("network.restart_router", "Перезагрузите роутер",
                        ("Выключите роутер.", "Включите снова.")),)
    text = rich.plain_workarounds(items)
    assert text.splitlines() == ["1. Перезагрузите роутер", "   1. Выключите роутер.",
                                 "   2. Включите снова."]
    assert not re.search(r"\d\)", text)  # «1.» as in the window, the reports, the terminal


@pytest.mark.parametrize("lang, words", [
    ("ru", "прочитано ещё раз: 8192 байта, первый байт 7 мс, загрузка 1629 мс"),
    ("en", "read again: 8192 bytes, first byte 7 ms, loading 1629 ms"),
])
def test_details_show_a_second_look_at_a_slow_read(lang, words):
    """Support staff see why a slowed service's check took twice as long: it was read again."""
    from app.core.facts import WebFacts
    from app.core.model import Feature, Kind, Observation, Phase, Role
    from app.ui import language
    from app.ui.models.checks_model import Row

    language.set_language(lang)
    obs = Observation("tg-web-https", "Telegram", Feature.MESSAGES, Kind.HTTPS, Role.SERVICE,
                      "https://web.telegram.org/", True, None, Phase.HTTP, 3510,
                      timings_ms={"ttfb": 9.0, "body": 1525.0}, bytes_received=8192,
                      status_code=206,
                      facts=WebFacts(complete=True, second_ttfb_ms=7.4, second_body_ms=1628.6,
                                     second_bytes=8192))
    detail = Row(obs, None).cells()[-1]
    assert detail == f"HTTP 206 {words}"
