"""Small printed marks the text detector misses: the lone ``-`` of an unknown blood type."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ktp_ocr.types import BBox

#: A connected mark: x, y, width, height, area (pixels of its crop).
Mark = tuple[int, int, int, int, int]

#: A dash is at least this many times wider than high (blur rounds a short dash off) ...
DASH_MIN_ASPECT = 1.1
#: A blurred dash may be a round blot; it is taken (less surely) when at least this wide.
BLOT_MIN_ASPECT = 0.7
#: ... no taller than this share of the text height ...
DASH_MAX_HEIGHT = 0.35
#: ... at least this share of it wide ...
DASH_MIN_WIDTH = 0.12
#: ... with its middle in this band of the row's height (a colon's dots sit at its edges).
DASH_BAND = (0.42, 0.72)
#: Ink is darker than the paper by at least this share of the darkest mark's contrast ...
INK_SHARE_OF_PEAK = 0.45
#: ... and by this many times the background's own texture (the guilloche's fine lines) ...
INK_OVER_TEXTURE = 2.5
#: ... and by at least this many grey levels.
MIN_INK_CONTRAST = 12
#: Components smaller than this share of the text height squared are noise.
NOISE_AREA = 0.01


def _components(crop: NDArray[np.uint8]) -> list[Mark]:
    """Marks darker than the paper: thresholded against the darkest mark and the texture.

    A lone dash is thin, so blur and anti-aliasing leave it much lighter than letters; a cut
    relative to its own contrast keeps it whole, while the background's fine pattern stays out.
    """
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    dark = float(np.median(grey)) - grey.astype(np.float32)
    texture = float(np.percentile(dark, 75))
    cut = max(INK_SHARE_OF_PEAK * float(dark.max()), INK_OVER_TEXTURE * texture, MIN_INK_CONTRAST)
    mask = (dark > cut).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [tuple(int(v) for v in stats[i]) for i in range(1, count)]  # type: ignore[misc]


def is_lone_dash(
    card: NDArray[np.uint8], box: BBox, text_height: float, *, min_aspect: float = DASH_MIN_ASPECT
) -> bool:
    """Whether the only mark inside ``box`` (besides a ``:`` and specks) is a short bar.

    The bar must be no taller than a third of the text, ``min_aspect`` times wider than it is
    tall (:data:`BLOT_MIN_ASPECT` also takes the round blot blur makes of a short dash), sit
    at the text's middle height, and have no mark above or below it (that would be a colon).
    """
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
        # Not cut by an edge: the place often starts inside the label's last letter.
        if c[4] >= NOISE_AREA * text_height**2 and c[0] > 0 and c[0] + c[2] < width
    ]
    small = [c for c in marks if c[3] <= DASH_MAX_HEIGHT * text_height]
    if len(small) < len(marks):
        return False  # something as tall as a letter: a blood group, not a dash
    rows = crop.shape[0]
    dashes = [
        c
        for c in small
        if c[2] >= min_aspect * c[3]
        and c[2] >= DASH_MIN_WIDTH * text_height
        and DASH_BAND[0] * rows <= c[1] + c[3] / 2 <= DASH_BAND[1] * rows
        and not _stacked(c, small)
    ]
    return len(dashes) == 1


def _stacked(mark: Mark, others: list[Mark]) -> bool:
    """Whether another small mark sits above or below ``mark``: the two dots of a colon."""
    x, _, w, _, _ = mark
    return any(o is not mark and o[0] < x + w and x < o[0] + o[2] for o in others)
