"""Labels anchor the rows: OCR lines -> raw text per field, by geometry (never by line count).

The card is upright. Labels are found by fuzzy matching the start of each line against the
spellings in ``data/labels.txt``; each label defines a row band, and value text is anchored to
the row whose band holds it. Text between two rows continues the row above (wrapped names and
addresses). Rows whose label was not read are placed between their neighbours. The header
(province, regency/city) is the top centred text; the issue place and date sit under the photo.

Lines are matched against the label spellings in ``matching``; ``column`` finds which of
them are the card's labels. This module anchors the value text to their rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from ktp_ocr.layout.column import _find_labels, _label_column_split, _value_part
from ktp_ocr.layout.matching import (
    PHOTO_COLUMN_X,
    ROW_ORDER,
    WRAPPING,
    _card_extent,
    _compact,
    _has_text,
    _Label,
    _Piece,
    _split_box,
    _strip_separator,
    _union_all,
    label_spellings,
    match_label,
)
from ktp_ocr.types import BBox, FieldName, OcrLine, RawField

__all__ = [
    "PHOTO_COLUMN_X",
    "ROW_ORDER",
    "assign",
    "label_count",
    "label_spellings",
    "last_row",
    "match_label",
    "row_places",
    "rows_labelled",
]

#: A line belongs to a row when its centre is within this many label heights of the row centre.
ROW_BAND = 0.55
#: Words of one value are never further apart than this many line heights.
VALUE_GAP = 4.0
#: Width (in label heights) of the place after the Gol. Darah label where its value is printed.
BLOOD_VALUE_WIDTH = 2.0
#: ... starting this many label heights inside the box that ends with the words.
BLOOD_VALUE_OVERLAP = 0.5
#: Share of the card height above which centred text is the header.
HEADER_MAX_Y = 0.2

_DATE_LIKE = re.compile(r"\d{1,2}\s*[-./ ]\s*\d{1,2}\s*[-./ ]\s*\d{2,4}")
#: The Gol. Darah label, also blurred (``GoL Durah``, ``GolDaran:``, ``GoL Owrah``, ``Cot Derati``).
_GOL_DARAH = re.compile(
    r"[GC][O0][L1IT]\s*[.,]?\s*(?:ONGAN\s*)?[DO0][A-Z4.]{2,4}?[HNI]\b\s*[:;.]?"
    # blurred further: ``Gi. Dadr``, ``Opl Dacah``, ``Gul Daan`` (a short word, then a D-word)
    r"|\b[GCO6][A-Z0-9]{0,2}[\s.,:]+D[A-Z4]{2,4}\b\s*[:;.]?",
    re.IGNORECASE,
)
#: The word PROVINSI, also misread and glued to the name (``PROVINSISUMATERA UTARA``).
_PROVINSI = re.compile(r"^\s*P[R]?[O0]V[I1l]N[S5][I1l]", re.IGNORECASE)


def _row_centres(labels: Mapping[FieldName, _Label]) -> dict[FieldName, tuple[float, float]]:
    """Centre y and height per row; rows without a read label are placed between neighbours."""
    known = [(i, labels[f].box) for i, f in enumerate(ROW_ORDER) if f in labels]
    if not known:
        return {}
    height = sorted(b.height for _, b in known)[len(known) // 2]
    rows: dict[FieldName, tuple[float, float]] = {}
    for i, field in enumerate(ROW_ORDER):
        if field in labels:
            rows[field] = (labels[field].box.cy, labels[field].box.height)
            continue
        before = [(j, b) for j, b in known if j < i]
        after = [(j, b) for j, b in known if j > i]
        if before and after:
            (j0, b0), (j1, b1) = before[-1], after[0]
            y = b0.cy + (b1.cy - b0.cy) * (i - j0) / (j1 - j0)
        elif len(known) >= 2:
            (j0, b0), (j1, b1) = (known[-2], known[-1]) if before else (known[0], known[1])
            y = b0.cy + (b1.cy - b0.cy) * (i - j0) / (j1 - j0)
        else:
            continue
        rows[field] = (y, height)
    return rows


def _is_header(line: OcrLine, card: BBox) -> bool:
    top = line.box.cy < card.y0 + card.height * HEADER_MAX_Y
    centred = abs(line.box.cx - card.cx) < card.width * 0.2
    return top and centred


def _header_fields(
    lines: Sequence[OcrLine], card: BBox, used: set[int], labels: Mapping[FieldName, _Label]
) -> dict[FieldName, RawField]:
    """Province and regency/city: the centred lines above the first labelled row."""
    ceiling = min((lab.box.y0 for lab in labels.values()), default=card.y1)
    above = [
        (i, line)
        for i, line in enumerate(lines)
        if i not in used and line.box.cy < ceiling and not line.text.lstrip().startswith((":", ";"))
    ]
    # The PROVINSI line wherever it stands above the labels (a newspaper may be beside the
    # card); without that word, the top centred lines.
    named = [item for item in above if _PROVINSI.match(item[1].text)]
    if named:
        top = max(named, key=lambda item: item[1].box.cy)[1].box
        header = [item for item in above if item[1].box.cy >= top.cy - top.height / 2]
    else:
        header = [item for item in above if _is_header(item[1], card)]
    header.sort(key=lambda item: item[1].box.cy)
    out: dict[FieldName, RawField] = {}
    prov = next((item for item in header if _PROVINSI.match(item[1].text)), None)
    if prov is None and header:
        prov = header[0]
    if prov is None:
        return out
    out[FieldName.PROVINSI] = _header_row(prov, header, used)
    below = [
        item
        for item in header
        if prov[1].box.cy + prov[1].box.height / 2
        < item[1].box.cy
        < prov[1].box.cy + 2.5 * prov[1].box.height
        and abs(item[1].box.cx - prov[1].box.cx) < prov[1].box.width
    ]
    if below:
        out[FieldName.KABUPATEN_KOTA] = _header_row(below[0], header, used)
    return out


#: Pieces of a header line parted by glare (``PROVII`` ``AWA TENGAH``) are one line when they
#: stand on one row with gaps of at most this many text heights between them.
HEADER_PIECE_GAP = 4.0


def _header_row(
    first: tuple[int, OcrLine], header: Sequence[tuple[int, OcrLine]], used: set[int]
) -> RawField:
    """The header line ``first`` with the pieces of its own row beside it, left to right.

    A reflection across a header line leaves two pieces that the detector outlines apart;
    either alone names no region (``KAI``, ``TEN PATI``).
    """
    box = first[1].box
    row = [
        item
        for item in header
        if item[0] not in used and abs(item[1].box.cy - box.cy) < box.height / 2
    ]
    row.sort(key=lambda item: item[1].box.x0)
    start = next(k for k, item in enumerate(row) if item[0] == first[0])
    lo = hi = start
    while lo > 0 and _piece_gap(row[lo - 1][1].box, row[lo][1].box) <= HEADER_PIECE_GAP:
        lo -= 1
    while hi + 1 < len(row) and _piece_gap(row[hi][1].box, row[hi + 1][1].box) <= HEADER_PIECE_GAP:
        hi += 1
    pieces = [line for _, line in row[lo : hi + 1]]
    used.update(i for i, _ in row[lo : hi + 1])
    return RawField(
        " ".join(line.text for line in pieces),
        _union_all([line.box for line in pieces]),
        min(line.confidence for line in pieces),
    )


def _piece_gap(left: BBox, right: BBox) -> float:
    """The gap between two boxes on one row, in text heights (negative when they overlap)."""
    return (right.x0 - left.x1) / max(min(left.height, right.height), 1.0)


def _photo_fields(
    lines: Sequence[OcrLine], card: BBox, used: set[int]
) -> dict[FieldName, RawField]:
    """Issue place and date: the lines under the photo, the date being the lower one."""
    side = [
        (i, line)
        for i, line in enumerate(lines)
        if i not in used
        and line.box.x0 > card.x0 + card.width * (PHOTO_COLUMN_X - 0.05)
        and line.box.cy > card.y0 + card.height * 0.55
    ]
    out: dict[FieldName, RawField] = {}
    dates = [item for item in side if _DATE_LIKE.search(item[1].text)]
    if dates:
        i, line = min(dates, key=lambda item: item[1].box.cy)
        used.add(i)
        out[FieldName.TANGGAL_TERBIT] = RawField(line.text, line.box, line.confidence)
        places = [
            item
            for item in side
            if item[0] not in used and item[1].box.cy < line.box.cy and _compact(item[1].text)
        ]
        if places:
            j, place = max(places, key=lambda item: item[1].box.cy)
            used.add(j)
            out[FieldName.TEMPAT_TERBIT] = RawField(place.text, place.box, place.confidence)
    for i, _ in side:
        used.add(i)
    return out


def _assign_row(
    piece: _Piece, rows: Mapping[FieldName, tuple[float, float]], labels: Mapping[FieldName, _Label]
) -> FieldName | None:
    """The row a value piece belongs to, or the row it continues (wrapped text)."""
    if not rows:
        return None
    cy = piece.box.cy
    field, (y, h) = min(rows.items(), key=lambda kv: abs(kv[1][0] - cy))
    if abs(y - cy) <= ROW_BAND * max(h, piece.box.height):
        return field
    above = [f for f, (ry, _) in rows.items() if ry < cy]
    if not above:
        return None
    prev = max(above, key=lambda f: rows[f][0])
    if prev in WRAPPING and prev in labels:
        return prev
    return prev if prev in WRAPPING else None


def _printed_lines(pieces: Iterable[_Piece]) -> list[list[_Piece]]:
    """Pieces grouped into printed lines (top to bottom), each line left to right."""
    rows: list[list[_Piece]] = []
    for piece in sorted(pieces, key=lambda p: p.box.cy):
        last = rows[-1][-1] if rows else None
        if last is not None and abs(piece.box.cy - last.box.cy) < 0.5 * min(
            piece.box.height, last.box.height
        ):
            rows[-1].append(piece)
        else:
            rows.append([piece])
    return [sorted(row, key=lambda p: p.box.x0) for row in rows]


def _reading_order(pieces: Iterable[_Piece]) -> list[_Piece]:
    """Pieces in reading order: printed lines top to bottom, each left to right."""
    return [p for row in _printed_lines(pieces) for p in row]


def _contiguous(ordered: list[_Piece]) -> list[_Piece]:
    """A value's pieces: one run of text per printed line, wrapped lines under its start."""
    kept = ordered[:1]
    for piece in ordered[1:]:
        prev = kept[-1]
        same_line = abs(piece.box.cy - prev.box.cy) < 0.5 * min(piece.box.height, prev.box.height)
        if same_line and piece.box.x0 - prev.box.x1 > VALUE_GAP * prev.box.height:
            continue
        if not same_line and abs(piece.box.x0 - kept[0].box.x0) > VALUE_GAP * prev.box.height:
            continue  # a wrapped line starts under the value, not across the card
        kept.append(piece)
    return kept


def _join(pieces: Iterable[_Piece]) -> RawField:
    ordered = _contiguous(_reading_order(pieces))
    text = " ".join(_strip_separator(p.text) for p in ordered).strip()
    box = _union_all([p.box for p in ordered])
    confidence = min(p.confidence for p in ordered)
    return RawField(text, box, confidence)


def _split_gol_darah(
    pieces: list[_Piece], labels: Mapping[FieldName, _Label]
) -> tuple[list[_Piece], BBox | None]:
    """Pieces of the Jenis Kelamin row right of the Gol. Darah label (or after the words).

    Also where the words ``Gol. Darah`` ended when they were glued to the sex: the place to look
    for a lone ``-`` when no blood type was read after them.
    """
    blood: list[_Piece] = []
    place: BBox | None = None
    gol = labels.get(FieldName.GOLONGAN_DARAH)
    for piece in list(pieces):
        found = _GOL_DARAH.search(piece.text)
        if found:
            pieces.remove(piece)
            head, tail = piece.text[: found.start()].strip(), piece.text[found.end() :].strip()
            if _compact(head) or head.strip() == "-":
                pieces.append(_Piece(head, piece.box, piece.confidence))
            if tail:
                blood.append(
                    _Piece(tail, _split_box(piece.box, piece.text, tail), piece.confidence)
                )
            else:
                place = _blood_place(piece.box)
        elif gol is not None and piece.box.x0 >= gol.box.x0 - gol.box.height:
            pieces.remove(piece)
            blood.append(piece)
    return blood, place


def _on_label_line(piece: _Piece, label: _Label | None) -> bool:
    """Whether ``piece`` is the value read on ``label``'s own line (``Gol Darah : -``).

    Such a value is the label's whatever its height: the Gol. Darah label is not a row of its
    own, and on a card photographed aslant the end of the Jenis Kelamin row lies nearer the
    next row's label (the Alamat) than its own.
    """
    if label is None:
        return False
    line, box = label.box, piece.box
    return box.y0 == line.y0 and box.y1 == line.y1 and line.x0 <= box.x0 and box.x1 <= line.x1


def _blood_place(label_end: BBox) -> BBox:
    """Where a blood type is printed after a box ending with the words ``Gol. Darah :``."""
    h = label_end.height
    start = label_end.x1 - BLOOD_VALUE_OVERLAP * h  # the unread dash often sits in the box
    return BBox(start, label_end.y0, label_end.x1 + BLOOD_VALUE_WIDTH * h, label_end.y1)


def assign(
    lines: Sequence[OcrLine], card_size: tuple[float, float] | None = None
) -> dict[FieldName, RawField]:
    """Assign OCR lines of an upright card to fields.

    ``card_size`` is the (width, height) of the card image the boxes refer to; without it the
    extent of the lines stands in. The result holds only the fields some text was found for.
    """
    if not lines:
        return {}
    card = _card_extent(lines, card_size)
    labels, pieces, used = _find_labels(lines, card)
    out = _header_fields(lines, card, used, labels)
    out.update(_photo_fields(lines, card, used))
    split = _label_column_split(labels, card)
    for i, line in enumerate(lines):
        if i in used or not _has_text(_strip_separator(line.text)):
            continue
        if line.box.x0 > card.x0 + card.width * PHOTO_COLUMN_X:
            continue
        piece: _Piece | None = _Piece(_strip_separator(line.text), line.box, line.confidence)
        if split is not None and line.box.x0 < split:
            piece = _value_part(line)  # an unread label, maybe with its value glued on
        if piece is not None:
            pieces.append(piece)
    rows = _row_centres(labels)
    gol = labels.get(FieldName.GOLONGAN_DARAH)
    grouped: dict[FieldName, list[_Piece]] = {}
    for piece in pieces:
        on_label = _on_label_line(piece, gol)
        field = FieldName.GOLONGAN_DARAH if on_label else _assign_row(piece, rows, labels)
        if field is not None:
            grouped.setdefault(field, []).append(piece)
    place: BBox | None = None
    if FieldName.JENIS_KELAMIN in grouped:
        blood, place = _split_gol_darah(grouped[FieldName.JENIS_KELAMIN], labels)
        if blood:
            grouped.setdefault(FieldName.GOLONGAN_DARAH, []).extend(blood)
        if not grouped[FieldName.JENIS_KELAMIN]:
            del grouped[FieldName.JENIS_KELAMIN]
    for field, group in grouped.items():
        out[field] = _join(group)
    if gol is not None:
        place = _blood_place(gol.box)
    if place is not None and FieldName.GOLONGAN_DARAH not in out:
        # Label read, no value: hand over the empty place after it (a lone "-" is often missed).
        out[FieldName.GOLONGAN_DARAH] = RawField("", place, 0.0)
    return out


def _read_labels(
    lines: Sequence[OcrLine], card_size: tuple[float, float] | None
) -> dict[FieldName, _Label]:
    """The labels :func:`assign` anchors rows to, blurred ones placed by order included."""
    return _find_labels(lines, _card_extent(lines, card_size))[0] if lines else {}


def last_row(
    lines: Sequence[OcrLine], card_size: tuple[float, float] | None = None
) -> tuple[float, float] | None:
    """The middle of the card's last labelled row (Berlaku Hingga) and the rows' pitch.

    As the labels read place them: below the bottom of a card cut short. None without two
    labels.
    """
    labels = _read_labels(lines, card_size)
    known = sorted((ROW_ORDER.index(f), lab.box.cy) for f, lab in labels.items() if f in ROW_ORDER)
    if len(known) < 2:
        return None
    rows = _row_centres(labels)
    (k0, y0), (k1, y1) = known[0], known[-1]
    return rows[ROW_ORDER[-1]][0], (y1 - y0) / (k1 - k0)


def row_places(
    lines: Sequence[OcrLine], card_size: tuple[float, float] | None = None
) -> dict[FieldName, tuple[float, float]]:
    """Centre y and height of each row the labels place, rows without a read label included.

    Where a value should be when none was read there (rows between read labels are placed by
    their order; rows past the last read label by the spacing of the two before).
    """
    return _row_centres(_read_labels(lines, card_size))


def rows_labelled(lines: Sequence[OcrLine], card_size: tuple[float, float] | None = None) -> int:
    """How many labels :func:`assign` anchors rows to (blurred ones placed by order included)."""
    return len(_read_labels(lines, card_size))


def label_count(lines: Sequence[OcrLine]) -> int:
    """How many distinct card labels the lines hold: a cheap "is this a KTP, upright?" test."""
    found = {hit[0] for line in lines if (hit := match_label(line.text)) is not None}
    return len(found)
