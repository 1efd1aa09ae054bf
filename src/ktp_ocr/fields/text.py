"""Text clean-up shared by the field readers: spacing, edge punctuation, stray label text."""

from __future__ import annotations

import re
from functools import cache

from rapidfuzz import fuzz

from ktp_ocr.fields.repair import to_letters
from ktp_ocr.fields.vocab import SCORER, SNAP_THRESHOLD, read_rows, vocab_key
from ktp_ocr.types import FieldName

#: Confidence is multiplied by this when characters had to be mended or a choice was made.
CORRECTION_FACTOR = 0.9
#: Label words shorter than this must match exactly (``TGL``, ``KEL``, ``RT``).
MIN_FUZZY_WORD = 4
#: Characters that never start a value (separators left over from the label).
LEADING_JUNK = " :;.,-_=~*'\"`•·–—"
#: Characters that never end a value (a full stop may: ``S.H.``, ``KAB.``).
TRAILING_JUNK = " :;,-_=~*'\"`•·–—"

_SPACES = re.compile(r"\s+")
_SEPARATOR = re.compile(r"[:;=]")
_TOKEN = re.compile(r"[A-Za-z0-9|!]+")
_WORD = re.compile(r"[A-Z]+")


def single_spaces(text: str) -> str:
    """Runs of whitespace (line breaks of a wrapped value too) as one space, trimmed."""
    return _SPACES.sub(" ", text).strip()


def strip_edges(text: str) -> str:
    """Single-spaced ``text`` without leftover separators at either end."""
    return single_spaces(text).lstrip(LEADING_JUNK).rstrip(TRAILING_JUNK)


def issue(field: FieldName, code: str) -> str:
    """The issue code for ``field``: ``code`` prefixed with the field name unless it already is."""
    prefix = f"{field.value}_"
    return code if code.startswith(prefix) else prefix + code


def lowered(confidence: float, corrections: int = 1) -> float:
    """``confidence`` lowered once per correction."""
    return confidence * CORRECTION_FACTOR ** max(corrections, 0)


@cache
def _labels(field: FieldName) -> tuple[frozenset[str], tuple[str, ...]]:
    """Label words and whole compact spellings of ``field`` from the shared label file."""
    spellings: tuple[str, ...] = ()
    for row in read_rows("ktp_ocr.data", "labels.txt"):
        if row[0] == field.value:
            spellings = row[1:]
    words = frozenset(w for s in spellings for w in _WORD.findall(s.upper()))
    compact = tuple(sorted({vocab_key(s) for s in spellings}, key=len, reverse=True))
    return words, compact


def _is_label_word(token: str, words: frozenset[str]) -> bool:
    key = vocab_key(token)
    if len(key) < MIN_FUZZY_WORD:
        return key in words
    if any(SCORER(key, word) >= SNAP_THRESHOLD for word in words):
        return True
    # The tail of a label word whose start the crop cut off: ``awinan``, ``ekerjaan``.
    cut = token.islower()
    return cut and any(fuzz.partial_ratio(key, word) >= SNAP_THRESHOLD for word in words)


def _label_case(token: str) -> bool:
    """Labels are printed in Title case, values in capitals.

    Most letters of a label word are small; a value's capital misread small now and then
    (``KAWiN``) does not make it one. A lone ``l`` is a misread I, not a small letter.
    """
    letters = [ch for ch in token if ch.isalpha() and ch != "l"]
    small = sum(ch.islower() for ch in letters)
    return small > 0 and 2 * small >= len(letters)


def _cut_spelling(text: str, spellings: tuple[str, ...]) -> str:
    """``text`` after a whole label spelling it starts with, ending at a word boundary."""
    letters = to_letters(text)
    positions = [i for i, ch in enumerate(letters) if "A" <= ch <= "Z"]
    head = "".join(letters[i] for i in positions)
    for spelling in spellings:
        n = len(spelling)
        if n and head[:n] == spelling and len(positions) >= n:
            end = positions[n - 1] + 1
            if end == len(text) or not text[end].isalnum():
                return text[end:]
    return text


def strip_label(text: str, field: FieldName) -> str:
    """``text`` without a leading label of ``field`` left over by the layout.

    Removed: a whole spelling (``STATUS PERKAWINAN KAWIN``), label words before a ``:``
    (``Narna : BUDI``), and label words printed in label case (``Lahir BANDUNG``); values are
    upper case, so ``KAWIN`` alone stays.
    """
    words, spellings = _labels(field)
    text = _cut_spelling(text.lstrip(LEADING_JUNK), spellings)
    sep = _SEPARATOR.search(text)
    if sep and all(_is_label_word(t, words) for t in _TOKEN.findall(text[: sep.start()])):
        text = text[sep.end() :]
    while True:
        token = _TOKEN.match(text.lstrip(LEADING_JUNK))
        if token is None or not _label_case(token.group()):
            break
        if not _is_label_word(token.group(), words):
            break
        text = text.lstrip(LEADING_JUNK)[token.end() :]
    return text
