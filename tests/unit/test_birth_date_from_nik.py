"""An unreadable printed birth date taken from a sure NIK whose date its digits agree with."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ktp_ocr.fields.nik import parse_nik
from ktp_ocr.pipeline.inference import birth_date_from_nik
from ktp_ocr.types import FieldName, FieldValue, Sex

NIK = "3171065306900001"  # born 13-06-1990, a woman
TODAY = date(2026, 1, 1)


def _fields(
    raw: str,
    *,
    value: date | None = None,
    nik_issues: tuple[str, ...] = (),
    sex: Sex | None = Sex.FEMALE,
) -> dict[FieldName, FieldValue[object]]:
    return {
        FieldName.NIK: FieldValue(NIK, NIK, 0.95, nik_issues),
        FieldName.TANGGAL_LAHIR: FieldValue(value, raw, 0.7, () if value else ("x_format",)),
        FieldName.JENIS_KELAMIN: FieldValue(sex, "PEREMPUAN", 0.9),
    }


@pytest.mark.parametrize(
    "raw",
    [
        "JAKARTA, 13-00-1900",
        "JAKARTA. 13 06 19",
        "JAKARTA,13-06-",
        "JAKARTA 13-O6-199O",
        "JAKARTA SELATAN. 1306L 1990",  # a letter in the day: split off with the place
    ],
)
def test_digits_agreeing_with_the_nik_take_its_date(raw: str) -> None:
    got = birth_date_from_nik(_fields(raw), parse_nik(NIK, today=TODAY))  # type: ignore[arg-type]
    born = got[FieldName.TANGGAL_LAHIR]
    assert born.value == date(1990, 6, 13)
    assert "tanggal_lahir_from_nik" in born.issues
    assert born.confidence < 0.95


@pytest.mark.parametrize(
    ("raw", "changes"),
    [
        ("JAKARTA, 27-11-1985", {}),  # other digits: not the NIK's date
        ("JAKARTA, 13-", {}),  # too few digits to say
        ("JAKARTA", {}),
        ("JAKARTA, 13-00-1900", {"nik_issues": ("nik_region_unknown",)}),  # NIK not sure
        ("JAKARTA, 13-00-1900", {"sex": Sex.MALE}),  # the NIK contradicts the printed sex
        ("JAKARTA, 13-00-1900", {"value": date(1990, 6, 14)}),  # a date was read: checks decide
    ],
)
def test_no_date_from_the_nik_without_agreement(raw: str, changes: dict[str, object]) -> None:
    fields = _fields(raw, **changes)  # type: ignore[arg-type]
    got = birth_date_from_nik(fields, parse_nik(NIK, today=TODAY))  # type: ignore[arg-type]
    assert got[FieldName.TANGGAL_LAHIR] == fields[FieldName.TANGGAL_LAHIR]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("JAKARTA, 13-0S-1950", date(1950, 5, 13)),  # mended: S read for 6, 5 for 9
        ("JAKARTA, 3-06-1990", date(1990, 6, 3)),  # a digit of the day dropped
    ],
)
def test_a_date_read_only_after_mending_takes_the_niks(raw: str, value: date) -> None:
    """Regression: a misread date that still parsed contradicted a NIK read right, and the
    NIK was withheld."""
    got = birth_date_from_nik(_fields(raw, value=value), parse_nik(NIK, today=TODAY))  # type: ignore[arg-type]
    born = got[FieldName.TANGGAL_LAHIR]
    assert born.value == date(1990, 6, 13)
    assert "tanggal_lahir_from_nik" in born.issues


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("JAKARTA, 14-06-1990", date(1990, 6, 14)),  # printed as a card prints: checks decide
        ("JAKARTA, 2S-11-1985", date(1985, 11, 25)),  # mended, but other digits
    ],
)
def test_a_date_read_otherwise_stays(raw: str, value: date) -> None:
    fields = _fields(raw, value=value)
    got = birth_date_from_nik(fields, parse_nik(NIK, today=TODAY))  # type: ignore[arg-type]
    assert got[FieldName.TANGGAL_LAHIR] == fields[FieldName.TANGGAL_LAHIR]


def test_no_nik_no_date() -> None:
    fields = _fields("JAKARTA, 13-00-1900")
    assert birth_date_from_nik(fields, None) == fields  # type: ignore[arg-type]


def test_the_date_s_first_words_leave_the_place() -> None:
    """``SELATAN. 1306L 1990``: the day and month, read with a letter, stayed with the place."""
    raw = "JAKARTA SELATAN. 1306L 1990"
    fields = {
        **_fields(raw),
        FieldName.TEMPAT_LAHIR: FieldValue("JAKARTA SELATAN. 1306L", raw, 0.7),
    }
    got = birth_date_from_nik(fields, parse_nik(NIK, today=TODAY))  # type: ignore[arg-type]
    assert got[FieldName.TANGGAL_LAHIR].value == date(1990, 6, 13)
    place = got[FieldName.TEMPAT_LAHIR]
    assert (place.value, place.raw, place.confidence) == ("JAKARTA SELATAN", raw, 0.7)


def test_a_place_split_right_is_kept() -> None:
    raw = "JAKARTA, 13-00-1900"
    fields = {**_fields(raw), FieldName.TEMPAT_LAHIR: FieldValue("JAKARTA", raw, 0.7)}
    got = birth_date_from_nik(fields, parse_nik(NIK, today=TODAY))  # type: ignore[arg-type]
    assert got[FieldName.TANGGAL_LAHIR].value == date(1990, 6, 13)
    assert got[FieldName.TEMPAT_LAHIR] == fields[FieldName.TEMPAT_LAHIR]


@pytest.mark.parametrize(
    ("raw", "sex"),
    [
        ("JAKARTA, 13-00-1900", Sex.FEMALE),  # the day read as the NIK's (53 - 40)
        ("JAKARTA 13 O6 199O", Sex.FEMALE),  # the month's and year's letters do not matter
        ("JAKARTA, 18-00-1900", None),  # the day misread too: the NIK stands alone
        ("JAKARTA, 1B-06-1990", None),  # a letter in the day: not read as digits
        ("JAKARTA,", None),  # no day read
    ],
)
def test_an_unreadable_sex_is_the_nik_s_when_the_printed_day_bears_it_out(
    raw: str, sex: Sex | None
) -> None:
    """Regression (hard 18): the sex was unreadable (``LAGL40``) and the printed date misread
    elsewhere (``19-53-1985``) was taken from the NIK; its day, read as the NIK's, confirms the
    two digits beside which the NIK writes the sex, as a whole date read does."""
    from ktp_ocr.pipeline.inference import sex_from_nik

    nik = parse_nik(NIK, today=TODAY)
    fields = birth_date_from_nik(_fields(raw, sex=None), nik)  # type: ignore[arg-type]
    fields = {
        **fields,
        FieldName.TANGGAL_LAHIR: replace(
            fields[FieldName.TANGGAL_LAHIR],
            value=date(1990, 6, 13),
            issues=("tanggal_lahir_from_nik",),
        ),
    }
    got = sex_from_nik(fields, nik)[FieldName.JENIS_KELAMIN]  # type: ignore[arg-type]
    assert got.value == sex
    if sex is not None:
        assert "jenis_kelamin_from_nik" in got.issues and got.confidence < 0.95
