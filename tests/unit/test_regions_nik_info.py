"""describe_nik on the in-memory repository: parser edge cases, regions, JSON form."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ktp_ocr.fields.nik import format_nik
from ktp_ocr.nik_info import UNKNOWN_REGION, describe_nik
from ktp_ocr.regions import MemoryRegionRepository, memory_repository
from ktp_ocr.types import Nik, Sex

TODAY = date(2026, 1, 15)


@pytest.fixture(scope="module")
def repo() -> MemoryRegionRepository:
    return memory_repository()


def test_valid_nik(repo: MemoryRegionRepository) -> None:
    info = describe_nik("3273021205900001", repo, today=TODAY)
    assert info.valid and info.issues == () and info.message is None
    assert (info.birth_date, info.sex, info.serial) == (date(1990, 5, 12), Sex.MALE, "0001")
    names = [(r.level, r.code, r.card_name, r.historic) for r in info.regions]
    assert names == [
        ("provinsi", "32", "JAWA BARAT", False),
        ("kabupaten_kota", "3273", "KOTA BANDUNG", False),
        ("kecamatan", "327302", "COBLONG", False),
    ]


def test_women_add_forty_to_the_day(repo: MemoryRegionRepository) -> None:
    info = describe_nik("3273025205900001", repo, today=TODAY)
    assert (info.birth_date, info.sex) == (date(1990, 5, 12), Sex.FEMALE)
    first = describe_nik("3273024101900001", repo, today=TODAY)
    assert (first.birth_date, first.sex) == (date(1990, 1, 1), Sex.FEMALE)
    last = describe_nik("3273027112900001", repo, today=TODAY)
    assert (last.birth_date, last.sex) == (date(1990, 12, 31), Sex.FEMALE)
    assert describe_nik("3273027201900001", repo, today=TODAY).issues == ("nik_bad_date",)
    assert describe_nik("3273024001900001", repo, today=TODAY).issues == ("nik_bad_date",)


def test_29_february(repo: MemoryRegionRepository) -> None:
    leap = describe_nik("3273022902000001", repo, today=TODAY)
    assert leap.birth_date == date(2000, 2, 29)
    assert describe_nik("3273026902960001", repo, today=TODAY).birth_date == date(1996, 2, 29)
    assert describe_nik("3273022902010001", repo, today=TODAY).issues == ("nik_bad_date",)
    # 2004 is after "today": the century before has no 29 February 1904? It has: a leap year.
    early = describe_nik("3273022902040001", repo, today=date(2003, 6, 1))
    assert early.birth_date == date(1904, 2, 29)


@pytest.mark.parametrize(
    ("yymmdd", "today", "born"),
    [
        ("120590", TODAY, date(1990, 5, 12)),
        ("120525", TODAY, date(2025, 5, 12)),
        ("120527", TODAY, date(1927, 5, 12)),
        ("010126", TODAY, date(2026, 1, 1)),
        ("120500", TODAY, date(2000, 5, 12)),
        ("120500", date(1999, 12, 31), date(1900, 5, 12)),
    ],
)
def test_century_is_inferred_from_today(
    repo: MemoryRegionRepository, yymmdd: str, today: date, born: date
) -> None:
    assert describe_nik(f"327302{yymmdd}0001", repo, today=today).birth_date == born


def test_future_birth_date(repo: MemoryRegionRepository) -> None:
    info = describe_nik("3273022001260001", repo, today=TODAY)
    assert not info.valid and info.issues == ("nik_future_birth_date",)


@pytest.mark.parametrize(
    ("text", "issue"),
    [
        ("327302120590001", "nik_length"),
        ("32730212059000011", "nik_length"),
        ("", "nik_length"),
        ("32730212O5900001", "nik_not_digits"),
        ("0073021205900001", "nik_bad_province"),
        ("3200021205900001", "nik_bad_region"),
        ("3273021213900001", "nik_bad_date"),  # month 13
        ("3273021205900000", "nik_bad_serial"),
        ("9471011205900001", UNKNOWN_REGION),
        ("3299011205900001", UNKNOWN_REGION),
        ("3273991205900001", UNKNOWN_REGION),
    ],
)
def test_invalid_niks_say_why(repo: MemoryRegionRepository, text: str, issue: str) -> None:
    info = describe_nik(text, repo, today=TODAY)
    assert not info.valid
    assert info.issues == (issue,)
    assert info.message


def test_bad_date_still_names_the_region(repo: MemoryRegionRepository) -> None:
    info = describe_nik("3273023102900001", repo, today=TODAY)
    district = info.region("kecamatan")
    assert info.issues == ("nik_bad_date",) and district is not None and district.name == "Coblong"


def test_unknown_district_keeps_the_known_levels(repo: MemoryRegionRepository) -> None:
    info = describe_nik("3273991205900001", repo, today=TODAY)
    regency, district = info.region("kabupaten_kota"), info.region("kecamatan")
    assert regency is not None and regency.code == "3273"
    assert district is not None and district.code is None and district.nik_code == "327399"


def test_historic_nik(repo: MemoryRegionRepository) -> None:
    info = describe_nik("9102035205900001", repo, today=TODAY)
    assert info.valid and info.historic
    regency = info.region("kabupaten_kota")
    assert regency is not None
    assert (regency.nik_code, regency.code, regency.card_name) == (
        "9102",
        "9501",
        "KABUPATEN JAYAWIJAYA",
    )
    assert regency.historic and regency.old_name == "KAB. JAYAWIJAYA"


def test_kaltara_nik_from_before_2012(repo: MemoryRegionRepository) -> None:
    info = describe_nik("6473011205900001", repo, today=TODAY)  # Tarakan, was 64.73
    regency = info.region("kabupaten_kota")
    assert info.valid and regency is not None
    assert (regency.code, regency.historic) == ("6571", True)


def test_separators_are_ignored_and_json_round_trips(repo: MemoryRegionRepository) -> None:
    info = describe_nik(" 3174 0512 0590 0001 ", repo, today=TODAY)
    assert info.valid and info.nik == "3174051205900001"
    data = json.loads(json.dumps(info.to_dict()))
    assert data["birth_date"] == "1990-05-12" and data["sex"] == "LAKI-LAKI"
    assert data["regions"]["kabupaten_kota"]["card_name"] == "JAKARTA SELATAN"
    assert info.masked() == "3174********0001"


@settings(max_examples=80, deadline=None)
@given(
    district=st.sampled_from(["317101", "327302", "320405", "950102", "650101", "110101"]),
    born=st.dates(date(1927, 1, 1), TODAY),
    sex=st.sampled_from(Sex),
    serial=st.integers(1, 9999),
)
def test_every_well_formed_nik_decodes(district: str, born: date, sex: Sex, serial: int) -> None:
    nik = Nik(district[:2], district[2:4], district[4:6], born, sex, f"{serial:04d}")
    info = describe_nik(format_nik(nik), memory_repository(), today=TODAY)
    assert info.valid, info.issues
    assert (info.birth_date, info.sex, info.serial) == (born, sex, f"{serial:04d}")
    assert [r.code for r in info.regions] == [district[:2], district[:4], district]
