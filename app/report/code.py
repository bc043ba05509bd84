"""The check code: a summary of one check that a person can read out over the phone or text.

Support runs ``conncheck decode CODE`` and gets the diagnosis back, with no server involved.
Both formats are specified in docs/code.md; the short version:

* **Version 2** (made by every run now): 24 digits in six groups of four,
  ``0431-4106-4333-9134-8576-0186``. 21 data digits carry one mixed-radix number (network
  status, the three feature verdicts, the verdicts of 11 fixed service slots, the two main
  causes, the minute the check started within a 640-day window, the catalog's month as an
  age in months); 3 check digits make the code a word of a distance-3 code over GF(23), so
  any one or two wrong digits — every misheard digit, every swap — are always caught, and a
  single slip is located (:attr:`CodeError.groups` names its group).
* **Version 1** (older apps): 14 Crockford base32 characters, 2 Reed–Solomon check characters
  over GF(32). Still decoded, unchanged; :func:`encode_v1` still makes them for tests.
* The version is told by the shape: digits only and not 14 long → version 2; otherwise
  version 1. Numbers above each version's payload limit are left to later versions.
* Decoding forgives case, spaces, dashes, O/I/L and the Cyrillic letters that look like
  Latin ones (a Russian keyboard layout).

The code is lossy by design; :func:`project` is exactly what survives a round trip (and the
version-2 code keeps the minute the check started, :attr:`Decoded.time`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from enum import StrEnum

from app.analysis.model import (
    Cause,
    CauseId,
    Diagnosis,
    FeatureResult,
    NetworkResult,
    NetworkStatus,
    ServiceResult,
    Verdict,
)

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
VERSION = 1
DATA_LENGTH = 12
CHECK_LENGTH = 2
LENGTH = DATA_LENGTH + CHECK_LENGTH
GROUP = 4
EPOCH = dt.date(2025, 1, 1)
DATE_WINDOW = 1024  # days: a code decodes to the right day for ~2.8 years after the check
CATALOG_AGES = 24  # catalog age in months 0..23 is carried; anything else is "not carried"
MIN_FUTURE_LENGTH = 10  # a checked code of another length (10..31) is from a newer format
MAX_FUTURE_LENGTH = 31  # the longest Reed–Solomon word over GF(32)

FEATURES: tuple[str, ...] = ("calls", "messages", "maps")

# ── The version-1 registry. Order is fixed forever; later versions may only append. ────────
NETWORK_V1: tuple[NetworkStatus, ...] = (
    NetworkStatus.ONLINE,
    NetworkStatus.OFFLINE,
    NetworkStatus.CAPTIVE_PORTAL,
    NetworkStatus.WHITELIST_ONLY,
    NetworkStatus.UNKNOWN,
)
VERDICTS_V1: tuple[Verdict, ...] = (
    Verdict.WORKS,
    Verdict.DEGRADED,
    Verdict.BLOCKED,
    Verdict.UNAVAILABLE,
    Verdict.UNKNOWN,
)
SERVICE_SLOTS_V1: dict[str, tuple[str, ...]] = {
    "calls": ("WhatsApp", "Telegram", "Signal"),
    "messages": ("WhatsApp", "Telegram", "Signal"),
    "maps": ("Google Maps", "Yandex Maps", "2GIS", "OpenStreetMap", "Apple Maps"),
}
CAUSES_V1: tuple[CauseId, ...] = (
    CauseId.OFFLINE,
    CauseId.CAPTIVE_PORTAL,
    CauseId.WHITELIST_ONLY,
    CauseId.DNS_TAMPERING,
    CauseId.IP_BLOCKING,
    CauseId.SNI_FILTERING,
    CauseId.TLS_INTERCEPTION,
    CauseId.UDP_BLOCKED,
    CauseId.STUN_BLOCKED,
    CauseId.CALL_CUTOFF,
    CauseId.THROTTLED,
    CauseId.TRANSFER_FREEZE,
    CauseId.CONNECTION_FAILURES,
    CauseId.POOR_CALL_QUALITY,
    CauseId.RELAY_TCP_ONLY,
    CauseId.CALL_TRAFFIC_FILTERED,
    CauseId.LOCAL_PROXY,
    CauseId.VPN_ACTIVE,
    CauseId.DNS_FAILURE,
)
MAIN_CAUSES = 2

# Cause sets: none, each single cause, each unordered pair (by registry index), in that order.
_CAUSE_SETS: tuple[tuple[int, ...], ...] = (
    (),
    *((i,) for i in range(len(CAUSES_V1))),
    *((i, j) for i in range(len(CAUSES_V1)) for j in range(i + 1, len(CAUSES_V1))),
)
_CAUSE_SET_INDEX = {combo: n for n, combo in enumerate(_CAUSE_SETS)}
_SERVICE_STATES = len(VERDICTS_V1) + 1  # 0 = not checked, 1.. = VERDICTS_V1[n - 1]

# Radix of each field, least significant first (docs/code.md has the same table).
_RADIXES: tuple[int, ...] = (
    (len(NETWORK_V1),)
    + (len(VERDICTS_V1),) * len(FEATURES)
    + (_SERVICE_STATES,) * sum(len(slots) for slots in SERVICE_SLOTS_V1.values())
    + (len(_CAUSE_SETS), DATE_WINDOW, CATALOG_AGES + 1)
)


def _product(values: tuple[int, ...]) -> int:
    total = 1
    for value in values:
        total *= value
    return total


PAYLOAD_LIMIT = _product(_RADIXES)
assert PAYLOAD_LIMIT <= 32**DATA_LENGTH, "version-1 fields must fit in 12 characters"


class CodeProblem(StrEnum):
    """Why a text is not a usable check code. The CLI words each one for people."""

    BAD_CHARACTERS = "bad_characters"  # something that is not a code character
    WRONG_LENGTH = "wrong_length"  # too few or too many characters
    TYPO = "typo"  # the check characters do not match: a character was misread or mistyped
    UNKNOWN_VERSION = "unknown_version"  # a valid code from a newer app


class CodeError(ValueError):
    """A code that cannot be decoded. ``reason`` says why; ``str()`` is for logs, not users."""

    def __init__(self, reason: CodeProblem, detail: str = "", *, version: int = 1,
                 length: int = 0, groups: tuple[int, ...] = ()) -> None:
        self.reason = reason
        self.detail = detail
        self.version = version  # the format the text looked like (2: digits only)
        self.length = length  # how many characters were typed (separators not counted)
        self.groups = groups  # version 2: where the slip most likely is (1-based groups)
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)


# ── GF(32) and the check characters ─────────────────────────────────────────────────────
# Field built on the primitive polynomial x^5 + x^2 + 1; alpha = 2 generates all 31 nonzero
# elements. The code appends two symbols so that the word (data…, check1, check2), read as a
# polynomial, has alpha and alpha^2 as roots. That is a Reed–Solomon code with minimum
# distance 3 (BCH bound; any word length <= 31), so any error touching at most two positions
# leaves a nonzero syndrome and is detected.
_EXP = [0] * 62
_LOG = [0] * 32
_value = 1
for _power in range(31):
    _EXP[_power] = _EXP[_power + 31] = _value
    _LOG[_value] = _power
    _value <<= 1
    if _value & 0b100000:
        _value ^= 0b100101
del _value, _power


def _mul(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return _EXP[_LOG[a] + _LOG[b]]


_ALPHA = 2
_ALPHA2 = _mul(_ALPHA, _ALPHA)
# generator g(x) = (x - a)(x - a^2) = x^2 + (a + a^2) x + a^3   (in characteristic 2, - is +)
_G1 = _ALPHA ^ _ALPHA2
_G0 = _mul(_ALPHA, _ALPHA2)


def _check_symbols(data: list[int]) -> list[int]:
    """The remainder of data(x)·x² divided by g(x): the two check symbols."""
    r1 = r0 = 0
    for symbol in data:
        feedback = symbol ^ r1
        r1 = r0 ^ _mul(feedback, _G1)
        r0 = _mul(feedback, _G0)
    return [r1, r0]


def _valid(symbols: list[int]) -> bool:
    """True when the word has alpha and alpha^2 as roots (Horner's rule at both)."""
    s1 = s2 = 0
    for symbol in symbols:
        s1 = _mul(s1, _ALPHA) ^ symbol
        s2 = _mul(s2, _ALPHA2) ^ symbol
    return s1 == 0 and s2 == 0


# ── Text handling ───────────────────────────────────────────────────────────────────────
# Crockford's reading rules, plus Cyrillic capitals that look like Latin letters or digits:
# support staff often type what they hear with a Russian keyboard layout still active.
_LOOKALIKES = str.maketrans(
    {
        "O": "0", "I": "1", "L": "1",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H",
        "О": "0", "Р": "P", "С": "C", "Т": "T", "Х": "X",
    }
)
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_.·]+")


def normalize(text: str) -> str:
    """Upper-case, drop spaces and dashes, and map look-alikes (O→0, I/L→1, Cyrillic С→C…).

    The result is not validated: characters outside the alphabet (such as U) stay, so that
    :func:`decode` can name them.
    """
    return _SEPARATORS.sub("", text).upper().translate(_LOOKALIKES)


def group(code: str, size: int = GROUP) -> str:
    """``21ZWR4YN02E08N`` → ``21ZW-R4YN-02E0-8N``: easier to read out and to copy."""
    return "-".join(code[i : i + size] for i in range(0, len(code), size))


# ── Projection: what a code can carry ───────────────────────────────────────────────────


def _service_key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


_SLOT_BY_KEY: dict[str, dict[str, str]] = {
    feature: {_service_key(slot): slot for slot in slots}
    for feature, slots in SERVICE_SLOTS_V1.items()
}

_SEVERITY = (Verdict.BLOCKED, Verdict.DEGRADED, Verdict.UNAVAILABLE, Verdict.UNKNOWN, Verdict.WORKS)


def _feature_or_unknown(diagnosis: Diagnosis, name: str) -> FeatureResult:
    for result in diagnosis.features:
        if result.feature == name:
            return result
    return FeatureResult(feature=name, verdict=Verdict.UNKNOWN)


def main_causes(diagnosis: Diagnosis) -> tuple[CauseId, ...]:
    """The causes the code carries: at most two, in registry order.

    Candidates are taken network first, then features from the most severe verdict down
    (calls, messages, maps break ties), each feature's own causes before its services'; the
    first two different causes win.
    """
    seen: list[CauseId] = []

    def take(causes: tuple[Cause, ...]) -> None:
        for cause in causes:
            if cause.id in CAUSES_V1 and cause.id not in seen and len(seen) < MAIN_CAUSES:
                seen.append(cause.id)

    take(diagnosis.network.causes)
    features = [_feature_or_unknown(diagnosis, name) for name in FEATURES]
    features.sort(key=lambda f: _SEVERITY.index(f.verdict))
    for feature in features:
        take(feature.causes)
        for service in feature.services:
            take(service.causes)
    return tuple(sorted(seen, key=CAUSES_V1.index))


def _slot_verdicts(feature: FeatureResult) -> list[Verdict | None]:
    """The verdict in each registry slot of ``feature`` (``None``: not checked)."""
    slots = SERVICE_SLOTS_V1[feature.feature]
    found: dict[str, Verdict] = {}
    for service in feature.services:
        slot = _SLOT_BY_KEY[feature.feature].get(_service_key(service.service))
        if slot is not None and slot not in found:
            found[slot] = service.verdict
    return [found.get(slot) for slot in slots]


def _catalog_age(catalog_version: str, day: dt.date) -> int | None:
    """Months between a date-like catalog version (``2026.11.23``, ``2026.11``) and the check."""
    match = re.fullmatch(r"\s*(\d{4})[.\-](\d{1,2})(?:[.\-]\d{1,2})?\s*", catalog_version)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    age = (day.year - year) * 12 + (day.month - month)
    return age if 0 <= age < CATALOG_AGES else None


def _catalog_month(day: dt.date, age: int) -> str:
    months = day.year * 12 + (day.month - 1) - age
    return f"{months // 12:04d}.{months % 12 + 1:02d}"


def project(diagnosis: Diagnosis) -> Diagnosis:
    """The part of ``diagnosis`` that a code carries — what :func:`decode` gives back.

    Kept: network status; the verdict of calls, messages, maps; the verdicts of the registry's
    service slots (canonical names, registry order); the two main causes, put on the network
    result because the code does not say which feature they came from; the date; the catalog
    version as ``YYYY.MM`` when it is a date up to 23 months before the check. Dropped: cause
    check ids and services, network detail, service causes and notes, the catalog name,
    services outside the registry, any feature other than the three.
    """
    features = []
    for name in FEATURES:
        original = _feature_or_unknown(diagnosis, name)
        services = tuple(
            ServiceResult(service=slot, verdict=verdict)
            for slot, verdict in zip(SERVICE_SLOTS_V1[name], _slot_verdicts(original), strict=True)
            if verdict is not None
        )
        features.append(FeatureResult(feature=name, verdict=original.verdict, services=services))
    age = _catalog_age(diagnosis.catalog_version, diagnosis.date)
    return Diagnosis(
        network=NetworkResult(
            status=diagnosis.network.status,
            causes=tuple(Cause(id=cause) for cause in main_causes(diagnosis)),
        ),
        features=tuple(features),
        catalog_name="",
        catalog_version="" if age is None else _catalog_month(diagnosis.date, age),
        date=diagnosis.date,
    )


# ── Encoding and decoding ───────────────────────────────────────────────────────────────


def _digits(diagnosis: Diagnosis) -> list[int]:
    """One digit per entry of ``_RADIXES``."""
    digits: list[int] = [NETWORK_V1.index(diagnosis.network.status)]
    features = [_feature_or_unknown(diagnosis, name) for name in FEATURES]
    digits += [VERDICTS_V1.index(feature.verdict) for feature in features]
    for feature in features:
        digits += [
            0 if verdict is None else VERDICTS_V1.index(verdict) + 1
            for verdict in _slot_verdicts(feature)
        ]
    causes = tuple(CAUSES_V1.index(cause) for cause in main_causes(diagnosis))
    digits.append(_CAUSE_SET_INDEX[causes])
    digits.append((diagnosis.date - EPOCH).days % DATE_WINDOW)
    age = _catalog_age(diagnosis.catalog_version, diagnosis.date)
    digits.append(0 if age is None else age + 1)
    return digits


def encode_v1(diagnosis: Diagnosis) -> str:
    """The version-1 code of ``diagnosis``, grouped: ``XXXX-XXXX-XXXX-XX``.

    Runs no longer make these (:func:`encode` makes version 2); kept so that tests and
    fixtures can make the codes people still have."""
    number = 0
    for digit, radix in zip(reversed(_digits(diagnosis)), reversed(_RADIXES), strict=True):
        number = number * radix + digit
    data = [(number >> (5 * (DATA_LENGTH - 1 - i))) & 31 for i in range(DATA_LENGTH)]
    return group(seal(data))


def seal(data: list[int]) -> str:
    """Data symbols (0..31) plus their check characters, ungrouped — any length up to 29.

    For tests and for fixtures of future formats; :func:`encode` is the way to make a code.
    """
    if not 0 < len(data) <= MAX_FUTURE_LENGTH - CHECK_LENGTH or not all(0 <= s < 32 for s in data):
        raise ValueError("data must be 1..29 symbols in 0..31")
    return "".join(ALPHABET[s] for s in data + _check_symbols(data))


def _symbols(text: str) -> list[int]:
    code = normalize(text)
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        raise CodeError(CodeProblem.BAD_CHARACTERS, "".join(bad))
    return [ALPHABET.index(ch) for ch in code]


def _split(number: int, radixes: tuple[int, ...]) -> list[int]:
    """A mixed-radix number back into its fields, least significant first."""
    digits = []
    for radix in radixes:
        number, digit = divmod(number, radix)
        digits.append(digit)
    return digits


_TIME_FIELD = len(_RADIXES) - 2  # the date (version 1) or the minute (version 2)


def _diagnosis_from(digits: list[int], day: dt.date) -> Diagnosis:
    """The diagnosis the fields carry; the time field was read by the caller (``day``)."""
    it = iter(digits)
    status = NETWORK_V1[next(it)]
    verdicts = [VERDICTS_V1[next(it)] for _ in FEATURES]
    services: dict[str, tuple[ServiceResult, ...]] = {}
    for name in FEATURES:
        states = [next(it) for _ in SERVICE_SLOTS_V1[name]]
        services[name] = tuple(
            ServiceResult(service=slot, verdict=VERDICTS_V1[state - 1])
            for slot, state in zip(SERVICE_SLOTS_V1[name], states, strict=True)
            if state
        )
    causes = _CAUSE_SETS[next(it)]
    next(it)  # the time field
    age = next(it)
    return Diagnosis(
        network=NetworkResult(status=status, causes=tuple(Cause(id=CAUSES_V1[i]) for i in causes)),
        features=tuple(
            FeatureResult(feature=name, verdict=verdict, services=services[name])
            for name, verdict in zip(FEATURES, verdicts, strict=True)
        ),
        catalog_version="" if age == 0 else _catalog_month(day, age - 1),
        date=day,
    )


def _unpack(number: int, today: dt.date) -> Diagnosis:
    digits = _split(number, _RADIXES)
    offset = digits[_TIME_FIELD]
    # The latest day not after tomorrow (clocks and time zones differ) with this offset.
    latest = (today + dt.timedelta(days=1) - EPOCH).days
    days = latest - ((latest - offset) % DATE_WINDOW)
    return _diagnosis_from(digits, EPOCH + dt.timedelta(days=days))


def _decode_v1(symbols: list[int], today: dt.date) -> Diagnosis:
    """A version-1 code (already split into symbols), or :class:`CodeError`.

    The reason of an error is decided in this order: characters (done by the caller), check
    characters, version."""
    if not _valid(symbols) or not MIN_FUTURE_LENGTH <= len(symbols) <= MAX_FUTURE_LENGTH:
        if len(symbols) == LENGTH:
            raise CodeError(CodeProblem.TYPO, "check characters do not match")
        raise CodeError(CodeProblem.WRONG_LENGTH, f"{len(symbols)} characters, expected {LENGTH}")
    if len(symbols) != LENGTH:
        raise CodeError(CodeProblem.UNKNOWN_VERSION, f"{len(symbols)} characters")
    number = 0
    for symbol in symbols[:DATA_LENGTH]:
        number = (number << 5) | symbol
    if number >= PAYLOAD_LIMIT:
        raise CodeError(CodeProblem.UNKNOWN_VERSION, "number above the version-1 range")
    return _unpack(number, today)


# ── Version 2: digits only, made for the phone ──────────────────────────────────────────
# 24 digits in six groups of four: 21 data digits (one decimal number: the version-1 fields,
# with the minute of the check instead of the day) and 3 check digits. Every word, read as a
# vector over GF(23), must satisfy H·w = 0, where H has a column for each position i:
# (1, i) for i = 0..21, 2·(1, 22) for i = 22, 3·(0, 1) for i = 23. The 24 columns are the 24
# points of the projective line over GF(23), pairwise independent, so the code has minimum
# distance 3 over GF(23) and so over digits: an error that touches one or two positions
# changes the word by e with at most two entries in ±1..±9 (nonzero mod 23), and H·e ≠ 0.
# The three check digits (positions 21–23) can reach every one of the 529 syndromes; the
# encoder takes the smallest such triple, and a word is valid only with that very triple
# (a random 24-digit string passes with probability 1/1000).
VERSION_V2 = 2
DIGITS_V2 = 24
DATA_DIGITS_V2 = 21
CHECK_DIGITS_V2 = DIGITS_V2 - DATA_DIGITS_V2
GROUP_V2 = 4
EPOCH_V2 = dt.datetime(2025, 1, 1)  # wall-clock time of the checking computer
TIME_WINDOW_V2 = 640 * 24 * 60  # minutes: a code decodes to the right minute for ~21 months
_P = 23
_COLUMNS_V2: tuple[tuple[int, int], ...] = (
    *((1, i) for i in range(22)),
    (2, (2 * 22) % _P),
    (0, 3),
)
_RADIXES_V2: tuple[int, ...] = (
    (*_RADIXES[:_TIME_FIELD], TIME_WINDOW_V2, *_RADIXES[_TIME_FIELD + 1:])
)
PAYLOAD_LIMIT_V2 = _product(_RADIXES_V2)
assert PAYLOAD_LIMIT_V2 <= 10**DATA_DIGITS_V2, "version-2 fields must fit in 21 digits"


def _syndrome(digits: list[int] | tuple[int, ...]) -> tuple[int, int]:
    s1 = s2 = 0
    for digit, (a, b) in zip(digits, _COLUMNS_V2, strict=False):
        s1 += digit * a
        s2 += digit * b
    return s1 % _P, s2 % _P


def _check_table() -> dict[tuple[int, int], tuple[int, int, int]]:
    """For each syndrome the data leave, the smallest check triple that cancels it."""
    table: dict[tuple[int, int], tuple[int, int, int]] = {}
    for n in range(10**CHECK_DIGITS_V2):
        triple = (n // 100, n // 10 % 10, n % 10)
        s1, s2 = _syndrome((0,) * DATA_DIGITS_V2 + triple)
        table.setdefault(((-s1) % _P, (-s2) % _P), triple)
    assert len(table) == _P * _P, "the check digits must reach every syndrome"
    return table


_CHECKS_V2 = _check_table()


def _valid_v2(digits: list[int]) -> bool:
    if len(digits) != DIGITS_V2:
        return False
    data, checks = digits[:DATA_DIGITS_V2], tuple(digits[DATA_DIGITS_V2:])
    return _CHECKS_V2[_syndrome(data)] == checks


def seal_v2(data: str) -> str:
    """21 data digits plus their 3 check digits, ungrouped (tests, fixtures)."""
    if len(data) != DATA_DIGITS_V2 or not data.isdigit() or not data.isascii():
        raise ValueError("data must be 21 digits")
    checks = _CHECKS_V2[_syndrome([int(ch) for ch in data])]
    return data + "".join(str(d) for d in checks)


def group_v2(code: str) -> str:
    """``123456789012345678901234`` → ``1234-5678-9012-3456-7890-1234``."""
    return group(code, GROUP_V2)


def _minute(at: dt.datetime) -> int:
    """Minutes since the version-2 epoch, on the checking computer's wall clock."""
    wall = at.replace(tzinfo=None, second=0, microsecond=0)
    return int((wall - EPOCH_V2).total_seconds()) // 60


def encode(diagnosis: Diagnosis, at: dt.datetime | None = None) -> str:
    """The check code (version 2) of a run that started at ``at``: 24 digits in groups of 4.

    ``at`` is read on the wall clock it carries (its time zone is dropped: the decoder shows
    the time the person saw); without it, midnight of the diagnosis's date (tests)."""
    when = at if at is not None else dt.datetime.combine(diagnosis.date, dt.time())
    fields = _digits(replace(diagnosis, date=when.date()))
    fields[_TIME_FIELD] = _minute(when) % TIME_WINDOW_V2
    number = 0
    for digit, radix in zip(reversed(fields), reversed(_RADIXES_V2), strict=True):
        number = number * radix + digit
    return group_v2(seal_v2(f"{number:0{DATA_DIGITS_V2}d}"))


@dataclass(frozen=True)
class Decoded:
    """What a code says: the diagnosis (see :func:`project`), and when the check ran."""

    diagnosis: Diagnosis
    version: int
    time: dt.datetime | None = None  # to the minute (version 2); None: only the day is known


def _group_of(position: int) -> int:
    return position // GROUP_V2 + 1


def _typo_groups(digits: list[int]) -> tuple[int, ...]:
    """Where a 24-digit code that fails the check was most likely misheard (1-based groups).

    One wrong digit is the likeliest slip: at most one digit can be changed to give a valid
    code (the code's distance is 3), and its group is returned. Failing that, two neighbours
    swapped: the groups of every swap that gives a valid code. Empty when no single slip
    explains the text."""
    for i in range(DIGITS_V2):
        for digit in range(10):
            if digit != digits[i] and _usable_v2([*digits[:i], digit, *digits[i + 1 :]]):
                return (_group_of(i),)
    found: list[int] = []
    for i in range(DIGITS_V2 - 1):
        if digits[i] != digits[i + 1]:
            swapped = [*digits[:i], digits[i + 1], digits[i], *digits[i + 2 :]]
            if _usable_v2(swapped):
                found += [_group_of(i), _group_of(i + 1)]
    return tuple(dict.fromkeys(found))


def _length_groups(digits: list[int]) -> tuple[int, ...]:
    """For a code one digit short or long: the groups where adding or dropping one digit
    gives a valid code (1-based, in the full code's grouping)."""
    found: list[int] = []
    if len(digits) == DIGITS_V2 - 1:
        for i in range(DIGITS_V2):
            for digit in range(10):
                if _usable_v2([*digits[:i], digit, *digits[i:]]):
                    found.append(_group_of(i))
    elif len(digits) == DIGITS_V2 + 1:
        for i in range(len(digits)):
            if _usable_v2(digits[:i] + digits[i + 1 :]):
                found.append(_group_of(min(i, DIGITS_V2 - 1)))
    return tuple(dict.fromkeys(found))


def _number_v2(digits: list[int]) -> int:
    return int("".join(str(d) for d in digits[:DATA_DIGITS_V2]))


def _usable_v2(digits: list[int]) -> bool:
    return _valid_v2(digits) and _number_v2(digits) < PAYLOAD_LIMIT_V2


def _decode_v2(digits: list[int], now: dt.datetime) -> Decoded:
    if len(digits) != DIGITS_V2:
        raise CodeError(CodeProblem.WRONG_LENGTH, f"{len(digits)} digits, expected {DIGITS_V2}",
                        version=VERSION_V2, length=len(digits), groups=_length_groups(digits))
    if not _valid_v2(digits):
        raise CodeError(CodeProblem.TYPO, "check digits do not match", version=VERSION_V2,
                        length=len(digits), groups=_typo_groups(digits))
    number = _number_v2(digits)
    if number >= PAYLOAD_LIMIT_V2:
        raise CodeError(CodeProblem.UNKNOWN_VERSION, "number above the version-2 range",
                        version=VERSION_V2, length=len(digits))
    fields = _split(number, _RADIXES_V2)
    offset = fields[_TIME_FIELD]
    # The latest minute not after this time tomorrow (clocks and time zones differ).
    latest = _minute(now + dt.timedelta(days=1))
    minutes = latest - ((latest - offset) % TIME_WINDOW_V2)
    when = EPOCH_V2 + dt.timedelta(minutes=minutes)
    return Decoded(_diagnosis_from(fields, when.date()), VERSION_V2, when)


def read(text: str, now: dt.datetime | dt.date | None = None) -> Decoded:
    """What a typed code says, or :class:`CodeError`. Both formats are read:

    * version 2 — digits only, 24 of them (any other number of digits but 14 is a version-2
      code with a digit missing or extra);
    * version 1 — 14 letters and digits (Crockford base32; an all-digit 14 is version 1 too).

    ``now`` anchors the time window (default: now, local time); a date means the end of it.
    """
    if now is None:
        anchor = dt.datetime.now()
    elif isinstance(now, dt.datetime):
        anchor = now.replace(tzinfo=None)
    else:
        anchor = dt.datetime.combine(now, dt.time(23, 59))
    code = normalize(text)
    if code.isdigit() and code.isascii() and len(code) != LENGTH:
        return _decode_v2([int(ch) for ch in code], anchor)
    letters = [ch for ch in code if not (ch.isdigit() and ch.isascii())]
    if abs(len(code) - DIGITS_V2) <= 1 and len(letters) <= 2:
        # A digit code with a letter or two in it: a slip, not a version-1 code.
        raise CodeError(CodeProblem.BAD_CHARACTERS, "".join(sorted(set(letters))),
                        version=VERSION_V2, length=len(code))
    return Decoded(_decode_v1(_symbols(text), anchor.date()), VERSION)


def decode(text: str, today: dt.datetime | dt.date | None = None) -> Diagnosis:
    """The diagnosis a code carries (see :func:`project`), or :class:`CodeError`.

    :func:`read` also gives the version and the time of the check."""
    return read(text, today).diagnosis
