"""A NIK whose region code was misread, mended by the regency the card's header names.

The first four digits of a NIK are its regency's Kemendagri code, and the header of a KTP
names the regency that issued it (``KABUPATEN PULANG PISAU``: 62.11). A NIK read as
``0211074906800318`` names no province; changed in one of those four digits it becomes the
header's regency, and the six-digit district it then names exists there. Nothing else on a
card ties a misread region code to one reading so closely, so the mend is taken only then:
exactly one digit of the four differs, the whole NIK decodes, its district is known, and it
agrees with the printed birth date and sex when they were read.
"""

from __future__ import annotations

from collections.abc import Callable

from ktp_ocr.fields.nik import NIK_LENGTH
from ktp_ocr.fields.repair import to_digits

__all__ = ["REGENCY_DIGITS", "nik_from_header"]

#: The NIK's leading digits that name its regency/city.
REGENCY_DIGITS = 4


def nik_from_header(
    raw: str,
    regency_code: str,
    *,
    region_known: Callable[[str], bool],
    accept: Callable[[str], bool],
) -> str | None:
    """The NIK ``raw`` holds with its regency digits mended to ``regency_code``, or None.

    ``raw`` is the NIK's text as read (letters for look-alike digits are read as digits);
    ``regency_code`` the header's regency (four digits); ``region_known`` whether a district
    code exists; ``accept`` the reader's test of a whole NIK (it decodes, and agrees with the
    printed birth date and sex). None unless ``raw`` is 16 digits whose own district is unknown
    and exactly one of whose first four digits differs from ``regency_code``.
    """
    text = "".join(ch for ch in raw if ch not in " :.-")
    digits = to_digits(text)
    if len(digits) != NIK_LENGTH or not digits.isdigit() or len(regency_code) != REGENCY_DIGITS:
        return None
    if region_known(digits[:6]):
        return None  # the region read is a real one: nothing says it is misread
    head = digits[:REGENCY_DIGITS]
    if sum(a != b for a, b in zip(head, regency_code, strict=True)) != 1:
        return None
    mended = regency_code + digits[REGENCY_DIGITS:]
    if not region_known(mended[:6]) or not accept(mended):
        return None
    return mended
