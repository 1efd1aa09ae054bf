"""The NIK as a value type: ``parse_nik`` and ``format_nik`` are exact inverses.

``PP KK CC DDMMYY SSSS``: province, regency/city, district, birth date (women add 40 to the
day), serial. There is no check digit. Region codes are not checked here (that needs the region
data, see :mod:`ktp_ocr.checks`).
"""

from __future__ import annotations

import re
from datetime import date

from ktp_ocr.types import Nik, Sex

NIK_LENGTH = 16
FEMALE_DAY_OFFSET = 40
_DIGITS = re.compile(r"\d{16}")


class InvalidNik(ValueError):
    """The text is not a well-formed NIK; ``code`` says why (stable, machine-readable)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _century_year(yy: int, today: date) -> int:
    """Full year for a two-digit year: the latest one not after ``today``."""
    year = 2000 + yy
    return year if year <= today.year else year - 100


def parse_nik(text: str, *, today: date) -> Nik:
    """Decode a 16-digit NIK; raises :class:`InvalidNik` with a code when it cannot be one.

    Codes: ``nik_length``, ``nik_not_digits``, ``nik_bad_province``, ``nik_bad_region``,
    ``nik_bad_date``, ``nik_future_birth_date``, ``nik_bad_serial``.
    """
    if len(text) != NIK_LENGTH:
        raise InvalidNik("nik_length", f"a NIK has 16 digits, this has {len(text)} characters")
    if not _DIGITS.fullmatch(text):
        raise InvalidNik("nik_not_digits", "a NIK has only digits")
    province, regency, district = text[0:2], text[2:4], text[4:6]
    if not 11 <= int(province) <= 96:
        raise InvalidNik("nik_bad_province", f"no province has code {province}")
    if regency == "00" or district == "00":
        raise InvalidNik("nik_bad_region", "regency and district codes start at 01")
    day, month, yy = int(text[6:8]), int(text[8:10]), int(text[10:12])
    sex = Sex.FEMALE if day > FEMALE_DAY_OFFSET else Sex.MALE
    if sex is Sex.FEMALE:
        day -= FEMALE_DAY_OFFSET
    year = _century_year(yy, today)
    try:
        birth = date(year, month, day)
    except ValueError:
        # 29 February of a year 100 years earlier may exist when the recent one does not.
        try:
            birth = date(year - 100, month, day)
        except ValueError:
            raise InvalidNik("nik_bad_date", "the NIK's date part is not a real date") from None
    if birth > today:
        raise InvalidNik("nik_future_birth_date", "the NIK's birth date is in the future")
    serial = text[12:16]
    if serial == "0000":
        raise InvalidNik("nik_bad_serial", "the NIK's serial number starts at 0001")
    return Nik(province, regency, district, birth, sex, serial)


def format_nik(nik: Nik) -> str:
    """The 16-digit string for ``nik`` (inverse of :func:`parse_nik`)."""
    day = nik.birth_date.day + (FEMALE_DAY_OFFSET if nik.sex is Sex.FEMALE else 0)
    return (
        f"{nik.province}{nik.regency}{nik.district}"
        f"{day:02d}{nik.birth_date.month:02d}{nik.birth_date.year % 100:02d}{nik.serial}"
    )


def mask_nik(text: str) -> str:
    """The NIK with its personal middle masked for logs: ``3174********0001``."""
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]
