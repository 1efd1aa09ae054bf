"""Put back word spaces a recogniser dropped, from the gaps in the ink of the line image.

PP-OCR's recogniser often drops the space after a full stop (``JL.MERDEKA``) or between words
set in a condensed font (``WAHYUHIDAYAT``). The printed gap is still there: a run of columns
without ink, clearly wider than the gaps between letters. Given the line's pixels and where the
recogniser placed each character, a space is inserted at every character boundary that falls in
such a gap and has none yet. Nothing is ever removed, and a line whose characters cannot be
lined up with the text is returned unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from numpy.typing import NDArray

#: A word gap is at least this share of the ink height (word spaces are about 0.3 of the cap
#: height in the sans faces cards use, letter gaps about 0.1).
MIN_GAP_OF_HEIGHT = 0.3
#: ... and at least this many times the line's typical gap between letters.
MIN_GAP_OF_LETTER_GAP = 2.2
#: Characters of numbers and codes (NIK, dates, RT/RW): their narrow glyphs (``1``, ``-``) leave
#: wide gaps that are not spaces, so no space is put between two of them.
NUMERIC = frozenset("0123456789-/:")
#: A column is blank when it holds at most this share of the ink height in dark pixels.
BLANK_COLUMN = 0.04

Span = tuple[float, float]


def _ink(crop: NDArray[np.uint8]) -> NDArray[np.bool_]:
    grey = crop if crop.ndim == 2 else np.min(crop, axis=2)
    _, mask = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return np.asarray(mask > 0)


def _gaps(ink: NDArray[np.bool_]) -> tuple[list[Span], float]:
    """Blank column runs strictly inside the inked extent, and the ink height."""
    rows = np.flatnonzero(ink.any(axis=1))
    if rows.size == 0:
        return [], 0.0
    height = float(rows[-1] - rows[0] + 1)
    blank = ink.sum(axis=0) <= max(1.0, BLANK_COLUMN * height)
    cols = np.flatnonzero(~blank)
    if cols.size == 0:
        return [], height
    gaps: list[Span] = []
    start: int | None = None
    for x in range(int(cols[0]), int(cols[-1]) + 1):
        if blank[x] and start is None:
            start = x
        elif not blank[x] and start is not None:
            gaps.append((float(start), float(x)))
            start = None
    return gaps, height


def restore_spaces(crop: NDArray[np.uint8], text: str, char_spans: Sequence[Span]) -> str:
    """``text`` with spaces added where the ink of ``crop`` shows a word gap.

    ``char_spans`` are the x ranges (in ``crop`` coordinates) of the non-space characters of
    ``text``, in order, as the recogniser aligned them.
    """
    chars = [c for c in text if c != " "]
    if len(chars) != len(char_spans) or len(chars) < 3 or crop.size == 0:
        return text
    gaps, height = _gaps(_ink(crop))
    if not gaps or height <= 0:
        return text
    widths = sorted(b - a for a, b in gaps)
    letter_gap = widths[len(widths) // 4] if len(widths) >= 4 else 0.0
    threshold = max(MIN_GAP_OF_HEIGHT * height, MIN_GAP_OF_LETTER_GAP * letter_gap)
    centres = [(a + b) / 2 for a, b in gaps if b - a >= threshold]
    if not centres:
        return text
    bounds = [(char_spans[i][1] + char_spans[i + 1][0]) / 2 for i in range(len(chars) - 1)]
    pitch = (char_spans[-1][1] - char_spans[0][0]) / len(chars)
    split_after: set[int] = set()
    for centre in centres:
        i = min(range(len(bounds)), key=lambda j: abs(bounds[j] - centre))
        if abs(bounds[i] - centre) <= 0.6 * pitch and not (
            chars[i] in NUMERIC and chars[i + 1] in NUMERIC
        ):
            split_after.add(i)
    return _insert(text, split_after)


def _insert(text: str, split_after: set[int]) -> str:
    """Add a space after the non-space characters numbered in ``split_after``."""
    out: list[str] = []
    k = -1
    for pos, ch in enumerate(text):
        out.append(ch)
        if ch == " ":
            continue
        k += 1
        nxt = text[pos + 1] if pos + 1 < len(text) else " "
        if k in split_after and nxt != " ":
            out.append(" ")
    return "".join(out)
