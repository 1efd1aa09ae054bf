"""What card detection measures once per photo: the features of the working copy.

Smoothed Lab, weighted colour gradients, the noise floor, the card tint and the ink (print
strokes), shared by the proposers, the side snapping and the scorer; and the colour edge
response across a direction, which the snapping and the scorer sample.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from ktp_ocr.imaging._cv import f32, u8
from ktp_ocr.imaging.quads import F64

F32 = NDArray[np.float32]


#: Weights of the Lab channels in the colour gradient: chroma steps in 8-bit Lab are small,
#: so a and b count double; a light cyan card on white paper then still has an edge.
_CHANNEL_WEIGHTS: Final = (1.0, 2.0, 2.0)

#: Minimum directional gradient (weighted Lab units per pixel) of an edge point.
_EDGE_MIN: Final = 5.0
#: Gaussian smoothing (px) per unit of estimated noise sigma, for the lightness channel.
_SMOOTH_PER_NOISE: Final = 0.35
#: Side (half-size pixels) of the square that removes strokes before proposing regions: print
#: on a card at 10-100% of the frame is 1-4 px thick there.
_STROKE_FILTER: Final = 3
#: Black-hat contrast (8-bit L) of a printed stroke; faded print on a hazy sleeve is ~30.
#: Scaled down with the photo's own lightness range (a dim photo has dim print).
_INK_CONTRAST: Final = 22


@dataclass(slots=True)
class _Features:
    """The working copy and what every proposer and the scorer share."""

    lab: NDArray[np.uint8]  # (h, w, 3) 8-bit Lab of the smoothed copy
    gx: list[F32]  # weighted Sobel x, one plane per Lab channel
    gy: list[F32]
    noise: float  # typical gradient of the L channel (texture / sensor noise floor)
    cyan: F32  # (h/2, w/2) tint score: (128 - a) + (128 - b)
    ink: NDArray[np.uint8]  # (h/2, w/2) 1 where a dark stroke (text) is
    h: int
    w: int
    half_lab: NDArray[np.uint8]  # Lab at half size without thin strokes, for the proposers
    edges: NDArray[np.uint8] | None = None  # half-size Canny map, once computed


def noise_sigma(grey: NDArray[np.uint8]) -> float:
    """Standard deviation of sensor noise in a grey image.

    Immerkaer, "Fast noise variance estimation" (1996): the mean absolute response of a kernel
    that cancels smooth content.
    """
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    resp = cv2.filter2D(grey.astype(np.float32), -1, kernel)[1:-1, 1:-1]
    return float(np.abs(resp).mean() * math.sqrt(math.pi / 2) / 6)


def _features(work: NDArray[np.uint8]) -> _Features:
    lab = cv2.cvtColor(work, cv2.COLOR_BGR2Lab)
    # Smooth each channel in proportion to its own noise (chroma noise and the colour fringes
    # of moire are often far worse than the lightness noise).
    planes = cv2.split(lab)
    lab = cv2.merge(
        [
            cv2.GaussianBlur(
                p, (0, 0), float(np.clip(_SMOOTH_PER_NOISE * noise_sigma(u8(p)[::2, ::2]), 1, 4))
            )
            for p in planes
        ]
    )
    gx: list[F32] = []
    gy: list[F32] = []
    for plane, wt in zip(cv2.split(lab), _CHANNEL_WEIGHTS, strict=True):
        gx.append(f32(cv2.Sobel(plane, cv2.CV_32F, 1, 0, ksize=3, scale=0.25 * wt)))
        gy.append(f32(cv2.Sobel(plane, cv2.CV_32F, 0, 1, ksize=3, scale=0.25 * wt)))
    noise = float(np.median(np.abs(gx[0][::4, ::4])) + np.median(np.abs(gy[0][::4, ::4])))
    half = cv2.pyrDown(lab)
    cyan = (256.0 - half[:, :, 1].astype(np.float32)) - half[:, :, 2].astype(np.float32)
    h, w = work.shape[:2]
    k = max(5, round(min(w, h) / 120)) | 1
    bh = cv2.morphologyEx(
        half[:, :, 0], cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    )
    lo, hi = np.percentile(half[::2, ::2, 0], (2, 98))
    ink_min = float(np.clip(_INK_CONTRAST * (hi - lo) / 200.0, 8.0, _INK_CONTRAST))
    ink = (bh > ink_min).astype(np.uint8)
    # For the proposers, thin light and dark strokes (keyboard legends, print, ruled lines,
    # moire) are filtered out with an opening then a closing: step edges such as the card's
    # border stay where they are, while text no longer breaks regions or makes Hough lines.
    strokes = cv2.getStructuringElement(cv2.MORPH_RECT, (_STROKE_FILTER, _STROKE_FILTER))
    clean = (
        cv2.morphologyEx(cv2.morphologyEx(half, cv2.MORPH_CLOSE, strokes), cv2.MORPH_OPEN, strokes)
        if _STROKE_FILTER > 1
        else half
    )
    return _Features(u8(lab), gx, gy, noise, cyan, ink, h, w, u8(clean))


def _response(feats: _Features, xs: F64, ys: F64, n: F64) -> F64:
    """Colour directional derivative along unit normal ``n`` at points (0 outside)."""
    xi = np.rint(xs).astype(np.intp)
    yi = np.rint(ys).astype(np.intp)
    ok = (xi >= 1) & (xi < feats.w - 1) & (yi >= 1) & (yi < feats.h - 1)
    xi = np.where(ok, xi, 0)
    yi = np.where(ok, yi, 0)
    total = np.zeros(xi.shape, np.float64)
    for sx, sy in zip(feats.gx, feats.gy, strict=True):
        d = sx[yi, xi] * n[0] + sy[yi, xi] * n[1]
        total += d * d
    return np.where(ok, np.sqrt(total), 0.0)
