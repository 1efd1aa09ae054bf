"""A field is *sure* when given, with no issue and a confidence of at least SURE_CONFIDENCE."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ktp_ocr.types import (
    SURE_CONFIDENCE,
    FieldName,
    FieldValue,
    KtpCard,
    QualityVerdict,
    ReadResult,
    field_to_dict,
    result_to_dict,
)


@pytest.mark.parametrize(
    ("value", "confidence", "issues", "sure"),
    [
        ("ISLAM", 0.95, (), True),
        ("ISLAM", SURE_CONFIDENCE, (), True),  # the bar itself is sure
        ("ISLAM", 0.8999, (), False),
        ("ISLAM", 0.99, ("agama_snapped",), False),  # any issue
        (None, 1.0, (), False),  # nothing given is nothing vouched for
    ],
)
def test_sure(value: str | None, confidence: float, issues: tuple[str, ...], sure: bool) -> None:
    field = FieldValue(value, "ISLAM", confidence, issues)
    assert field.sure is sure
    assert field_to_dict(field)["sure"] is sure


@given(
    st.one_of(st.none(), st.text(max_size=8)),
    st.floats(0.0, 1.0),
    st.lists(st.sampled_from(["x_format", "glare_over_value"]), max_size=2),
)
def test_sure_is_exactly_the_rule_and_serialises(
    value: str | None, confidence: float, issues: list[str]
) -> None:
    field = FieldValue(value, "", confidence, tuple(issues))
    expected = value is not None and not issues and confidence >= SURE_CONFIDENCE
    assert field.sure is expected
    assert json.loads(json.dumps(field_to_dict(field)))["sure"] is expected


def _result(*quality: QualityVerdict) -> ReadResult:
    fields = {
        FieldName.NIK: FieldValue("3273015205900001", "3273015205900001", 0.99),
        FieldName.NAMA: FieldValue("SITI", "SITI", 0.97),
        FieldName.AGAMA: FieldValue("ISLAM", "1SLAM", 0.95, ("agama_snapped",)),
    }
    return ReadResult(KtpCard(), fields, 90.0, quality=quality)


def test_a_reading_vouches_only_where_no_quality_verdict_concerns_the_field() -> None:
    clean = _result()
    assert [clean.is_sure(n) for n in (FieldName.NIK, FieldName.NAMA, FieldName.AGAMA)] == [
        True,
        True,
        False,  # an issue
    ]
    assert clean.is_sure(FieldName.ALAMAT) is False  # not in the reading at all
    glare = _result(QualityVerdict("glare", "...", "warning", 0.3, FieldName.NIK))
    assert glare.is_sure(FieldName.NIK) is False and glare.is_sure(FieldName.NAMA) is True
    # a reflection elsewhere (or a white headscarf in the portrait) doubts no value by itself
    aside = _result(QualityVerdict("glare", "...", "warning", 0.009))
    assert aside.is_sure(FieldName.NIK) and aside.is_sure(FieldName.NAMA)
    small = _result(QualityVerdict("low_resolution", "...", "warning", 430.0))
    assert not any(small.is_sure(n) for n in (FieldName.NIK, FieldName.NAMA))
    out = result_to_dict(glare)["fields"]
    assert (out["nik"]["sure"], out["nama"]["sure"], out["agama"]["sure"]) == (False, True, False)
