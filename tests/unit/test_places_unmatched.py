"""Place names that match no region are kept as read, less sure, and said so."""

from __future__ import annotations

import pytest

from ktp_ocr.pipeline.places import UNMATCHED_CONFIDENCE, flag_unmatched, match_regions
from ktp_ocr.regions.memory import memory_repository
from ktp_ocr.types import FieldName, FieldValue, Region, RegionMatch


def _fields(**values: str | None) -> dict[FieldName, FieldValue[str]]:
    return {FieldName(k): FieldValue(v, v or "", 0.9) for k, v in values.items()}


CARD = {
    "provinsi": "JAWA BARAT",
    "kabupaten_kota": "KOTA BANDUNG",
    "kecamatan": "SUKASARI",
    "kelurahan_desa": "GEGERKALONG",
}


@pytest.mark.parametrize(
    ("changed", "flagged"),
    [
        ({}, set()),  # every name a region's: nothing said
        ({"kabupaten_kota": "KAI"}, {"kabupaten_kota"}),  # glare left three letters
        ({"kelurahan_desa": "KEMBA"}, {"kelurahan_desa"}),  # no village of Sukasari
        ({"provinsi": "JAWA TUKOR"}, {"provinsi"}),
        ({"kecamatan": "XQZKW"}, {"kecamatan"}),
        ({"kecamatan": None}, set()),  # not read: nothing to judge
    ],
)
def test_a_place_no_region_has_is_kept_less_surely(
    changed: dict[str, str | None], flagged: set[str]
) -> None:
    """Regression: `KAI` (KABUPATEN PATI), `KEMBA` (KEMBANG) were given at 0.97 and 0.9999."""
    fields = _fields(**{**CARD, **changed})
    matches, snapped = match_regions(memory_repository(), fields, None)
    out = flag_unmatched(matches, snapped)
    got = {name.value for name, fv in out.items() if "region_not_found" in fv.issues}
    assert got == flagged
    for name in flagged:
        fv = out[FieldName(name)]
        assert fv.value == changed[name]  # kept as read
        assert fv.confidence == pytest.approx(0.9 * UNMATCHED_CONFIDENCE)


def test_a_village_is_not_judged_when_nothing_above_it_matched() -> None:
    """Villages are never looked for country-wide: with no district or regency matched, an
    unmatched village says nothing of its reading."""
    fields = _fields(provinsi="XQZ", kabupaten_kota="XQZ", kecamatan="XQZ", kelurahan_desa="KEMBA")
    matches, snapped = match_regions(memory_repository(), fields, None)
    out = flag_unmatched(matches, snapped)
    assert "region_not_found" not in out[FieldName.KELURAHAN_DESA].issues
    assert "region_not_found" in out[FieldName.KECAMATAN].issues


def test_a_name_two_regions_share_exactly_is_a_region_s_name() -> None:
    region = Region("327301", "Sukasari", "kecamatan")
    fields = _fields(kecamatan="SUKAMAJU")
    shared = RegionMatch("kecamatan", "SUKAMAJU", None, 100.0, ambiguous=True)
    near = RegionMatch("kecamatan", "SUKAMAJ", None, 92.0, ambiguous=True)
    assert flag_unmatched((shared,), fields) == fields
    assert "region_not_found" in flag_unmatched((near,), fields)[FieldName.KECAMATAN].issues
    matched = RegionMatch("kecamatan", "SUKASARI", region, 100.0)
    assert flag_unmatched((matched,), fields) == fields


def test_without_a_region_database_nothing_is_judged() -> None:
    fields = _fields(**{**CARD, "kabupaten_kota": "KAI"})
    matches, snapped = match_regions(None, fields, None)
    assert flag_unmatched(matches, snapped) == fields
