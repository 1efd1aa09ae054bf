"""``alamat`` and ``rt_rw``.

The address keeps its printed punctuation (``JL. MERDEKA NO. 10``, ``PERUM GRIYA ASRI BLOK
C2/15``): letters and digits both belong there, so only the unambiguous confusions are mended
(``JI.`` -> ``JL.``, ``O`` and ``I`` in the number after ``NO.``, and ``S`` or ``Z`` before
its last digit or a lone ``S`` there, ``NO,`` before a number,
a lost space before ``NO.`` and a number, a Roman numeral's strokes split apart: ``GG. I I``).
``rt_rw`` is always ``003/005``.
"""

from __future__ import annotations

import re

from ktp_ocr.fields.invalid import InvalidField
from ktp_ocr.fields.repair import to_digits
from ktp_ocr.fields.text import issue, lowered, single_spaces, strip_edges, strip_label
from ktp_ocr.types import FieldName, FieldValue

#: Punctuation an address may print.
ADDRESS_PUNCTUATION = ".,/-'()#:&"
#: RT and RW are printed with this many digits each.
RT_RW_DIGITS = 3

_ALLOWED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 " + ADDRESS_PUNCTUATION)
_SPACE_BEFORE = re.compile(r"\s+([.,])")
_JALAN = re.compile(r"\bJ[I1]\.")
_NOMOR = re.compile(r"\bN0\.")
_NUMBER = re.compile(r"\b(NO\.?\s*)([0-9A-Z]+)\b")
#: ``NO,`` before a number (``S0`` too): the stop of ``NO.`` read as a comma.
_NOMOR_COMMA = re.compile(r"\bNO,(?=\s?[0-9SZOI]*[0-9])")
#: ``MADANO.25``: the space before ``NO.`` and a number lost. A word's own ending in ``NO`` is
#: not followed by a stop and a digit.
_NOMOR_GLUED = re.compile(r"\b([A-Z]{3,})(NO\.\s?[0-9])")
#: ``GG. I I``: a Roman numeral's strokes read as words of their own (the narrow ``I`` leaves
#: a gap as wide as a space). A lone ``I`` before another is never a word of an address.
_ROMAN_SPLIT = re.compile(r"\bI(?: I)+\b")
_RT_RW_SPLIT = re.compile(r"[\s/\\\-.,:;]+")
_RT_RW_WORD = re.compile(r"^(RT|RW|RTRW)$")
_SLASH_LIKE = frozenset("ILl|1!")
_NUMBER_CONFUSIONS = str.maketrans("OQI", "001")
_LEADING_CONFUSIONS = str.maketrans("SZ", "52")


def _number(match: re.Match[str]) -> str:
    """A house number: O and I are misread 0 and 1 (``1O``); other letters are suffixes (``7A``).

    An ``S`` or ``Z`` before the number's last digit is a misread 5 or 2 too (``S0``), and so
    is a lone ``S`` (``NO. S``): a suffix letter follows the digits, and no house is numbered
    by a letter alone that looks like a digit.
    """
    number = match.group(2)
    if number == "S":
        return match.group(1) + "5"
    if any(ch.isdigit() for ch in number):
        last = max(i for i, ch in enumerate(number) if ch.isdigit())
        number = number[:last].translate(_LEADING_CONFUSIONS) + number[last:]
        number = number.translate(_NUMBER_CONFUSIONS)
    return match.group(1) + number


def read_address(raw: str, *, confidence: float = 1.0) -> FieldValue[str]:
    """``alamat`` as printed, upper case, single spaces; wrapped lines joined with a space."""
    field = FieldName.ALAMAT
    text = strip_edges(strip_label(raw, field)).upper()
    value = "".join(ch if ch in _ALLOWED else " " for ch in text)
    value = _NOMOR.sub("NO.", _JALAN.sub("JL.", value))
    value = _NOMOR_GLUED.sub(r"\1 \2", _NOMOR_COMMA.sub("NO.", value))
    value = _NUMBER.sub(_number, value)
    value = _ROMAN_SPLIT.sub(lambda m: m.group(0).replace(" ", ""), single_spaces(value))
    value = strip_edges(_SPACE_BEFORE.sub(r"\1", value))
    if not any("A" <= ch <= "Z" or "0" <= ch <= "9" for ch in value):
        kind = "unreadable" if text else "missing"
        return FieldValue(None, raw, confidence, (issue(field, kind),))
    corrected = value != single_spaces(text)
    return FieldValue(value, raw, lowered(confidence, int(corrected)))


def _number_part(text: str) -> str:
    digits = to_digits(text)
    if not digits.isascii() or not digits.isdigit() or int(digits) >= 10**RT_RW_DIGITS:
        raise InvalidField("format", "RT and RW are numbers up to three digits")
    return f"{int(digits):0{RT_RW_DIGITS}d}"


def parse_rt_rw(text: str) -> str:
    """``003/005`` from ``003 / 005``, ``03/5``, ``003005``, ``0O3/OO5``, ``003:005``.

    Raises InvalidField.
    """
    parts = [p for p in _RT_RW_SPLIT.split(text) if p and not _RT_RW_WORD.match(p.upper())]
    if not parts:
        raise InvalidField("missing", "no RT/RW number")
    if len(parts) == 1:
        whole = parts[0]
        if len(whole) == 2 * RT_RW_DIGITS:
            parts = [whole[:RT_RW_DIGITS], whole[RT_RW_DIGITS:]]
        elif len(whole) == 2 * RT_RW_DIGITS + 1 and whole[RT_RW_DIGITS] in _SLASH_LIKE:
            parts = [whole[:RT_RW_DIGITS], whole[RT_RW_DIGITS + 1 :]]
    if len(parts) != 2:
        raise InvalidField("format", "RT/RW is two numbers, like 003/005")
    rt = parts[0]
    if len(rt) == RT_RW_DIGITS + 1 and rt[0] in _SLASH_LIKE and to_digits(rt[1:]).strip("0"):
        parts[0] = rt[1:]  # the label's ":" read as a stroke: ``1009/006``
    return "/".join(_number_part(p) for p in parts)


def read_rt_rw(raw: str, *, confidence: float = 1.0) -> FieldValue[str]:
    """``rt_rw`` as ``003/005``; value None with ``rt_rw_format`` when it is not two numbers."""
    field = FieldName.RT_RW
    text = strip_edges(strip_label(raw, field))
    try:
        value = parse_rt_rw(text)
    except InvalidField as exc:
        return FieldValue(None, raw, confidence, (issue(field, exc.code),))
    extra = sum(ch.isdigit() for ch in text) > 2 * RT_RW_DIGITS  # a stroke dropped
    corrected = any(ch.isalpha() for ch in text) or extra
    return FieldValue(value, raw, lowered(confidence, int(corrected)))
