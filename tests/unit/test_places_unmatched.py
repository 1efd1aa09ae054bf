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


PATI = {
    "provinsi": "JAWA TENGAH",
    "kabupaten_kota": "KABUPATEN PATI",
    "kecamatan": "DUKUH",
    "kelurahan_desa": "KEMBA",
}


@pytest.mark.parametrize(
    ("nik_raw", "district", "village"),
    [
        ("3318206705 1474", "DUKUHSETI", "KEMBANG"),  # glare took two digits of the birth date
        (": 331820670599", "DUKUHSETI", "KEMBANG"),  # the serial cut off
        ("3318206705990474", "DUKUH", "KEMBA"),  # sixteen digits: not a NIK read short
        ("33 18206705 1474", "DUKUH", "KEMBA"),  # its district's digits parted: not read whole
        ("3273016705 1474", "DUKUH", "KEMBA"),  # a district of Kota Bandung, not of Pati
        ("", "DUKUH", "KEMBA"),
    ],
)
def test_a_nik_read_short_vouches_for_its_district_s_names_cut_short(
    nik_raw: str, district: str, village: str
) -> None:
    """Regression (hard 8): glare took two digits of the NIK, so it was withheld, and the
    district and village read cut short (``DUKUH``, ``KEMBA``) matched nothing; the NIK's first
    six digits, read whole, name Dukuhseti in the Pati the card's header reads."""
    fields = {
        **_fields(**PATI),
        FieldName.NIK: FieldValue(None, nik_raw, 0.98, ("nik_length",)),
    }
    matches, snapped = match_regions(memory_repository(), fields, None)
    out = flag_unmatched(matches, snapped)
    got = out[FieldName.KECAMATAN], out[FieldName.KELURAHAN_DESA]
    assert (got[0].value, got[1].value) == (district, village)
    for fv in got:
        if fv.value != fv.raw:  # completed: said so and less sure than the letters read
            assert "snapped_to_region" in fv.issues
            assert fv.confidence < 0.9
