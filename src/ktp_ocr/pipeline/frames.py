"""Frames of the reader: a line read on the card or a tile placed back on the photo, crops."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ktp_ocr.types import (
    BBox,
    OcrLine,
)


def to_photo(
    line: OcrLine, back: NDArray[np.float64], w: int, h: int, turned: bool
) -> OcrLine | None:
    """A line of the flattened card (``w`` x ``h``, read turned or not) in the photo's pixels."""
    if line.quad is None:
        return None
    pts = np.array(line.quad, dtype=np.float64)
    if turned:
        pts = np.array([w, h], dtype=np.float64) - pts
    mapped = cv2.perspectiveTransform(pts.reshape(-1, 1, 2), back).reshape(-1, 2)
    quad = tuple((float(x), float(y)) for x, y in mapped)
    xs, ys = mapped[:, 0], mapped[:, 1]
    box = BBox(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
    return OcrLine(line.text, box, line.confidence, quad)  # type: ignore[arg-type]


def placed(line: OcrLine, scale: float, dx: float, dy: float) -> OcrLine:
    """A line read in a tile resized by ``scale``, in the coordinates of the whole picture."""
    quad = line.quad
    if quad is not None:
        quad = tuple((x / scale + dx, y / scale + dy) for x, y in quad)  # type: ignore[assignment]
    return OcrLine(line.text, line.box.scaled(1 / scale).translated(dx, dy), line.confidence, quad)


def resized(image: NDArray[np.uint8], scale: float) -> NDArray[np.uint8]:
    """``image`` scaled by ``scale`` (area sampling down, cubic up), contiguous for an engine."""
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    sized = cv2.resize(image, None, fx=scale, fy=scale, interpolation=interpolation)
    return np.ascontiguousarray(sized)


def band(card: NDArray[np.uint8], box: BBox, x0: int, x1: int) -> NDArray[np.uint8] | None:
    """The rows of ``box`` between columns ``x0`` and ``x1``, to read as one line.

    None when that is under 4 pixels either way.
    """
    band = card[max(int(box.y0), 0) : min(int(box.y1) + 1, card.shape[0]), x0:x1]
    if band.shape[0] < 4 or band.shape[1] < 4:
        return None
    return np.ascontiguousarray(band)


def stretched(image: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """``image`` with its darkest and lightest percent taken to black and white.

    For a second look at a faint value on a dim card; a crop with almost no contrast (blank
    paper) is left as it is.
    """
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    lo, hi = (float(v) for v in np.percentile(grey, (1, 99)))
    if hi - lo < 8:
        return image
    out = (image.astype(np.float32) - lo) * (255.0 / (hi - lo))
    stretched: NDArray[np.uint8] = np.clip(out, 0, 255).astype(np.uint8)
    return stretched


def left_edge(line: OcrLine) -> float:
    """Where ``line`` starts on the x axis (to sort a row's lines left to right)."""
    return line.box.x0


def card_width(quad: Any) -> float | None:
    """The card's width in source pixels (mean of its long sides), from its corners."""
    if quad is None:
        return None
    q = np.asarray(quad, dtype=np.float64).reshape(4, 2)
    return float((np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2)


def image_size(image: NDArray[np.uint8]) -> tuple[float, float]:
    """Width and height of ``image``."""
    return float(image.shape[1]), float(image.shape[0])


def full_quad(image: NDArray[np.uint8]) -> NDArray[np.float32]:
    """The corners of the whole ``image``, clockwise from the top left."""
    h, w = image.shape[:2]
    return np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)


def quad_area(quad: Any) -> float:
    """The area of the quadrilateral ``quad`` (shoelace formula)."""
    pts = np.asarray(quad, dtype=np.float64).reshape(4, 2)
    x, y = pts[:, 0], pts[:, 1]
    return float(abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))) / 2)
