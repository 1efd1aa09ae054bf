"""OCR lines -> raw text per field, by geometry and label matching (never by line count).

The card is upright. Labels are found by fuzzy matching the start of each line against the
spellings in ``data/labels.txt``; each label defines a row band, and value text is anchored to
the row whose band holds it. Text between two rows continues the row above (wrapped names and
addresses). Rows whose label was not read are placed between their neighbours. The header
(province, regency/city) is the top centred text; the issue place and date sit under the photo.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from rapidfuzz import fuzz

from ktp_ocr.types import BBox, FieldName, OcrLine, Point, RawField

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
#: A line belongs to a row when its centre is within this many label heights of the row centre.
ROW_BAND = 0.55
#: Share of the card width where the photo column starts (text right of it is under the photo).
PHOTO_COLUMN_X = 0.68
#: Fewest text lines that make a card's block of text.
MIN_TEXT_LINES = 5
#: Fewest labels whose starts place the card's left edge.
MIN_LABELS_FOR_EDGE = 3
#: Share of the card height above which centred text is the header.
HEADER_MAX_Y = 0.2

_ALNUM = re.compile(r"[A-Z0-9]")
_DATE_LIKE = re.compile(r"\d{1,2}\s*[-./ ]\s*\d{1,2}\s*[-./ ]\s*\d{2,4}")
_GOL_DARAH = re.compile(r"G[O0]L\s*[.,]?\s*(?:ONGAN\s*)?D[A4]R[A4]H\s*[:;.]?", re.IGNORECASE)
_PROVINSI = re.compile(r"^\s*P[R]?[O0]V[I1l]N[S5][I1l]\b", re.IGNORECASE)


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
                if score and len(head) > n and field is FieldName.NAMA and head.startswith("NAMA"):
                    score = 100.0
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


def _card_extent(lines: Sequence[OcrLine], size: tuple[float, float] | None) -> BBox:
    if size is not None:
        return BBox(0.0, 0.0, float(size[0]), float(size[1]))
    box = lines[0].box
    for line in lines[1:]:
        box = box.union(line.box)
    return box


def _find_labels(
    lines: Sequence[OcrLine], card: BBox
) -> tuple[dict[FieldName, _Label], list[_Piece], set[int]]:
    """Label hits, the value pieces that followed labels on the same line, used line indexes."""
    labels: dict[FieldName, _Label] = {}
    pieces: list[_Piece] = []
    used: set[int] = set()
    for i, line in enumerate(lines):
        if line.box.x0 > card.x0 + card.width * PHOTO_COLUMN_X:
            continue
        hit = match_label(line.text)
        if hit is None:
            continue
        field, score, rest = hit
        if field in labels and labels[field].score >= score:
            continue
        rest = _strip_separator(rest)
        labels[field] = _Label(field, line.box, score, merged=_has_text(rest))
        used.add(i)
        if _has_text(rest):
            pieces.append(_Piece(rest, _split_box(line.box, line.text, rest), line.confidence))
    _drop_misplaced(labels, card)
    return labels, pieces, used


def _drop_misplaced(labels: dict[FieldName, _Label], card: BBox) -> None:
    """Drop label hits far right of the label column (value text that looked like a label)."""
    column = sorted(lab.box.x0 for f, lab in labels.items() if f is not FieldName.GOLONGAN_DARAH)
    if len(column) < 3:
        return
    left = column[len(column) // 2]
    for field in list(labels):
        if field is FieldName.GOLONGAN_DARAH:
            continue
        if labels[field].box.x0 > left + card.width * 0.12:
            del labels[field]


def _label_column_split(labels: Mapping[FieldName, _Label], card: BBox) -> float | None:
    """An x between the label column and the value column, from labels read on their own."""
    left = [lab for f, lab in labels.items() if f is not FieldName.GOLONGAN_DARAH]
    alone = sorted(lab.box.x1 for lab in left if not lab.merged)
    if len(left) < 2 or not alone:
        return None
    label_x0 = sorted(lab.box.x0 for lab in left)[len(left) // 2]
    label_x1 = alone[len(alone) // 2]
    return label_x0 + (label_x1 - label_x0) * 0.75


def _value_part(line: OcrLine) -> _Piece | None:
    """The part after the ``:`` of a label-column line whose label was not recognised."""
    _, sep, rest = line.text.partition(":")
    if not sep or not _compact(rest):
        return None
    return _Piece(rest.strip(), _split_box(line.box, line.text, rest), line.confidence)


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
    header = [
        (i, line)
        for i, line in enumerate(lines)
        if i not in used
        and _is_header(line, card)
        and line.box.cy < ceiling
        and not line.text.lstrip().startswith((":", ";"))
    ]
    header.sort(key=lambda item: item[1].box.cy)
    out: dict[FieldName, RawField] = {}
    prov = next((item for item in header if _PROVINSI.match(item[1].text)), None)
    if prov is None and header:
        prov = header[0]
    if prov is None:
        return out
    used.add(prov[0])
    out[FieldName.PROVINSI] = RawField(prov[1].text, prov[1].box, prov[1].confidence)
    below = [item for item in header if item[1].box.cy > prov[1].box.cy + prov[1].box.height / 2]
    if below:
        i, line = below[0]
        used.add(i)
        out[FieldName.KABUPATEN_KOTA] = RawField(line.text, line.box, line.confidence)
    return out


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


def _reading_order(pieces: Iterable[_Piece]) -> list[_Piece]:
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
    return [p for row in rows for p in sorted(row, key=lambda p: p.box.x0)]


def _join(pieces: Iterable[_Piece]) -> RawField:
    ordered = _reading_order(pieces)
    text = " ".join(_strip_separator(p.text) for p in ordered).strip()
    box = ordered[0].box
    for p in ordered[1:]:
        box = box.union(p.box)
    confidence = min(p.confidence for p in ordered)
    return RawField(text, box, confidence)


def _split_gol_darah(pieces: list[_Piece], labels: Mapping[FieldName, _Label]) -> list[_Piece]:
    """Pieces of the Jenis Kelamin row right of the Gol. Darah label (or after the words)."""
    blood: list[_Piece] = []
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
        elif gol is not None and piece.box.x0 >= gol.box.x0 - gol.box.height:
            pieces.remove(piece)
            blood.append(piece)
    return blood


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
    grouped: dict[FieldName, list[_Piece]] = {}
    for piece in pieces:
        field = _assign_row(piece, rows, labels)
        if field is not None:
            grouped.setdefault(field, []).append(piece)
    if FieldName.JENIS_KELAMIN in grouped:
        blood = _split_gol_darah(grouped[FieldName.JENIS_KELAMIN], labels)
        if blood:
            grouped[FieldName.GOLONGAN_DARAH] = blood
        if not grouped[FieldName.JENIS_KELAMIN]:
            del grouped[FieldName.JENIS_KELAMIN]
    for field, group in grouped.items():
        out[field] = _join(group)
    return out


def label_count(lines: Sequence[OcrLine]) -> int:
    """How many distinct card labels the lines hold: a cheap "is this a KTP, upright?" test."""
    found = {hit[0] for line in lines if (hit := match_label(line.text)) is not None}
    return len(found)


# -- Finding the card from its text (when its outline cannot be seen) -------------------------

#: Lines whose outline is at least this many times longer than high give a direction.
_DIRECTION_RATIO = 2.0
#: Lines closer than this many line heights belong to the same block of text.
_BLOCK_GAP = 1.6
#: The card's text covers about this share of its width and height; the rest is margin
#: (and the photo, when the text under it was not read).
_TEXT_SHARE_X = 0.9
_TEXT_SHARE_Y = 0.88
#: ID-1 aspect ratio (85.60 x 53.98 mm).
CARD_ASPECT = 85.60 / 53.98


def _rotate(p: Point, degrees: float) -> Point:
    a = math.radians(degrees)
    return (p[0] * math.cos(a) - p[1] * math.sin(a), p[0] * math.sin(a) + p[1] * math.cos(a))


def text_angle(lines: Sequence[OcrLine]) -> float | None:
    """Direction of the text lines in degrees (-90, 90], from their outlines; None if unclear.

    Rotating every point by minus this angle makes the lines horizontal (upright or upside
    down: the direction of a line does not say which way up it is).
    """
    c = s = 0.0
    n = 0
    for line in lines:
        if line.quad is None:
            continue
        p0, p1, _, p3 = line.quad
        e1, e3 = (p1[0] - p0[0], p1[1] - p0[1]), (p3[0] - p0[0], p3[1] - p0[1])
        l1, l3 = math.hypot(*e1), math.hypot(*e3)
        if min(l1, l3) <= 0 or max(l1, l3) < _DIRECTION_RATIO * min(l1, l3):
            continue
        edge, length = (e1, l1) if l1 >= l3 else (e3, l3)
        a = 2 * math.atan2(edge[1], edge[0])  # doubled: a line and its reverse agree
        c, s, n = c + length * math.cos(a), s + length * math.sin(a), n + 1
    if n < MIN_TEXT_LINES or math.hypot(c, s) < 1e-9:
        return None
    return math.degrees(math.atan2(s, c)) / 2


def _blocks(boxes: Sequence[BBox]) -> list[list[int]]:
    """Groups of boxes chained by gaps smaller than a line height."""
    parent = list(range(len(boxes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            b = boxes[j]
            gap = _BLOCK_GAP * min(a.height, b.height)
            if (
                a.x0 - gap <= b.x1
                and b.x0 - gap <= a.x1
                and a.y0 - gap <= b.y1
                and b.y0 - gap <= a.y1
            ):
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(boxes)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


#: Share of the card width between its left edge and the label column.
_LABEL_MARGIN = 0.035


def _reading_direction(lines: Sequence[OcrLine], angle: float) -> int:
    """+1 when the lines that read as card labels run along ``angle``, -1 when against it.

    An engine reads a line along its outline's first edge; a label read correctly shows that
    edge points the way the text reads.
    """
    ux, uy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    votes = 0
    for line in lines:
        if line.quad is None or match_label(line.text) is None:
            continue
        p0, p1 = line.quad[0], line.quad[1]
        votes += 1 if (p1[0] - p0[0]) * ux + (p1[1] - p0[1]) * uy >= 0 else -1
    return 1 if votes >= 0 else -1


def _label_left(
    lines: Sequence[OcrLine], boxes: Sequence[BBox], block: Sequence[int]
) -> float | None:
    """The label column's left edge in the rotated frame (median of label starts), if read."""
    starts = sorted(
        boxes[i].x0
        for i in block
        if (hit := match_label(lines[i].text)) is not None
        and hit[0] is not FieldName.GOLONGAN_DARAH
    )
    if len(starts) < MIN_LABELS_FOR_EDGE:
        return None
    return starts[len(starts) // 2]


def card_quad_from_text(lines: Sequence[OcrLine]) -> tuple[Point, Point, Point, Point] | None:
    """Where the card probably is, from its largest block of text.

    Four corners (TL, TR, BR, BL along the text direction) in the lines' coordinates, or None
    when the text gives no direction.
    """
    angle = text_angle(lines)
    if angle is None:
        return None
    boxes = []
    for line in lines:
        if line.quad is not None:
            pts = [_rotate(p, -angle) for p in line.quad]
            boxes.append(BBox(min(p[0] for p in pts), min(p[1] for p in pts),
                              max(p[0] for p in pts), max(p[1] for p in pts)))  # fmt: skip
    quads = [line for line in lines if line.quad is not None]
    if _reading_direction(quads, angle) < 0:
        angle += 180.0  # the labels read right to left in this frame: the card is upside down
        boxes = [BBox(-b.x1, -b.y1, -b.x0, -b.y0) for b in boxes]
    groups = _blocks(boxes)
    best = max(groups, key=lambda g: (len(g), sum(boxes[i].width for i in g)))
    if len(best) < MIN_TEXT_LINES:
        return None
    block = boxes[best[0]]
    for i in best[1:]:
        block = block.union(boxes[i])
    width = max(block.width / _TEXT_SHARE_X, block.height / _TEXT_SHARE_Y * CARD_ASPECT)
    height = width / CARD_ASPECT
    x0, y0 = block.cx - width / 2, block.cy - height / 2
    left = _label_left(quads, boxes, best)
    if left is not None:
        x0 = left - width * _LABEL_MARGIN  # labels start just inside the card's left edge
    corners = ((x0, y0), (x0 + width, y0), (x0 + width, y0 + height), (x0, y0 + height))
    tl, tr, br, bl = (_rotate(p, angle) for p in corners)
    return (tl, tr, br, bl)
