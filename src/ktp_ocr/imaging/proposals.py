"""Candidate cards: the quadrilaterals each strategy of card detection proposes, pre-scored.

``colour`` and ``edges`` (region outlines from tint, lightness and edge masks), ``lines``
(pairs of long Hough segments), ``text`` (the block of print grown to the card's margins) and
``full_frame`` (a flat scan). :mod:`ktp_ocr.imaging.detect` refines and scores what they propose.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from ktp_ocr.imaging._cv import i32, u8
from ktp_ocr.imaging.features import _CHANNEL_WEIGHTS, _Features
from ktp_ocr.imaging.quads import (
    F64,
    ID1_ASPECT,
    Line,
    contour_quads,
    fit_sides,
    is_convex,
    line_through,
    poly_area,
    quad_from_lines,
    true_aspect,
)
from ktp_ocr.imaging.scoring import ASPECT_LOG_SIGMA, MIN_AREA_FRACTION

#: Canny's high threshold on the colour gradient (weighted Lab units per pixel; the low one is
#: half). A light card on white paper gives ~15; raised with the image's own noise floor.
_CANNY_HIGH: Final = 10.0
#: Proposals refined and scored per proposer, best pre-scores first (the region proposer
#: gives half of them to tint/lightness masks and half to edge masks).
_MAX_PROPOSALS: Final = 10


@dataclass(slots=True)
class _Candidate:
    quad: F64
    method: str
    score: float = 0.0
    details: dict[str, float] = field(default_factory=dict)


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


#: How far a side of a weak outline is moved out, in shares of the card's extent across it.
_SIDE_SHIFTS: Final = (0.15, 0.3, 0.45)
#: Outlines whose sides are so moved: the best scored ones.
_SHIFTED_OUTLINES: Final = 3
#: A side within this many pixels of the frame's edge lies on it.
_BORDER_TOL: Final = 3.0


def _on_border(a: F64, b: F64, w: int, h: int) -> bool:
    """Whether the side from ``a`` to ``b`` lies along one edge of the frame."""
    t = _BORDER_TOL
    return bool(
        (a[0] <= t and b[0] <= t)
        or (a[0] >= w - 1 - t and b[0] >= w - 1 - t)
        or (a[1] <= t and b[1] <= t)
        or (a[1] >= h - 1 - t and b[1] >= h - 1 - t)
    )


def _side_length(q: F64, i: int) -> float:
    return float(np.hypot(*(q[(i + 1) % 4] - q[i])))


def _moved_out(q: F64, i: int, dist: float) -> F64:
    """``q`` with side ``i`` moved ``dist`` pixels away from the side opposite it."""
    p0, p1 = q[i], q[(i + 1) % 4]
    away = (p0 + p1) / 2 - (q[(i + 2) % 4] + q[(i + 3) % 4]) / 2
    n = away / max(float(np.hypot(*away)), 1e-9)
    out = q.copy()
    out[i], out[(i + 1) % 4] = p0 + n * dist, p1 + n * dist
    return out


def _shifted_proposals(cands: list[_Candidate], w: int, h: int) -> list[_Candidate]:
    """Weak outlines with one side moved out, and a side on the frame's edge put by ID-1.

    A tint or lightness mask can stop inside the card, where its light or tint changes (a dim
    card lit from one side), and a card that runs off the photo ends at the frame's edge: the
    outline then has three of the card's sides and a fourth short of its edge. Each side of the
    best few outlines that is not the frame's edge is moved out by a share of the card's
    extent across it; where another side lies on the frame's edge, that side is then moved out
    too, to where ID-1's aspect puts it from the side opposite it. The scorer judges each (the
    edges along the moved side must be there), so only the snapping to a true edge can win.
    """
    out: list[_Candidate] = []
    for c in sorted(cands, key=lambda c: -c.score)[:_SHIFTED_OUTLINES]:
        q = c.quad
        border = [_on_border(q[j], q[(j + 1) % 4], w, h) for j in range(4)]
        for i in range(4):
            if border[i]:
                continue
            across = (_side_length(q, (i + 1) % 4) + _side_length(q, (i + 3) % 4)) / 2
            for share in _SIDE_SHIFTS:
                moved = _moved_out(q, i, share * across)
                out.append(_Candidate(moved, "shifted"))
                for j in (j for j in range(4) if border[j] and j != i):
                    side = _side_length(moved, (j + 2) % 4)
                    now = (_side_length(moved, (j + 1) % 4) + _side_length(moved, (j + 3) % 4)) / 2
                    for want in (side * ID1_ASPECT, side / ID1_ASPECT):
                        if want > now * 1.05:
                            out.append(_Candidate(_moved_out(moved, j, want - now), "shifted"))
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
