"""When the labels cannot be read, the values anchor themselves by what they say.

Faded or thin labels are common on worn cards while the values, printed darker, stay legible.
The NIK (the long digit line) fixes the value column; rows whose content is unmistakable anchor
themselves (a place and date, a sex, an RT/RW, a religion, a marital status, a citizenship, a
validity), and free text takes the slot between two anchors that the card's order gives it
(the name between the NIK and the birth row, the address between the sex and RT/RW rows, the
village and district between RT/RW and the religion, the occupation before the citizenship).
This is still geometry and content, never a count of lines from the top.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz

from ktp_ocr.fields.invalid import InvalidField
from ktp_ocr.fields.vocab import load_vocabulary, vocab_key
from ktp_ocr.layout.labels import _header_fields, _join, _photo_fields, _printed_lines
from ktp_ocr.layout.matching import (
    PHOTO_COLUMN_X,
    ROW_ORDER,
    _card_extent,
    _has_text,
    _is_nik_text,
    _Label,
    _Piece,
    _split_box,
    _strip_separator,
)
from ktp_ocr.types import BBox, FieldName, OcrLine, RawField

#: Value rows start within this share of the card width of the NIK value's start.
COLUMN_TOLERANCE = 0.08
#: Fuzzy score (0-100) a row needs to be taken as a sex, a validity or a citizenship.
CONTENT_MIN_SCORE = 80.0
#: Rows anchored by content say the row pitch when the pitches their pairs give agree within
#: this share of the smallest (a wrapped value between two of them adds a whole row).
PITCH_AGREEMENT = 0.15
#: A row is placed from the anchor above it only when it lies within this share of a pitch
#: of a printed row's place.
PLACE_TOLERANCE = 0.3

#: A date, as blur reads it too: one of its separators may be read as a space (``20-01 1963``)
#: or lost before a four-digit year (``20-012018``).
_DATE = re.compile(r"\d{1,2}\s*[-./]\s*\d{1,2}(?:\s*[-./ ]\s*\d{2,4}|\d{4})")
_RT_RW = re.compile(r"[\W_]*[0-9OQDIl|]{1,3}\s*[/\\]\s*[0-9OQDIl|]{1,3}[\W_]*")
_BLOOD = re.compile(r"[\W_]*(AB|A|B|O|0)?[+-]?[\W_]*")

Row = list[_Piece]


def _find_nik(lines: Sequence[OcrLine], card: BBox) -> int | None:
    candidates = [
        i
        for i, line in enumerate(lines)
        if _is_nik_text(line.text)
        and line.box.cy < card.y0 + card.height * 0.6
        and line.box.x0 < card.x0 + card.width * PHOTO_COLUMN_X
    ]
    return min(candidates, key=lambda i: lines[i].box.cy) if candidates else None


def _nik_piece(line: OcrLine) -> _Piece:
    """The NIK's digits, without a ``NIK :`` glued in front."""
    start = next((i for i, ch in enumerate(line.text) if ch.isdigit()), 0)
    rest = line.text[start:]
    return _Piece(rest, _split_box(line.box, line.text, rest), line.confidence)


def _text(row: Row) -> str:
    return " ".join(_strip_separator(p.text) for p in row)


def _snaps(vocabulary: str) -> Callable[[str], bool]:
    def test(text: str) -> bool:
        try:
            load_vocabulary(vocabulary).snap(text)
        except InvalidField:
            return False
        return True

    return test


def _close(*words: str) -> Callable[[str], bool]:
    keys = [vocab_key(w) for w in words]
    return lambda text: any(fuzz.ratio(vocab_key(text), k) >= CONTENT_MIN_SCORE for k in keys)


def _is_sex(text: str) -> bool:
    """The row starts with a sex: a letter may be misread, dropped or read as two."""
    key = vocab_key(text)
    return any(
        fuzz.ratio(key[:n], k) >= CONTENT_MIN_SCORE
        for k in ("LAKILAKI", "PEREMPUAN")
        for n in (len(k) - 1, len(k), len(k) + 1)
    )


_KINDS: tuple[tuple[FieldName, Callable[[str], bool]], ...] = (
    (FieldName.TEMPAT_LAHIR, lambda t: bool(_DATE.search(t)) and bool(vocab_key(t))),
    (FieldName.JENIS_KELAMIN, _is_sex),
    (FieldName.RT_RW, lambda t: bool(_RT_RW.fullmatch(t))),
    (FieldName.AGAMA, _snaps("agama")),
    (FieldName.STATUS_PERKAWINAN, _snaps("status_perkawinan")),
    (FieldName.KEWARGANEGARAAN, lambda t: vocab_key(t)[:3] in ("WNI", "WNA")),
    (
        FieldName.BERLAKU_HINGGA,
        lambda t: _close("SEUMUR HIDUP")(t) or bool(_DATE.fullmatch(t.strip(" :.;"))),
    ),
)


def is_card_value(text: str) -> bool:
    """Whether ``text`` is a value only a KTP's rows print (a place and date, a religion, ...).

    Not a sex: its test takes a line's start, and a newspaper's ``pertemuan`` (a meeting)
    starts like ``PEREMPUAN``.
    """
    return any(test(text) for field, test in _KINDS if field is not FieldName.JENIS_KELAMIN)


def _anchors(rows: Sequence[Row]) -> dict[FieldName, int]:
    """Row index per anchored field, each found after the previous one (the card's order)."""
    found: dict[FieldName, int] = {}
    start = 0
    for field, test in _KINDS:
        for r in range(start, len(rows)):
            if test(_text(rows[r])):
                found[field] = r
                start = r + 1
                break
    return found


def _between(rows: Sequence[Row], after: int | None, before: int | None) -> list[Row]:
    lo = -1 if after is None else after
    hi = len(rows) if before is None else before
    return list(rows[lo + 1 : hi]) if lo + 1 < hi else []


def _free_text(rows: Sequence[Row], anchors: dict[FieldName, int]) -> dict[FieldName, list[Row]]:
    a = anchors.get
    slots: dict[FieldName, list[Row]] = {}
    if a(FieldName.TEMPAT_LAHIR) is not None:
        slots[FieldName.NAMA] = _between(rows, None, a(FieldName.TEMPAT_LAHIR))
    if a(FieldName.JENIS_KELAMIN) is not None and a(FieldName.RT_RW) is not None:
        slots[FieldName.ALAMAT] = _between(rows, a(FieldName.JENIS_KELAMIN), a(FieldName.RT_RW))
    if a(FieldName.RT_RW) is not None and a(FieldName.AGAMA) is not None:
        places = _between(rows, a(FieldName.RT_RW), a(FieldName.AGAMA))
        if len(places) == 2:
            slots[FieldName.KELURAHAN_DESA], slots[FieldName.KECAMATAN] = [places[0]], [places[1]]
    if a(FieldName.STATUS_PERKAWINAN) is not None and a(FieldName.KEWARGANEGARAAN) is not None:
        slots[FieldName.PEKERJAAN] = _between(
            rows, a(FieldName.STATUS_PERKAWINAN), a(FieldName.KEWARGANEGARAAN)
        )
    return {field: group for field, group in slots.items() if group}


def _row_y(row: Row) -> float:
    return sum(p.box.cy for p in row) / len(row)


def _by_pitch(rows: Sequence[Row], anchors: dict[FieldName, int]) -> dict[FieldName, list[Row]]:
    """Rows left over placed by where they lie: the anchor above them and the row pitch.

    A card prints its rows one pitch apart. Two anchors whose rows are ``k`` apart on the card
    and that lie ``k`` pitches apart give the pitch; a row left over then stands as many
    pitches under the anchor above it as rows of the card lie between them (a sex read as
    ``LAG-LAN``, a religion read as ``30LAM``, and the rows under the last anchor, which no
    slot between two anchors reaches). Nothing is placed when the anchors disagree on the
    pitch, or when a row falls between two printed rows.
    """
    placed = sorted((ROW_ORDER.index(field), _row_y(rows[r]), r) for field, r in anchors.items())
    pitches = [
        (y1 - y0) / (k1 - k0)
        for i, (k0, y0, _) in enumerate(placed)
        for k1, y1, _ in placed[i + 1 :]
        if k1 > k0
    ]
    if not pitches or min(pitches) <= 0:
        return {}
    pitch = min(pitches)
    agreeing = [q for q in pitches if q <= pitch * (1 + PITCH_AGREEMENT)]
    if len(agreeing) < len(pitches) / 2:
        return {}
    taken = {r for _, _, r in placed}
    out: dict[FieldName, list[Row]] = {}
    for r, row in enumerate(rows):
        if r in taken:
            continue
        y = _row_y(row)
        above = [(k, ya) for k, ya, _ in placed if ya < y]
        if not above:
            continue
        k0, y0 = max(above, key=lambda a: a[1])
        steps = (y - y0) / pitch
        k = k0 + round(steps)
        if abs(steps - round(steps)) > PLACE_TOLERANCE or not 0 < k < len(ROW_ORDER):
            continue
        out.setdefault(ROW_ORDER[k], [row])
    return out


def _split_blood(row: Row) -> tuple[Row, Row]:
    """The sex row's own pieces, and a short piece right of them (the blood type)."""
    ordered = sorted(row, key=lambda p: p.box.x0)
    tail = [p for p in ordered[1:] if _BLOOD.fullmatch(p.text.strip()) and len(p.text.strip()) <= 4]
    return [p for p in ordered if p not in tail], tail


def assign_by_content(
    lines: Sequence[OcrLine], card_size: tuple[float, float] | None = None
) -> dict[FieldName, RawField]:
    """Assign an upright card's lines to fields without labels; {} when no NIK line is found."""
    if not lines:
        return {}
    card = _card_extent(lines, card_size)
    nik_i = _find_nik(lines, card)
    if nik_i is None:
        return {}
    nik = lines[nik_i]
    used = {nik_i}
    out = _header_fields(lines, card, used, {FieldName.NIK: _Label(FieldName.NIK, nik.box, 100.0)})
    out.update(_photo_fields(lines, card, used))
    nik_piece = _nik_piece(nik)
    out[FieldName.NIK] = _join([nik_piece])
    column = nik_piece.box.x0 - card.width * COLUMN_TOLERANCE
    pieces = [
        _Piece(_strip_separator(line.text), line.box, line.confidence)
        for i, line in enumerate(lines)
        if i not in used
        and line.box.cy > nik.box.y1
        and column <= line.box.x0 < card.x0 + card.width * PHOTO_COLUMN_X
        and _has_text(_strip_separator(line.text))
    ]
    rows = _printed_lines(pieces)
    anchors = _anchors(rows)
    groups: dict[FieldName, list[Row]] = {f: [rows[r]] for f, r in anchors.items()}
    groups.update(_free_text(rows, anchors))
    slotted = {id(row) for group in groups.values() for row in group}
    for field, group in _by_pitch(rows, anchors).items():
        if field not in groups and not any(id(row) in slotted for row in group):
            groups[field] = group
    if FieldName.JENIS_KELAMIN in groups:
        sex, blood = _split_blood(groups[FieldName.JENIS_KELAMIN][0])
        groups[FieldName.JENIS_KELAMIN] = [sex]
        if blood:
            groups[FieldName.GOLONGAN_DARAH] = [blood]
    for field, group in groups.items():
        out[field] = _join([p for row in group for p in row])
    return out
