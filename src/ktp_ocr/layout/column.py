"""The label column: which lines of an upright card are its labels.

Labels read on their own are kept where they stand (a better hit for the same label further down
wins, and hits far right of the column are dropped). Labels too blurred to match are placed by
their row in the column: the labelled rows come in a fixed order, a printed line apart (two when
a value wraps), so the chain of read and guessed labels that keeps that spacing is taken.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz import fuzz

from ktp_ocr.layout.matching import (
    PHOTO_COLUMN_X,
    ROW_ORDER,
    WRAPPING,
    _compact,
    _has_text,
    _is_nik_text,
    _Label,
    _Piece,
    _split_box,
    _strip_separator,
    label_spellings,
    match_label,
)
from ktp_ocr.types import BBox, FieldName, OcrLine

#: Score an unread line of the label column needs to take a label's place between read labels.
ALIGNED_MIN_SCORE = 50.0
#: Weight of a label read on its own in the chain of labels (more than any run of guesses).
READ_LABEL_WEIGHT = 10_000.0
#: A line is in the label column when its left edge is this share of the card width from it.
LABEL_COLUMN_SLACK = 0.04


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
