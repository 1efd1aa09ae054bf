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
#: A mark no wider than this share of the text height is a blurred ``:`` or a sliver of the
#: label, not a letter: the blood groups' letters are about two thirds as wide as high.
BAR_MAX_WIDTH = 0.25
#: Components smaller than this share of the text height squared are noise.
NOISE_AREA = 0.01
#: A crop whose grey levels spread less than this is blank paper.
BLANK_STD = 8.0
#: Text heights of the label read before a place, to learn how its letters stand out.
LABEL_SPAN = 2.0
#: The label's small letters there must show at least this share of the text height ...
LABEL_MIN_HEIGHT = 0.22
#: ... and this percentile of its darkness is its letters' contrast (the darkest pixel may be
#: noise).
LABEL_INK_PERCENTILE = 98


def _darkness(crop: NDArray[np.uint8]) -> NDArray[np.float32]:
    """How much darker than the paper (the crop's median) each pixel is."""
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    return (float(np.median(grey)) - grey.astype(np.float32)).astype(np.float32)


def _components(
    crop: NDArray[np.uint8], *, peak: float | None = None, texture: bool = True
) -> list[Mark]:
    """Marks darker than the paper: thresholded against the darkest mark and the texture.

    A lone dash is thin, so blur and anti-aliasing leave it much lighter than letters; a cut
    relative to its own contrast keeps it whole, while the background's fine pattern stays out.
    ``peak`` is the contrast to cut against instead of the crop's own darkest mark. Without
    ``texture`` the background's pattern is not cut against: for a crop known to hold letters,
    whose ink may fill a quarter of it or more (the texture's percentile would fall in the ink).
    """
    dark = _darkness(crop)
    pattern = float(np.percentile(dark, 75)) if texture else 0.0
    top = float(dark.max()) if peak is None else peak
    cut = max(INK_SHARE_OF_PEAK * top, INK_OVER_TEXTURE * pattern, MIN_INK_CONTRAST)
    mask = (dark > cut).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [tuple(int(v) for v in stats[i]) for i in range(1, count)]  # type: ignore[misc]


def _crop(card: NDArray[np.uint8], box: BBox) -> NDArray[np.uint8] | None:
    """The card's pixels inside ``box``, or None when that is under 3 pixels either way."""
    h, w = card.shape[:2]
    x0, y0 = max(int(box.x0), 0), max(int(box.y0), 0)
    x1, y1 = min(int(box.x1), w), min(int(box.y1), h)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return None
    return card[y0:y1, x0:x1]


def _blank(crop: NDArray[np.uint8]) -> bool:
    """Blank paper (or glare): too even for a threshold to split marks from noise."""
    return float(np.std(crop)) < BLANK_STD


def _marks(
    crop: NDArray[np.uint8], text_height: float, *, peak: float | None = None, label: bool = False
) -> list[Mark]:
    """The crop's marks, without specks and without those cut by its left or right edge.

    A ``label`` crop holds the label's letters, dense and running on past its edges: marks cut
    by an edge count, and the background's pattern is not cut against.
    """
    width = crop.shape[1]
    return [
        c
        for c in _components(crop, peak=peak, texture=not label)
        # Not cut by an edge (a place often starts inside the label's last letter): unless the
        # crop is the label's own span.
        if c[4] >= NOISE_AREA * text_height**2 and (label or (c[0] > 0 and c[0] + c[2] < width))
    ]


def _letter_tall(mark: Mark, text_height: float) -> bool:
    """A mark as tall as a letter, and as wide as a blood group's (``A``, ``B``, ``O``).

    A narrow upright bar is no blood group: it is the ``:`` blurred into one stroke, or a
    sliver of the label's last letter.
    """
    return mark[3] > DASH_MAX_HEIGHT * text_height and mark[2] > BAR_MAX_WIDTH * text_height


def _small_marks(
    card: NDArray[np.uint8], box: BBox, text_height: float
) -> tuple[list[Mark], int] | None:
    """The marks inside ``box`` and the crop's height, or None when one is as tall as a letter.

    None too when the box is degenerate or holds blank paper (nothing to tell from glare).
    """
    crop = _crop(card, box)
    if crop is None or text_height <= 0 or _blank(crop):
        return None
    marks = _marks(crop, text_height)
    if any(_letter_tall(c, text_height) for c in marks):
        return None  # something as tall as a letter: a blood group, not a dash
    return marks, crop.shape[0]


def holds_no_letter(
    card: NDArray[np.uint8], box: BBox, text_height: float, *, blank_is_empty: bool = False
) -> bool:
    """Whether ``box`` holds no letter where the label just before it shows its letters.

    A blood group is letters printed as the label is. The last :data:`LABEL_SPAN` text heights
    before ``box`` (the end of ``Gol. Darah``) must show letter-tall marks; cut at the label's
    contrast, nothing in ``box`` may be as tall. Then the value printed is the ``-``, however
    faint its short bar has become. Where the label's own letters do not stand out of the
    noise, the absence of letters says nothing, and the answer is False.

    A ``box`` of blank paper holds no letter only with ``blank_is_empty``: the caller knows no
    reflection washed it out (glare leaves blank paper too).
    """
    if text_height <= 0:
        return False
    label = BBox(box.x0 - LABEL_SPAN * text_height, box.y0, box.x0, box.y1)
    place, control = _crop(card, box), _crop(card, label)
    if place is None or control is None:
        return False
    blank = _blank(place)
    if blank and not blank_is_empty:
        return False
    # The label's letters run on into the place and often touch: a mark cut by either edge of
    # the label's span is still its ink.
    tallest = max((c[3] for c in _marks(control, text_height, label=True)), default=0)
    if tallest < LABEL_MIN_HEIGHT * text_height:
        return False
    if blank:
        return True
    peak = float(np.percentile(_darkness(control), LABEL_INK_PERCENTILE))
    return not any(_letter_tall(c, text_height) for c in _marks(place, text_height, peak=peak))


def is_lone_dash(
    card: NDArray[np.uint8], box: BBox, text_height: float, *, min_aspect: float = DASH_MIN_ASPECT
) -> bool:
    """Whether the only mark inside ``box`` (besides a ``:`` and specks) is a short bar.

    The bar must be no taller than a third of the text, ``min_aspect`` times wider than it is
    tall (:data:`BLOT_MIN_ASPECT` also takes the round blot blur makes of a short dash), sit
    at the text's middle height, and have no mark above or below it (that would be a colon).
    """
    found = _small_marks(card, box, text_height)
    if found is None:
        return False
    small, rows = found
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
