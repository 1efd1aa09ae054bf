"""The one scorer of candidate cards: how card-like a quadrilateral is, from 0 to 1.

Edge support along its sides, the ID-1 aspect, its area, the card's tint, its ink and the photo
block; the terms come back with the score, for debugging and benchmarks.
"""

from __future__ import annotations

import math
from typing import Final

import cv2
import numpy as np

from ktp_ocr.imaging.features import _CHANNEL_WEIGHTS, _EDGE_MIN, _Features, _response
from ktp_ocr.imaging.quads import F64, ID1_ASPECT, order_corners, poly_area, true_aspect
from ktp_ocr.imaging.sides import _side_samples

#: Smallest card, as a fraction of the image area, worth proposing (a card at 1.5% of a
#: 12 MP photo is still ~700 px wide; smaller is for ``quality.card_too_small`` to report).
MIN_AREA_FRACTION: Final = 0.015

#: Tolerance of the aspect term: log-ratio standard deviation. 0.16 keeps 1.37-1.84 above 0.5,
#: covering the error of the perspective estimate on strongly tilted photos.
ASPECT_LOG_SIGMA: Final = 0.16

#: An edge point must be this many times stronger than the weaker of its two sides.
_EDGE_RATIO: Final = 1.8
#: A card edge is a step: the colours a few pixels either side differ by at least this much
#: (weighted Lab); a crease, a keyboard gap or a ruled line has the same colour on both sides.
_STEP_MIN: Final = 10.0
#: ... and, in noisy or textured photos, this many times the image's median gradient.
_STEP_NOISE_FACTOR: Final = 2.5
#: Edge support is multiplied by this for each side lying wholly outside the photo.
_MISSING_SIDE_FACTOR: Final = 0.85
#: The photo-block cue: grid the card is sampled on, how much darker than the card's
#: background (8-bit L) or how colourful (Lab chroma) "solid" is, and its weight in the score.
_PHOTO_GRID: Final = (64, 40)
_PHOTO_DARK: Final = 45.0
_PHOTO_CHROMA: Final = 28.0
_PHOTO_WEIGHT: Final = 0.3
#: Points averaged for that colour step.
_STEP_SEGMENT: Final = 5
#: Share of a card covered by strokes that counts as "has text" (a KTP is ~6-12%).
_INK_FULL: Final = 0.04


def _colour_step(feats: _Features, pa: F64, pb: F64, seg: int) -> F64:
    """Weighted Lab distance between the mean colours at ``pa`` and at ``pb``.

    Averaged over runs of ``seg`` consecutive points (so sensor noise averages out) and
    repeated per point.
    """
    wts = np.array(_CHANNEL_WEIGHTS)
    means = []
    n = len(pa) - len(pa) % seg
    for p in (pa[:n], pb[:n]):
        xi = np.clip(np.rint(p[:, 0]).astype(np.intp), 0, feats.w - 1)
        yi = np.clip(np.rint(p[:, 1]).astype(np.intp), 0, feats.h - 1)
        col = feats.lab[yi, xi].astype(np.float64) * wts
        means.append(col.reshape(-1, seg, 3).mean(axis=1))
    step = np.sqrt(((means[0] - means[1]) ** 2).sum(axis=1))
    out: F64 = np.zeros(len(pa))
    out[:n] = np.repeat(step, seg)
    if n < len(pa):
        out[n:] = step[-1] if len(step) else 0.0
    return out


def _score(q: F64, feats: _Features) -> tuple[float, dict[str, float]]:
    w, h = feats.w, feats.h
    area = poly_area(q)
    frame = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    inter, _ = cv2.intersectConvexConvex(order_corners(q).astype(np.float32), frame)
    inside = float(inter) / max(area, 1e-6)
    if inside < 0.6 or inter < MIN_AREA_FRACTION * w * h:
        return 0.0, {}
    frac = float(inter) / (w * h)
    f_area = float(np.clip((frac - MIN_AREA_FRACTION) / 0.03, 0.0, 1.0)) ** 0.5
    aspect = true_aspect(q, w, h)
    f_aspect = math.exp(-0.5 * (math.log(aspect / ID1_ASPECT) / ASPECT_LOG_SIGMA) ** 2)

    short = math.sqrt(area / ID1_ASPECT)
    d = max(3.0, 0.02 * short)
    step_min = max(_STEP_MIN, _STEP_NOISE_FACTOR * feats.noise)
    supports = []
    missing = 0
    for i in range(4):
        base, n, _ = _side_samples(q[i], q[(i + 1) % 4])
        inb = (base[:, 0] >= 2) & (base[:, 0] <= w - 3) & (base[:, 1] >= 2) & (base[:, 1] <= h - 3)
        if inb.sum() < 5:
            missing += 1  # side out of frame: cannot be checked
            continue
        b = base[inb]
        offs = np.array([-1.0, 0.0, 1.0, d, -d])
        pts = b[None, :, :] + offs[:, None, None] * n
        resp = _response(feats, pts[..., 0], pts[..., 1], n)
        on = resp[:3].max(axis=0)
        off_a, off_b = resp[3], resp[4]
        step = _colour_step(feats, pts[3], pts[4], _STEP_SEGMENT)
        ok = (on >= _EDGE_MIN) & (on >= _EDGE_RATIO * np.minimum(off_a, off_b)) & (step >= step_min)
        supports.append(float(ok.mean()))
    if len(supports) < 2:
        return 0.0, {}
    f_edge = (0.5 * float(np.mean(supports)) + 0.5 * float(np.min(supports))) * (
        _MISSING_SIDE_FACTOR**missing
    )

    # tint and ink inside vs a ring outside, on the half-size maps' bounding box only
    hq = q / 2
    hh, hw = feats.cyan.shape
    cx, cy = hq.mean(axis=0)
    ring_q = (hq - [cx, cy]) * 1.15 + [cx, cy]
    x0, y0 = np.clip(np.floor(ring_q.min(axis=0)).astype(int), 0, [hw - 1, hh - 1])
    x1, y1 = np.clip(np.ceil(ring_q.max(axis=0)).astype(int) + 1, 1, [hw, hh])
    roi = (slice(y0, y1), slice(x0, x1))
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillConvexPoly(mask, np.rint(hq - [x0, y0]).astype(np.int32), 1)
    ring = np.zeros_like(mask)
    cv2.fillConvexPoly(ring, np.rint(ring_q - [x0, y0]).astype(np.int32), 1)
    ring &= 1 - mask
    cyan = feats.cyan[roi]
    n_in = int(np.count_nonzero(mask))
    c_in = float(cv2.mean(cyan, mask)[0]) if n_in else 0.0
    c_out = float(cv2.mean(cyan, ring)[0]) if ring.any() else c_in
    f_tint = float(np.clip((c_in - max(c_out, 0.0)) / 8.0, 0.0, 1.0)) * float(c_in > 3.0)
    ink = float(cv2.mean(feats.ink[roi], mask)[0]) if n_in else 0.0
    f_ink = 0.4 + 0.6 * min(1.0, ink / _INK_FULL)

    # edge support counts super-linearly: a quad with all four sides on real edges beats a
    # better-proportioned one made of partial lines
    f_photo = _photo_block(q, feats)
    score = (f_edge**1.5 * f_aspect * f_area * f_ink) * (
        1.0 - _PHOTO_WEIGHT + _PHOTO_WEIGHT * f_photo
    ) + 0.15 * f_tint * f_aspect * f_edge
    details = {
        "edge": round(f_edge, 3),
        "aspect": round(aspect, 3),
        "area": round(frac, 4),
        "tint": round(f_tint, 3),
        "ink": round(ink, 3),
        "photo": round(f_photo, 3),
        "inside": round(inside, 3),
    }
    return float(score), details


def _photo_block(q: F64, feats: _Features) -> float:
    """0-1: is there a solid block where an e-KTP has its photo, at either short end?

    The portrait: a red or blue ground, hair, clothes. Text is gone from the filtered half-size
    copy, so what is solid and dark or saturated there is the photo.
    """
    o = order_corners(q / 2)
    w, h = _PHOTO_GRID
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(o.astype(np.float32), dst)
    small = cv2.warpPerspective(feats.half_lab, m, (w, h), flags=cv2.INTER_AREA)
    light = small[:, :, 0].astype(np.float32)
    chroma = np.hypot(small[:, :, 1] - 128.0, small[:, :, 2] - 128.0)
    bg = float(np.median(light))
    solid = (light < bg - _PHOTO_DARK) | (chroma > _PHOTO_CHROMA)
    y0, y1 = round(0.25 * h), round(0.75 * h)
    right = float(solid[y0:y1, round(0.70 * w) : round(0.93 * w)].mean())
    left = float(solid[y0:y1, round(0.07 * w) : round(0.30 * w)].mean())
    block = max(right, left)
    # a photo fills its zone; the rest of the card is mostly background
    rest = float(solid[:, round(0.35 * w) : round(0.65 * w)].mean())
    return float(np.clip((block - rest - 0.15) / 0.35, 0.0, 1.0))
