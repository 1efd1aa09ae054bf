"""Labels anchor the rows: OCR lines -> raw text per field, by geometry (never by line count).

The card is upright. Labels are found by fuzzy matching the start of each line against the
spellings in ``data/labels.txt``; each label defines a row band, and value text is anchored to
the row whose band holds it. Text between two rows continues the row above (wrapped names and
addresses). Rows whose label was not read are placed between their neighbours. The header
(province, regency/city) is the top centred text; the issue place and date sit under the photo.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from itertools import pairwise

from rapidfuzz import fuzz

from ktp_ocr.types import BBox, FieldName, OcrLine, RawField

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
#: Score an unread line of the label column needs to take a label's place between read labels.
ALIGNED_MIN_SCORE = 50.0
#: Weight of a label read on its own in the chain of labels (more than any run of guesses).
READ_LABEL_WEIGHT = 10_000.0
#: A line is in the label column when its left edge is this share of the card width from it.
LABEL_COLUMN_SLACK = 0.04
#: A line belongs to a row when its centre is within this many label heights of the row centre.
ROW_BAND = 0.55
#: Words of one value are never further apart than this many line heights.
VALUE_GAP = 4.0
#: Width (in label heights) of the place after the Gol. Darah label where its value is printed.
BLOOD_VALUE_WIDTH = 2.0
#: ... starting this many label heights inside the box that ends with the words.
BLOOD_VALUE_OVERLAP = 0.5
#: A line with at least this many digits is the NIK.
NIK_MIN_DIGITS = 12
#: Share of the card width where the photo column starts (text right of it is under the photo).
PHOTO_COLUMN_X = 0.68
#: Share of the card height above which centred text is the header.
HEADER_MAX_Y = 0.2

_ALNUM = re.compile(r"[A-Z0-9]")
_DATE_LIKE = re.compile(r"\d{1,2}\s*[-./ ]\s*\d{1,2}\s*[-./ ]\s*\d{2,4}")
#: The Gol. Darah label, also blurred (``GoL Durah``, ``GolDaran:``, ``GoL Owrah``, ``Cot Derati``).
_GOL_DARAH = re.compile(
    r"[GC][O0][L1IT]\s*[.,]?\s*(?:ONGAN\s*)?[DO0][A-Z4.]{2,4}?[HNI]\b\s*[:;.]?", re.IGNORECASE
)
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


def _card_extent(lines: Sequence[OcrLine], size: tuple[float, float] | None) -> BBox:
    if size is not None:
        return BBox(0.0, 0.0, float(size[0]), float(size[1]))
    return _union_all([line.box for line in lines])


def _find_labels(
    lines: Sequence[OcrLine], card: BBox
) -> tuple[dict[FieldName, _Label], list[_Piece], set[int]]:
    """Label hits, the value pieces that followed labels on the same line, used line indexes."""
    labels: dict[FieldName, _Label] = {}
    pieces: list[_Piece] = []
    used: set[int] = set()
    # Where each label came from: its line, and the value piece cut off that line.
    origins: dict[FieldName, tuple[int, _Piece | None]] = {}
    for i, line in enumerate(lines):
        if line.box.x0 > card.x0 + card.width * PHOTO_COLUMN_X:
            continue
        hit = match_label(line.text)
        if hit is None:
            continue
        field, score, rest = hit
        rest = _strip_separator(rest)
        if field in labels and not _better_label(score, _has_text(rest), labels[field]):
            continue
        if field in origins:
            # A better label further down: the line first taken for it (a value such as
            # KECEMEN, read as KEC + EMEN) is a value line again, whole.
            before, cut = origins.pop(field)
            used.discard(before)
            if cut is not None:
                pieces.remove(cut)
        labels[field] = _Label(field, line.box, score, merged=_has_text(rest))
        used.add(i)
        piece = None
        if _has_text(rest):
            piece = _Piece(rest, _split_box(line.box, line.text, rest), line.confidence)
            pieces.append(piece)
        origins[field] = (i, piece)
    _drop_misplaced(labels, card)
    _align_unread(lines, labels, pieces, used, card)
    return labels, pieces, used


def _better_label(score: float, merged: bool, found: _Label) -> bool:
    """Whether a label hit beats the one ``found`` for the same field.

    A closer match wins; at the same score, a line that is the label alone beats one that
    only starts like it (``KECEMEN``, a village, starts like the abbreviation ``KEC``).
    """
    return score > found.score or (score == found.score and found.merged and not merged)


def _label_score(text: str, field: FieldName) -> float:
    """How much the start of ``text`` looks like one of the field's label spellings (0-100)."""
    head = _compact(text)
    return max(
        (max(fuzz.ratio(head[: len(s)], s), fuzz.ratio(head, s)) for s in label_spellings()[field]),
        default=0.0,
    )


def _row_steps(rows: Sequence[tuple[int, float]]) -> list[float]:
    """Height of one row between each two labels read, from their rows and centres (sorted).

    The NIK is left out: it is printed larger than the other rows. A step is more than a
    line where a value between the two labels wraps.
    """
    below = [(k, y) for k, y in rows if k > 0]
    return [(y1 - y0) / (k1 - k0) for (k0, y0), (k1, y1) in pairwise(below) if k1 > k0]


def _row_pitch(
    read: Sequence[tuple[int, float]], ys: Sequence[float], height: float
) -> float | None:
    """The distance between two printed lines of the label column.

    From the labels read on their own (``read``: row and centre, top to bottom) when two of
    them below the NIK are: a gap divided by its count of rows is never less than a line (a
    wrapped value adds one), so the smallest such step. Otherwise from the column's lines
    (``ys``, sorted): each gap divided by its count of the smallest gap.
    """
    steps = [step for step in _row_steps(read) if step > 0.6 * height]
    if steps:
        return min(steps)
    gaps = [y1 - y0 for y0, y1 in pairwise(ys) if y1 - y0 > 0.6 * height]
    if not gaps:
        return None
    unit = min(gaps)
    ratios = sorted(gap / max(1, round(gap / unit)) for gap in gaps)
    return ratios[len(ratios) // 2]


@dataclass(frozen=True, slots=True)
class _Slot:
    """A line of the label column standing for one row: a label read, or a candidate."""

    index: int  # of the line; -1 for a label read on its own
    row: int  # in ROW_ORDER
    cy: float
    score: float


def _follows(a: _Slot, b: _Slot, pitch: float) -> bool:
    """Whether ``b`` can be the next labelled row under ``a``.

    It must stand as many printed lines below ``a`` as the rows between them take (one each,
    two for a value that wraps).
    """
    if b.row <= a.row or b.cy <= a.cy:
        return False
    lines = round((b.cy - a.cy) / pitch)
    wraps = sum(1 for f in ROW_ORDER[a.row : b.row] if f in WRAPPING)
    taller = 1 if a.row == 0 else 0  # the NIK is printed larger than the other rows
    return b.row - a.row <= lines <= b.row - a.row + wraps + taller


def _align_unread(
    lines: Sequence[OcrLine],
    labels: dict[FieldName, _Label],
    pieces: list[_Piece],
    used: set[int],
    card: BBox,
) -> None:
    """Labels too blurred to match on their own, placed by their row in the label column.

    The labelled rows always come in the same order, a printed line apart (two when a value
    wraps). A line of the label column that was not matched takes the label of a missing row
    when it looks enough like it and the chain of labels it makes with the others keeps that
    spacing (``Aljmal`` a line under ``Jenis Kelamin`` is ``Alamat``), so its row sits where
    it is printed rather than where it was guessed.
    """
    read = [
        _Slot(-1, ROW_ORDER.index(f), lab.box.cy, READ_LABEL_WEIGHT)
        for f, lab in labels.items()
        if f in ROW_ORDER
    ]
    if not read:
        return
    column = sorted(labels[ROW_ORDER[s.row]].box.x0 for s in read)
    left = column[len(column) // 2]
    slack = card.width * LABEL_COLUMN_SLACK
    nik = labels.get(FieldName.NIK)
    top = nik.box.cy if nik is not None else -float("inf")  # every row is under the NIK
    candidates = [
        (i, line)
        for i, line in enumerate(lines)
        if i not in used
        and line.box.cy > top
        and abs(line.box.x0 - left) <= slack
        and not _is_nik_text(line.text)
        and len(_compact(line.text)) >= 3
    ]
    guesses = [
        _Slot(i, k, line.box.cy, score)
        for i, line in candidates
        for k, field in enumerate(ROW_ORDER)
        if field not in labels and (score := _label_score(line.text, field)) >= ALIGNED_MIN_SCORE
    ]
    if not guesses:
        return
    boxes = [labels[ROW_ORDER[s.row]].box for s in read if s.row > 0]
    boxes += [line.box for _, line in candidates]
    heights = sorted(box.height for box in boxes)
    pitch = _row_pitch(
        sorted((slot.row, slot.cy) for slot in read),
        sorted(box.cy for box in boxes),
        heights[len(heights) // 2],
    )
    if pitch is None:
        return
    ordered = sorted(read, key=lambda slot: slot.cy)
    if not all(_follows(a, b, pitch) for a, b in pairwise(ordered)):
        return  # the labels read are not spaced like a card's rows: no row to count from
    for slot in _best_chain(read + guesses, pitch):
        if slot.index < 0:
            continue
        line = lines[slot.index]
        part = _value_part(line)
        field = ROW_ORDER[slot.row]
        labels[field] = _Label(field, line.box, slot.score, merged=part is not None)
        used.add(slot.index)
        if part is not None:
            pieces.append(part)


def _best_chain(slots: Sequence[_Slot], pitch: float) -> list[_Slot]:
    """The chain of slots, top to bottom, each following the one before, with the best total.

    Each line stands for one row at most; labels read on their own weigh so much that every
    chain keeps them when it can.
    """
    order = sorted(slots, key=lambda s: (s.cy, s.row))
    best: list[float] = [0.0] * len(order)
    nxt: list[int | None] = [None] * len(order)
    for a in range(len(order) - 1, -1, -1):
        best[a] = order[a].score
        for b in range(a + 1, len(order)):
            # A line's own slots share its height, so none follows another: one row a line.
            if _follows(order[a], order[b], pitch) and order[a].score + best[b] > best[a]:
                best[a], nxt[a] = order[a].score + best[b], b
    start: int | None = max(range(len(order)), key=lambda a: best[a])
    chain: list[_Slot] = []
    while start is not None:
        chain.append(order[start])
        start = nxt[start]
    return chain


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
    used.add(prov[0])
    out[FieldName.PROVINSI] = RawField(prov[1].text, prov[1].box, prov[1].confidence)
    below = [
        item
        for item in header
        if prov[1].box.cy + prov[1].box.height / 2
        < item[1].box.cy
        < prov[1].box.cy + 2.5 * prov[1].box.height
        and abs(item[1].box.cx - prov[1].box.cx) < prov[1].box.width
    ]
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
    grouped: dict[FieldName, list[_Piece]] = {}
    for piece in pieces:
        field = _assign_row(piece, rows, labels)
        if field is not None:
            grouped.setdefault(field, []).append(piece)
    place: BBox | None = None
    if FieldName.JENIS_KELAMIN in grouped:
        blood, place = _split_gol_darah(grouped[FieldName.JENIS_KELAMIN], labels)
        if blood:
            grouped[FieldName.GOLONGAN_DARAH] = blood
        if not grouped[FieldName.JENIS_KELAMIN]:
            del grouped[FieldName.JENIS_KELAMIN]
    for field, group in grouped.items():
        out[field] = _join(group)
    gol = labels.get(FieldName.GOLONGAN_DARAH)
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
