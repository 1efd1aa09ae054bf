"""A birthplace mended from the region list, on a small list of regions."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ktp_ocr.regions.birthplace import RESPACED, SNAPPED, birthplace_name
from ktp_ocr.regions.index import NameIndex, build_name_index
from ktp_ocr.types import Region, RegionLevel

_REGENCIES = [
    Region("3402", "Kabupaten Bantul", "kabupaten", "34"),
    Region("3571", "Kota Kediri", "kota", "35"),
    Region("3506", "Kabupaten Kediri", "kabupaten", "35"),
    Region("1406", "Kabupaten Rokan Hulu", "kabupaten", "14"),
    Region("6302", "Kabupaten Kotabaru", "kabupaten", "63"),
    Region("1116", "Kabupaten Aceh Jaya", "kabupaten", "11"),
    Region("3273", "Kota Bandung", "kota", "32"),
    Region("1271", "Kota Medan", "kota", "12"),
    Region("3507", "Kabupaten Malang", "kabupaten", "35"),
]
_DISTRICTS = [
    Region("350701", "Bantur", "kecamatan", "3507"),
    Region("157101", "Kota Baru", "kecamatan", "1571"),
    Region("127101", "Medan Kota", "kecamatan", "1271"),
    Region("350601", "Kediri", "kecamatan", "3506"),
]


@cache
def lookup(scope: str, level: RegionLevel) -> NameIndex:
    regions = {"kabupaten_kota": _REGENCIES, "kecamatan": _DISTRICTS}.get(level, [])
    return build_name_index(scope, level, regions, ())


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        # Only the spacing differs from a regency's or district's name.
        ("ACEHJAYA", ("ACEH JAYA", RESPACED)),
        ("ROKANHULU", ("ROKAN HULU", RESPACED)),
        # OCR confusions (L for I, 0 for O) and one misread letter.
        ("KEDIRL", ("KEDIRI", SNAPPED)),
        ("RANTUL", ("BANTUL", SNAPPED)),
        ("MEDAM", ("MEDAN", SNAPPED)),
        # Two misread letters in a long name.
        ("ROMAN HILU", ("ROKAN HULU", SNAPPED)),
        # The tail of the label "Lahir" run into the value.
        ("AHIR BANDUNG", ("BANDUNG", SNAPPED)),
        ("R BANTUL", ("BANTUL", SNAPPED)),
    ],
)
def test_mended(read: str, expected: tuple[str, str]) -> None:
    assert birthplace_name(read, lookup) == expected


@pytest.mark.parametrize(
    "read",
    [
        "KOTABARU",  # a regency's name, though a district is KOTA BARU
        "KOTA BARU",  # a district's name, though a regency is KOTABARU
        "BANTUR",  # a district one letter from BANTUL
        "BANDUNG",
        "SINGAPURA",  # no region's name: as read
        "MEDA",  # too short to mend a misread letter
        "ROMAN HALO",  # three letters off
        "LAHIR",
        "TEGAL BANDUNG",  # not a tail of the label
    ],
)
def test_kept(read: str) -> None:
    assert birthplace_name(read, lookup) is None


def test_a_misread_name_as_near_to_a_district_is_kept() -> None:
    """``BANTUK`` is one letter from the regency BANTUL and from the district BANTUR."""
    assert birthplace_name("BANTUK", lookup) is None


@given(st.text(alphabet="ABCDEKLMNRTUIO0 .,-", max_size=24))
def test_any_text_gives_a_region_name_or_nothing(text: str) -> None:
    found = birthplace_name(text, lookup)
    if found is not None:
        name, code = found
        assert code in (RESPACED, SNAPPED)
        assert name != text
        assert birthplace_name(name, lookup) is None  # a mended name is final
