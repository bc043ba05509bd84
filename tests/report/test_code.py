"""The version-1 check code (older apps): what a person reads out must come back as the same
diagnosis, or as an error.

Properties over arbitrary diagnoses (hypothesis): the round trip keeps everything the code
carries; every single wrong character and every swapped pair is reported as a typo.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.analysis.model import (
    Cause,
    CauseId,
    Diagnosis,
    FeatureResult,
    NetworkDetail,
    NetworkResult,
    NetworkStatus,
    ServiceResult,
    Verdict,
)
from app.report.code import (
    ALPHABET,
    DATE_WINDOW,
    LENGTH,
    PAYLOAD_LIMIT,
    SERVICE_SLOTS_V1,
    CodeError,
    CodeProblem,
    decode,
    encode_v1,
    group,
    main_causes,
    normalize,
    project,
    seal,
)

encode = encode_v1  # these tests are about version-1 codes (tests/report/test_code_v2.py: 2)

REGISTRY_NAMES = sorted({name for slots in SERVICE_SLOTS_V1.values() for name in slots})
OTHER_NAMES = ["Mapbox", "Organic Maps", "OsmAnd", "VK", "STUN servers"]


@st.composite
def causes(draw: st.DrawFn) -> tuple[Cause, ...]:
    ids = draw(st.lists(st.sampled_from(list(CauseId)), max_size=3))
    checks = st.lists(st.sampled_from(["wa-e1", "tg-dc2", "stun-1"]), max_size=2)
    return tuple(Cause(id=cause, checks=tuple(draw(checks))) for cause in ids)


@st.composite
def service_results(draw: st.DrawFn) -> tuple[ServiceResult, ...]:
    names = draw(st.lists(st.sampled_from(REGISTRY_NAMES + OTHER_NAMES), max_size=8))
    styled = [draw(st.sampled_from([n, n.lower(), n.upper().replace(" ", "")])) for n in names]
    return tuple(
        ServiceResult(
            service=name,
            verdict=draw(st.sampled_from(list(Verdict))),
            causes=draw(causes()),
            restriction_id=draw(st.none() | st.just("ru-2025-08-calls")),
        )
        for name in styled
    )


@st.composite
def diagnoses(draw: st.DrawFn) -> Diagnosis:
    names = draw(st.permutations(["calls", "messages", "maps"]))
    kept = names[: draw(st.integers(min_value=0, max_value=3))]
    features = tuple(
        FeatureResult(
            feature=name,
            verdict=draw(st.sampled_from(list(Verdict))),
            causes=draw(causes()),
            services=draw(service_results()),
        )
        for name in kept
    )
    day = draw(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2060, 12, 31)))
    catalog_day = draw(st.dates(min_value=day - dt.timedelta(days=800), max_value=day))
    catalog_version = draw(
        st.sampled_from(
            ["", "7", "default", catalog_day.strftime("%Y.%m.%d"), catalog_day.strftime("%Y.%m")]
        )
    )
    return Diagnosis(
        network=NetworkResult(
            status=draw(st.sampled_from(list(NetworkStatus))),
            causes=draw(causes()),
            detail=draw(st.sampled_from(list(NetworkDetail))),
        ),
        features=features,
        catalog_name=draw(st.sampled_from(["", "default", "lab"])),
        catalog_version=catalog_version,
        date=day,
    )


def sample() -> Diagnosis:
    return Diagnosis(
        network=NetworkResult(NetworkStatus.ONLINE),
        features=(
            FeatureResult(
                "calls",
                Verdict.BLOCKED,
                causes=(Cause(CauseId.STUN_BLOCKED, ("stun-1",)),),
                services=(
                    ServiceResult("WhatsApp", Verdict.BLOCKED),
                    ServiceResult("Telegram", Verdict.BLOCKED),
                    ServiceResult("Signal", Verdict.WORKS),
                ),
            ),
            FeatureResult(
                "messages", Verdict.WORKS, services=(ServiceResult("Telegram", Verdict.WORKS),)
            ),
            FeatureResult(
                "maps",
                Verdict.DEGRADED,
                causes=(Cause(CauseId.THROTTLED),),
                services=(
                    ServiceResult("Google Maps", Verdict.DEGRADED),
                    ServiceResult("Yandex Maps", Verdict.WORKS),
                    ServiceResult("Mapbox", Verdict.BLOCKED),
                ),
            ),
        ),
        catalog_name="default",
        catalog_version="2026.11.23",
        date=dt.date(2026, 11, 23),
    )


def raw(code: str) -> str:
    return normalize(code)


def reason_of(text: str, today: dt.date | None = None) -> CodeProblem:
    with pytest.raises(CodeError) as caught:
        decode(text, today=today)
    return caught.value.reason


# ── Round trip ───────────────────────────────────────────────────────────────────────────


@settings(max_examples=300)
@given(diagnoses(), st.integers(min_value=-1, max_value=DATE_WINDOW - 2))
def test_every_diagnosis_round_trips_on_what_the_code_carries(d: Diagnosis, later: int) -> None:
    code = encode(d)
    assert len(raw(code)) == LENGTH
    assert decode(code, today=d.date + dt.timedelta(days=later)) == project(d)


@given(diagnoses())
def test_projection_is_stable(d: Diagnosis) -> None:
    assert project(project(d)) == project(d)
    assert encode(project(d)) == encode(d)


def test_sample_decodes_to_what_support_needs() -> None:
    code = encode(sample())
    assert code.count("-") == 3 and [len(g) for g in code.split("-")] == [4, 4, 4, 2]
    back = decode(code, today=dt.date(2026, 11, 24))
    assert back.network.status is NetworkStatus.ONLINE
    assert [c.id for c in back.network.causes] == [CauseId.STUN_BLOCKED, CauseId.THROTTLED]
    calls = back.feature("calls")
    assert calls.verdict is Verdict.BLOCKED
    assert [(s.service, s.verdict) for s in calls.services] == [
        ("WhatsApp", Verdict.BLOCKED),
        ("Telegram", Verdict.BLOCKED),
        ("Signal", Verdict.WORKS),
    ]
    assert back.feature("messages").service("WhatsApp") is None  # not checked stays absent
    maps = back.feature("maps")
    assert maps.service("Mapbox") is None  # outside the version-1 registry
    assert maps.service("Google Maps") == ServiceResult("Google Maps", Verdict.DEGRADED)
    assert back.catalog_version == "2026.11"
    assert back.date == dt.date(2026, 11, 23)


def test_main_causes_prefers_network_then_the_worst_feature() -> None:
    d = Diagnosis(
        network=NetworkResult(NetworkStatus.ONLINE, causes=(Cause(CauseId.VPN_ACTIVE),)),
        features=(
            FeatureResult("calls", Verdict.DEGRADED, causes=(Cause(CauseId.POOR_CALL_QUALITY),)),
            FeatureResult("maps", Verdict.BLOCKED, causes=(Cause(CauseId.SNI_FILTERING),)),
        ),
    )
    assert main_causes(d) == (CauseId.SNI_FILTERING, CauseId.VPN_ACTIVE)


def test_date_window_wraps_to_the_most_recent_matching_day() -> None:
    d = sample()
    code = encode(d)
    assert decode(code, today=d.date - dt.timedelta(days=1)).date == d.date
    assert decode(code, today=d.date + dt.timedelta(days=DATE_WINDOW - 2)).date == d.date
    assert decode(code, today=d.date - dt.timedelta(days=2)).date == d.date - dt.timedelta(
        days=DATE_WINDOW
    )


def test_catalog_version_that_is_not_a_recent_date_is_not_carried() -> None:
    base = sample()
    for version in ("7", "default", "2024.01.01", "2026.12.01", "2026.13.01"):
        d = Diagnosis(base.network, base.features, "default", version, base.date)
        assert decode(encode(d), today=base.date).catalog_version == ""


# ── Mistakes people make ─────────────────────────────────────────────────────────────────


@settings(max_examples=60)
@given(diagnoses())
def test_every_single_substitution_is_a_typo(d: Diagnosis) -> None:
    code = raw(encode(d))
    for position in range(LENGTH):
        for char in ALPHABET:
            if char != code[position]:
                wrong = code[:position] + char + code[position + 1 :]
                assert reason_of(wrong, today=d.date) is CodeProblem.TYPO, (code, wrong)


@settings(max_examples=150)
@given(diagnoses())
def test_every_adjacent_transposition_is_a_typo(d: Diagnosis) -> None:
    code = raw(encode(d))
    for i in range(LENGTH - 1):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert reason_of(swapped, today=d.date) is CodeProblem.TYPO, (code, swapped)


@given(
    diagnoses(),
    st.lists(st.integers(min_value=0, max_value=LENGTH - 1), min_size=2, max_size=2, unique=True),
    st.lists(st.integers(min_value=1, max_value=31), min_size=2, max_size=2),
)
def test_any_two_wrong_characters_are_a_typo(
    d: Diagnosis, positions: list[int], shifts: list[int]
) -> None:
    chars = list(raw(encode(d)))
    for position, shift in zip(positions, shifts, strict=True):
        chars[position] = ALPHABET[(ALPHABET.index(chars[position]) + shift) % 32]
    assert reason_of("".join(chars), today=d.date) is CodeProblem.TYPO


def test_normalize_forgives_case_separators_and_lookalikes() -> None:
    assert normalize(" 7kq2-9xj4 m1r ") == "7KQ29XJ4M1R"
    assert normalize("o0-Ii-Ll") == "001111"
    assert normalize("ХРС–АВЕ—КМН_Т.О") == "XPCABEKMHT0"  # Cyrillic look-alikes, en/em dashes
    assert normalize("u") == "U"  # not mapped: decode names it as a bad character


def test_decode_accepts_what_people_actually_type() -> None:
    d = sample()
    code = encode(d)
    expected = decode(code, today=d.date)
    variants = [
        code.lower(),
        code.replace("-", " "),
        raw(code),
        " ".join(raw(code)),
        raw(code).replace("0", "o").replace("1", "l"),
    ]
    for variant in variants:
        assert decode(variant, today=d.date) == expected, variant


def test_cyrillic_lookalikes_decode_like_latin() -> None:
    latin_to_cyrillic = str.maketrans("ABEKMHPCTX", "АВЕКМНРСТХ")
    d = sample()
    code = encode(d)
    typed = code.translate(latin_to_cyrillic).lower()
    assert typed != code.lower()
    assert decode(typed, today=d.date) == decode(code, today=d.date)


@pytest.mark.parametrize("bad", ["U", "*", "é", "?"])
def test_characters_outside_the_alphabet_are_named(bad: str) -> None:
    code = raw(encode(sample()))
    with pytest.raises(CodeError) as caught:
        decode(code[:5] + bad + code[6:])
    assert caught.value.reason is CodeProblem.BAD_CHARACTERS
    assert bad.upper() in caught.value.detail


def test_missing_or_extra_characters_are_a_length_problem() -> None:
    code = raw(encode(sample()))
    assert reason_of(code[:-1]) is CodeProblem.WRONG_LENGTH
    assert reason_of(code[1:]) is CodeProblem.WRONG_LENGTH
    assert reason_of(code + "7") is CodeProblem.WRONG_LENGTH
    assert reason_of("") is CodeProblem.WRONG_LENGTH
    assert reason_of(" - ") is CodeProblem.WRONG_LENGTH
    assert reason_of(code[:8]) is CodeProblem.WRONG_LENGTH


# ── Versions ─────────────────────────────────────────────────────────────────────────────


def _symbols_of(number: int, count: int) -> list[int]:
    return [(number >> (5 * (count - 1 - i))) & 31 for i in range(count)]


def test_a_code_from_a_newer_format_is_unknown_version_not_a_typo() -> None:
    longer = seal([2, *_symbols_of(123456789, 14)])  # a future 17-character format
    assert reason_of(longer) is CodeProblem.UNKNOWN_VERSION
    above = seal(_symbols_of(PAYLOAD_LIMIT, 12))  # version-1 length, number above its range
    assert len(above) == LENGTH
    assert reason_of(group(above)) is CodeProblem.UNKNOWN_VERSION
    highest = seal([31] * 12)
    assert reason_of(highest) is CodeProblem.UNKNOWN_VERSION


def test_the_last_version_one_number_still_decodes() -> None:
    code = seal(_symbols_of(PAYLOAD_LIMIT - 1, 12))
    back = decode(code, today=dt.date(2026, 1, 1))
    assert {f.feature for f in back.features} == {"calls", "messages", "maps"}


@given(st.lists(st.integers(min_value=0, max_value=31), min_size=12, max_size=12))
def test_no_checked_twelve_symbol_word_crashes_the_decoder(data: list[int]) -> None:
    try:
        back = decode(seal(data), today=dt.date(2026, 1, 1))
    except CodeError as error:
        assert error.reason is CodeProblem.UNKNOWN_VERSION
    else:
        assert encode(back) == group(seal(data))  # every v1 number is one diagnosis


def test_exhaustively_no_one_or_two_character_error_is_a_codeword() -> None:
    """The proof behind the properties above, over every error pattern of a 14-character code.

    The check is linear (syndromes of code XOR error = syndromes of code XOR those of error),
    so a mistake goes unnoticed exactly when the error pattern itself passes the check. Every
    pattern touching one or two positions — each substitution, swap, or pair of slips — fails.
    """
    from app.report.code import _valid

    for i in range(LENGTH):
        for a in range(1, 32):
            single = [0] * LENGTH
            single[i] = a
            assert not _valid(single)
            for j in range(i + 1, LENGTH):
                for b in range(1, 32):
                    double = single.copy()
                    double[j] = b
                    assert not _valid(double), (i, a, j, b)
