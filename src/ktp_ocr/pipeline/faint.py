"""Lines too faint for the detector, looked for again on the card with its lighting flattened.

The text detector needs contrast; the recogniser copes with far less. On a dim card, or one
whose light falls off across it, the detector misses whole rows (labels, ``KAWIN``, ``WNI``)
that a person reads easily. Dividing the card by its own blurred background evens the light
and brings faint print up to the contrast of the rest, and the detector finds those rows
there. Each row it finds that the first look missed is read from the card as photographed:
the division amplifies the noise as much as the print, and the recogniser reads the
untouched pixels better (stretching the card before reading it lost more than it gained,
see the design notes).

One more detection, and the new rows' crops read, on cards that read few labels only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import cv2
import numpy as np
from numpy.typing import NDArray

from ktp_ocr import layout
from ktp_ocr.ocr import OcrEngine
from ktp_ocr.pipeline.reading import Reading
from ktp_ocr.types import BBox, OcrLine, Point

__all__ = ["FAINT_MIN_CONFIDENCE", "FLAT_SIGMA", "flattened", "with_faint_lines"]

#: The background is the card blurred with this share of its width as the Gaussian's sigma:
#: several times a letter's height, so a letter's own ink barely darkens it.
FLAT_SIGMA = 0.04
#: The flattened card's background is brought to this grey.
FLAT_PAPER = 200.0
#: A row found this way is kept when read at least this surely: under it, the detector has
#: most often outlined the card's security print, and the reading is letters of noise.
FAINT_MIN_CONFIDENCE = 0.5
#: A row found again counts as seen when a line of the first look covers this share of it.
SEEN_OVERLAP = 0.3
#: A row found again this close to a line of the first look on its row (in text heights)
#: counts as part of it.
BESIDE_GAP = 1.0
#: Smallest outline, in pixels either way, worth reading.
_MIN_SIDE = 4

Quad = tuple[Point, Point, Point, Point]


def flattened(card: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """``card`` divided by its blurred self: even light, faint print as dark as the rest."""
    w = card.shape[1]
    pixels = card.astype(np.float32)
    background = cv2.GaussianBlur(pixels, (0, 0), max(FLAT_SIGMA * w, 2.0))
    flat = pixels / np.maximum(background, 1.0) * FLAT_PAPER
    return np.clip(flat, 0, 255).astype(np.uint8)


def _overlap(a: BBox, b: BBox) -> float:
    """Area two boxes share."""
    dx = min(a.x1, b.x1) - max(a.x0, b.x0)
    dy = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(dx, 0.0) * max(dy, 0.0)


def _beside(box: BBox, line: BBox) -> bool:
    """Whether ``box`` stands on ``line``'s row, touching it or within a text height of it.

    The first look read that row and ended the line there: what the flattened card shows
    just past it is a speck of the security print (``1009/006`` then ``W5``), or letters the
    recogniser already judged.
    """
    height = min(box.height, line.height)
    same_row = abs(box.cy - line.cy) < height / 2
    gap = max(box.x0 - line.x1, line.x0 - box.x1)
    return same_row and gap < BESIDE_GAP * height


def _unseen(
    quads: Sequence[Quad], seen: Sequence[OcrLine], w: int, h: int
) -> list[tuple[BBox, Quad]]:
    """The outlines, with their boxes clipped to the card, that no line already read covers."""
    out = []
    for quad in quads:
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        box = BBox(max(min(xs), 0.0), max(min(ys), 0.0), min(max(xs), w), min(max(ys), h))
        if box.width < _MIN_SIDE or box.height < _MIN_SIDE:
            continue
        area = box.width * box.height
        if all(
            _overlap(box, line.box) < SEEN_OVERLAP * area and not _beside(box, line.box)
            for line in seen
        ):
            out.append((box, quad))
    return out


def with_faint_lines(engine: OcrEngine, reading: Reading) -> Reading:
    """``reading`` with the rows the detector finds only on the flattened card, read.

    Unchanged when the engine cannot detect without reading, or read crops (Tesseract), or
    when nothing new is found.
    """
    detect: Callable[[NDArray[np.uint8]], Sequence[Quad]] | None
    detect = getattr(engine, "detect", None)
    read_crops = getattr(engine, "recognize_crops", None)
    if detect is None or read_crops is None:
        return reading
    card = reading.card
    h, w = card.shape[:2]
    new = _unseen(detect(flattened(card)), reading.lines, w, h)
    if not new:
        return reading
    crops = [card[int(b.y0) : int(b.y1) + 1, int(b.x0) : int(b.x1) + 1] for b, _ in new]
    found = [
        OcrLine(text, box, confidence, quad)
        for (box, quad), (text, confidence) in zip(new, read_crops(crops), strict=True)
        if text and confidence >= FAINT_MIN_CONFIDENCE
    ]
    if not found:
        return reading
    lines = [*reading.lines, *found]
    return replace(reading, lines=lines, labels=layout.label_count(lines))
