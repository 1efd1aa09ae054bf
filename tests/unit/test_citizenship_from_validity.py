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
