"""Dates as the card prints them (``dd-mm-yyyy``), read through OCR noise.

``12-05-1990``, ``12 05 1990``, ``12-O5-199O``, ``1205-1990``, ``12-05.1990`` and ``12/05/1990``
all read as 12 May 1990. The year must be 19xx or 20xx; 31 February is impossible, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from ktp_ocr.fields.invalid import InvalidField
from ktp_ocr.fields.names import read_place
from ktp_ocr.fields.repair import is_digit_like, to_digits
from ktp_ocr.fields.text import issue, lowered, strip_edges, strip_label
from ktp_ocr.fields.vocab import SCORER, Vocabulary, vocab_key
from ktp_ocr.types import SEUMUR_HIDUP, FieldName, FieldValue

#: Characters printed or misread between the day, month and year.
DATE_SEPARATORS = " -./,:_\\–—~"
#: A validity text with at least this many digits is a date, otherwise ``SEUMUR HIDUP``.
MIN_DATE_DIGITS = 4
#: A token with no real digit counts as part of a date only when this short (``OI`` for 01).
MAX_LETTER_ONLY_TOKEN = 2

_SEP = "[" + re.escape(DATE_SEPARATORS) + "]"
_DATE = re.compile(rf"{_SEP}*(\d{{1,2}}){_SEP}*(\d{{1,2}}){_SEP}*((?:19|20)\d\d){_SEP}*")
_TOKEN = re.compile(r"[^\s,]+")
_LIFETIME = Vocabulary.from_rows("berlaku_hingga", ((SEUMUR_HIDUP,),))
#: Fuzzy score (0-100) at which digit-free validity text is still taken as ``SEUMUR HIDUP``.
LOOSE_LIFETIME_SCORE = 65.0
#: ... when it has at least this many letters (of the 11).
LOOSE_LIFETIME_LETTERS = 8
#: Fields whose raw text may start with the Tempat/Tgl Lahir label.
_LABEL_OF = {FieldName.TANGGAL_LAHIR: FieldName.TEMPAT_LAHIR}


class InvalidDate(InvalidField):
    """Not a ``dd-mm-yyyy`` date; codes ``missing``, ``format``, ``impossible``."""


def parse_date(text: str) -> date:
    """The date at the end of ``text`` (day, month, 4-digit year); raises :class:`InvalidDate`.

    Every digit of the date's tokens must fit the pattern: a stray digit is not skipped.
    """
    date_text = _date_part(text)
    if not date_text:
        raise InvalidDate("missing", "no digits where a date should be")
    found = _DATE.fullmatch(to_digits(date_text))
    if found is None:
        raise InvalidDate("format", "not a dd-mm-yyyy date")
    day, month, year = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidDate("impossible", "no such day in the calendar") from None


def format_date(value: date) -> str:
    """``dd-mm-yyyy`` as the card prints it (inverse of :func:`parse_date`)."""
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def _date_like(token: str) -> bool:
    if not all(ch in DATE_SEPARATORS or is_digit_like(ch) for ch in token):
        return False
    return any(ch in "0123456789" for ch in token) or len(token) <= MAX_LETTER_ONLY_TOKEN


#: Digits in a printed dd-mm-yyyy date; a letter-only token is read as digits only while fewer
#: than these were found (``TANGERAN G 12-05-1990``: the ``G`` belongs to the place).
DATE_DIGITS = 8


def _place_head(word: str) -> int:
    """Where a whole date starts in a date-like token after a place's letters (``BUA.21-09-2004``).

    Letters such as ``B``, ``O`` or ``A`` can stand for digits, so the token as a whole looks
    like a date; when the digits after them already make a whole date, they are the place's.
    0 when the token has no such head.
    """
    first = next((i for i, ch in enumerate(word) if ch in "0123456789"), 0)
    head = word[:first]
    if not any(ch.isalpha() for ch in head):
        return 0
    tail = sum(ch in "0123456789" for ch in word[first:])
    return first if tail >= DATE_DIGITS else 0


def split_place_date(text: str) -> tuple[str, str]:
    """``BANDUNG, 12-05-1990`` -> (``BANDUNG, ``, ``12-05-1990``); the date is at the end.

    A lone stray character after the date (a speck read as ``t``) is dropped.
    """
    tokens = list(_TOKEN.finditer(text))
    if len(tokens) > 1 and len(tokens[-1].group()) == 1 and not _date_like(tokens[-1].group()):
        text = text[: tokens[-1].start()].rstrip()
    start = len(text)
    digits = 0  # digit-like characters already taken into the date
    for token in reversed(list(_TOKEN.finditer(text))):
        word = token.group()
        letters_only = not any(ch in "0123456789" for ch in word)
        if _date_like(word) and not (letters_only and digits >= DATE_DIGITS):
            head = _place_head(word)
            start = token.start() + head
            if head:
                break
            digits += sum(is_digit_like(ch) for ch in word)
            continue
        glued = token.group()  # BANDUNG12-05-1990
        cut = next(
            (i for i, ch in enumerate(glued) if ch in "0123456789" and _date_like(glued[i:])),
            None,
        )
        if cut is not None:
            start = token.start() + cut
        break
    date_text = text[start:]
    if not any(ch in "0123456789" for ch in date_text):
        return text, ""
    return text[:start], date_text


def _date_part(text: str) -> str:
    """The date tokens at the end of ``text``, trailing non-digits dropped."""
    end = len(text)
    while end and not is_digit_like(text[end - 1]):
        end -= 1
    return split_place_date(text[:end])[1]


def read_date(
    raw: str, *, confidence: float = 1.0, field: FieldName = FieldName.TANGGAL_LAHIR
) -> FieldValue[date]:
    """A date field (birth or issue date); value None with an issue code when unreadable."""
    text = strip_edges(strip_label(raw, _LABEL_OF.get(field, field)))
    try:
        value = parse_date(text)
    except InvalidDate as exc:
        return FieldValue(None, raw, confidence, (issue(field, exc.code),))
    date_text = _date_part(text)
    corrected = to_digits(date_text) != date_text
    return FieldValue(value, raw, lowered(confidence, int(corrected)))


def parse_birth_place_date(
    raw: str, *, confidence: float = 1.0
) -> tuple[FieldValue[str], FieldValue[date]]:
    """The Tempat/Tgl Lahir row: (place, date), e.g. ``KAB. BANDUNG,12-05-1990``."""
    text = strip_edges(strip_label(raw, FieldName.TEMPAT_LAHIR))
    place_text, date_text = split_place_date(text)
    if date_text and place_text.endswith("."):
        place_text = place_text[:-1]  # the comma before the date, read as a full stop
    place = read_place(place_text, confidence=confidence, field=FieldName.TEMPAT_LAHIR)
    born = read_date(date_text, confidence=confidence, field=FieldName.TANGGAL_LAHIR)
    return replace(place, raw=raw), replace(born, raw=raw)


def read_validity(raw: str, *, confidence: float = 1.0) -> FieldValue[date | str]:
    """Berlaku Hingga: ``SEUMUR HIDUP`` (also ``SEUMURHIDUP``, ``SEUMUR HIDUF``) or a date."""
    field = FieldName.BERLAKU_HINGGA
    text = strip_edges(strip_label(raw, field))
    if sum(ch in "0123456789" for ch in text) >= MIN_DATE_DIGITS:
        dated = read_date(text, confidence=confidence, field=field)
        return FieldValue(dated.value, raw, dated.confidence, dated.issues)
    try:
        snap = _LIFETIME.snap(text)
    except InvalidField as exc:
        loose = _loose_lifetime(text) if exc.code == "unknown" else None
        if loose is None:
            return FieldValue(None, raw, confidence, (issue(field, exc.code),))
        return FieldValue(SEUMUR_HIDUP, raw, lowered(confidence * loose / 100, 2))
    return FieldValue(snap.value, raw, confidence * snap.score / 100)


def _loose_lifetime(text: str) -> float | None:
    """How well the end of ``text`` reads as ``SEUMUR HIDUP`` when it is badly misread.

    A validity without digits can only be ``SEUMUR HIDUP``, so a looser match is safe there;
    leading words (the tail of a misread label) are tried away one by one.
    """
    words = text.split()
    target = vocab_key(SEUMUR_HIDUP)
    keys = [vocab_key(" ".join(words[i:])) for i in range(len(words))]
    # Most of the phrase must be there: half of it (``SEUMUR``) is not guessed from.
    scores = [SCORER(key, target) for key in keys if len(key) >= LOOSE_LIFETIME_LETTERS]
    best = max(scores, default=0.0)
    return best if best >= LOOSE_LIFETIME_SCORE else None
