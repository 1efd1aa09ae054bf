"""The NIK as a value type: ``parse_nik`` and ``format_nik`` are exact inverses.

``PP KK CC DDMMYY SSSS``: province, regency/city, district, birth date (women add 40 to the
day), serial. There is no check digit. Region codes are not checked here (that needs the region
data, see :mod:`ktp_ocr.checks`); :func:`read_nik` takes a ``region_known`` callable instead.

:func:`read_nik` reads OCR text: it mends digit confusions, weighs a bounded set of candidate
readings (:func:`nik_candidates`) and keeps the one whose structure, region and birth date agree
with the card, or none when two readings are equally good.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import product

from ktp_ocr.fields.invalid import InvalidField
from ktp_ocr.fields.repair import digit_options
from ktp_ocr.fields.text import lowered
from ktp_ocr.types import FieldValue, Nik, Sex

NIK_LENGTH = 16
FEMALE_DAY_OFFSET = 40
#: A reading with more candidate digit strings than this is too noisy to choose from.
MAX_CANDIDATES = 48
#: At most this many characters that could be any digit (a smudge, a stray letter).
MAX_UNKNOWN = 1
#: Cost of mending the length: dropping a stray non-digit (``K3273...``) is the cheapest and
#: needs no confirmation; the others need the printed birth date to agree.
DROP_JUNK, DOUBLE_DIGIT, DROP_CONFUSION, DROP_DIGIT = 1, 2, 2, 3
#: Plausibility points: the district code exists, the birth date and the sex agree.
REGION_POINTS, BIRTH_DATE_POINTS, SEX_POINTS = 1, 2, 1
_DIGITS = re.compile(r"\d{16}", re.ASCII)
_LABEL = re.compile(r"^[^0-9A-Za-z]*N\s*[I1l|!]\s*K", re.IGNORECASE)
_SEPARATORS = frozenset(" \t\n\r:;.,-_'\"`/\\~=*")
_ANY_DIGIT = tuple("0123456789")
_ASCII_DIGITS = frozenset("0123456789")


class InvalidNik(InvalidField):
    """The text is not a well-formed NIK; ``code`` says why (stable, machine-readable)."""


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


@dataclass(frozen=True, slots=True)
class NikCandidate:
    """One way to read the text as 16 digits and the cost of the length edit it took."""

    digits: str
    edits: int  # 0 as read; else DROP_JUNK, DOUBLE_DIGIT, DROP_CONFUSION or DROP_DIGIT


@dataclass(frozen=True, slots=True)
class _Slot:
    options: tuple[str, ...]
    real: bool  # an actual digit, not a confusion

    @property
    def unknown(self) -> bool:
        """Read as no digit and no known confusion: it could be any digit, or junk."""
        return len(self.options) == len(_ANY_DIGIT) and not self.real


def _slots(raw: str) -> list[_Slot]:
    text = _LABEL.sub("", raw, count=1)
    return [
        _Slot(digit_options(ch) or _ANY_DIGIT, ch in _ASCII_DIGITS)
        for ch in text
        if ch not in _SEPARATORS and not ch.isspace()
    ]


def _drop_cost(slot: _Slot) -> int:
    if slot.unknown:
        return DROP_JUNK
    return DROP_DIGIT if slot.real else DROP_CONFUSION


def _layouts(slots: list[_Slot]) -> Iterator[tuple[list[_Slot], int]]:
    """16 slots as read, or with one slot dropped (17) or doubled (15).

    A mended length never also guesses an unknown character: one edit at a time.
    """
    n = len(slots)
    if n == NIK_LENGTH:
        yield slots, 0
        return
    if n == NIK_LENGTH + 1:
        layouts = [(slots[:i] + slots[i + 1 :], _drop_cost(slots[i])) for i in range(n)]
    elif n == NIK_LENGTH - 1:
        layouts = [(slots[: i + 1] + slots[i:], DOUBLE_DIGIT) for i in range(n)]
    else:
        layouts = []
    yield from ((layout, cost) for layout, cost in layouts if not any(s.unknown for s in layout))


def _candidates(slots: list[_Slot]) -> tuple[NikCandidate, ...]:
    if sum(slot.unknown for slot in slots) > MAX_UNKNOWN:
        return ()
    layouts = list(_layouts(slots))
    total = sum(math.prod(len(slot.options) for slot in layout) for layout, _ in layouts)
    if total > MAX_CANDIDATES:
        return ()
    best: dict[str, int] = {}
    for layout, edits in layouts:
        for digits in product(*(slot.options for slot in layout)):
            text = "".join(digits)
            best[text] = min(edits, best.get(text, edits))
    ranked = sorted(best.items(), key=lambda item: item[1])
    return tuple(NikCandidate(text, edits) for text, edits in ranked)


def nik_candidates(raw: str) -> tuple[NikCandidate, ...]:
    """Every 16-digit reading of ``raw`` worth weighing, cheapest length edit first (bounded).

    Empty when the text is too far from 16 digits or allows more than :data:`MAX_CANDIDATES`.
    """
    return _candidates(_slots(raw))


def _plausibility(
    nik: Nik,
    region_known: Callable[[str], bool] | None,
    birth_date: date | None,
    sex: Sex | None,
) -> int:
    points = 0
    if region_known is not None and region_known(nik.district_code):
        points += REGION_POINTS
    if birth_date is not None and nik.birth_date == birth_date:
        points += BIRTH_DATE_POINTS
    if sex is not None and nik.sex is sex:
        points += SEX_POINTS
    return points


def _weigh(
    candidates: tuple[NikCandidate, ...],
    today: date,
    rank: Callable[[Nik], int],
) -> tuple[list[tuple[tuple[int, int], str, Nik]], list[str]]:
    """Well-formed candidates with their rank (best first) and the codes of the others."""
    weighed: list[tuple[tuple[int, int], str, Nik]] = []
    errors: list[str] = []
    for candidate in candidates:
        try:
            nik = parse_nik(candidate.digits, today=today)
        except InvalidNik as exc:
            errors.append(exc.code)
            continue
        weighed.append(((rank(nik), -candidate.edits), candidate.digits, nik))
    weighed.sort(key=lambda item: item[0], reverse=True)
    return weighed, errors


def read_nik(
    raw: str,
    *,
    confidence: float,
    today: date,
    region_known: Callable[[str], bool] | None = None,
    birth_date: date | None = None,
    sex: Sex | None = None,
) -> FieldValue[str]:
    """The NIK field: the one plausible 16-digit reading of ``raw``, or None with an issue.

    Issues: ``nik_missing``; ``nik_length`` (not 15-17 digits, or no mended length is well
    formed); ``nik_unreadable`` (too many readings); a :func:`parse_nik` code when no 16-digit
    reading is well formed; ``nik_ambiguous`` (two readings equally good); ``nik_uncorroborated``
    (a digit had to be dropped or doubled and the printed birth date does not confirm it); and
    ``nik_region_unknown`` beside a value whose district ``region_known`` does not know.
    """
    slots = _slots(raw)
    if not slots:
        return FieldValue(None, raw, confidence, ("nik_missing",))
    candidates = _candidates(slots)
    if abs(len(slots) - NIK_LENGTH) > 1 or not candidates:
        code = "nik_length" if abs(len(slots) - NIK_LENGTH) > 1 else "nik_unreadable"
        return FieldValue(None, raw, confidence, (code,))
    weighed, errors = _weigh(
        candidates, today, lambda nik: _plausibility(nik, region_known, birth_date, sex)
    )
    if not weighed:
        code = errors[0] if len(slots) == NIK_LENGTH else "nik_length"
        return FieldValue(None, raw, confidence, (code,))
    rank, digits, nik = weighed[0]
    if len(weighed) > 1 and weighed[1][0] == rank:
        return FieldValue(None, raw, confidence, ("nik_ambiguous",))
    if -rank[1] > DROP_JUNK and nik.birth_date != birth_date:
        return FieldValue(None, raw, confidence, ("nik_uncorroborated",))
    corrections = sum((any(not s.real for s in slots), len(slots) != NIK_LENGTH, len(weighed) > 1))
    known = region_known is None or region_known(nik.district_code)
    issues = () if known else ("nik_region_unknown",)
    return FieldValue(digits, raw, lowered(confidence, corrections), issues)
