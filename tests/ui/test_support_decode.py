"""Help → Decode a code: a valid code shows the diagnosis; a slip shows only the slip."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.report.code import encode, encode_v1
from app.ui import language
from app.ui.support.decode_dialog import DecodeDialog
from tests.report import sample

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(qtbot):  # type: ignore[no-untyped-def]
    language.set_language("ru")
    made = DecodeDialog(today=sample.STARTED.date())
    qtbot.addWidget(made)
    made.show()
    yield made
    language.set_language("ru")


def _decode(qtbot, dialog: DecodeDialog, text: str) -> None:  # type: ignore[no-untyped-def]
    dialog.entry.clear()
    qtbot.keyClicks(dialog.entry, text)
    qtbot.keyClick(dialog.entry, Qt.Key.Key_Return)


def test_valid_code_shows_the_diagnosis(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    code = encode(sample.diagnosis(), sample.STARTED)
    _decode(qtbot, dialog, code.replace("-", " "))  # read out, typed loosely
    shown = dialog.result_view.toPlainText()
    assert shown.startswith("Проверка от 20 ноября 2026 года, 18:04")
    assert "Звонки — блокировка" in shown
    assert "Звонки в WhatsApp в этой сети блокируются." in shown
    assert dialog.problem.isHidden()


def test_typo_shows_the_typo_message_and_no_diagnosis(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    code = encode(sample.diagnosis(), sample.STARTED)
    _decode(qtbot, dialog, code)
    mutated = code[:5] + ("7" if code[5] != "7" else "8") + code[6:]  # group 2 misheard
    _decode(qtbot, dialog, mutated)
    assert dialog.result_view.toPlainText() == ""
    assert not dialog.problem.isHidden()
    assert dialog.problem.text().startswith(language.current().gettext("code.error.digits_typo"))
    assert "ошибка в группе 2" in dialog.problem.text()


def test_an_old_letters_code_still_decodes(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    _decode(qtbot, dialog, encode_v1(sample.diagnosis()).lower())
    assert dialog.result_view.toPlainText().startswith("Проверка от 20 ноября 2026 года\n")


def test_wrong_length_and_bad_characters(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    _decode(qtbot, dialog, encode_v1(sample.diagnosis())[:-3])
    assert dialog.problem.text() == language.current().gettext("code.error.wrong_length")
    _decode(qtbot, dialog, encode(sample.diagnosis())[:-3])
    assert "24 цифры" in dialog.problem.text() and "здесь 21" in dialog.problem.text()
    _decode(qtbot, dialog, "21VZ-56Y4-ET4W-N#")
    assert "#" in dialog.problem.text()
    assert dialog.result_view.toPlainText() == ""
    dialog.entry.clear()
    dialog.decode_button.click()
    assert dialog.problem.text() == language.current().gettext("support.decode.empty")


def test_result_follows_the_language(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    _decode(qtbot, dialog, encode(sample.diagnosis()))
    language.set_language("en")
    assert "Calls — blocked" in dialog.result_view.toPlainText()
    assert dialog.decode_button.text() == "Decode"
