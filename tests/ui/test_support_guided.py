"""Guided mode in the window: the code on top, large numbered lines, Copy."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app.report.code import encode
from app.report.guided import guided_lines
from app.ui import language
from app.ui.support.guided_dialog import GuidedDialog
from tests.report import sample

pytestmark = pytest.mark.gui


@pytest.fixture
def lang(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    language.set_language(getattr(request, "param", "ru"))
    yield language.current()
    language.set_language("ru")


def test_shows_code_and_lines_in_large_type_and_copies(qtbot, lang) -> None:  # type: ignore[no-untyped-def]
    code = encode(sample.diagnosis(), sample.STARTED)
    dialog = GuidedDialog(sample.diagnosis(), code)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.code_label.text().splitlines()[-1] == code  # a line of its own
    from app.ui import style

    assert dialog.code_label.sizeHint().width() <= style.em(dialog, 36)  # keeps its size
    shown = dialog.lines_label.text()
    lines = guided_lines(sample.diagnosis(), lang, code)[1:]
    assert [line for line in shown.split("\n") if line] == lines
    assert shown.index("1. ") < shown.index("2. Звонки")
    base = QApplication.font().pointSizeF()
    assert dialog.lines_label.font().pointSizeF() >= 1.4 * base
    assert dialog.code_label.font().pointSizeF() > dialog.lines_label.font().pointSizeF()
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert copied.splitlines()[0] == f"Код проверки: {code}"
    assert copied.splitlines()[1:] == lines
    assert dialog.status.text() == lang.gettext("support.copied")


def test_follows_a_language_switch(qtbot, lang) -> None:  # type: ignore[no-untyped-def]
    dialog = GuidedDialog(sample.diagnosis(), "X")
    qtbot.addWidget(dialog)
    language.set_language("en")
    assert "2. Calls: WhatsApp — blocked, Telegram — works." in dialog.lines_label.text()
    assert dialog.windowTitle() == "Read this to your helper"
