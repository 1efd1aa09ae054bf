"""Cross-field consistency: the NIK against the printed fields, dates against each other.

Every check has a stable ``code`` and is always reported; ``passed`` is None when one side is
unreadable or the check does not apply. A NIK region that differs from the printed address is a
warning, not an error: the NIK keeps the region where it was issued (see KTP.md).
Messages never quote personal data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from itertools import pairwise
from typing import Any

from ktp_ocr.types import (
    CARD_FIELDS,
    SEUMUR_HIDUP,
    Check,
    FieldName,
    FieldValue,
    Nik,
    RegionLevel,
    RegionMatch,
    Severity,
    Sex,
)

#: Age from which a KTP is issued (younger holders must be or have been married).
ADULT_AGE = 17
#: Older than this is taken for a misread birth date.
MAX_AGE = 120
#: Marital status of a holder who has never married.
NEVER_MARRIED = "BELUM KAWIN"
#: How much a field counts towards the score (the rest count 1).
FIELD_WEIGHTS: Mapping[FieldName, float] = {
    FieldName.NIK: 3.0,
    FieldName.NAMA: 2.0,
    FieldName.TANGGAL_LAHIR: 2.0,
}
#: The score is multiplied by this for each failed check of a severity.
FAILED_CHECK_FACTORS: Mapping[Severity, float] = {"error": 0.6, "warning": 0.9, "info": 1.0}
_NIK_LEVELS: tuple[tuple[str, RegionLevel, str], ...] = (
    ("nik_province_match", "provinsi", "province"),
    ("nik_regency_match", "kabupaten_kota", "regency/city"),
    ("nik_district_match", "kecamatan", "district"),
)


def _value(fields: Mapping[FieldName, FieldValue[Any]], name: FieldName) -> Any:
    fv = fields.get(name)
    return None if fv is None else fv.value


def _date(fields: Mapping[FieldName, FieldValue[Any]], name: FieldName) -> date | None:
    value = _value(fields, name)
    return value if isinstance(value, date) else None


def _check(code: str, passed: bool | None, severity: Severity, message: str) -> Check:
    return Check(code, passed, severity, message)


def _nik_valid(fields: Mapping[FieldName, FieldValue[Any]], nik: Nik | None) -> Check:
    field = fields.get(FieldName.NIK)
    if nik is not None:
        passed: bool | None = True
    elif field is not None and (field.value is not None or field.raw.strip()):
        passed = False
    else:
        passed = None
    return _check("nik_valid", passed, "error", "the NIK is a well-formed 16-digit number")


def _nik_facts(fields: Mapping[FieldName, FieldValue[Any]], nik: Nik | None) -> list[Check]:
    born = _date(fields, FieldName.TANGGAL_LAHIR)
    sex = _value(fields, FieldName.JENIS_KELAMIN)
    sex = Sex(sex) if sex in set(Sex) else None
    return [
        _check(
            "nik_birthdate_match",
            None if nik is None or born is None else nik.birth_date == born,
            "error",
            "the NIK's birth date is the printed birth date",
        ),
        _check(
            "nik_sex_match",
            None if nik is None or sex is None else nik.sex is sex,
            "error",
            "the NIK's sex (day + 40 for women) is the printed sex",
        ),
    ]


def _match(matches: Sequence[RegionMatch], level: RegionLevel) -> RegionMatch | None:
    return next((m for m in matches if m.level == level and m.region is not None), None)


def _nik_regions(nik: Nik | None, matches: Sequence[RegionMatch]) -> list[Check]:
    checks = []
    for code, level, label in _NIK_LEVELS:
        match = _match(matches, level)
        if match is None and level == "kecamatan":
            match = _match(matches, "kelurahan_desa")  # the village lies in one district
        passed = None if nik is None or match is None else match.agrees_with_nik
        message = f"the NIK's {label} code is the printed {label}'s"
        checks.append(_check(code, passed, "warning", message))
    return checks


def _hierarchy(matches: Sequence[RegionMatch]) -> Check:
    codes = [m.region.code for m in matches if m.region is not None]
    codes.sort(key=len)
    pairs = list(pairwise(codes))
    passed = all(child.startswith(parent) for parent, child in pairs) if pairs else None
    return _check("region_hierarchy", passed, "warning", "the printed regions lie in each other")


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _birth_checks(fields: Mapping[FieldName, FieldValue[Any]], today: date) -> list[Check]:
    born = _date(fields, FieldName.TANGGAL_LAHIR)
    issued = _date(fields, FieldName.TANGGAL_TERBIT)
    status = _value(fields, FieldName.STATUS_PERKAWINAN)
    plausible: bool | None = None
    if born is not None:
        age = _age(born, issued if issued is not None and issued > born else today)
        if age > MAX_AGE or age < 0:
            plausible = False
        elif age < ADULT_AGE:
            plausible = None if status is None else status != NEVER_MARRIED
        else:
            plausible = True
    return [
        _check(
            "birth_date_not_future",
            None if born is None else born <= today,
            "error",
            "the birth date is not in the future",
        ),
        _check(
            "age_plausible",
            plausible,
            "warning",
            f"the holder was {ADULT_AGE} (or married) when the card was issued, and is not "
            f"older than {MAX_AGE}",
        ),
    ]


def _order(first: date | None, second: date | None) -> bool | None:
    return None if first is None or second is None else first < second


def _date_checks(fields: Mapping[FieldName, FieldValue[Any]], today: date) -> list[Check]:
    born = _date(fields, FieldName.TANGGAL_LAHIR)
    issued = _date(fields, FieldName.TANGGAL_TERBIT)
    valid = _value(fields, FieldName.BERLAKU_HINGGA)
    lifetime = valid == SEUMUR_HIDUP
    until = valid if isinstance(valid, date) else None
    return [
        _check(
            "issue_date_not_future",
            None if issued is None else issued <= today,
            "error",
            "the issue date is not in the future",
        ),
        _check(
            "issue_date_after_birth",
            _order(born, issued),
            "error",
            "the card was issued after the holder's birth",
        ),
        _check(
            "validity_after_birth",
            True if lifetime and born is not None else _order(born, until),
            "error",
            "the card is valid until a date after the holder's birth",
        ),
        _check(
            "validity_after_issue",
            True if lifetime and issued is not None else _order(issued, until),
            "error",
            "the card is valid until a date after its issue date",
        ),
    ]


def check_card(
    fields: Mapping[FieldName, FieldValue[Any]],
    nik: Nik | None,
    region_matches: Sequence[RegionMatch] = (),
    *,
    today: date | None = None,
) -> tuple[Check, ...]:
    """Every cross-field check, in a fixed order; ``today`` defaults to the current date."""
    day = today or date.today()
    return (
        _nik_valid(fields, nik),
        *_nik_facts(fields, nik),
        *_nik_regions(nik, region_matches),
        _hierarchy(region_matches),
        *_birth_checks(fields, day),
        *_date_checks(fields, day),
    )


def score_card(fields: Mapping[FieldName, FieldValue[Any]], checks: Sequence[Check]) -> float:
    """0-100: the weighted confidence of the 17 card fields, lowered for each failed check.

    An unread field counts 0; a failed error check costs much more than a failed warning.
    """
    total = sum(FIELD_WEIGHTS.get(name, 1.0) for name in CARD_FIELDS)
    read = 0.0
    for name in CARD_FIELDS:
        fv = fields.get(name)
        if fv is not None and fv.value is not None:
            read += FIELD_WEIGHTS.get(name, 1.0) * min(max(fv.confidence, 0.0), 1.0)
    factor = 1.0
    for check in checks:
        if check.passed is False:
            factor *= FAILED_CHECK_FACTORS[check.severity]
    return round(100.0 * read / total * factor, 1)
