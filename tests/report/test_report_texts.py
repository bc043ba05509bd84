"""The "report" translation domain: complete in both languages, compiled, and merged into
the one Translator; and the decoded-code wording built from it."""

from __future__ import annotations

import datetime as dt
import io
import re
import string
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.i18n import translator
from app.knowledge.check_translations import code_keys
from app.paths import resources_dir
from app.report.code import CodeError, CodeProblem, decode, encode, encode_v1, read
from app.report.decoded_text import code_error_text, decoded_text
from tests.report import sample

APP = Path(__file__).resolve().parents[2] / "app"
PREFIXES = ("report.", "support.", "history.", "code.")
ASKED_FOR = [  # keys the code/history work asked this domain to provide, with their fields
    ("code.error.bad_characters", {"chars"}), ("code.error.wrong_length", set()),
    ("code.error.typo", set()), ("code.error.unknown_version", set()),
    ("code.main_causes", set()), ("code.service_not_checked", set()),
    ("code.catalog_month", {"month", "year"}), ("code.catalog_version", {"version"}),
    ("code.date", {"date"}),
    ("history.change.feature", {"feature", "was", "when", "now"}),
    ("history.change.service", {"feature", "service", "was", "when", "now"}),
    ("history.when.today", {"time"}), ("history.when.yesterday", {"time"}),
    ("history.when.date", {"date", "time"}),
    ("history.problem.damaged", {"lost", "kept"}), ("history.problem.unreadable", set()),
    ("history.problem.not_saved", set()),
]


def po(lang: str) -> dict[str, str]:
    path = resources_dir() / "locale" / lang / "LC_MESSAGES" / "report.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain="report")
    return {m.id: m.string for m in catalog if m.id and not m.fuzzy}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_non_empty_keys_and_fields() -> None:
    en, ru = po("en"), po("ru")
    assert set(en) == set(ru)
    for key in en:
        assert en[key].strip() and ru[key].strip(), key
        assert fields(en[key]) == fields(ru[key]), key
        assert key.startswith(PREFIXES), key


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_compiled_catalog_is_up_to_date(lang: str) -> None:
    folder = resources_dir() / "locale" / lang / "LC_MESSAGES"
    with (folder / "report.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain="report")
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    assert (folder / "report.mo").read_bytes() == buffer.getvalue()


def test_every_key_the_code_uses_exists() -> None:
    used: list[str] = []
    for folder in (APP / "report", APP / "ui" / "support"):
        used += [k for k in code_keys(folder) if isinstance(k, str) and k.startswith(PREFIXES)]
    assert used, "the scan found no keys at all"
    missing = [k for k in used if k not in po("en")]
    assert missing == []


def test_the_asked_for_keys_have_their_fields() -> None:
    en = po("en")
    for key, wanted in ASKED_FOR:
        assert fields(en[key]) == wanted, key


def test_translator_answers_report_keys() -> None:
    assert translator("ru").gettext("report.title") == "Отчёт о проверке связи"
    assert translator("en").gettext("code.error.typo").startswith("This code has a typo")


def test_no_technical_words_in_what_users_read() -> None:
    technical = re.compile(r"\b(UDP|TCP|TLS|DNS|STUN|SNI|DPI|IP)\b")
    for lang in ("en", "ru"):
        for key, text in po(lang).items():
            assert not technical.search(text), (lang, key)


def test_russian_says_vy_in_lower_case_mid_sentence() -> None:
    for key, text in po("ru").items():
        assert not re.search(r"[^.!?:«]\s+(Вы|Вам|Вас|Ваш\w*)\b", text), key


def test_decoded_code_reads_like_the_check() -> None:
    tr = translator("en")
    text = decoded_text(decode(encode(sample.diagnosis()), sample.STARTED.date()), tr)
    assert text.splitlines()[0] == "Check of 20 November 2026"
    assert "List of services from November 2026" in text  # the month, not "2026.11"
    ru = decoded_text(decode(encode(sample.diagnosis()), sample.STARTED.date()), translator("ru"))
    assert "Список сервисов от ноября 2026 года" in ru
    assert "Calls — blocked" in text and "Calls in WhatsApp are being blocked" in text
    assert "Calls in Telegram work on this network." in text
    assert "Signal: not checked" in text
    assert "Main causes of this check:" in text
    assert "The kind of connection calls rely on doesn't get through here." in text


def test_decoded_russian() -> None:
    tr = translator("ru")
    text = decoded_text(decode(encode(sample.diagnosis()), sample.STARTED.date()), tr)
    assert text.splitlines()[0] == "Проверка от 20 ноября 2026 года"
    assert "Звонки — блокировка" in text and "• Signal: не проверялось" in text


def test_decoded_code_says_the_day_and_the_minute() -> None:
    code = encode(sample.diagnosis(), sample.STARTED)
    decoded = read(code, sample.STARTED)
    text = decoded_text(decoded.diagnosis, translator("ru"), decoded.time)
    assert text.splitlines()[0] == (
        f"Проверка от 20 ноября 2026 года, {sample.STARTED:%H:%M} по часам компьютера, "
        "на котором она шла")


@pytest.mark.parametrize(("lang", "where"), [
    ("ru", "Скорее всего, ошибка в группе 3 (считая слева)"),
    ("en", "Most likely the mistake is in group 3 (counting from the left)"),
])
def test_a_misheard_digit_is_located_in_its_group(lang: str, where: str) -> None:
    digits = list(encode(sample.diagnosis(), sample.STARTED).replace("-", ""))
    digits[9] = "0" if digits[9] != "0" else "1"  # the second digit of the third group
    with pytest.raises(CodeError) as info:
        read("".join(digits), sample.STARTED)
    assert info.value.reason is CodeProblem.TYPO
    assert where in code_error_text(info.value, translator(lang))


@pytest.mark.parametrize(("text", "reason"), [
    ("21VZ-56Y4-ET4W-N2", CodeProblem.TYPO),
    ("21VZ-56Y4-ET4W", CodeProblem.WRONG_LENGTH),
    ("21VZ-56Y4-ET4W-U!", CodeProblem.BAD_CHARACTERS),
])
def test_code_errors_in_plain_words(text: str, reason: CodeProblem) -> None:
    """Version-1 codes (older apps) are still read, and their errors still said."""
    assert encode_v1(sample.diagnosis()) == "21VZ-56Y4-ET4W-N1"
    with pytest.raises(CodeError) as info:
        decode(text, dt.date(2026, 11, 21))
    assert info.value.reason == reason
    message = code_error_text(info.value, translator("ru"))
    assert message == translator("ru").format(f"code.error.{reason.value}", chars="! U")
