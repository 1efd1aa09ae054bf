"""Find the card in a photo: four corners, a score and the strategy that found it.

Everything runs on a copy scaled to :data:`WORK_LONG_SIDE` pixels, and the corners are mapped
back. Several proposers suggest quadrilaterals, every proposal is snapped to the straight edge
that runs along each of its sides (:func:`_refine`), and one scorer ranks them all
(:func:`_score`):

* ``colour``: regions of the card's tint (light blue-green, or less cyan than a teal cloth) or
  of its lightness against the background, from three Otsu levels each (half-size Lab);
* ``edges``: regions enclosed by Canny edges of any Lab channel, with thin print filtered out
  first so text does not cut the card into pieces;
* ``lines``: long straight Hough segments paired into quadrilaterals; tried only when the
  regions found nothing convincing;
* ``text``: the block of dense print strokes, grown to the card's margins; the last resort;
* ``full_frame``: a flat scan where the card is the whole image.

A region whose outline has only three sides in the frame (the fourth is cut off) is completed
with ID-1's aspect ratio; corners outside the image are extrapolated from the visible edges.

The score multiplies *edge support* (the share of each side where a real step edge lies under
the side and not beside it, the colours either side differing beyond the noise), an *aspect*
term (ID-1 is 1.586, estimated through the perspective), an *area* term, an *ink* term (a card
carries print) and a *photo* term (a solid portrait block at one short end), plus a bonus for
the card's tint. Noise, blank images, walls and bare backgrounds give no quad with four
supported sides and so no detection.

Images are smoothed in proportion to their own noise (per Lab channel) before any of this.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from ktp_ocr.imaging._cv import f32, i32, u8
from ktp_ocr.imaging.load import to_bgr
from ktp_ocr.imaging.quads import (
    F64,
    ID1_ASPECT,
    Line,
    contour_quads,
    fit_sides,
    is_convex,
    line_through,
    order_corners,
    poly_area,
    quad_from_lines,
    true_aspect,
)

__all__ = ["ID1_ASPECT", "CardDetection", "find_card", "order_corners"]

F32 = NDArray[np.float32]


#: Long side of the working copy. 640 px keeps a card at 10% of the frame ~230 px wide, and
#: corners land within ~0.2% of the card width (median, benchmark); 800 px was no more
#: accurate and a quarter slower.
WORK_LONG_SIDE: Final = 640

#: Smallest card, as a fraction of the image area, worth proposing (a card at 1.5% of a
#: 12 MP photo is still ~700 px wide; smaller is for ``quality.card_too_small`` to report).
MIN_AREA_FRACTION: Final = 0.015

#: Score (0-1) at and above which a detection is returned. Cards score 0.6-1.0 in ordinary
#: photos and 0.3-0.6 in the worst (dim + blur + glare); blank, noise, wall and background-only
#: images stay under 0.3 (see the tests and ``benchmarks/detect_bench.py``).
MIN_SCORE: Final = 0.35

#: Candidates are scored best pre-score first; after this many, one scoring this well ends the
#: search (a clean card scores 0.9-1.0; nested look-alikes such as the photo block ~0.4).
_EARLY_STOP_AFTER: Final = 3
_EARLY_STOP_SCORE: Final = 0.85

#: Images smaller than this (pixels, short side) hold no readable card.
_MIN_SIDE: Final = 32

#: A region proposal this good makes the (slower) line proposer unnecessary.
CONFIDENT_SCORE: Final = 0.75

#: Tolerance of the aspect term: log-ratio standard deviation. 0.16 keeps 1.37-1.84 above 0.5,
#: covering the error of the perspective estimate on strongly tilted photos.
ASPECT_LOG_SIGMA: Final = 0.16

#: Weights of the Lab channels in the colour gradient: chroma steps in 8-bit Lab are small,
#: so a and b count double; a light cyan card on white paper then still has an edge.
_CHANNEL_WEIGHTS: Final = (1.0, 2.0, 2.0)

#: Minimum directional gradient (weighted Lab units per pixel) of an edge point.
_EDGE_MIN: Final = 5.0
#: An edge point must be this many times stronger than the weaker of its two sides.
_EDGE_RATIO: Final = 1.8
#: Points sampled per side, and the fraction of the side they span (rounded corners are
#: skipped: an ID-1 corner radius is ~3.5% of the width).
_SIDE_SAMPLES: Final = 40
_SIDE_SPAN: Final = (0.1, 0.9)
#: Canny's high threshold on the colour gradient (weighted Lab units per pixel; the low one is
#: half). A light card on white paper gives ~15; raised with the image's own noise floor.
_CANNY_HIGH: Final = 10.0
#: Proposals refined and scored per proposer, best pre-scores first (the region proposer
#: gives half of them to tint/lightness masks and half to edge masks).
_MAX_PROPOSALS: Final = 10
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
#: How far (share of the card's short side) the first snap looks for each side's edge.
#: Inner edges (text margins ~6%, the photo block ~7%) run only part of a side and lose
#: the vote to the card's own edge, which runs all of it.
_SNAP_REACH: Final = 0.06
#: Proposers whose quads are already on straight edges and may be kept as they are.
_KEEP_UNSNAPPED: Final = frozenset({"lines"})
#: Most two-vote line hypotheses tried per side when snapping.
_MAX_PAIRS: Final = 400
#: Points per side when snapping a side to its edge.
_REFINE_SAMPLES: Final = 24
#: Gaussian smoothing (px) per unit of estimated noise sigma, for the lightness channel.
_SMOOTH_PER_NOISE: Final = 0.35
#: Side (half-size pixels) of the square that removes strokes before proposing regions: print
#: on a card at 10-100% of the frame is 1-4 px thick there.
_STROKE_FILTER: Final = 3
#: Black-hat contrast (8-bit L) of a printed stroke; faded print on a hazy sleeve is ~30.
#: Scaled down with the photo's own lightness range (a dim photo has dim print).
_INK_CONTRAST: Final = 22
#: Share of a card covered by strokes that counts as "has text" (a KTP is ~6-12%).
_INK_FULL: Final = 0.04


@dataclass(frozen=True, slots=True, eq=False)
class CardDetection:
    """Where the card is.

    Attributes:
        quad: ``(4, 2)`` float32 corners TL, TR, BR, BL in source-image pixels, clockwise,
            TL->TR along a long side (0 vs 180 degrees is not decided here). Corners of a card
            that runs out of the frame are extrapolated and may lie outside the image.
        score: 0-1, how card-like the best candidate was.
        method: The proposer that found it: ``colour``, ``edges``, ``lines``, ``text`` or
            ``full_frame``.
        details: The score's terms (edge support, estimated aspect, area share, tint, ink,
            photo block, share inside the frame), for debugging and benchmarks.
    """

    quad: F32
    score: float
    method: str
    details: dict[str, float] = field(default_factory=dict)

    @property
    def width(self) -> float:
        """Mean length of the two long sides, in source pixels."""
        q = self.quad.astype(np.float64)
        return float((np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2)


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


@dataclass(slots=True)
class _Candidate:
    quad: F64
    method: str
    score: float = 0.0
    details: dict[str, float] = field(default_factory=dict)


def find_card(image: NDArray[np.uint8]) -> CardDetection | None:
    """Find the KTP in a photo.

    Args:
        image: BGR ``uint8`` photo (grey and BGRA are accepted too).

    Returns:
        The best detection, or None when nothing card-like is in the image.
    """
    bgr = to_bgr(image)
    h0, w0 = bgr.shape[:2]
    if min(h0, w0) < _MIN_SIDE:
        return None
    scale = min(1.0, WORK_LONG_SIDE / max(h0, w0))
    work = _downscale(bgr, scale)
    feats = _features(work)
    cands = _evaluate(_region_proposals(feats), feats)
    best = max(cands, key=lambda c: c.score, default=None)
    if best is None or best.score < CONFIDENT_SCORE:
        cands += _evaluate(_line_proposals(feats), feats)
        best = max(cands, key=lambda c: c.score, default=None)
    cands += _full_frame(feats)
    best = max(cands, key=lambda c: c.score, default=None)
    if best is None or best.score < MIN_SCORE:
        far = max(4, round(0.02 * min(feats.w, feats.h)))
        cands += _evaluate(_text_proposals(feats), feats, penalty=0.8, radii=(far, 3, 2))
        best = max(cands, key=lambda c: c.score, default=None)
    if best is None or best.score < MIN_SCORE:
        return None
    best = _prefer_outer(best, cands)
    quad = order_corners(best.quad / scale)
    return CardDetection(
        quad=quad.astype(np.float32),
        score=round(min(1.0, best.score), 4),
        method=best.method,
        details=best.details,
    )


def _downscale(bgr: NDArray[np.uint8], scale: float) -> NDArray[np.uint8]:
    """Area-average down to ``scale``.

    Big photos are first decimated to twice the target (nearest neighbour), which costs a
    fifth of a full area resize of a 12 MP image.
    """
    if scale >= 1.0:
        return bgr
    h0, w0 = bgr.shape[:2]
    size = (round(w0 * scale), round(h0 * scale))
    if scale < 0.5:
        bgr = u8(cv2.resize(bgr, (size[0] * 2, size[1] * 2), interpolation=cv2.INTER_NEAREST))
    return u8(cv2.resize(bgr, size, interpolation=cv2.INTER_AREA))


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


# --------------------------------------------------------------------------- proposers


def _otsu_levels(img: NDArray[np.uint8], min_gap: float) -> list[float]:
    """Otsu's threshold over the image, then again within each of its two classes.

    Three levels: a card can be the middle class, e.g. between a dark desk and white paper.
    """
    t1, _ = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    levels = [float(t1)]
    flat = img[::2, ::2].reshape(-1)
    for part in (flat[flat > t1], flat[flat <= t1]):
        if part.size > 0.02 * flat.size:
            t, _ = cv2.threshold(part.reshape(1, -1), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
            if abs(t - t1) >= min_gap:
                levels.append(float(t))
    return sorted(levels)


def _level_masks(img: NDArray[np.uint8], min_gap: float, *, below: bool) -> list[NDArray[np.uint8]]:
    """Masks above each level, between consecutive levels and (``below``) under the middle."""
    levels = _otsu_levels(img, min_gap)
    masks = [u8(img > t) * np.uint8(255) for t in levels]
    if below:
        masks.append(u8(img <= levels[len(levels) // 2]) * np.uint8(255))
    for lo, hi in itertools.pairwise(levels):
        masks.append(u8(cv2.inRange(img, lo + 1, hi)))
    return masks


def _region_proposals(feats: _Features) -> list[_Candidate]:
    """Region outlines from tint, lightness and edge masks, on a half-size copy."""
    lab = feats.half_lab
    hh, hw = lab.shape[:2]
    masks: list[tuple[str, NDArray[np.uint8]]] = []
    cyan = np.clip(
        (256.0 - lab[:, :, 1].astype(np.float32) - lab[:, :, 2].astype(np.float32)) * 4 + 64,
        0,
        255,
    ).astype(np.uint8)
    cyan = cv2.medianBlur(cyan, 3)
    masks += [("colour", m) for m in _level_masks(cyan, min_gap=8, below=True)]
    light = u8(cv2.medianBlur(lab[:, :, 0].copy(), 3))
    masks += [("colour", m) for m in _level_masks(light, min_gap=12, below=True)]
    masks += [("edges", m) for m in _edge_regions(feats)]

    found: list[tuple[float, str, F64, NDArray[np.int32]]] = []
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    min_area = MIN_AREA_FRACTION * hw * hh
    tol = 0.01 * math.hypot(hw, hh)
    for method, mask in masks:
        opened = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        contours, hier = cv2.findContours(opened, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
        if hier is None:
            continue
        for raw, rel in zip(contours, hier[0], strict=True):
            cnt = i32(raw)
            area = cv2.contourArea(cnt)
            if rel[3] != -1 or area < min_area:
                continue  # a hole, or too small
            for q in contour_quads(cnt, hw, hh):
                pre = _prescore(q, area, hw, hh)
                if pre <= 0 or any(np.max(np.linalg.norm(q - f[2], axis=1)) < tol for f in found):
                    continue
                found.append((pre, method, q, cnt))
    found.sort(key=lambda f: -f[0])
    # each kind of mask gets its share: tint and lightness masks are more numerous
    picked = [f for f in found if f[1] == "colour"][: _MAX_PROPOSALS // 2]
    picked += [f for f in found if f[1] == "edges"][: _MAX_PROPOSALS // 2]
    picked.sort(key=lambda f: -f[0])
    out = []
    for pre, method, q, cnt in picked:
        fitted = fit_sides(q, cnt.reshape(-1, 2).astype(np.float64), hw, hh)
        out.append(_Candidate(fitted * 2, method, pre))
    return out


def _prescore(q: F64, region_area: float, w: int, h: int) -> float:
    """Cheap rank before refinement: aspect, and how well the region fills its quad.

    0 when the quad is not convex, too small or far from ID-1.
    """
    qa = poly_area(q)
    if not is_convex(q) or qa < MIN_AREA_FRACTION * w * h:
        return 0.0
    lr = math.log(true_aspect(q, w, h) / ID1_ASPECT)
    if abs(lr) > 4 * ASPECT_LOG_SIGMA:
        return 0.0
    fill = min(region_area, qa) / max(region_area, qa)
    size = min(1.0, qa / (0.05 * w * h)) ** 0.25
    return float(math.exp(-0.5 * (lr / ASPECT_LOG_SIGMA) ** 2) * fill * size)


def _edge_map(feats: _Features) -> NDArray[np.uint8]:
    """Canny edges (half size) of any Lab channel, chroma thresholds scaled by their weights."""
    if feats.edges is not None:
        return feats.edges
    hi = max(_CANNY_HIGH, 2.0 * feats.noise) * 4  # x4: cv2.Canny's Sobel is not normalised
    edges: NDArray[np.uint8] | None = None
    for plane, wt in zip(cv2.split(feats.half_lab), _CHANNEL_WEIGHTS, strict=True):
        e = cv2.Canny(plane, hi / wt / 2, hi / wt, L2gradient=True)
        edges = u8(e) if edges is None else u8(cv2.bitwise_or(edges, e))
    assert edges is not None
    feats.edges = edges
    return edges


def _edge_regions(feats: _Features) -> list[NDArray[np.uint8]]:
    """Regions enclosed by colour edges (white), the edges dilated to close small gaps."""
    edges = _edge_map(feats)
    return [u8(cv2.bitwise_not(cv2.dilate(edges, np.ones((k, k), np.uint8)))) for k in (2, 4)]


def _line_proposals(feats: _Features) -> list[_Candidate]:
    """Quads from pairs of long, roughly parallel Hough lines."""
    edges = _edge_map(feats)
    hh, hw = edges.shape
    raw = cv2.HoughLinesP(
        edges, 1, np.pi / 180, threshold=25, minLineLength=0.12 * min(hw, hh), maxLineGap=3
    )
    if raw is None:
        return []
    segs = raw.reshape(-1, 4).astype(np.float64)
    lens = np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1])
    order = np.argsort(-lens)
    # merge collinear segments into lines (theta, rho) keeping total length
    lines: list[tuple[float, float, float, Line]] = []
    for i in order[:60]:
        x0, y0, x1, y1 = segs[i]
        theta = math.atan2(y1 - y0, x1 - x0) % math.pi
        nx, ny = -math.sin(theta), math.cos(theta)
        rho = x0 * nx + y0 * ny
        for j, (t2, r2, ln, hl) in enumerate(lines):
            dt = abs(theta - t2)
            dt = min(dt, math.pi - dt)
            if dt < math.radians(3) and abs(rho * (1 if abs(theta - t2) < 1.5 else -1) - r2) < 2:
                lines[j] = (t2, r2, ln + lens[i], hl)
                break
        else:
            lines.append(
                (
                    theta,
                    rho,
                    float(lens[i]),
                    line_through(segs[i, :2].astype(np.float64), segs[i, 2:].astype(np.float64)),
                )
            )
    lines.sort(key=lambda t: -t[2])
    lines = lines[:12]
    pairs = []
    for i in range(len(lines)):
        for j in range(i + 1, len(lines)):
            dt = abs(lines[i][0] - lines[j][0])
            dt = min(dt, math.pi - dt)
            if dt < math.radians(25):
                pairs.append((i, j, (lines[i][0] + lines[j][0]) / 2))
    out: list[_Candidate] = []
    for a in range(len(pairs)):
        for b in range(a + 1, len(pairs)):
            i1, j1, t1 = pairs[a]
            i2, j2, t2 = pairs[b]
            if len({i1, j1, i2, j2}) < 4:
                continue
            dt = abs(t1 - t2) % math.pi
            dt = min(dt, math.pi - dt)
            if dt < math.radians(50):
                continue
            ls = [lines[i1][3], lines[i2][3], lines[j1][3], lines[j2][3]]
            q = quad_from_lines(ls)
            if q is None:
                continue
            area = poly_area(q)
            if area < MIN_AREA_FRACTION * hw * hh:
                continue
            lr = math.log(true_aspect(q, hw, hh) / ID1_ASPECT)
            if abs(lr) > 3 * ASPECT_LOG_SIGMA:
                continue
            support = sum(lines[k][2] for k in (i1, i2, j1, j2))
            cover = min(
                1.0, support / (2 * math.sqrt(area * ID1_ASPECT) + 2 * math.sqrt(area / ID1_ASPECT))
            )
            pre = cover * math.exp(-0.5 * (lr / ASPECT_LOG_SIGMA) ** 2)
            out.append(_Candidate(q * 2, "lines", pre))
    out.sort(key=lambda c: -c.score)
    return out[:_MAX_PROPOSALS]


def _text_proposals(feats: _Features) -> list[_Candidate]:
    """The block of dark text strokes, grown by the card's margins: a rough last resort."""
    k = max(5, round(min(feats.w, feats.h) / 80)) | 1
    m = cv2.morphologyEx(feats.ink, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    contours, _ = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for cnt in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
        if cv2.contourArea(cnt) < MIN_AREA_FRACTION * feats.w * feats.h / 8:
            continue
        (cx, cy), (rw, rh), ang = cv2.minAreaRect(cnt)
        cx, cy, rw, rh = cx * 2, cy * 2, rw * 2.24, rh * 2.24
        if rw >= rh:
            rh = max(rh, rw / ID1_ASPECT)
            rw = max(rw, rh * ID1_ASPECT)
        else:
            rw = max(rw, rh / ID1_ASPECT)
            rh = max(rh, rw * ID1_ASPECT)
        out.append(_Candidate(cv2.boxPoints(((cx, cy), (rw, rh), ang)).astype(np.float64), "text"))
    return out


def _full_frame(feats: _Features) -> list[_Candidate]:
    """A flat scan filling the image: card aspect, a light even background, some dark text."""
    h, w = feats.h, feats.w
    r = max(w, h) / min(w, h)
    aspect = math.exp(-0.5 * (math.log(r / ID1_ASPECT) / (ASPECT_LOG_SIGMA / 2)) ** 2)
    if aspect < 0.3:
        return []
    light = feats.lab[:, :, 0]
    med = float(np.median(light))
    even = float(np.mean(np.abs(light.astype(np.int16) - med) < 25))
    ink = float(np.mean(feats.ink))
    noise = float(np.median(np.abs(cv2.Laplacian(light, cv2.CV_32F))))
    if med < 120 or even < 0.5 or not 0.01 <= ink <= 0.3 or noise > 6:
        return []
    tint = float(np.clip(np.median(feats.cyan) / 10, 0, 1))
    q = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float64)
    score = aspect * (0.45 + 0.15 * tint)
    return [_Candidate(q, "full_frame", score, {"aspect": aspect, "ink": ink})]


# --------------------------------------------------------------------------- refine + score


def _evaluate(
    cands: list[_Candidate],
    feats: _Features,
    penalty: float = 1.0,
    radii: tuple[int, ...] | None = None,
) -> list[_Candidate]:
    """Refine, de-duplicate and score candidates.

    By default each is snapped twice: within :data:`_SNAP_REACH` of its short side (region
    outlines on the half-size masks can be that far off), then within 2 pixels. Stops early
    once a few candidates are in and one is clearly a card.
    """
    out: list[_Candidate] = []
    seen: list[F64] = []
    for c in cands:
        if not is_convex(c.quad):
            continue
        q = c.quad
        short = math.sqrt(poly_area(q) / ID1_ASPECT)
        # keep the snapped quad only if it scores better (in moire or a striped cloth the
        # snap can lock onto a stripe)
        score, details = _score(q, feats) if c.method in _KEEP_UNSNAPPED else (-1.0, {})
        best_q = q
        for radius in radii or (max(4, round(_SNAP_REACH * short)), 2):
            refined = _refine(q, feats, radius)
            if refined is None:
                break
            q = refined
        if any(np.max(np.linalg.norm(q - s, axis=1)) < 2.0 for s in seen):
            continue
        seen.append(q)
        snapped, snapped_details = _score(q, feats)
        if snapped >= score:
            best_q, score, details = q, snapped, snapped_details
        out.append(_Candidate(best_q, c.method, score * penalty, details))
        if len(out) >= _EARLY_STOP_AFTER and max(o.score for o in out) >= _EARLY_STOP_SCORE:
            break
    return out


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


def _side_samples(p0: F64, p1: F64, k: int = _SIDE_SAMPLES) -> tuple[F64, F64, F64]:
    """``k`` points along a side (corners skipped), its unit normal and their parameters."""
    d = p1 - p0
    length = float(np.hypot(*d)) or 1.0
    u = d / length
    n = np.array([-u[1], u[0]])
    t = np.linspace(*_SIDE_SPAN, k)
    return p0 + t[:, None] * d, n, t


def _refine(q: F64, feats: _Features, radius: int) -> F64 | None:
    """Snap each side to the straight edge within ``radius`` pixels that runs along most of it.

    Every local maximum of the edge response across the side is a vote, and the line with
    votes from the most sample positions wins: the card's own edge runs the whole side, while
    the photo block's or a text column's edge, though often stronger, runs only part of it.
    """
    offs = np.arange(-radius, radius + 1, dtype=np.float64)
    lines: list[Line] = []
    for i in range(4):
        p0, p1 = q[i], q[(i + 1) % 4]
        base, n, t = _side_samples(p0, p1, _REFINE_SAMPLES)
        pts = base[:, None, :] + offs[None, :, None] * n
        resp = _response(feats, pts[..., 0], pts[..., 1], n)
        peak = np.zeros_like(resp, dtype=bool)
        peak[:, 1:-1] = (resp[:, 1:-1] >= resp[:, :-2]) & (resp[:, 1:-1] >= resp[:, 2:])
        peak[:, 0] = resp[:, 0] > resp[:, 1]
        peak[:, -1] = resp[:, -1] > resp[:, -2]
        peak &= resp >= _EDGE_MIN
        ti, oi = np.nonzero(peak)
        fit = _robust_fit(ti, t, offs[oi]) if len(set(ti.tolist())) >= 0.3 * len(t) else None
        if fit is None:
            lines.append(line_through(p0, p1))
            continue
        a, b = fit
        lines.append(line_through(p0 + a * n, p1 + (a + b) * n))
    nq = quad_from_lines(lines)
    if nq is None or np.max(np.linalg.norm(nq - q, axis=1)) > 6 * radius + 4:
        return None
    return nq


_PAIRS_RNG_SEED: Final = 20240611


def _robust_fit(
    ti: NDArray[np.intp], t: F64, o: F64, tol: float = 1.25
) -> tuple[float, float] | None:
    """Fit ``o = a + b t`` through votes ``(t[ti], o)``.

    Two-vote hypotheses are scored by how many distinct sample positions have a vote within
    ``tol``; then least squares on the winner's votes.
    """
    m = len(ti)
    tv = t[ti]
    if m < 3:
        return None
    i, j = np.triu_indices(m, 1)
    good = ti[i] != ti[j]
    i, j = i[good], j[good]
    if len(i) > _MAX_PAIRS:  # a fixed subset keeps results deterministic
        pick = np.random.default_rng(_PAIRS_RNG_SEED).choice(len(i), _MAX_PAIRS, replace=False)
        i, j = i[pick], j[pick]
    if len(i) == 0:
        return None
    b = (o[j] - o[i]) / (tv[j] - tv[i])
    a = o[i] - b * tv[i]
    inl = np.abs(a[:, None] + b[:, None] * tv[None, :] - o[None, :]) <= tol
    # count each sample position once
    starts = np.flatnonzero(np.r_[True, ti[1:] != ti[:-1]])
    support = np.logical_or.reduceat(inl, starts, axis=1).sum(axis=1)
    k = int(support.argmax())
    if support[k] < max(3, 0.3 * len(t)):
        return None
    sel = inl[k]
    A = np.stack([np.ones(int(sel.sum())), tv[sel]], axis=1)
    sol, *_ = np.linalg.lstsq(A, o[sel], rcond=None)
    return float(sol[0]), float(sol[1])


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


def _prefer_outer(best: _Candidate, cands: list[_Candidate]) -> _Candidate:
    """Prefer a candidate that contains the best one and scores nearly as well.

    That is the card itself; the best may be an inner frame such as the card's print area.
    """
    out = best
    best_area = poly_area(best.quad)
    for c in cands:
        if c is best or c.score < 0.85 * best.score or poly_area(c.quad) <= 1.1 * best_area:
            continue
        inside = all(
            cv2.pointPolygonTest(c.quad.astype(np.float32), (float(x), float(y)), False) >= 0
            for x, y in best.quad
        )
        if inside and poly_area(c.quad) > poly_area(out.quad):
            out = c
    return out
