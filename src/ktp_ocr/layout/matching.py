"""Label matching: the card's row order, its label spellings and a line's start against them.

The spellings come from ``data/labels.txt``. Also here: the label hits and the pieces of value
text (:class:`_Label`, :class:`_Piece`) the rows are built from, and the small text and box
helpers the other layout modules share.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from rapidfuzz import fuzz

from ktp_ocr.types import BBox, FieldName, OcrLine

#: Order of the labelled rows on the card, top to bottom (Gol. Darah shares a row).
ROW_ORDER: tuple[FieldName, ...] = (
    FieldName.NIK,
    FieldName.NAMA,
    FieldName.TEMPAT_LAHIR,
    FieldName.JENIS_KELAMIN,
    FieldName.ALAMAT,
    FieldName.RT_RW,
    FieldName.KELURAHAN_DESA,
    FieldName.KECAMATAN,
    FieldName.AGAMA,
    FieldName.STATUS_PERKAWINAN,
    FieldName.PEKERJAAN,
    FieldName.KEWARGANEGARAAN,
    FieldName.BERLAKU_HINGGA,
)
#: Fields whose value may wrap onto a second printed line.
WRAPPING: frozenset[FieldName] = frozenset(
    {FieldName.NAMA, FieldName.ALAMAT, FieldName.PEKERJAAN, FieldName.TEMPAT_LAHIR}
)
#: Fuzzy score (0-100) a line start needs to count as a label.
LABEL_MIN_SCORE = 84.0
#: A line with at least this many digits is the NIK.
NIK_MIN_DIGITS = 12
#: Share of the card width where the photo column starts (text right of it is under the photo).
PHOTO_COLUMN_X = 0.68

_ALNUM = re.compile(r"[A-Z0-9]")


def _compact(text: str) -> str:
    return "".join(_ALNUM.findall(text.upper()))


@cache
def label_spellings() -> dict[FieldName, tuple[str, ...]]:
    """Compact label spellings per field, longest first, from ``data/labels.txt``."""
    table: dict[FieldName, tuple[str, ...]] = {}
    text = files("ktp_ocr.data").joinpath("labels.txt").read_text(encoding="utf-8")
    for row in text.splitlines():
        if not row.strip() or row.lstrip().startswith("#"):
            continue
        name, *spellings = (part.strip() for part in row.split("|"))
        compact = sorted({_compact(s) for s in spellings if _compact(s)}, key=len, reverse=True)
        table[FieldName(name)] = tuple(compact)
    return table


@dataclass(frozen=True, slots=True)
class _Piece:
    """A run of text with its box: a whole OCR line or the part of one after a label."""

    text: str
    box: BBox
    confidence: float


@dataclass(frozen=True, slots=True)
class _Label:
    field: FieldName
    box: BBox
    score: float
    merged: bool = False  # the OCR line also held (part of) the value


def _cut_after(text: str, n_alnum: int) -> str:
    """Text after the first ``n_alnum`` alphanumeric characters."""
    seen = 0
    for i, ch in enumerate(text):
        if seen == n_alnum:
            return text[i:]
        if _ALNUM.match(ch.upper()):
            seen += 1
    return ""


def _split_box(box: BBox, text: str, rest: str) -> BBox:
    """Estimate the box of the ``rest`` suffix of ``text`` by character share."""
    if not text:
        return box
    share = 1 - len(rest) / len(text)
    return BBox(box.x0 + box.width * share, box.y0, box.x1, box.y1)


def match_label(text: str) -> tuple[FieldName, float, str] | None:
    """The label a line starts with, its score and the text after it, or None."""
    head = _compact(text)
    if not head:
        return None
    best: tuple[FieldName, float, int] | None = None
    for field, spellings in label_spellings().items():
        for spelling in spellings:
            n = len(spelling)
            if n <= 4:
                score = 100.0 if head[:n] == spelling else 0.0
            else:
                score = fuzz.ratio(head[:n], spelling)
            if score >= LABEL_MIN_SCORE and (best is None or (score, n) > (best[1], best[2])):
                best = (field, score, n)
    if best is None:
        return None
    field, score, n = best
    return field, score, _cut_after(text, n)


def _strip_separator(text: str) -> str:
    """Text without the leading ``:`` separator (a lone ``-`` value is kept)."""
    text = text.strip()
    if text[:1] in (":", ";", "="):
        text = text.lstrip(":;=").strip()
        if text[:1] in (".", ","):
            text = text[1:].strip()
    return text


def _has_text(text: str) -> bool:
    """Whether a piece holds a value: letters or digits, or a lone ``-`` (no blood type)."""
    return bool(_compact(text)) or text.strip() in ("-", "+")


def _union_all(boxes: Sequence[BBox]) -> BBox:
    """The smallest box holding every box of a non-empty sequence."""
    out = boxes[0]
    for box in boxes[1:]:
        out = out.union(box)
    return out


def _is_nik_text(text: str) -> bool:
    """Whether a line holds a NIK's long run of digits."""
    return sum(ch.isdigit() for ch in text) >= NIK_MIN_DIGITS


def is_nik_label(text: str) -> bool:
    """Whether a line starts with the ``NIK`` label."""
    hit = match_label(text)
    return hit is not None and hit[0] is FieldName.NIK


def _card_extent(lines: Sequence[OcrLine], size: tuple[float, float] | None) -> BBox:
    if size is not None:
        return BBox(0.0, 0.0, float(size[0]), float(size[1]))
    return _union_all([line.box for line in lines])
