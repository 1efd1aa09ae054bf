"""Names of people and places: ``nama``, the places of the card and its header.

Names never hold digits, so a digit inside a word of ``nama`` is a misread letter (``0``->``O``,
``1``->``I``, ``5``->``S``) and a token of digits alone is noise. Place names may end in a number
(``SUKAMAJU 2``), so there too only digits inside a word are mended (``B0JONG``). Values are upper
case with single spaces.
"""

from __future__ import annotations

import re

from ktp_ocr.fields.repair import repair, word_mask
from ktp_ocr.fields.text import issue, lowered, single_spaces, strip_edges, strip_label
from ktp_ocr.fields.vocab import SCORER, SNAP_THRESHOLD, vocab_key
from ktp_ocr.types import FieldName, FieldValue

#: Punctuation a printed name may hold.
NAME_PUNCTUATION = ".',-"
#: Punctuation a printed place name may hold.
PLACE_PUNCTUATION = ".'-()/"
#: A place name ending in a full stop keeps it only after an abbreviation this short (``KAB.``).
MAX_ABBREVIATION = 3

_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_SPACE_BEFORE = re.compile(r"\s+([.,])")
_HEAD_TOKEN = re.compile(r"[A-Za-z0-9|!]+")
#: A word-final ``L`` after a consonant, in a word of three letters or more: no Indonesian name
#: ends so (a syllable closes on one consonant), while a blurred final ``I`` is often read as
#: ``L`` (``SITTL``, ``GFENDL``). ``R`` and ``L`` before it are left (``KARL``, ``BILL``).
_FINAL_I_READ_AS_L = re.compile(r"(?<=[A-Z][BCDFGHJKMNPQSTVWXYZ])L\b")
#: The word KABUPATEN parted by a reflection over its middle: its first two letters and
#: up to two more, then a piece ending in its last three (``KAI TEN PATI``, ``KAB PATEN``).
_KABUPATEN_PARTED = re.compile(r"KA[A-Z]{0,2} (?:[A-Z]{0,3}TEN) (.+)")
_PROVINCE_WORDS = ("PROVINSI", "PROPINSI")
#: A first word this starts is the word PROVINSI however misread, when a name follows it.
_PROVINCE_STARTS = ("PROV", "PROP")
_KABUPATEN = "KABUPATEN"


def _missing(raw: str, confidence: float, field: FieldName, text: str) -> FieldValue[str]:
    kind = "unreadable" if text else "missing"
    return FieldValue(None, raw, confidence, (issue(field, kind),))


def _only(text: str, allowed: str) -> str:
    """Keep ASCII capitals, digits and ``allowed``; single spaces, no space before ``.``/``,``."""
    kept = "".join(ch if ch in _PLAIN or ch in allowed else " " for ch in text)
    return strip_edges(_SPACE_BEFORE.sub(r"\1", single_spaces(kept)))


def read_name(raw: str, *, confidence: float = 1.0) -> FieldValue[str]:
    """``nama``: capitals, spaces and ``.``, ``'``, ``,``, ``-``; digits read as letters."""
    field = FieldName.NAMA
    text = strip_edges(strip_label(raw, field).translate(_QUOTES))
    fixed = repair(text, word_mask(text, NAME_PUNCTUATION))
    value = _only("".join(ch for ch in fixed if not ch.isdigit()), NAME_PUNCTUATION)
    value = _FINAL_I_READ_AS_L.sub("I", value)
    if not any("A" <= ch <= "Z" for ch in value):
        return _missing(raw, confidence, field, text)
    corrected = value != single_spaces(text.upper())
    return FieldValue(value, raw, lowered(confidence, int(corrected)))


def _place_text(text: str) -> str:
    fixed = repair(text, word_mask(text, PLACE_PUNCTUATION))
    value = _only(fixed, PLACE_PUNCTUATION)
    last = value.rsplit(" ", 1)[-1]
    if value.endswith(".") and len(last) - 1 > MAX_ABBREVIATION:
        value = value.rstrip(".")
    return value


def read_place(
    raw: str, *, confidence: float = 1.0, field: FieldName = FieldName.KECAMATAN
) -> FieldValue[str]:
    """A place name (``kelurahan_desa``, ``kecamatan``, ``tempat_lahir``, ``tempat_terbit``)."""
    text = strip_edges(strip_label(raw, field).translate(_QUOTES))
    value = _place_text(text)
    if not any("A" <= ch <= "Z" for ch in value):
        return _missing(raw, confidence, field, text)
    corrected = value != single_spaces(text.upper())
    return FieldValue(value, raw, lowered(confidence, int(corrected)))


def _without_province_word(text: str) -> str:
    head = _HEAD_TOKEN.match(text)
    if head is None:
        return text
    key = vocab_key(head.group())
    for word in _PROVINCE_WORDS:
        glued = key[: len(word)]
        if len(key) > len(word) and (glued == word or SCORER(glued, word) >= SNAP_THRESHOLD):
            return text[len(word) :]  # glued: PROVINSIJAWA BARAT, PROVINGIKALIMANTAN
    if any(SCORER(key, word) >= SNAP_THRESHOLD for word in _PROVINCE_WORDS):
        return text[head.end() :]
    if key.startswith(_PROVINCE_STARTS) and len(key) >= 5 and text[head.end() :].strip():
        return text[head.end() :]  # PROVESL JAWA TIMUR: no province's name starts so
    return text


def read_province(raw: str, *, confidence: float = 1.0) -> FieldValue[str]:
    """``provinsi`` without the word PROVINSI: ``PROVINS1 JAWA BARAT`` -> ``JAWA BARAT``."""
    field = FieldName.PROVINSI
    place = read_place(_without_province_word(strip_edges(raw)), confidence=confidence, field=field)
    return FieldValue(place.value, raw, place.confidence, place.issues)


def read_regency(raw: str, *, confidence: float = 1.0) -> FieldValue[str]:
    """``kabupaten_kota`` as printed, ``KABUPATEN``/``KOTA`` kept (``KA8UPATEN`` mended)."""
    field = FieldName.KABUPATEN_KOTA
    place = read_place(raw, confidence=confidence, field=field)
    if place.value is None:
        return place
    parted = _KABUPATEN_PARTED.match(place.value)
    if parted is not None:  # KAI TEN PATI: glare over the word's middle
        return FieldValue(f"{_KABUPATEN} {parted.group(1)}", raw, lowered(place.confidence))
    first, _, rest = place.value.partition(" ")
    if first.startswith(_KABUPATEN) and len(first) > len(_KABUPATEN):  # KABUPATENBOGOR
        rest = f"{first[len(_KABUPATEN) :]} {rest}"
    elif first == _KABUPATEN or SCORER(vocab_key(first), _KABUPATEN) < SNAP_THRESHOLD:
        return place
    value = f"{_KABUPATEN} {rest}".strip()
    return FieldValue(value, raw, lowered(place.confidence), place.issues)
