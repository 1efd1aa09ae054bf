"""Small printed marks the text detector misses: the lone ``-`` of an unknown blood type."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ktp_ocr.types import BBox

#: A dash is at least this many times wider than high ...
DASH_MIN_ASPECT = 1.8
#: ... no taller than this share of the text height ...
DASH_MAX_HEIGHT = 0.35
#: ... and at least this share of it wide.
DASH_MIN_WIDTH = 0.15
#: Ink is darker than this share of the paper's (median) brightness.
INK_SHARE_OF_PAPER = 0.75
#: Components smaller than this share of the text height squared are noise.
NOISE_AREA = 0.01


def _components(crop: NDArray[np.uint8]) -> list[tuple[int, int, int, int, int]]:
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    otsu, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    # Ink is far darker than the card: on a blank place Otsu alone splits the background.
    paper = float(np.median(grey))
    mask = ((grey <= otsu) & (grey < INK_SHARE_OF_PAPER * paper)).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [tuple(int(v) for v in stats[i]) for i in range(1, count)]  # type: ignore[misc]


def is_lone_dash(card: NDArray[np.uint8], box: BBox, text_height: float) -> bool:
    """Whether the only mark inside ``box`` (besides a ``:``) is a short horizontal bar."""
    h, w = card.shape[:2]
    x0, y0 = max(int(box.x0), 0), max(int(box.y0), 0)
    x1, y1 = min(int(box.x1), w), min(int(box.y1), h)
    if x1 - x0 < 3 or y1 - y0 < 3 or text_height <= 0:
        return False
    crop = card[y0:y1, x0:x1]
    if float(np.std(crop)) < 8.0:  # blank paper: Otsu would split the noise
        return False
    width = crop.shape[1]
    marks = [
        c
        for c in _components(crop)
        if c[4] >= NOISE_AREA * text_height**2 and c[0] + c[2] < width  # not cut by the edge
    ]
    dashes = [
        c
        for c in marks
        if c[2] >= DASH_MIN_ASPECT * c[3]
        and c[3] <= DASH_MAX_HEIGHT * text_height
        and c[2] >= DASH_MIN_WIDTH * text_height
    ]
    dots = [
        c for c in marks if max(c[2], c[3]) <= DASH_MAX_HEIGHT * text_height and c not in dashes
    ]
    return len(dashes) == 1 and len(marks) - len(dots) == 1
