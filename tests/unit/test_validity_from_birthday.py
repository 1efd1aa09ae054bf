"""An impossible validity date completed from the holder's birthday (a KTP runs to it)."""

from __future__ import annotations

from datetime import date

import pytest

from ktp_ocr.pipeline.inference import validity_from_birthday
from ktp_ocr.types import FieldName, FieldValue

BORN = date(1990, 9, 4)


def _fields(raw: str, *, born: date | None = BORN) -> dict[FieldName, FieldValue[object]]:
    return {
        FieldName.BERLAKU_HINGGA: FieldValue(None, raw, 0.88, ("berlaku_hingga_impossible",)),
        FieldName.TANGGAL_LAHIR: FieldValue(born, "BANDUNG, 04-09-1990", 0.95),
    }


@pytest.mark.parametrize("raw", ["04-00 2017", "Hingga 04-00-2017", "O4-00-2O17", "04-19-2017"])
def test_the_birthday_completes_an_impossible_month(raw: str) -> None:
    got = validity_from_birthday(_fields(raw))[FieldName.BERLAKU_HINGGA]  # type: ignore[arg-type]
    assert got.value == date(2017, 9, 4)
    assert "berlaku_hingga_from_birthday" in got.issues
    assert got.confidence < 0.88


@pytest.mark.parametrize(
    ("raw", "born"),
    [
        ("05-00-2017", BORN),  # the day read is not the birthday's
        ("04-03-2017", BORN),  # a real month: what was read stands (its check decides)
        ("04-00", BORN),  # no year
        ("SEUMUR HIDUP", BORN),
        ("04-00-2017", None),  # no birth date to complete it from
        ("29-00-2017", date(1992, 2, 29)),  # a 29 February birthday has no day in 2017
    ],
)
def test_no_completion_without_the_birthday(raw: str, born: date | None) -> None:
    fields = _fields(raw, born=born)
    assert validity_from_birthday(fields) == fields  # type: ignore[arg-type]


def test_a_date_read_is_left_alone() -> None:
    fields = _fields("04-00-2017")
    fields[FieldName.BERLAKU_HINGGA] = FieldValue(date(2017, 9, 4), "04-09-2017", 0.9)
    assert validity_from_birthday(fields) == fields  # type: ignore[arg-type]
