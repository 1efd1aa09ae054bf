"""Dates (dd-mm-yyyy) through OCR noise, the birth place/date row and the validity."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ktp_ocr.fields.dates import (
    InvalidDate,
    format_date,
    parse_birth_place_date,
    parse_date,
    read_date,
    read_validity,
    split_place_date,
)
from ktp_ocr.fields.text import CORRECTION_FACTOR
from ktp_ocr.types import SEUMUR_HIDUP, FieldName

MAY_12 = date(1990, 5, 12)


@pytest.mark.parametrize(
    "text",
    [
        "12-05-1990",
        "12 05 1990",
        "12-O5-199O",
        "1205-1990",
        "12-051990",
        "12051990",
        "12-05.1990",
        "12/05/1990",
        "12.05.1990",
        "12 - 05 - 1990",
        "12–05–1990",
        "I2-05-I990",
        "lZ-OS-l99O",
        "12-05-1990 .",
        "12-05-1990 X",
        ": 12-05-1990",
        "Tgl 12-05-1990",
        "12-5-1990",
        "12--05--1990",
        "12\\05\\1990",
    ],
)
def test_parse_date_noise(text: str) -> None:
    assert parse_date(text) == MAY_12


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "missing"),
        ("SEUMUR HIDUP", "missing"),
        ("12-05-90", "format"),  # cards print four-digit years
        ("12-05-9990", "format"),
        ("12-05-19990", "format"),
        ("121051990", "format"),  # a dash read as 1: not guessed
        ("612-05-1990", "format"),  # a stray digit glued to the day: not guessed
        ("1990-05-12", "format"),
        ("31-02-1990", "impossible"),
        ("29-02-1991", "impossible"),
        ("00-05-1990", "impossible"),
        ("12-13-1990", "impossible"),
        ("45-05-1990", "impossible"),
    ],
)
def test_parse_date_rejects(text: str, code: str) -> None:
    with pytest.raises(InvalidDate) as info:
        parse_date(text)
    assert info.value.code == code


def test_29_february_of_a_leap_year() -> None:
    assert parse_date("29-02-2000") == date(2000, 2, 29)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_format_and_parse_are_inverses(value: date) -> None:
    text = format_date(value)
    assert len(text) == 10
    assert parse_date(text) == value


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(["-", " ", ".", "/", " - ", ""]),
    st.sampled_from(["-", " ", ".", "/", "-", ""]),
)
def test_parse_date_separators(value: date, first: str, second: str) -> None:
    text = f"{value.day:02d}{first}{value.month:02d}{second}{value.year}"
    assert parse_date(text) == value


@given(st.text(max_size=30))
def test_parse_date_raises_only_invalid_date(text: str) -> None:
    try:
        parse_date(text)
    except InvalidDate as exc:
        assert exc.code in {"missing", "format", "impossible"}


@pytest.mark.parametrize(
    ("text", "place", "date_text"),
    [
        ("BANDUNG, 12-05-1990", "BANDUNG, ", "12-05-1990"),
        ("BANDUNG 12 05 1990", "BANDUNG ", "12 05 1990"),
        ("BANDUNG12-05-1990", "BANDUNG", "12-05-1990"),
        ("BOGOR, OI-05-1990", "BOGOR, ", "OI-05-1990"),
        ("DOBO 12-05-1990", "DOBO ", "12-05-1990"),  # all of DOBO could be digits: too long
        ("B0GOR, 12-05-1990", "B0GOR, ", "12-05-1990"),  # a digit inside the place stays
        ("B0GOR", "B0GOR", ""),
        ("BANDUNG", "BANDUNG", ""),
        ("12-05-1990", "", "12-05-1990"),
        ("", "", ""),
        # Regression: a speck read as a letter after the date kept the date in the place.
        ("BALIKPAPAN 04-08-2003 t", "BALIKPAPAN ", "04-08-2003"),
        # Regression: place letters that could be digits glued to a whole date by a stop.
        ("BUA.21-09-2004", "BUA.", "21-09-2004"),
        ("A21-09-2004", "A", "21-09-2004"),
        ("O1-05-1990", "", "O1-05-1990"),  # O is the date's: the digits after it are too few
    ],
)
def test_split_place_date(text: str, place: str, date_text: str) -> None:
    assert split_place_date(text) == (place, date_text)


@pytest.mark.parametrize(
    ("raw", "place", "born"),
    [
        ("BANDUNG, 12-05-1990", "BANDUNG", MAY_12),
        ("BANDUNG 12-05-1990", "BANDUNG", MAY_12),
        ("KAB. BANDUNG,12-05-1990", "KAB. BANDUNG", MAY_12),
        ("JAKARTA,12-05-1990", "JAKARTA", MAY_12),
        ("JAKARTA , 12 - 05 - 1990", "JAKARTA", MAY_12),
        ("BANDUNG12-05-1990", "BANDUNG", MAY_12),
        ("Tempat/Tgl Lahir : B0GOR, 12-O5-199O", "BOGOR", MAY_12),
        ("Lahir BANDUNG. 12-05-1990", "BANDUNG", MAY_12),
        ("bandung, 12-05-1990", "BANDUNG", MAY_12),
        ("TANJUNG PINANG, 12-05-1990", "TANJUNG PINANG", MAY_12),
        ("PANGKAL PINANG,12.05.1990", "PANGKAL PINANG", MAY_12),
        ("DOBO 12-05-1990", "DOBO", MAY_12),
        ("BANDUNG.12-05-1990", "BANDUNG", MAY_12),  # the comma read as a full stop
    ],
)
def test_birth_place_and_date(raw: str, place: str, born: date) -> None:
    where, when = parse_birth_place_date(raw, confidence=0.8)
    assert (where.value, when.value) == (place, born)
    assert where.raw == raw
    assert when.raw == raw


@pytest.mark.parametrize(
    ("raw", "place", "place_issues", "date_issues"),
    [
        ("BANDUNG", "BANDUNG", (), ("tanggal_lahir_missing",)),
        ("12-05-1990", None, ("tempat_lahir_missing",), ()),
        ("BANDUNG, 31-02-1990", "BANDUNG", (), ("tanggal_lahir_impossible",)),
        ("BANDUNG, 12-05", "BANDUNG", (), ("tanggal_lahir_format",)),
        ("", None, ("tempat_lahir_missing",), ("tanggal_lahir_missing",)),
    ],
)
def test_birth_place_and_date_partly_unreadable(
    raw: str, place: str | None, place_issues: tuple[str, ...], date_issues: tuple[str, ...]
) -> None:
    where, when = parse_birth_place_date(raw)
    assert (where.value, where.issues) == (place, place_issues)
    assert when.issues == date_issues
    if date_issues:
        assert when.value is None


def test_read_date_confidence() -> None:
    assert read_date("12-05-1990", confidence=0.8).confidence == 0.8
    assert read_date("12-O5-1990", confidence=0.8).confidence == pytest.approx(
        0.8 * CORRECTION_FACTOR
    )


def test_read_date_issue_is_named_after_its_field() -> None:
    fv = read_date("x", confidence=0.5, field=FieldName.TANGGAL_TERBIT)
    assert (fv.value, fv.issues) == (None, ("tanggal_terbit_missing",))
    fv = read_date("KOTA BANDUNG 20-06-2018", field=FieldName.TANGGAL_TERBIT)
    assert fv.value == date(2018, 6, 20)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("SEUMUR HIDUP", SEUMUR_HIDUP),
        ("SEUMURHIDUP", SEUMUR_HIDUP),
        ("SEUMUR HIDUF", SEUMUR_HIDUP),
        ("SEUMUR HlDUP", SEUMUR_HIDUP),
        ("5EUMUR H1DUP", SEUMUR_HIDUP),
        ("seumur hidup", SEUMUR_HIDUP),
        (": SEUMUR HIDUP", SEUMUR_HIDUP),
        ("Berlaku Hingga : SEUMUR HIDUP", SEUMUR_HIDUP),
        ("12-05-2017", date(2017, 5, 12)),
        ("12-O5-2O17", date(2017, 5, 12)),
    ],
)
def test_validity(raw: str, value: object) -> None:
    fv = read_validity(raw, confidence=0.9)
    assert fv.value == value
    assert fv.issues == ()
    assert 0 < fv.confidence <= 0.9


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "berlaku_hingga_missing"),
        ("SEUMUR", "berlaku_hingga_unknown"),
        ("HIDUP", "berlaku_hingga_unknown"),
        ("hingns SCHMUTTIONN", "berlaku_hingga_unknown"),
        ("KAWIN", "berlaku_hingga_unknown"),
        ("31-02-2017", "berlaku_hingga_impossible"),
        ("12-05-17", "berlaku_hingga_format"),
    ],
)
def test_validity_unreadable(raw: str, code: str) -> None:
    fv = read_validity(raw)
    assert (fv.value, fv.issues) == (None, (code,))


def test_badly_misread_lifetime_is_still_lifetime_but_less_sure() -> None:
    """Regression: on a blurred photo ``SEUMUR HIDUP`` came out ``SRUMUR HHXUP`` after the
    label's tail; text without digits can only be that phrase, so a looser match takes it."""
    fv = read_validity("Mingua T SRUMUR HHXUP", confidence=0.9)
    assert fv.value == SEUMUR_HIDUP and fv.issues == ()
    assert fv.confidence < 0.6


def test_single_letter_before_a_full_date_belongs_to_the_place() -> None:
    """Regression: a space put back inside TANGERANG left a lone G that was taken as a digit."""
    from ktp_ocr.fields.dates import split_place_date

    assert split_place_date("TANGERAN G 12-05-1990") == ("TANGERAN G ", "12-05-1990")
    assert split_place_date("BANDUNG 12 O5 199O") == ("BANDUNG ", "12 O5 199O")
