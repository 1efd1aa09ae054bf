"""Finding the card from its text, when its outline cannot be seen.

The direction of the text lines gives the card's rotation; the labels' reading direction says
which way up it is; the block the lines form, and the label column's left edge, give its extent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ktp_ocr.layout.column import _row_steps
from ktp_ocr.layout.content import is_card_value
from ktp_ocr.layout.matching import ROW_ORDER, _is_nik_text, _union_all, is_nik_label, match_label
from ktp_ocr.types import BBox, FieldName, OcrLine, Point

#: Fewest text lines that make a card's block of text.
MIN_TEXT_LINES = 5
#: Fewest labels whose starts place the card's left edge.
MIN_LABELS_FOR_EDGE = 3
#: A value after a ``:`` longer than this is the card's own text (long lines give a direction).
MIN_VALUE_CHARS = 4

#: Lines whose outline is at least this many times longer than high give a direction.
_DIRECTION_RATIO = 2.0
#: Lines closer than this many line heights belong to the same block of text.
_BLOCK_GAP = 1.6
#: A line of the label column too blurred to read as a label starts this many label heights
#: left or right of the NIK label's start (RT/RW, Kel/Desa and Kecamatan are indented) ...
_COLUMN_LEFT = 1.0
_COLUMN_RIGHT = 3.0
#: ... is no taller than this many label heights, and follows the line above it in the column
#: by at most this many (a wrapped value leaves one row's gap).
_COLUMN_TALL = 2.0
_COLUMN_STEP = 3.2
#: A line of the label column has at least this many letters (stray marks have one or two).
_COLUMN_LETTERS = 3
#: The card's text covers about this share of its width and height; the rest is margin
#: (and the photo, when the text under it was not read).
_TEXT_SHARE_X = 0.9
_TEXT_SHARE_Y = 0.88
#: On an e-KTP the labelled rows (NIK to Berlaku Hingga) span about this share of the card's
#: height, centred about this far down, and their labels and values this share of its width.
_ROWS_SHARE_Y = 0.72
_ROWS_CENTRE_Y = 0.58
_ROWS_SHARE_X = 0.62
#: The card's own block of lines running this many degrees off the direction of all the
#: lines gives the frame its own direction.
_REDIRECT_DEGREES = 10.0
#: ID-1 aspect ratio (85.60 x 53.98 mm).
CARD_ASPECT = 85.60 / 53.98


def rotate_point(p: Point, degrees: float) -> Point:
    """``p`` rotated about the origin by ``degrees``."""
    a = math.radians(degrees)
    return (p[0] * math.cos(a) - p[1] * math.sin(a), p[0] * math.sin(a) + p[1] * math.cos(a))


def text_angle(lines: Sequence[OcrLine]) -> float | None:
    """Direction of the text lines in degrees (-90, 90], from their outlines; None if unclear.

    Rotating every point by minus this angle makes the lines horizontal (upright or upside
    down: the direction of a line does not say which way up it is).
    """
    own = [line for line in lines if _card_text(line.text)]
    need = min(MIN_TEXT_LINES, len(lines))
    if _angle_votes(own) >= MIN_LABELS_FOR_EDGE:
        lines, need = own, MIN_LABELS_FOR_EDGE  # the card's text outvotes a newspaper beside it
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
    if n < need or n < MIN_LABELS_FOR_EDGE or math.hypot(c, s) < 1e-9:
        return None
    return math.degrees(math.atan2(s, c)) / 2


def _card_text(text: str) -> bool:
    """Text only a KTP prints: a label, a value after its ``:``, or the NIK's long digit run."""
    stripped = text.lstrip()
    return (
        match_label(text) is not None
        or (stripped.startswith(":") and len(stripped) > MIN_VALUE_CHARS)
        or _is_nik_text(text)
    )


def _angle_votes(lines: Sequence[OcrLine]) -> int:
    """How many lines have an outline long enough to give a direction."""
    votes = 0
    for line in lines:
        if line.quad is not None:
            p0, p1, _, p3 = line.quad
            l1 = math.hypot(p1[0] - p0[0], p1[1] - p0[1])
            l3 = math.hypot(p3[0] - p0[0], p3[1] - p0[1])
            votes += max(l1, l3) >= _DIRECTION_RATIO * max(min(l1, l3), 1e-9)
    return votes


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


def _label_column(
    lines: Sequence[OcrLine], boxes: Sequence[BBox], block: Sequence[int]
) -> list[BBox]:
    """Boxes of the block's lines that read as left-column labels (Gol. Darah sits mid-row)."""
    return [
        boxes[i]
        for i in block
        if (hit := match_label(lines[i].text)) is not None
        and hit[0] is not FieldName.GOLONGAN_DARAH
    ]


def _labels_on_the_right(
    lines: Sequence[OcrLine], boxes: Sequence[BBox], block: Sequence[int]
) -> bool:
    """Whether the label column sits in the right half of the block (the frame is turned)."""
    centres = sorted(b.cx for b in _label_column(lines, boxes, block))
    if len(centres) < MIN_LABELS_FOR_EDGE:
        return False
    extent = _union_all([boxes[i] for i in block])
    return centres[len(centres) // 2] > extent.cx


def _label_left(
    lines: Sequence[OcrLine], boxes: Sequence[BBox], block: Sequence[int]
) -> float | None:
    """The label column's left edge in the rotated frame (median of label starts), if read."""
    starts = sorted(b.x0 for b in _label_column(lines, boxes, block))
    if len(starts) < MIN_LABELS_FOR_EDGE:
        return None
    return starts[len(starts) // 2]


@dataclass(frozen=True, slots=True)
class _Frame:
    """The card's text in its own upright frame: lines rotated by minus ``angle``."""

    angle: float
    lines: list[OcrLine]
    boxes: list[BBox]
    block: list[int]
    labelled: list[bool]


def _frame(lines: Sequence[OcrLine]) -> _Frame | None:
    angle = text_angle(lines)
    if angle is None:
        return None
    found = _frame_at(lines, angle)
    if found is None:
        return None
    # The direction is a mean over every line: text beside the card (a newspaper lying
    # aslant) drags it off the card's own. The card's block alone says how it runs.
    own = text_angle([found.lines[i] for i in found.block])
    if own is not None and _apart(own, angle) > _REDIRECT_DEGREES:
        return _frame_at(lines, own) or found
    return found


def _apart(a: float, b: float) -> float:
    """Degrees between two line directions (a line and its reverse are one direction)."""
    d = abs(a - b) % 180.0
    return min(d, 180.0 - d)


def _frame_at(lines: Sequence[OcrLine], angle: float) -> _Frame | None:
    """The lines in the frame turned by minus ``angle``, and the card's block of text there."""
    quads = [line for line in lines if line.quad is not None]
    boxes = []
    for line in quads:
        assert line.quad is not None
        pts = [rotate_point(p, -angle) for p in line.quad]
        boxes.append(BBox(min(p[0] for p in pts), min(p[1] for p in pts),
                          max(p[0] for p in pts), max(p[1] for p in pts)))  # fmt: skip
    if _reading_direction(quads, angle) < 0:
        angle += 180.0  # the labels read right to left in this frame: the card is upside down
        boxes = [BBox(-b.x1, -b.y1, -b.x0, -b.y0) for b in boxes]
    groups = _blocks(boxes)
    labelled = [_card_text(line.text) for line in quads]
    # With no label read, a value only a KTP prints (a date, a religion) tells its block from a
    # newspaper's.
    valued = [is_card_value(line.text) for line in quads]
    best = max(
        groups, key=lambda g: (sum(labelled[i] for i in g), sum(valued[i] for i in g), len(g))
    )
    if len(best) < MIN_TEXT_LINES:
        return None
    if _labels_on_the_right(quads, boxes, best):
        # The recogniser reads short words upside down too, so the labels' reading direction
        # can mislead; where they sit cannot: the label column is the card's left side.
        angle += 180.0
        boxes = [BBox(-b.x1, -b.y1, -b.x0, -b.y0) for b in boxes]
    angle = (angle + 180.0) % 360.0 - 180.0
    return _Frame(angle, quads, boxes, best, labelled)


def reading_angle(lines: Sequence[OcrLine]) -> float | None:
    """The card's rotation in degrees, in [-180, 180), from its text; None if unclear.

    Rotating the image by minus this angle (about any point) turns the card upright.
    """
    found = _frame(lines)
    return None if found is None else found.angle


Quad = tuple[Point, Point, Point, Point]


def card_quad_from_text(lines: Sequence[OcrLine]) -> Quad | None:
    """Where the card probably is, from its largest block of text.

    Four corners (TL, TR, BR, BL along the text direction) in the lines' coordinates, or None
    when the text gives no direction.
    """
    found = card_from_text(lines)
    return None if found is None else found[0]


def _rows_to_the_last(
    lines: Sequence[OcrLine], boxes: Sequence[BBox], own: Sequence[int], rows: BBox
) -> BBox:
    """``rows`` reaching down to where the labels read put the last row (Berlaku Hingga).

    When the bottom rows were not read (cut off, or too blurred), the block of the rows read
    is short; the labels' order and spacing say how far the rows go on.
    """
    placed = sorted(
        (ROW_ORDER.index(hit[0]), boxes[i].cy)
        for i in own
        if (hit := match_label(lines[i].text)) is not None and hit[0] in ROW_ORDER[1:]
    )
    steps = [step for step in _row_steps(placed) if step > 0]
    if not steps:
        return rows
    k, y = placed[-1]
    bottom = y + min(steps) * (len(ROW_ORDER) - 1 - k + 0.5)
    return rows if bottom <= rows.y1 else BBox(rows.x0, rows.y0, rows.x1, bottom)


def _column_mates(
    lines: Sequence[OcrLine], boxes: Sequence[BBox], labelled: Sequence[bool]
) -> list[int]:
    """The NIK label and the lines of the label column under it that did not read as labels.

    On a blurred card most labels read as no label (`Naeve`, `Jane veeban`), and text around
    the card (a newspaper, a receipt) can join the card's block of text. The lines that start
    where the NIK label starts, one under the other from it, are the label column all the same:
    they tell how far the card's rows go. Empty without a NIK label read. Only asked when a
    few of the card's own lines were read (stray letters under a NIK label alone place no card).
    """
    niks = [i for i, line in enumerate(lines) if is_nik_label(line.text)]
    if not niks:
        return []
    first = min(niks, key=lambda i: boxes[i].cy)
    top = boxes[first]
    h = top.height
    x_lo, x_hi = top.x0 - _COLUMN_LEFT * h, top.x0 + _COLUMN_RIGHT * h
    column = sorted(
        (
            i
            for i, b in enumerate(boxes)
            if x_lo <= b.x0 <= x_hi
            and b.height <= _COLUMN_TALL * h
            and b.cy > top.cy
            and sum(ch.isalpha() for ch in lines[i].text) >= _COLUMN_LETTERS
        ),
        key=lambda i: boxes[i].cy,
    )
    mates = [first]
    last = top.cy
    for i in column:
        if boxes[i].cy - last > _COLUMN_STEP * h:
            break
        last = boxes[i].cy
        if not labelled[i]:
            mates.append(i)
    return mates


def card_from_text(lines: Sequence[OcrLine]) -> tuple[Quad, float] | None:
    """:func:`card_quad_from_text` and :func:`reading_angle` from one look at the lines."""
    found = _frame(lines)
    if found is None:
        return None
    angle, quads, boxes, best, labelled = (
        found.angle,
        found.lines,
        found.boxes,
        found.block,
        found.labelled,
    )
    own = [i for i in best if labelled[i]]
    if MIN_LABELS_FOR_EDGE <= len(own) < MIN_TEXT_LINES:
        own = sorted({*own, *_column_mates(quads, boxes, labelled)})
    if len(own) >= MIN_TEXT_LINES:
        # The card's own rows (labels, values, NIK) alone: text beside the card cannot widen
        # them. They run from about the NIK row to the validity row of the card's height.
        rows = _rows_to_the_last(quads, boxes, own, _union_all([boxes[i] for i in own]))
        height = max(rows.height / _ROWS_SHARE_Y, rows.width / _ROWS_SHARE_X / CARD_ASPECT)
        width = height * CARD_ASPECT
        x0, y0 = rows.cx - width / 2, rows.cy - _ROWS_CENTRE_Y * height
    else:
        block = _union_all([boxes[i] for i in best])
        width = max(block.width / _TEXT_SHARE_X, block.height / _TEXT_SHARE_Y * CARD_ASPECT)
        height = width / CARD_ASPECT
        x0, y0 = block.cx - width / 2, block.cy - height / 2
    left = _label_left(quads, boxes, best)
    if left is not None:
        x0 = left - width * _LABEL_MARGIN  # labels start just inside the card's left edge
    corners = ((x0, y0), (x0 + width, y0), (x0 + width, y0 + height), (x0, y0 + height))
    tl, tr, br, bl = (rotate_point(p, angle) for p in corners)
    return (tl, tr, br, bl), angle
