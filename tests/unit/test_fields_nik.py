"""The NIK: value type round trip, and reading it from OCR text."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ktp_ocr.fields.nik import (
    DROP_CONFUSION,
    DROP_DIGIT,
    DROP_JUNK,
    MAX_CANDIDATES,
    InvalidNik,
    NikCandidate,
    format_nik,
    mask_nik,
    nik_candidates,
    parse_nik,
    read_nik,
)
from ktp_ocr.fields.text import CORRECTION_FACTOR
from ktp_ocr.types import Nik, Sex

TODAY = date(2024, 6, 30)
NIK = "3273011205900001"  # 32 73 01, 12-05-1990, male, serial 0001
BORN = date(1990, 5, 12)


def _read(raw: str, **kw: object) -> tuple[str | None, tuple[str, ...]]:
    fv = read_nik(raw, confidence=1.0, today=TODAY, **kw)  # type: ignore[arg-type]
    return fv.value, fv.issues


# ---- the value type -----------------------------------------------------------------------


@st.composite
def niks(draw: st.DrawFn) -> Nik:
    """Every NIK that parse_nik can return for TODAY: births within the last 100 years."""
    born = draw(st.dates(min_value=date(TODAY.year - 99, 1, 1), max_value=TODAY))
    return Nik(
        province=f"{draw(st.integers(11, 96)):02d}",
        regency=f"{draw(st.integers(1, 99)):02d}",
        district=f"{draw(st.integers(1, 99)):02d}",
        birth_date=born,
        sex=draw(st.sampled_from(Sex)),
        serial=f"{draw(st.integers(1, 9999)):04d}",
    )


@given(niks())
def test_parse_nik_inverts_format_nik(nik: Nik) -> None:
    text = format_nik(nik)
    assert len(text) == 16
    assert text.isdigit()
    assert parse_nik(text, today=TODAY) == nik


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_format_nik_inverts_parse_nik(text: str) -> None:
    try:
        nik = parse_nik(text, today=TODAY)
    except InvalidNik as exc:
        assert exc.code.startswith("nik_")
    else:
        assert format_nik(nik) == text


def test_parse_nik_reads_the_parts() -> None:
    nik = parse_nik("3273015205900001", today=TODAY)
    assert (nik.province_code, nik.regency_code, nik.district_code) == ("32", "3273", "327301")
    assert nik.birth_date == BORN
    assert nik.sex is Sex.FEMALE
    assert nik.serial == "0001"


def test_parse_nik_century_from_today() -> None:
    assert parse_nik("3273011205240001", today=TODAY).birth_date == date(2024, 5, 12)
    assert parse_nik("3273011205250001", today=TODAY).birth_date == date(1925, 5, 12)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("327301120590001", "nik_length"),
        ("327301120590000A", "nik_not_digits"),
        ("٣٢٧٣٠١١٢٠٥٩٠٠٠٠١", "nik_not_digits"),  # Arabic-Indic digits are not card digits
        ("1073011205900001", "nik_bad_province"),
        ("9773011205900001", "nik_bad_province"),
        ("3200011205900001", "nik_bad_region"),
        ("3273001205900001", "nik_bad_region"),
        ("3273013205900001", "nik_bad_date"),
        ("3273011213900001", "nik_bad_date"),
        ("3273013102900001", "nik_bad_date"),
        ("3273010107240001", "nik_future_birth_date"),
        ("3273011205900000", "nik_bad_serial"),
    ],
)
def test_parse_nik_rejects(text: str, code: str) -> None:
    with pytest.raises(InvalidNik) as info:
        parse_nik(text, today=TODAY)
    assert info.value.code == code


def test_29_february_of_a_century_earlier() -> None:
    # 2000 is a leap year and 1900 is not: 29-02-00 read on 1 Jan 2000 can only be 1900... which
    # does not exist either, so it is a bad date; in 2004 it is 29 Feb 2000.
    assert parse_nik("3273012902000001", today=date(2004, 1, 1)).birth_date == date(2000, 2, 29)
    with pytest.raises(InvalidNik):
        parse_nik("3273012902000001", today=date(1999, 12, 31))
    # 29-02-04 with today in 2003: 2004 is later, so 1904 (a leap year).
    assert parse_nik("3273012902040001", today=date(2003, 1, 1)).birth_date == date(1904, 2, 29)


def test_mask_nik() -> None:
    assert mask_nik(NIK) == "3273********0001"
    assert mask_nik("1234") == "****"


# ---- reading OCR text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        NIK,
        "3273 0112 0590 0001",
        "NIK : 3273011205900001",
        "NIK: 3273011205900001",
        "NlK 3273011205900001",
        "N I K :3273011205900001",
        ": 3273011205900001",
        "3273O112O59OOOO1",  # O for 0
        "3273OI12O59OOOOI",  # I for 1
        "3273011205900001.",
        "3273-0112-0590-0001",
        "327301I2059OOOOl",
        "3Z730112059D0001",  # Z for 2, D for 0
        "3273011205900001\n",
    ],
)
def test_read_nik_mends_confusions(raw: str) -> None:
    assert _read(raw) == (NIK, ())


@pytest.mark.parametrize(
    ("raw", "letters"),
    [
        ("3573011205900001", "S"),
        ("3873011205900001", "B"),
        ("3673011205900001", "G"),
        ("3473011205900001", "A"),
        ("3773011205900001", "T"),
    ],
)
def test_read_nik_letter_confusions(raw: str, letters: str) -> None:
    noisy = raw[0] + letters + raw[2:]
    assert _read(noisy) == (raw, ())


def test_read_nik_lowers_confidence_for_corrections() -> None:
    clean = read_nik(NIK, confidence=0.8, today=TODAY)
    mended = read_nik("3273O11205900001", confidence=0.8, today=TODAY)
    assert clean.confidence == 0.8
    assert mended.confidence == pytest.approx(0.8 * CORRECTION_FACTOR)


@pytest.mark.parametrize(
    ("raw", "kw", "expected"),
    [
        # a stray bar after the number: dropping it is the cheapest edit and the date agrees
        ("3273011205900001|", {"birth_date": BORN}, (NIK, ())),
        ("|3273011205900001", {"birth_date": BORN}, (NIK, ())),
        # a stray letter is dropped without asking the birth date: it cannot be a digit
        ("K3273011205900001", {}, (NIK, ())),
        ("3273011205900001E", {}, (NIK, ())),
        ("3273011205900001E", {"birth_date": date(1990, 5, 13)}, (NIK, ())),
        ("3273E112059000011", {"birth_date": BORN}, (None, ("nik_length",))),
        # ... but a digit dropped or doubled must be confirmed by the printed birth date
        ("3273011205900001|", {}, (None, ("nik_uncorroborated",))),
        ("3273011205900001|", {"birth_date": date(1990, 5, 13)}, (None, ("nik_uncorroborated",))),
        # a doubled digit in the date part: only one way back agrees with the birth date
        ("32730112205900001", {"birth_date": BORN}, (NIK, ())),
        # a dropped digit that no doubling brings back
        ("327301125900001", {"birth_date": BORN}, (None, ("nik_length",))),
        ("327301120590001", {"birth_date": BORN}, (None, ("nik_ambiguous",))),
        ("32730112059000011", {"birth_date": BORN}, (None, ("nik_ambiguous",))),
        # a character that could be any digit: the birth date (with sex) picks the one
        ("32730112E5900001", {"birth_date": BORN}, (NIK, ())),
        ("3273E11205900001", {"birth_date": BORN}, (None, ("nik_ambiguous",))),
        ("3273E11205900001", {"region_known": lambda c: c == "327301"}, (NIK, ())),
        ("327301120590000?", {}, (None, ("nik_ambiguous",))),
        ("3273011?05900001", {"birth_date": BORN}, (NIK, ())),  # 17 or 12: 12 agrees
        ("3273011?05900001", {}, (None, ("nik_ambiguous",))),
        ("32730?1205900001", {"region_known": lambda c: c == "327301"}, (None, ("nik_ambiguous",))),
        ("32730?1205900001", {"region_known": lambda c: c == "327307"}, ("3273071205900001", ())),
        ("3273011205900001", {"birth_date": date(1990, 5, 13)}, (NIK, ())),  # checks flag it
        ("3273011205900001", {"sex": Sex.FEMALE}, (NIK, ())),
        ("3273011205900001", {"region_known": lambda c: False}, (NIK, ("nik_region_unknown",))),
    ],
)
def test_read_nik_chooses_by_structure(
    raw: str, kw: dict[str, object], expected: tuple[str | None, tuple[str, ...]]
) -> None:
    assert _read(raw, **kw) == expected


def test_read_nik_keeps_the_only_well_formed_reading() -> None:
    # ? reads 7 or 2: day 72 does not exist, day 22 does
    assert _read("327301?205900001") == ("3273012205900001", ())
    assert _read("327301?205900001", sex=Sex.MALE) == ("3273012205900001", ())


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "nik_missing"),
        (" : ", "nik_missing"),
        ("abc", "nik_length"),
        ("32730112059", "nik_length"),
        ("327301120590000123", "nik_length"),
        ("E273E11205900001", "nik_unreadable"),  # two unknown characters
        ("3?73?11?05900001?", "nik_unreadable"),  # too many readings
        ("0073011205900001", "nik_bad_province"),
        ("3273013205900001", "nik_bad_date"),
        ("3273011205900000", "nik_bad_serial"),
        ("00730112059000011", "nik_length"),  # no mended length is well formed
    ],
)
def test_read_nik_unreadable(raw: str, code: str) -> None:
    assert _read(raw, birth_date=BORN) == (None, (code,))


def test_nik_candidates() -> None:
    assert nik_candidates(NIK) == (NikCandidate(NIK, 0),)
    assert [c.digits for c in nik_candidates("327301120590000?")] == [
        "3273011205900007",
        "3273011205900002",
    ]
    bar = nik_candidates("3273011205900001|")  # | may be a 1 or a frame line
    assert bar[0] == NikCandidate(NIK, DROP_CONFUSION)
    assert all(c.edits == DROP_DIGIT for c in bar[1:])
    # a mended length never also guesses an unknown character: only dropping it is weighed
    assert nik_candidates("3273011205900001E") == (NikCandidate(NIK, DROP_JUNK),)
    assert nik_candidates("32730112059") == ()
    assert len(nik_candidates("327301120590001")) <= 15


@given(st.text(max_size=24))
def test_read_nik_never_raises_and_stays_bounded(raw: str) -> None:
    assert len(nik_candidates(raw)) <= MAX_CANDIDATES
    fv = read_nik(raw, confidence=0.5, today=TODAY, birth_date=BORN, sex=Sex.MALE)
    assert (fv.value is None) == bool(fv.issues)
    if fv.value is not None:
        assert parse_nik(fv.value, today=TODAY)


_SINGLE = {"0": "O", "1": "I", "2": "Z", "4": "A", "5": "S", "6": "G", "7": "T", "8": "B"}


@given(niks(), st.data())
def test_read_nik_undoes_single_confusions(nik: Nik, data: st.DataObject) -> None:
    text = format_nik(nik)
    noisy = "".join(
        _SINGLE[ch] if ch in _SINGLE and data.draw(st.booleans()) else ch for ch in text
    )
    fv = read_nik(noisy, confidence=1.0, today=TODAY, birth_date=nik.birth_date, sex=nik.sex)
    assert fv.value == text


@given(niks(), st.integers(0, 15))
def test_read_nik_a_doubled_digit_confirmed_by_the_birth_date(nik: Nik, at: int) -> None:
    text = format_nik(nik)
    doubled = text[: at + 1] + text[at:]
    fv = read_nik(doubled, confidence=1.0, today=TODAY, birth_date=nik.birth_date, sex=nik.sex)
    # either the right reading or none at all: never a wrong one
    assert fv.value in (text, None)
