"""A validity date later than any KTP runs is withdrawn, or its year mended from the issue date."""

from __future__ import annotations

from datetime import date

import pytest

from ktp_ocr.pipeline.inference import validity_within_term
from ktp_ocr.types import SEUMUR_HIDUP, FieldName, FieldValue

TODAY = date(2026, 12, 7)
BORN = date(1949, 2, 20)
ISSUED = date(2014, 11, 8)


def _fields(
    valid: object, *, born: date | None = BORN, issued: date | None = ISSUED
) -> dict[FieldName, FieldValue[object]]:
    return {
        FieldName.BERLAKU_HINGGA: FieldValue(valid, "20-02-2079", 0.96),
        FieldName.TANGGAL_LAHIR: FieldValue(born, "TANGGAMUS, 20-02-1949", 0.97),
        FieldName.TANGGAL_TERBIT: FieldValue(issued, "08-11-2014", 0.95),
    }


def test_a_year_no_card_runs_to_is_mended_from_the_issue_year() -> None:
    """Regression: `20-02-2079` (a 1 read as 7) was returned with confidence 0.96."""
    got = validity_within_term(_fields(date(2079, 2, 20)), TODAY)[FieldName.BERLAKU_HINGGA]
    assert got.value == date(2019, 2, 20)
    assert "berlaku_hingga_year_mended" in got.issues
    assert got.confidence < 0.96


@pytest.mark.parametrize(
    ("valid", "born", "issued"),
    [
        (date(2079, 2, 20), BORN, None),  # no issue date read
        (date(2079, 2, 20), None, ISSUED),  # no birth date read
        (date(2079, 3, 20), BORN, ISSUED),  # not the birthday: not a citizen's dated card
        (date(2077, 2, 20), BORN, ISSUED),  # two digits from 2019: nothing says which
        (date(2080, 2, 29), date(1980, 2, 29), date(2014, 1, 2)),  # 2019 has no 29 February
    ],
)
def test_a_year_no_card_runs_to_is_withdrawn_when_nothing_settles_it(
    valid: date, born: date | None, issued: date | None
) -> None:
    got = validity_within_term(_fields(valid, born=born, issued=issued), TODAY)
    assert got[FieldName.BERLAKU_HINGGA].value is None
    assert "berlaku_hingga_impossible" in got[FieldName.BERLAKU_HINGGA].issues


@pytest.mark.parametrize("valid", [date(2019, 2, 20), date(2031, 5, 1), SEUMUR_HIDUP, None])
def test_a_validity_a_card_can_have_is_left_alone(valid: object) -> None:
    fields = _fields(valid)
    assert validity_within_term(fields, TODAY) == fields


def test_a_card_without_an_issue_field_is_judged_all_the_same() -> None:
    fields = _fields(date(2079, 2, 20))
    del fields[FieldName.TANGGAL_TERBIT]
    got = validity_within_term(fields, TODAY)[FieldName.BERLAKU_HINGGA]
    assert got.value is None and "berlaku_hingga_impossible" in got.issues
