"""Place-name normalization: the one place that turns printed or official names into keys.

Three forms of a name are used:

* the **normalized name** (:func:`normalize_name`): upper case, punctuation removed, labels such
  as ``PROVINSI``, ``KAB.``, ``KOTA ADMINISTRASI``, ``KEC.`` and ``DESA`` dropped, common
  abbreviations expanded (``KEP.`` -> ``KEPULAUAN``), single spaces. Readable; stored in the
  database and indexed.
* the **key** (:func:`name_key`): the normalized name with OCR confusions folded (``0``->``O``,
  ``1``/``L``/``|``->``I``, ``5``->``S``, ``8``->``B``) and spaces removed, so glued or split
  words and confused glyphs compare equal. Keys are internal: never shown, never stored.
* the **card name** (:func:`card_name`): the name as a KTP prints it (``KOTA BANDUNG``,
  ``JAKARTA SELATAN``, ``DKI JAKARTA``).

The label of a regency (``KOTA`` or ``KABUPATEN``) is not thrown away: :func:`parse_place`
returns it as a fact, so ``KOTA BANDUNG`` and ``KABUPATEN BANDUNG`` stay apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ktp_ocr.types import Region, RegionLevel

RegencyKind = Literal["kabupaten", "kota"]

#: OCR glyph confusions folded in keys (applied to queries and candidates alike).
_FOLD = str.maketrans({"0": "O", "1": "I", "L": "I", "|": "I", "5": "S", "8": "B"})
_NON_ALNUM = re.compile(r"[^0-9A-Z|]+")

# Label words per level, compared on folded tokens. Longest sequences first.
_REGENCY_LABELS: tuple[tuple[tuple[str, ...], RegencyKind | None], ...] = (
    (("KOTA", "ADMINISTRASI"), "kota"),
    (("KOTA", "ADM"), "kota"),
    (("KABUPATEN", "ADMINISTRASI"), "kabupaten"),
    (("KABUPATEN", "ADM"), "kabupaten"),
    (("KAB", "ADMINISTRASI"), "kabupaten"),
    (("KAB", "ADM"), "kabupaten"),
    (("KABUPATEN",), "kabupaten"),
    (("KAB",), "kabupaten"),
    (("KOTA",), "kota"),
)
_LABELS: dict[RegionLevel, tuple[tuple[tuple[str, ...], RegencyKind | None], ...]] = {
    "provinsi": ((("PROVINSI",), None), (("PROV",), None)),
    "kabupaten_kota": _REGENCY_LABELS,
    "kecamatan": ((("KECAMATAN",), None), (("KEC",), None), (("DISTRIK",), None)),
    # KELURAHAN and KEL, folded (L -> I).
    "kelurahan_desa": (
        (("KEIURAHAN",), None),
        (("KEI",), None),
        (("DESA",), None),
        (("DS",), None),
    ),
}
#: Levels whose official names carry a label that is dropped from their key.
LABELLED_LEVELS: frozenset[RegionLevel] = frozenset({"provinsi", "kabupaten_kota"})
# Abbreviations as cards and old decrees print them (folded form -> folded expansion).
_ABBREVIATIONS = {
    "KEP": "KEPUIAUAN",
    "KEPUI": "KEPUIAUAN",
    "TG": "TANJUNG",
    "TJ": "TANJUNG",
    "KP": "KAMPUNG",
    "KPG": "KAMPUNG",
    "PP": "PUIAU PUIAU",
    "KAB": "KABUPATEN",
}
# Same, unfolded, for the readable normalized name.
_ABBREVIATIONS_PLAIN = {
    "KEP": "KEPULAUAN",
    "KEPUL": "KEPULAUAN",
    "TG": "TANJUNG",
    "TJ": "TANJUNG",
    "KP": "KAMPUNG",
    "KPG": "KAMPUNG",
}
_PROVINCE_PREFIXES = (
    ("DAERAH KHUSUS IBUKOTA ", "DKI "),
    ("DAERAH ISTIMEWA ", "DI "),
)
_ADMINISTRATIVE = re.compile(r"^(KOTA|KABUPATEN) ADMINISTRASI ")


@dataclass(frozen=True, slots=True)
class PlaceQuery:
    """A printed place name taken apart: the folded key and the regency kind if labelled."""

    key: str
    kind: RegencyKind | None
    full_key: str


def _tokens(text: str) -> list[str]:
    """Upper-case alphanumeric tokens; punctuation splits words, ``D.I.`` becomes ``DI``."""
    raw = [t for t in _NON_ALNUM.split(text.upper().replace("'", "").replace("’", "")) if t]
    out: list[str] = []
    for i, token in enumerate(raw):
        if len(token) == 1 and token.isalpha() and i and len(raw[i - 1]) == 1 and out:
            out[-1] += token  # a run of single letters is an initialism
        else:
            out.append(token)
    return out


def _strip_label(tokens: list[str], level: RegionLevel) -> tuple[list[str], RegencyKind | None]:
    """Remove one leading label of ``level`` (compared folded); return the rest and its kind."""
    folded = [t.translate(_FOLD) for t in tokens]
    for words, kind in _LABELS[level]:
        if tuple(folded[: len(words)]) == words and len(tokens) > len(words):
            return tokens[len(words) :], kind
    return tokens, None


def normalize_name(text: str, level: RegionLevel) -> str:
    """Readable normalized form at ``level``: ``"Kab. Kep. Seribu"`` -> ``KEPULAUAN SERIBU``.

    Labels are dropped only at the levels whose official names carry one (provinces,
    regencies/cities): a kecamatan or village may really be called ``Kota Baru`` or ``Desa Baru``.
    """
    tokens = _tokens(text)
    if level in LABELLED_LEVELS:
        tokens, _ = _strip_label(tokens, level)
    return " ".join(_ABBREVIATIONS_PLAIN.get(t, t) for t in tokens)


def fold(text: str) -> str:
    """Key of a name as it stands: OCR confusions folded, abbreviations expanded, no spaces."""
    folded = (t.translate(_FOLD) for t in _tokens(text))
    return "".join(_ABBREVIATIONS.get(t, t) for t in folded).replace(" ", "")


def name_key(text: str, level: RegionLevel) -> str:
    """Key of an official or alias name at ``level`` (label dropped where names carry one)."""
    return fold(normalize_name(text, level))


def parse_place(text: str, level: RegionLevel) -> PlaceQuery:
    """Take a printed name apart: ``"KOTA BANDUNG"`` -> key ``BANDUNG``, kind ``kota``.

    ``full_key`` keeps any label glued to the name (``KOTABANDUNG``), for text whose label could
    not be told apart from the name (``KOTABARU`` is a regency, not ``KOTA BARU``).
    """
    tokens = _tokens(text)
    body, kind = _strip_label(tokens, level)
    return PlaceQuery(key=fold(" ".join(body)), kind=kind, full_key=fold(" ".join(tokens)))


def regency_kind(region: Region) -> RegencyKind | None:
    """``kota`` or ``kabupaten`` for a regency-level region, else None."""
    if region.kind == "kota":
        return "kota"
    if region.kind == "kabupaten":
        return "kabupaten"
    return None


def keep_kind(regions: Sequence[Region], text: str, level: RegionLevel) -> tuple[Region, ...]:
    """``regions`` minus those whose kind contradicts a KOTA or KABUPATEN label in ``text``."""
    kind = parse_place(text, level).kind
    return tuple(r for r in regions if kind is None or regency_kind(r) == kind)


def card_name(region: Region) -> str:
    """The name as a KTP prints it, in upper case.

    ``KOTA BANDUNG``, ``KABUPATEN BANDUNG``; Jakarta's administrative cities and regency drop the
    prefix (``JAKARTA SELATAN``, ``KEPULAUAN SERIBU``); provinces are printed without
    ``PROVINSI`` and with the short forms ``DKI JAKARTA`` and ``DI YOGYAKARTA``.
    """
    name = " ".join(region.name.upper().split())
    if region.kind == "provinsi":
        for long, short in _PROVINCE_PREFIXES:
            if name.startswith(long):
                return short + name[len(long) :]
        return name
    return _ADMINISTRATIVE.sub("", name)


def without_parenthetical(name: str) -> str | None:
    """``"Misool (Misool Utara)"`` -> ``"Misool"``; None when there is nothing in brackets."""
    if "(" not in name:
        return None
    bare = re.sub(r"\([^)]*\)", " ", name)
    bare = " ".join(bare.split())
    return bare or None
