"""A card valid for life is a citizen's: an unread or unsure ``WNA`` citizenship becomes WNI."""

from __future__ import annotations

from datetime import date

import pytest

from ktp_ocr.pipeline.inference import citizenship_from_validity
from ktp_ocr.types import SEUMUR_HIDUP, FieldName, FieldValue

CODE = "kewarganegaraan_from_validity"


def _fields(
    citizen: FieldValue[object], valid: FieldValue[object] | None = None
) -> dict[FieldName, FieldValue[object]]:
    return {
        FieldName.KEWARGANEGARAAN: citizen,
        FieldName.BERLAKU_HINGGA: valid or FieldValue(SEUMUR_HIDUP, "SEUMUR HIDUP", 0.93),
    }


@pytest.mark.parametrize(
    "citizen",
    [
        FieldValue(None, "", 0.0, ("kewarganegaraan_missing",)),
        FieldValue(None, "N", 0.4, ("kewarganegaraan_unknown",)),
        FieldValue("WNA", "wna", 0.5),  # a blurred WNI read as WNA, unsure
        FieldValue("WNA", "WIa", 0.46),
    ],
)
def test_a_card_valid_for_life_says_citizen(citizen: FieldValue[object]) -> None:
    got = citizenship_from_validity(_fields(citizen))[FieldName.KEWARGANEGARAAN]  # type: ignore[arg-type]
    assert got.value == "WNI"
    assert CODE in got.issues
    assert got.confidence < 0.93


@pytest.mark.parametrize(
    ("citizen", "valid"),
    [
        # What was read stands: a citizen, a sure foreigner, a foreigner with a nationality.
        (FieldValue("WNI", "WNI", 0.9), None),
        (FieldValue("WNA", "WNA", 0.95), None),
        (FieldValue("WNA JEPANG", "WNA JEPANG", 0.6), None),
        # A validity that is a date (a foreigner's card, or one printed before 2016).
        (FieldValue(None, "", 0.0), FieldValue(date(2030, 5, 1), "01-05-2030", 0.95)),
        # No validity read says nothing.
        (FieldValue(None, "", 0.0), FieldValue(None, "", 0.0)),
        # An unsure WNA is not overruled by a validity read unsurely or read again.
        (FieldValue("WNA", "wna", 0.5), FieldValue(SEUMUR_HIDUP, "BEUMUR HOUR", 0.46)),
        (FieldValue("WNA", "WIa", 0.46), FieldValue(SEUMUR_HIDUP, "SEUMUR", 0.9, ("x_reread",))),
    ],
)
def test_nothing_inferred_without_a_sure_lifetime_card(
    citizen: FieldValue[object], valid: FieldValue[object] | None
) -> None:
    fields = _fields(citizen, valid)
    assert citizenship_from_validity(fields) == fields  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "valid",
    [
        FieldValue(SEUMUR_HIDUP, "BEUMUR HOUR", 0.46),  # blurred, still no date's digits
        FieldValue(SEUMUR_HIDUP, "SEUMOR HDUP", 0.4, ("berlaku_hingga_reread",)),
    ],
)
def test_an_unread_citizenship_on_a_card_read_unsurely_as_valid_for_life(
    valid: FieldValue[object],
) -> None:
    citizen = FieldValue(None, "N", 0.36, ("kewarganegaraan_unknown",))
    got = citizenship_from_validity(_fields(citizen, valid))[FieldName.KEWARGANEGARAAN]  # type: ignore[arg-type]
    assert got.value == "WNI"
    assert CODE in got.issues
    assert got.confidence < valid.confidence


_BORN = FieldValue(date(1983, 12, 4), "04-12-1983", 0.9)
_UNREAD = FieldValue(None, "", 0.0, ("kewarganegaraan_missing",))
_MONTH_FROM_BIRTHDAY = "berlaku_hingga_from_birthday"


def test_an_unread_citizenship_on_a_card_dated_to_the_birthday_is_a_citizen_s() -> None:
    """Regression: a card printed before lifetime validity, `04-12-2017` for a holder born on
    4 December, had its citizenship washed out: a citizen's card ran five years to the
    birthday, a foreigner's to the end of the residence permit."""
    valid = FieldValue(date(2017, 12, 4), "04:12 2017", 0.85, ("berlaku_hingga_reread",))
    fields = {**_fields(_UNREAD, valid), FieldName.TANGGAL_LAHIR: _BORN}
    got = citizenship_from_validity(fields)[FieldName.KEWARGANEGARAAN]  # type: ignore[arg-type]
    assert got.value == "WNI"
    assert CODE in got.issues
    assert got.confidence < 0.85


@pytest.mark.parametrize(
    ("citizen", "valid"),
    [
        (_UNREAD, FieldValue(date(2017, 12, 5), "05-12-2017", 0.9)),  # not the birthday
        (_UNREAD, FieldValue(date(2017, 12, 4), "04-00-2017", 0.4, (_MONTH_FROM_BIRTHDAY,))),
        (FieldValue("WNA", "WNA", 0.6), FieldValue(date(2017, 12, 4), "04-12-2017", 0.9)),
    ],
)  # fmt: skip
def test_a_dated_card_says_nothing_unless_read_on_the_birthday(
    citizen: FieldValue[object], valid: FieldValue[object]
) -> None:
    fields = {**_fields(citizen, valid), FieldName.TANGGAL_LAHIR: _BORN}
    assert citizenship_from_validity(fields) == fields  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("wna", "valid", "citizen"),
    [
        (0.40, 0.75, "WNI"),  # hard 33: `wra` read again, the lifetime phrase read fairly well
        (0.40, 0.58, "WNA"),  # under the margin: two doubtful readings
        (0.50, 0.68, "WNA"),
        (0.70, 0.85, "WNI"),  # a validity read surely always outweighs an unsure WNA
    ],
)
def test_an_unsure_wna_yields_to_a_lifetime_validity_read_well_more_surely(
    wna: float, valid: float, citizen: str
) -> None:
    """Regression (hard 33): a blurred `WNI` read again as `wra` (WNA at 0.40) was given on a
    card read `SEUMUR HIDUP` at 0.75, which only a citizen's card says."""
    fields = _fields(
        FieldValue("WNA", "wra", wna, ("kewarganegaraan_reread",)),
        FieldValue(SEUMUR_HIDUP, "FSEDMUR HIDUP", valid),
    )
    got = citizenship_from_validity(fields)[FieldName.KEWARGANEGARAAN]  # type: ignore[arg-type]
    assert got.value == citizen
    assert (CODE in got.issues) is (citizen == "WNI")
