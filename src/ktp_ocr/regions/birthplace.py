"""A birthplace mended from the region list.

A KTP's birthplace is nearly always a regency or city (``BANTUL``, ``KOTABARU``), at times a
district. OCR drops or adds spaces (``ACEHJAYA``, ``TANGERAN G``), confuses letters
(``KEDIRL``), lets the tail of the label ``Lahir`` run into the value (``AHIR BANDUNG``) or
misreads one letter (``RANTUL``). Each is mended only when the region list leaves no doubt:

- the letters, up to spacing and OCR confusions, are exactly a regency/city or district name;
- the words after a tail of ``LAHIR`` are exactly such a name;
- the text is no such name but one regency/city name alone is one edit away (two for long
  names), and no district name is as near.

A text that is itself a region's name is never changed, and anything else is left as read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ktp_ocr.regions.index import NameIndex
from ktp_ocr.regions.names import fold, normalize_name
from ktp_ocr.types import RegionLevel

#: Looks up the index of region names at a level (``RegionRepository.name_index``).
IndexLookup = Callable[[str, RegionLevel], NameIndex]

#: Issue codes: only the spacing differed; or letters were changed or dropped.
RESPACED: Final = "tempat_lahir_respaced"
SNAPPED: Final = "tempat_lahir_snapped"
#: Levels whose names a birthplace is matched against, regencies/cities first.
LEVELS: Final[tuple[RegionLevel, ...]] = ("kabupaten_kota", "kecamatan")
#: The label word whose tail runs into the value.
LABEL_WORD: Final = "LAHIR"
#: A misread name is mended only when it has at least this many letters ...
MIN_FUZZY_LENGTH: Final = 5
#: ... and is this many edits from one regency/city name (two from names this long or longer).
LONG_NAME: Final = 8


def _exact_names(key: str, lookup: IndexLookup) -> list[str]:
    """Names of regions at :data:`LEVELS` whose key is ``key``, regencies/cities first."""
    names: list[str] = []
    for level in LEVELS:
        index = lookup("", level)
        for i in index.body_exact.get(key, ()):
            name = normalize_name(index.body_entries[i].region.name, level)
            if name not in names:
                names.append(name)
    return names


def _nearest(key: str, keys: Sequence[str], limit: int) -> tuple[int, list[int]]:
    """The smallest edit distance from ``key`` and the keys at it (``limit + 1``: none within)."""
    found = process.extract(key, keys, scorer=Levenshtein.distance, score_cutoff=limit, limit=None)
    best = min((int(d) for _, d, _ in found), default=limit + 1)
    return best, [i for _, d, i in found if d == best]


def _misread(key: str, lookup: IndexLookup) -> str | None:
    """The one regency/city name ``key`` is a few edits from, when no district is as near."""
    if len(key) < MIN_FUZZY_LENGTH:
        return None
    limit = 1 if len(key) < LONG_NAME else 2
    regencies = lookup("", "kabupaten_kota")
    best, at = _nearest(key, regencies.body_keys, limit)
    if best > limit:
        return None
    names = {normalize_name(regencies.body_entries[i].region.name, "kabupaten_kota") for i in at}
    if len(names) != 1:
        return None
    districts = lookup("", "kecamatan")
    nearest, rivals = _nearest(key, districts.body_keys, best)
    if (
        nearest <= best
        and {normalize_name(districts.body_entries[i].region.name, "kecamatan") for i in rivals}
        - names
    ):
        return None  # a district's name is as near (one named as the regency is no rival)
    return next(iter(names))


def birthplace_name(text: str, lookup: IndexLookup) -> tuple[str, str] | None:
    """The region name ``text`` stands for and the issue code, or None to keep ``text``."""
    names = _exact_names(fold(text), lookup)
    if text in names:
        return None
    if names:
        name = names[0]
        same_letters = name.replace(" ", "") == text.replace(" ", "")
        return name, RESPACED if same_letters else SNAPPED
    words = text.split()
    if len(words) >= 2 and LABEL_WORD.endswith(words[0]):
        rest = " ".join(words[1:])
        names = _exact_names(fold(rest), lookup)
        if names:
            return (rest if rest in names else names[0]), SNAPPED
    found = _misread(fold(text), lookup)
    return None if found is None else (found, SNAPPED)
