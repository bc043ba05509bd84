"""The version-2 check code: 24 digits made for the phone.

What a support worker hears must come back as the same diagnosis and the minute of the check,
or as an error that says where the slip most likely is. Proven exhaustively (every error
pattern that touches one or two digits) and as properties over arbitrary diagnoses.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.report.code import (
    _COLUMNS_V2,
    _P,
    DATA_DIGITS_V2,
    DIGITS_V2,
    PAYLOAD_LIMIT_V2,
    TIME_WINDOW_V2,
    CodeError,
    CodeProblem,
    decode,
    encode,
    encode_v1,
    group_v2,
    normalize,
    project,
    read,
    seal_v2,
)
from tests.report.test_code import diagnoses, sample

ROOT = Path(__file__).resolve().parents[2]
AT = dt.datetime(2026, 11, 23, 18, 4, 37)
CODE_SHAPE = re.compile(r"\d{4}(?:-\d{4}){5}")

times = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2060, 12, 31))


def digits(code: str) -> str:
    return normalize(code)


def problem(text: str, now: dt.datetime = AT) -> CodeError:
    with pytest.raises(CodeError) as caught:
        read(text, now)
    return caught.value


def group_of(position: int) -> int:
    return position // 4 + 1


# ── Shape and round trip ─────────────────────────────────────────────────────────────────


def test_the_code_is_24_digits_in_six_groups_of_four() -> None:
    code = encode(sample(), AT)
    assert CODE_SHAPE.fullmatch(code), code
    assert len(digits(code)) == DIGITS_V2 == 24


@settings(max_examples=300)
@given(diagnoses(), times,
       st.integers(min_value=-24 * 60 + 1, max_value=TIME_WINDOW_V2 - 24 * 60 - 1))
def test_every_diagnosis_round_trips_with_the_minute_of_the_check(
        d: object, at: dt.datetime, later_min: int) -> None:
    assert isinstance(d, type(sample()))
    code = encode(d, at)
    assert CODE_SHAPE.fullmatch(code)
    back = read(code, now=at + dt.timedelta(minutes=later_min))
    assert back.version == 2
    assert back.time == at.replace(second=0, microsecond=0)
    assert back.diagnosis == project(replace(d, date=at.date()))
    assert decode(code, at + dt.timedelta(minutes=later_min)) == back.diagnosis


def test_two_runs_a_minute_apart_have_different_codes() -> None:
    d = sample()
    first, second = encode(d, AT), encode(d, AT + dt.timedelta(minutes=1))
    assert first != second
    assert read(first, AT).time == dt.datetime(2026, 11, 23, 18, 4)
    assert read(second, AT + dt.timedelta(minutes=1)).time == dt.datetime(2026, 11, 23, 18, 5)


def test_the_time_zone_does_not_move_the_time_the_person_saw() -> None:
    msk = dt.timezone(dt.timedelta(hours=3))
    code = encode(sample(), AT.replace(tzinfo=msk))
    assert read(code, AT).time == dt.datetime(2026, 11, 23, 18, 4)


def test_the_time_window_wraps_to_the_latest_matching_minute() -> None:
    code = encode(sample(), AT)
    minute = AT.replace(second=0)
    assert read(code, AT - dt.timedelta(hours=23)).time == minute  # a day early: clock skew
    assert read(code, AT + dt.timedelta(days=638)).time == minute
    long_after = read(code, AT + dt.timedelta(days=640)).time
    assert long_after == minute + dt.timedelta(minutes=TIME_WINDOW_V2)


# ── Mistakes: the proof, then the properties a support worker notices ─────────────────────


def test_exhaustively_no_error_in_one_or_two_digits_passes_the_check() -> None:
    """The check is linear over GF(23): a mistake goes unnoticed only if the error pattern
    itself has a zero syndrome. Digits differ by ±1..±9, so these are all the patterns that
    touch one or two of the 24 positions (89 856 of them) — and every one is caught."""
    values = [v for v in range(-9, 10) if v]
    patterns = 0
    for i in range(DIGITS_V2):
        ai, bi = _COLUMNS_V2[i]
        for e in values:
            assert (e * ai % _P, e * bi % _P) != (0, 0)
            patterns += 1
            for j in range(i + 1, DIGITS_V2):
                aj, bj = _COLUMNS_V2[j]
                for f in values:
                    assert ((e * ai + f * aj) % _P, (e * bi + f * bj) % _P) != (0, 0), (i, e, j, f)
                    patterns += 1
    assert patterns == 24 * 18 + 276 * 18 * 18 == 89_856


def test_one_check_triple_in_a_thousand_is_valid() -> None:
    """A random 24-digit string passes with probability 1/1000 (v1: 1/1024)."""
    for data in ("000000000000000000000", "123456789012345678901", "999999999999999999999"):
        valid = [n for n in range(1000) if _is_valid(data + f"{n:03d}")]
        assert len(valid) == 1 and seal_v2(data) == data + f"{valid[0]:03d}"


def _is_valid(word: str) -> bool:
    from app.report.code import _valid_v2

    return _valid_v2([int(ch) for ch in word])


@settings(max_examples=20, deadline=None)
@given(diagnoses(), times)
def test_every_misheard_digit_is_a_typo_in_the_right_group(d: object, at: dt.datetime) -> None:
    assert isinstance(d, type(sample()))
    code = digits(encode(d, at))
    for position in range(DIGITS_V2):
        for digit in "0123456789":
            if digit != code[position]:
                wrong = code[:position] + digit + code[position + 1:]
                error = problem(group_v2(wrong), at)
                assert error.reason is CodeProblem.TYPO
                assert error.groups[:1] == (group_of(position),), (code, wrong, error.groups)


@settings(max_examples=20, deadline=None)
@given(diagnoses(), times)
def test_every_swap_of_two_digits_is_a_typo(d: object, at: dt.datetime) -> None:
    assert isinstance(d, type(sample()))
    code = digits(encode(d, at))
    for i in range(DIGITS_V2):
        for j in range(i + 1, DIGITS_V2):
            if code[i] != code[j]:
                chars = list(code)
                chars[i], chars[j] = chars[j], chars[i]
                error = problem("".join(chars), at)
                assert error.reason is CodeProblem.TYPO
                if j == i + 1:  # neighbours swapped: some group is always named
                    assert error.groups


@given(diagnoses(), times,
       st.lists(st.integers(0, DIGITS_V2 - 1), min_size=2, max_size=2, unique=True),
       st.lists(st.integers(1, 9), min_size=2, max_size=2))
def test_any_two_wrong_digits_are_a_typo(d: object, at: dt.datetime, positions: list[int],
                                         shifts: list[int]) -> None:
    assert isinstance(d, type(sample()))
    chars = [int(ch) for ch in digits(encode(d, at))]
    for position, shift in zip(positions, shifts, strict=True):
        chars[position] = (chars[position] + shift) % 10
    assert problem("".join(map(str, chars)), at).reason is CodeProblem.TYPO


def test_a_missing_or_extra_digit_is_a_length_problem_that_names_its_group() -> None:
    code = digits(encode(sample(), AT))
    for position in range(DIGITS_V2):
        short = problem(code[:position] + code[position + 1:])
        assert short.reason is CodeProblem.WRONG_LENGTH
        assert len(short.groups) <= 3
        longer = problem(code[:position] + str((int(code[position]) + 1) % 10) + code[position:])
        assert longer.reason is CodeProblem.WRONG_LENGTH
        assert group_of(position) in longer.groups


def test_what_people_type_is_forgiven() -> None:
    code = encode(sample(), AT)
    for variant in (code.replace("-", " "), digits(code), f"  {code} ",
                    digits(code).replace("0", "O").replace("1", "l"),
                    "—".join(code.split("-")), " ".join(digits(code))):
        assert read(variant, AT).diagnosis == read(code, AT).diagnosis, variant


def test_a_letter_in_a_digit_code_is_named() -> None:
    code = digits(encode(sample(), AT))
    error = problem(code[:7] + "Б" + code[8:])
    assert error.reason is CodeProblem.BAD_CHARACTERS and "Б" in error.detail


# ── Versions ─────────────────────────────────────────────────────────────────────────────


def test_old_codes_still_decode_as_version_one() -> None:
    old = encode_v1(sample())
    back = read(old, dt.date(2026, 11, 24))
    assert back.version == 1 and back.time is None
    assert back.diagnosis == project(sample())
    assert read("21VZ-56Y4-ET4W-N1", dt.date(2026, 1, 1)).version == 1  # docs/support.md's


def test_a_number_above_the_version_two_range_is_a_newer_version() -> None:
    above = seal_v2(f"{PAYLOAD_LIMIT_V2:0{DATA_DIGITS_V2}d}")
    assert problem(above).reason is CodeProblem.UNKNOWN_VERSION
    last = seal_v2(f"{PAYLOAD_LIMIT_V2 - 1:0{DATA_DIGITS_V2}d}")
    assert read(last, AT).version == 2


@settings(max_examples=200)
@given(st.text(alphabet="0123456789", min_size=DATA_DIGITS_V2, max_size=DATA_DIGITS_V2))
def test_every_sealed_24_digit_word_decodes_or_is_a_newer_version(data: str) -> None:
    try:
        back = read(seal_v2(data), AT)
    except CodeError as error:
        assert error.reason is CodeProblem.UNKNOWN_VERSION
    else:
        assert back.version == 2 and len(back.diagnosis.features) == 3


# ── The examples people copy are real codes ──────────────────────────────────────────────


def _examples(text: str) -> list[str]:
    return re.findall(r"\b\d{4}(?:-\d{4}){5}\b", text)


@pytest.mark.parametrize("doc", ["README.md", "docs/code.md", "docs/report-json.md"])
def test_the_codes_in_the_docs_decode(doc: str) -> None:
    found = _examples((ROOT / doc).read_text(encoding="utf-8"))
    assert found, f"{doc} shows no check code"
    for code in found:
        assert read(code, AT).version == 2, code


def test_the_code_in_decode_help_decodes() -> None:
    from app.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    help_text = sub.choices["decode"].format_help()  # type: ignore[attr-defined]
    found = _examples(help_text)
    assert found, help_text
    for code in found:
        assert read(code, AT).version == 2


def test_recorded_runs_carry_the_minute_they_started() -> None:
    """The golden recordings' codes (tests/golden/runs) decode to their own start time."""
    import json

    for path in sorted((ROOT / "tests" / "golden" / "runs").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        started = dt.datetime.fromisoformat(doc["started_at"])
        back = read(doc["code"], started)
        assert back.time == started.replace(tzinfo=None, second=0, microsecond=0), path.name
        assert back.diagnosis.network.status.value == doc["network"]["status"], path.name


def test_the_code_in_the_decode_dialog_placeholder_decodes() -> None:
    for lang in ("ru", "en"):
        po = (ROOT / "resources" / "locale" / lang / "LC_MESSAGES" / "report.po").read_text(
            encoding="utf-8")
        found = _examples(po)
        assert found, lang
        for code in found:
            assert read(code, AT).version == 2
