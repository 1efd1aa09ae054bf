"""Cross-field checks and the card score."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ktp_ocr.checks import FAILED_CHECK_FACTORS, check_card, score_card
from ktp_ocr.fields.nik import parse_nik
from ktp_ocr.types import (
    CARD_FIELDS,
    SEUMUR_HIDUP,
    Check,
    FieldName,
    FieldValue,
    Nik,
    Region,
    RegionLevel,
    RegionMatch,
    Sex,
)

TODAY = date(2024, 6, 30)
F = FieldName
NIK = parse_nik("3273015205900001", today=TODAY)  # female, born 12-05-1990, 32 73 01


def _fields(**values: Any) -> dict[FieldName, FieldValue[Any]]:
    base: dict[str, Any] = {
        "nik": "3273015205900001",
        "tanggal_lahir": date(1990, 5, 12),
        "jenis_kelamin": Sex.FEMALE,
        "status_perkawinan": "KAWIN",
        "berlaku_hingga": SEUMUR_HIDUP,
        "tanggal_terbit": date(2018, 6, 20),
    }
    base.update(values)
    return {
        name: FieldValue(base.get(name.value), str(base.get(name.value) or ""), 0.9)
        for name in FieldName
    }


def _by_code(checks: tuple[Check, ...]) -> dict[str, bool | None]:
    return {c.code: c.passed for c in checks}


def _check(
    fields: dict[FieldName, FieldValue[Any]], nik: Nik | None = NIK, **kw: Any
) -> dict[str, bool | None]:
    return _by_code(check_card(fields, nik, today=TODAY, **kw))


CODES = [
    "nik_valid",
    "nik_birthdate_match",
    "nik_sex_match",
    "nik_province_match",
    "nik_regency_match",
    "nik_district_match",
    "region_hierarchy",
    "birth_date_not_future",
    "age_plausible",
    "issue_date_not_future",
    "issue_date_after_birth",
    "validity_after_birth",
    "validity_after_issue",
]


def test_a_consistent_card() -> None:
    checks = check_card(_fields(), NIK, today=TODAY)
    assert [c.code for c in checks] == CODES
    assert {c.code: c.passed for c in checks} == {
        **dict.fromkeys(CODES, True),
        "nik_province_match": None,  # no region matches given
        "nik_regency_match": None,
        "nik_district_match": None,
        "region_hierarchy": None,
    }
    assert {c.severity for c in checks} == {"error", "warning"}
    assert all(c.message for c in checks)


def test_today_defaults_to_the_current_date() -> None:
    assert _by_code(check_card(_fields(), NIK))["birth_date_not_future"] is True


def test_messages_hold_no_personal_data() -> None:
    for check in check_card(_fields(tanggal_lahir=date(1991, 1, 1)), NIK, today=TODAY):
        assert "1990" not in check.message
        assert "3273" not in check.message


@pytest.mark.parametrize(
    ("values", "nik", "code", "passed"),
    [
        ({"tanggal_lahir": date(1990, 5, 13)}, NIK, "nik_birthdate_match", False),
        ({"tanggal_lahir": None}, NIK, "nik_birthdate_match", None),
        ({}, None, "nik_birthdate_match", None),
        ({"jenis_kelamin": Sex.MALE}, NIK, "nik_sex_match", False),
        ({"jenis_kelamin": "LAKI-LAKI"}, NIK, "nik_sex_match", False),  # plain text works too
        ({"jenis_kelamin": None}, NIK, "nik_sex_match", None),
        ({"jenis_kelamin": "X"}, NIK, "nik_sex_match", None),
        ({}, None, "nik_sex_match", None),
        ({"nik": None}, None, "nik_valid", None),
        ({"nik": "3273015205900001"}, None, "nik_valid", False),
        ({"tanggal_lahir": date(2025, 1, 1)}, NIK, "birth_date_not_future", False),
        ({"tanggal_lahir": None}, NIK, "birth_date_not_future", None),
        ({"tanggal_terbit": date(2025, 1, 1)}, NIK, "issue_date_not_future", False),
        ({"tanggal_terbit": None}, NIK, "issue_date_not_future", None),
        ({"tanggal_terbit": date(1989, 1, 1)}, NIK, "issue_date_after_birth", False),
        ({"tanggal_terbit": None}, NIK, "issue_date_after_birth", None),
        ({"berlaku_hingga": date(2017, 5, 12)}, NIK, "validity_after_birth", True),
        ({"berlaku_hingga": date(1980, 5, 12)}, NIK, "validity_after_birth", False),
        ({"berlaku_hingga": None}, NIK, "validity_after_birth", None),
        (
            {"berlaku_hingga": SEUMUR_HIDUP, "tanggal_lahir": None},
            NIK,
            "validity_after_birth",
            None,
        ),
        ({"berlaku_hingga": date(2017, 5, 12)}, NIK, "validity_after_issue", False),
        ({"berlaku_hingga": date(2023, 5, 12)}, NIK, "validity_after_issue", True),
        (
            {"berlaku_hingga": SEUMUR_HIDUP, "tanggal_terbit": None},
            NIK,
            "validity_after_issue",
            None,
        ),
    ],
)
def test_single_checks(
    values: dict[str, Any], nik: Nik | None, code: str, passed: bool | None
) -> None:
    assert _check(_fields(**values), nik)[code] is passed


@pytest.mark.parametrize(
    ("born", "issued", "status", "passed"),
    [
        (date(1990, 5, 12), date(2018, 6, 20), "KAWIN", True),
        (date(2005, 5, 12), date(2018, 6, 20), "BELUM KAWIN", False),  # 13 at issue, unmarried
        (date(2005, 5, 12), date(2018, 6, 20), "KAWIN", True),  # married minors get a KTP
        (date(2005, 5, 12), date(2018, 6, 20), None, None),
        (date(2005, 5, 12), None, "BELUM KAWIN", True),  # 19 today, issue date unread
        (date(1900, 1, 1), None, "KAWIN", False),  # 124 years old
        (date(2025, 1, 1), None, "KAWIN", False),  # not born yet
        (date(1990, 5, 12), date(1980, 1, 1), "KAWIN", True),  # issue date before birth: today
        (None, None, "KAWIN", None),
    ],
)
def test_age_plausible(
    born: date | None, issued: date | None, status: str | None, passed: bool | None
) -> None:
    fields = _fields(tanggal_lahir=born, tanggal_terbit=issued, status_perkawinan=status)
    assert _check(fields)["age_plausible"] is passed


def _region(level: RegionLevel, code: str, agrees: bool | None) -> RegionMatch:
    kind = {"provinsi": "provinsi", "kabupaten_kota": "kota", "kecamatan": "kecamatan"}.get(
        level, "kelurahan"
    )
    region = Region(code, "X", kind)  # type: ignore[arg-type]
    return RegionMatch(level, "X", region, 100.0, agrees_with_nik=agrees)


def test_region_checks_follow_the_matches() -> None:
    matches = (
        _region("provinsi", "32", True),
        _region("kabupaten_kota", "3273", True),
        _region("kecamatan", "327302", False),
        _region("kelurahan_desa", "3273021001", False),
    )
    checks = check_card(_fields(), NIK, matches, today=TODAY)
    result = _by_code(checks)
    assert (result["nik_province_match"], result["nik_regency_match"]) == (True, True)
    assert result["nik_district_match"] is False
    assert result["region_hierarchy"] is True
    severities = {c.code: c.severity for c in checks}
    assert severities["nik_district_match"] == "warning"  # a signal, not an error


def test_region_checks_undecided() -> None:
    unmatched = RegionMatch("provinsi", "JAWA BARAT", None, 40.0)
    unknown_nik_region = _region("kabupaten_kota", "3273", None)
    result = _check(_fields(), NIK, region_matches=(unmatched, unknown_nik_region))
    assert result["nik_province_match"] is None
    assert result["nik_regency_match"] is None
    assert result["region_hierarchy"] is None  # one matched region: nothing to nest
    assert (
        _check(_fields(), None, region_matches=(_region("provinsi", "32", True),))[
            "nik_province_match"
        ]
        is None
    )


def test_district_falls_back_to_the_village() -> None:
    matches = (_region("kelurahan_desa", "3273011001", True),)
    assert _check(_fields(), NIK, region_matches=matches)["nik_district_match"] is True


def test_region_hierarchy_broken() -> None:
    matches = (_region("kabupaten_kota", "3273", True), _region("kecamatan", "320401", False))
    assert _check(_fields(), NIK, region_matches=matches)["region_hierarchy"] is False


def test_score_of_a_perfect_card() -> None:
    fields = {name: FieldValue("X", "X", 1.0) for name in FieldName}
    assert score_card(fields, ()) == 100.0
    passed = (Check("a", True, "error", ""), Check("b", None, "error", ""))
    assert score_card(fields, passed) == 100.0


def test_score_falls_with_failed_checks() -> None:
    fields = {name: FieldValue("X", "X", 1.0) for name in FieldName}
    error = Check("a", False, "error", "")
    warning = Check("b", False, "warning", "")
    info = Check("c", False, "info", "")
    assert score_card(fields, (error,)) == pytest.approx(100 * FAILED_CHECK_FACTORS["error"])
    assert score_card(fields, (warning,)) == pytest.approx(100 * FAILED_CHECK_FACTORS["warning"])
    assert score_card(fields, (info,)) == 100.0
    assert score_card(fields, (error,)) < score_card(fields, (warning,))


def test_score_counts_unread_fields_and_confidence() -> None:
    assert score_card({}, ()) == 0.0
    full: dict[FieldName, FieldValue[Any]] = {n: FieldValue("X", "X", 1.0) for n in CARD_FIELDS}
    half = {name: FieldValue("X", "X", 0.5) for name in CARD_FIELDS}
    assert score_card(half, ()) == 50.0
    without_nik = {**full, F.NIK: FieldValue(None, "", 0.9, ("nik_missing",))}
    without_rt = {**full, F.RT_RW: FieldValue(None, "", 0.9, ("rt_rw_missing",))}
    assert score_card(without_nik, ()) < score_card(without_rt, ()) < 100.0
    odd = {**full, F.NAMA: FieldValue("X", "X", 7.0)}
    assert score_card(odd, ()) == 100.0


def test_a_parsed_card_scores_high() -> None:
    fields = _fields()
    checks = check_card(fields, NIK, today=TODAY)
    assert 0 < score_card(fields, checks) <= 100
