"""What the reader infers across fields: a value the others settle, a mark seen in the pixels.

A birth date or sex unreadable on the card but carried by a sure NIK, a validity from the
birthday, citizenship from a lifelong validity, the blood type's lone dash found in the pixels,
a value that glare may have cut short, and the NIK withheld when the printed fields contradict
it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rapidfuzz.distance import Levenshtein

from ktp_ocr import layout
from ktp_ocr.fields.dates import format_date, parse_birth_place_date, split_place_date
from ktp_ocr.fields.enums import WNA, WNI, parse_blood_type
from ktp_ocr.fields.invalid import InvalidField
from ktp_ocr.fields.repair import to_digits
from ktp_ocr.fields.text import lowered
from ktp_ocr.imaging.marks import BLOT_MIN_ASPECT, DASH_MIN_ASPECT, holds_no_letter, is_lone_dash
from ktp_ocr.imaging.quality import Glare, find_glare, glare_mask
from ktp_ocr.pipeline.frames import band
from ktp_ocr.types import (
    SEUMUR_HIDUP,
    BBox,
    FieldName,
    FieldValue,
    Nik,
    RawField,
)

#: Confidence of a blood type read as a lone dash from the pixels (no text was recognised).
DASH_CONFIDENCE = 0.8
#: An unreadable birth date is the NIK's when at least this many of its digits were read ...
NIK_DATE_MIN_DIGITS = 4
#: ... and they match the NIK's date (its first digits, when cut short) at least this well.
NIK_DATE_AGREEMENT = 0.75
#: A birth date as the card prints it: two-digit day and month, four-digit year.
_AS_PRINTED = re.compile(r"\s*\d{2}\s*-\s*\d{2}\s*-\s*\d{4}\s*")
#: Where a value no text was read for is looked for: from the value column's left edge, this
#: share of the card's width (short of the photo column).
VALUE_SPAN = 0.32
#: ... and when it is only a blot at the dash's place (blur rounded it; nothing letter-sized).
BLOT_CONFIDENCE = 0.6
#: ... and when its place shows print but nothing as tall as a letter (the bar faded away).
NO_LETTER_CONFIDENCE = 0.4
#: ... looking for letters this many more text heights past the place, and reading the row
#: from this many before it.
NO_LETTER_REACH = 2.0
NO_LETTER_BACK = 1.5
#: The row read again counts as showing a blood group only when read at least this surely.
NO_LETTER_READ_CONFIDENCE = 0.5
#: Confidence factor of fields placed by their content because no label could be read.
CONTENT_CONFIDENCE = 0.85
#: A card whose text reads with a mean confidence under this is unreadable, not "not a KTP".
UNSURE_TEXT = 0.8
#: A lifetime validity outweighs an unsure ``WNA`` read at least this much less surely.
OUTWEIGH_MARGIN = 0.2
#: A read value glare may have cut: clipped glare covers at least this share of the value's
#: row over it, or over the stretch of :data:`GLARE_REACH` text heights just before or after it
#: (letters washed out there are missing from the value, which then reads clean but short) ...
GLARE_COVER = 0.25
GLARE_REACH = 2.0
#: ... its confidence is multiplied by this, and the issue ``glare_over_value`` says why.
GLARE_CONFIDENCE = 0.5


def same_style(printed: str, official: str, name: FieldName) -> bool:
    """Only snap when the official form keeps the card's KOTA/KABUPATEN wording.

    The wording is looked for without spaces: OCR glues it to the name (``KOTATEGAL``) or
    breaks it up (``K A B UPATEN``).
    """
    if name is not FieldName.KABUPATEN_KOTA:
        return True
    return printed.replace(" ", "").startswith(official.split(" ")[0])


def field_text(fields: Mapping[FieldName, FieldValue[Any]], name: FieldName) -> str | None:
    """The value of field ``name`` as text, or None when it was not read."""
    fv = fields.get(name)
    return None if fv is None or fv.value is None else str(fv.value)


def failed_checks(checks: Sequence[Any]) -> set[str]:
    """The codes of the checks that failed."""
    return {c.code for c in checks if c.passed is False}


def _inferred(
    fields: dict[FieldName, FieldValue[Any]],
    name: FieldName,
    value: object,
    confidence: float,
    code: str,
) -> dict[FieldName, FieldValue[Any]]:
    """``fields`` with ``name`` given a value inferred from other fields: less sure, said so."""
    fv = fields[name]
    taken = replace(fv, value=value, confidence=lowered(confidence, 2), issues=(*fv.issues, code))
    return {**fields, name: taken}


def birth_date_from_nik(
    fields: dict[FieldName, FieldValue[Any]], nik: Nik | None
) -> dict[FieldName, FieldValue[Any]]:
    """A misread printed birth date taken from a sure NIK whose date its digits agree with.

    ``06 06 20`` (the year cut off) or ``13-00-1900`` under a NIK born on 13-06-1990: the digits
    read match the NIK's date closely, the date itself does not parse. So too a date that parses
    only after mending, not printed as a card prints it (``150S-1954`` for 15-09-1984, a digit
    dropped in ``4-10-1993`` for 14-10-1993), when it is not the NIK's. The NIK's date is taken,
    less surely and said so (``tanggal_lahir_from_nik``); digits that do not agree leave the
    date as it was, and the cross checks then judge the NIK.
    """
    born, read = fields[FieldName.TANGGAL_LAHIR], fields[FieldName.NIK]
    sex = fields[FieldName.JENIS_KELAMIN].value
    if nik is None or read.confidence < UNSURE_TEXT or read.issues:
        return fields
    text = split_place_date(born.raw)[1]
    if born.value is not None and (born.value == nik.birth_date or _AS_PRINTED.fullmatch(text)):
        return fields
    if sex is not None and str(sex) != nik.sex.value:
        return fields
    printed = format_date(nik.birth_date).replace("-", "")
    readings = [
        (_agreement(digits, printed), place)
        for digits, place in _date_digits(born.raw, text)
        if len(digits) >= NIK_DATE_MIN_DIGITS
    ]
    agreement, place = max(readings, key=lambda r: r[0], default=(0.0, None))
    if agreement < NIK_DATE_AGREEMENT:
        return fields
    fields = _inferred(
        fields, FieldName.TANGGAL_LAHIR, nik.birth_date, read.confidence, "tanggal_lahir_from_nik"
    )
    before = fields.get(FieldName.TEMPAT_LAHIR)
    if place is None or before is None or before.value is None:
        return fields
    # The date's first words had stayed with the place (``SELATAN. 251L``): the place is what
    # stands before them.
    again = parse_birth_place_date(place, confidence=before.confidence)[0]
    if again.value is None:
        return fields
    return {**fields, FieldName.TEMPAT_LAHIR: replace(before, value=again.value)}


def _agreement(digits: str, printed: str) -> float:
    """How alike two date digit strings are: whole (a digit dropped) or the start (cut off)."""
    return max(
        Levenshtein.normalized_similarity(digits, printed),
        Levenshtein.normalized_similarity(digits, printed[: len(digits)]),
    )


def _date_digits(raw: str, date_part: str) -> list[tuple[str, str | None]]:
    """The digits a misread birth date holds, each with the place text that stands before them.

    First the digits of its date part (the place as split: None). The date part starts where
    the date's digits do, so a day read with a letter for a digit (``SELATAN. 251L 2008``) stays
    with the place; so the digits of the raw text's tail follow, the run of last words that are
    mostly digits (look-alikes read as digits), with the text before that run, when the run
    holds more than the date part.
    """
    words = raw.split()
    start = len(words)
    while start > 0:
        core = re.sub(r"[^0-9A-Za-z]", "", words[start - 1])
        if not core or 2 * sum(ch.isdigit() for ch in core) < len(core):
            break
        start -= 1
    found: list[tuple[str, str | None]] = [(re.sub(r"\D", "", to_digits(date_part)), None)]
    tail = re.sub(r"\D", "", to_digits(" ".join(words[start:])))
    if tail != found[0][0]:
        found.append((tail, " ".join(words[:start])))
    return found


def sex_from_nik(
    fields: dict[FieldName, FieldValue[Any]], nik: Nik | None
) -> dict[FieldName, FieldValue[Any]]:
    """An unreadable printed sex taken from a sure NIK the printed birth date bears out.

    The NIK encodes the holder's sex (40 added to the birth day for a woman). It is taken when
    the NIK was read without an issue and the birth date printed on the card is the NIK's: six
    of its digits confirmed by a separate print. A printed date that was itself taken from the
    NIK (:func:`birth_date_from_nik`: its digits misread elsewhere, ``19-53-1985``) confirms
    the NIK only when its day was read as the NIK's, the two digits beside which the sex is
    written. Less sure than a printed sex, and said so (``jenis_kelamin_from_nik``).
    """
    sex, read = fields[FieldName.JENIS_KELAMIN], fields[FieldName.NIK]
    born = fields[FieldName.TANGGAL_LAHIR]
    if nik is None or sex.value is not None or read.confidence < UNSURE_TEXT or read.issues:
        return fields
    if born.value != nik.birth_date:
        return fields
    if "tanggal_lahir_from_nik" in born.issues and not _day_as_printed(born.raw, nik):
        return fields
    return _inferred(
        fields, FieldName.JENIS_KELAMIN, nik.sex, read.confidence, "jenis_kelamin_from_nik"
    )


def _day_as_printed(raw: str, nik: Nik) -> bool:
    """Whether a printed birth date's first two digits, as read, are the NIK's day of birth."""
    digits = re.sub(r"\D", "", split_place_date(raw)[1])
    return digits[:2] == f"{nik.birth_date.day:02d}"


#: A validity date's day, month and year in its digits (digit look-alikes read as digits).
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\D+(\d{1,2})\D+((?:19|20)\d\d)")


def validity_from_birthday(
    fields: dict[FieldName, FieldValue[Any]],
) -> dict[FieldName, FieldValue[Any]]:
    """An impossible validity date (``04-00-2017``) completed from the holder's birthday.

    A KTP that is not valid for life runs to the holder's birthday in its last year. When the
    month read is no month but the day read is the birthday's, the month is the birthday's
    (``berlaku_hingga_from_birthday``, less sure).
    """
    valid, born = fields[FieldName.BERLAKU_HINGGA], fields[FieldName.TANGGAL_LAHIR].value
    if valid.value is not None or not isinstance(born, date):
        return fields
    found = _DAY_MONTH_YEAR.search(to_digits(valid.raw))
    if found is None:
        return fields
    day, month, year = (int(part) for part in found.groups())
    if 1 <= month <= 12 or day != born.day:
        return fields
    try:
        value = born.replace(year=year)
    except ValueError:  # born on 29 February
        return fields
    return _inferred(
        fields, FieldName.BERLAKU_HINGGA, value, valid.confidence, "berlaku_hingga_from_birthday"
    )


#: A dated KTP runs five years at most (a citizen's card before 2016, a foreigner's to the
#: end of the residence permit): a validity later than this many years after today cannot be.
VALIDITY_MAX_YEARS = 6
#: A dated card runs to the holder's birthday in this year after the year it was issued.
VALIDITY_TERM = 5


def validity_within_term(
    fields: dict[FieldName, FieldValue[Any]], today: date
) -> dict[FieldName, FieldValue[Any]]:
    """A validity date later than any KTP runs: withdrawn, or its year mended from the issue.

    A validity read more than :data:`VALIDITY_MAX_YEARS` after ``today`` (``20-02-2079``, a
    ``1`` read as ``7``) is no card's. When its day and month are the holder's birthday, the
    issue date was read and the year read is one digit away from the issue year plus
    :data:`VALIDITY_TERM`, that year is the card's (``berlaku_hingga_year_mended``, less sure):
    three readings agree on it. Otherwise the date is withdrawn (``berlaku_hingga_impossible``).
    """
    valid = fields[FieldName.BERLAKU_HINGGA]
    if not isinstance(valid.value, date) or valid.value.year <= today.year + VALIDITY_MAX_YEARS:
        return fields
    born = fields[FieldName.TANGGAL_LAHIR].value
    issued = fields[FieldName.TANGGAL_TERBIT].value if FieldName.TANGGAL_TERBIT in fields else None
    if (
        isinstance(born, date)
        and isinstance(issued, date)
        and (valid.value.month, valid.value.day) == (born.month, born.day)
    ):
        year = issued.year + VALIDITY_TERM
        if sum(a != b for a, b in zip(f"{year:04d}", f"{valid.value.year:04d}", strict=True)) == 1:
            try:
                mended = valid.value.replace(year=year)
            except ValueError:  # 29 February, and that year has none
                mended = None
            if mended is not None:
                return _inferred(
                    fields,
                    FieldName.BERLAKU_HINGGA,
                    mended,
                    valid.confidence,
                    "berlaku_hingga_year_mended",
                )
    withdrawn = replace(valid, value=None, issues=(*valid.issues, "berlaku_hingga_impossible"))
    return {**fields, FieldName.BERLAKU_HINGGA: withdrawn}


def citizenship_from_validity(
    fields: dict[FieldName, FieldValue[Any]],
) -> dict[FieldName, FieldValue[Any]]:
    """An unread citizenship, or a bare ``WNA`` read unsurely, on a card valid for life: ``WNI``.

    By law (UU 24/2013, article 64) a KTP-el is valid for life only for a citizen; a foreign
    resident's card runs to the end of the residence permit, a date. So a validity read as
    ``SEUMUR HIDUP`` says the holder is ``WNI``, given less surely and said so
    (``kewarganegaraan_from_validity``):

    - when the citizenship could not be read at all. A validity is only ever ``SEUMUR HIDUP``
      when its text holds no date's digits and most of the phrase's letters (see
      :func:`~ktp_ocr.fields.dates.read_validity`), so even a blurred reading of it
      (``BEUMUR HOUR``, read again or unsure) rules out a foreigner's dated card;
    - when it was read only as an unsure ``WNA`` with no nationality after it (``WIa``, ``wna``
      for a blurred ``WNI``), and the validity was read surely, or at least
      :data:`OUTWEIGH_MARGIN` more surely than that ``WNA`` (``wra`` read again at 0.40
      against ``SEUMUR HIDUP`` at 0.75): two equally doubtful readings do not overrule each
      other.

    A sure ``WNA``, or one followed by a nationality, is kept as read.

    A dated validity says ``WNI`` too when the citizenship could not be read and the date falls
    on the holder's birthday (day and month both read, not taken from the birthday): a
    citizen's card from before lifetime validity ran five years to the birthday, a foreign
    resident's to the end of the residence permit.
    """
    citizen, valid = fields[FieldName.KEWARGANEGARAAN], fields[FieldName.BERLAKU_HINGGA]
    if isinstance(valid.value, date):
        return _citizen_by_birthday(fields)
    if valid.value != SEUMUR_HIDUP:
        return fields
    outweighs = min(UNSURE_TEXT, citizen.confidence + OUTWEIGH_MARGIN)
    sure = not valid.issues and valid.confidence >= outweighs
    unsure_foreign = sure and citizen.value == WNA and citizen.confidence < UNSURE_TEXT
    if citizen.value is not None and not unsure_foreign:
        return fields
    return _inferred(
        fields, FieldName.KEWARGANEGARAAN, WNI, valid.confidence, "kewarganegaraan_from_validity"
    )


def _citizen_by_birthday(
    fields: dict[FieldName, FieldValue[Any]],
) -> dict[FieldName, FieldValue[Any]]:
    """``WNI`` for an unread citizenship on a card dated to the holder's birthday."""
    citizen, valid = fields[FieldName.KEWARGANEGARAAN], fields[FieldName.BERLAKU_HINGGA]
    born = fields.get(FieldName.TANGGAL_LAHIR)
    until = valid.value
    if citizen.value is not None or born is None or not isinstance(born.value, date):
        return fields
    if not isinstance(until, date) or "berlaku_hingga_from_birthday" in valid.issues:
        return fields
    if (until.month, until.day) != (born.value.month, born.value.day):
        return fields
    sure = min(valid.confidence, born.confidence)
    return _inferred(fields, FieldName.KEWARGANEGARAAN, WNI, sure, "kewarganegaraan_from_validity")


#: Checks whose failure means the NIK and the printed fields cannot both be right.
CONTRADICTIONS = frozenset({"nik_birthdate_match", "nik_sex_match"})


def contradicted(checks: Sequence[Any]) -> bool:
    """Whether a check of :data:`CONTRADICTIONS` failed: the NIK and the print disagree."""
    return any(c.code in CONTRADICTIONS and c.passed is False for c in checks)


def withhold_nik(fields: dict[FieldName, FieldValue[Any]]) -> dict[FieldName, FieldValue[Any]]:
    """A NIK that contradicts the printed birth date or sex is not returned as read.

    One of the two readings is wrong and nothing says which: a wrong NIK is the worst error a
    KYC reader can make, so the NIK is withheld (its raw text stays for the record).
    """
    withheld = with_issue(fields[FieldName.NIK], "nik_contradicts_card", value=None)
    return {**fields, FieldName.NIK: withheld}


def blood_dash(
    card: NDArray[np.uint8],
    raw: dict[FieldName, RawField],
    read_crops: Callable[[Sequence[NDArray[np.uint8]]], list[tuple[str, float]]] | None = None,
    glare: tuple[Glare, ...] = (),
) -> dict[FieldName, RawField]:
    """An empty blood type whose place shows one short bar is the printed ``-``.

    A blot there, with nothing as tall as a letter, is the dash too, less sure: a blood group
    is a letter, and blur rounds a short bar off before it loses a letter. When even the blot
    has faded, the ``-`` is inferred, least sure, if nothing as tall as the label's letters
    stands from the place to :data:`NO_LETTER_REACH` text heights past it, and ``read_crops``
    (reading the row from before the place as one line) reads no blood group there either: a
    box drawn past a letter the recogniser dropped puts the place after that letter. A letter
    read there under :data:`NO_LETTER_READ_CONFIDENCE` (``b`` at 0.37 from a moire's stripes)
    is no evidence against the pixels. A place of blank paper holds no letter unless one of
    the card's reflections (``glare``) covers it.
    """
    blood = raw.get(FieldName.GOLONGAN_DARAH)
    if blood is None or blood.text or blood.box is None:
        return raw
    for aspect, confidence in (
        (DASH_MIN_ASPECT, DASH_CONFIDENCE),
        (BLOT_MIN_ASPECT, BLOT_CONFIDENCE),
    ):
        if is_lone_dash(card, blood.box, blood.box.height, min_aspect=aspect):
            return {**raw, FieldName.GOLONGAN_DARAH: RawField("-", blood.box, confidence)}
    if read_crops is None:
        return raw
    w = card.shape[1]
    box = blood.box
    reach = min(box.x1 + NO_LETTER_REACH * box.height, layout.PHOTO_COLUMN_X * w)
    wide = BBox(box.x0, box.y0, max(box.x1, reach), box.y1)
    if not holds_no_letter(card, wide, box.height, blank_is_empty=not _glared(card, wide, glare)):
        return raw
    x0 = max(int(box.x0 - NO_LETTER_BACK * box.height), 0)
    row = band(card, box, x0, min(int(wide.x1) + 1, w))
    if row is None:
        return raw
    read = read_crops([row])
    if not read:  # an engine that cannot read a line undetected (a pool of Tesseracts)
        return raw
    text, sure = read[0]
    if sure >= NO_LETTER_READ_CONFIDENCE and any(
        _is_blood_group(token) for token in re.findall(r"[A-Za-z0-9+]+", text)
    ):
        return raw
    return {**raw, FieldName.GOLONGAN_DARAH: RawField("-", box, NO_LETTER_CONFIDENCE)}


def _glared(card: NDArray[np.uint8], box: BBox, glare: tuple[Glare, ...]) -> bool:
    """Whether one of the card's reflections covers ``box``."""
    return bool(glare) and _covered(glare_mask(card, glare), box)


def _covered(mask: NDArray[np.uint8], box: BBox) -> bool:
    """Whether the glare ``mask`` covers :data:`GLARE_COVER` or more of ``box`` (clipped)."""
    h, w = mask.shape
    zone = mask[
        max(int(box.y0), 0) : min(int(box.y1) + 1, h), max(int(box.x0), 0) : min(int(box.x1) + 1, w)
    ]
    return bool(zone.size) and float(zone.mean()) >= GLARE_COVER


def _is_blood_group(token: str) -> bool:
    try:
        return parse_blood_type(token) != "-"
    except InvalidField:
        return False


def mark_no_letter(
    read: Mapping[FieldName, RawField],
    raw: Mapping[FieldName, RawField],
    fields: dict[FieldName, FieldValue[Any]],
) -> dict[FieldName, FieldValue[Any]]:
    """Say so when :func:`blood_dash` gave the ``-`` because no letter was at its place.

    ``read`` is the text before it looked at the pixels, ``raw`` after.
    """
    before, after = read.get(FieldName.GOLONGAN_DARAH), raw.get(FieldName.GOLONGAN_DARAH)
    fv = fields.get(FieldName.GOLONGAN_DARAH)
    if before is None or before.text or after is None or fv is None:
        return fields
    if after.confidence != NO_LETTER_CONFIDENCE:
        return fields
    return {**fields, FieldName.GOLONGAN_DARAH: with_issue(fv, "golongan_darah_no_letter")}


def with_issue(fv: FieldValue[Any], code: str, **changes: Any) -> FieldValue[Any]:
    """``fv`` with one more issue code (and any other attributes changed)."""
    return replace(fv, issues=(*fv.issues, code), **changes)


def less_sure(fv: FieldValue[Any]) -> FieldValue[Any]:
    """A field placed by its content alone (no label read): less sure than a labelled one."""
    if fv.value is None:
        return fv
    return replace(fv, confidence=fv.confidence * CONTENT_CONFIDENCE)


def glare_over_values(
    card: NDArray[np.uint8],
    raw: Mapping[FieldName, RawField],
    fields: dict[FieldName, FieldValue[Any]],
    glare: tuple[Glare, ...] | None = None,
) -> dict[FieldName, FieldValue[Any]]:
    """Read values that glare covers or borders, flagged ``glare_over_value`` and less sure.

    A reflection that washes out the first letters of a value (``...PANJANG`` read as
    ``ANJANG``) leaves a clean, confident reading of the rest: nothing in the text says a part
    is missing, but the clipped pixels beside it do. ``glare`` is the card's reflections
    (:func:`~ktp_ocr.imaging.quality.find_glare`) when the caller has found them.
    """
    glare = find_glare(card) if glare is None else glare
    if not glare:
        return fields
    mask = glare_mask(card, glare)
    out = dict(fields)
    for name, fv in fields.items():
        found = raw.get(name)
        if fv.value is None or found is None or found.box is None:
            continue
        box = found.box
        reach = GLARE_REACH * box.height
        for x0, x1 in ((box.x0 - reach, box.x0), (box.x0, box.x1), (box.x1, box.x1 + reach)):
            if _covered(mask, BBox(x0, box.y0, x1, box.y1)):
                less = round(fv.confidence * GLARE_CONFIDENCE, 4)
                out[name] = with_issue(fv, "glare_over_value", confidence=less)
                break
    return out
