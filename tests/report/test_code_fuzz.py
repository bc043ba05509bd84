"""Property tests for the check-code decoder: whatever a person types (or pastes), decode()
gives a diagnosis or a CodeError with a reason — never another exception."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.report.code import ALPHABET, LENGTH, CodeError, CodeProblem, decode, normalize, seal

FUZZ = settings(max_examples=200, deadline=None)
TODAY = dt.date(2026, 6, 1)

# What people type: code characters, look-alikes (Latin and Cyrillic), separators, and noise.
TYPED = ALPHABET + "oilu" + "АВЕКМНОРСТХавекмнорстх" + " -–—_.·\t\n" + "ßﬀİıǅ²½" + "#?!/"


@FUZZ
@given(st.text(max_size=60) | st.text(alphabet=TYPED, max_size=40),
       st.dates(dt.date(2020, 1, 1), dt.date(2100, 1, 1)))
@example("ß" * 7, TODAY)  # upper-cases to 14 letters S
@example("ﬀ" * 7, TODAY)  # a ligature that upper-cases to two letters
@example("\x00" * 14, TODAY)
@example("", TODAY)
def test_decode_gives_a_diagnosis_or_a_code_error(text: str, today: dt.date) -> None:
    try:
        diagnosis = decode(text, today)
    except CodeError as error:
        assert isinstance(error.reason, CodeProblem)
        assert str(error)
        return
    assert len(normalize(text)) == LENGTH
    assert diagnosis.date <= today + dt.timedelta(days=1)
    assert len(diagnosis.features) == 3


@FUZZ
@given(st.lists(st.integers(0, 31), min_size=12, max_size=12),
       st.dates(dt.date(2020, 1, 1), dt.date(2100, 1, 1)))
def test_every_sealed_14_character_word_decodes_or_is_a_newer_version(
        data: list[int], today: dt.date) -> None:
    """Valid check characters: either a version-1 diagnosis or "from a newer app"."""
    try:
        decode(seal(data), today)
    except CodeError as error:
        assert error.reason == CodeProblem.UNKNOWN_VERSION
