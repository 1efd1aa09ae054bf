"""Quadrilateral geometry for card detection: corners in order, lines, outlines fitted to quads.

Pure NumPy/OpenCV on point arrays, no image features: :mod:`ktp_ocr.imaging.detect` proposes and
scores candidate cards with these.
"""

from __future__ import annotations

import itertools
import math
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]

#: ISO/IEC 7810 ID-1: 85.60 x 53.98 mm.
ID1_ASPECT: Final = 85.60 / 53.98
#: Points used to fit one side of a region outline.
_FIT_MAX_POINTS: Final = 80
#: Longest outline sides tried (4 at a time) when fitting a quad to a region's hull.
_MAX_HULL_SIDES: Final = 7


def order_corners(pts: NDArray[np.floating]) -> F64:
    """Order four points clockwise (y down) as TL, TR, BR, BL with TL->TR a long side.

    Of the two starts that put a long side first, the one whose first side points most to the
    right (then most downwards) is taken, so an upright or slightly tilted card gets its true
    corner names; 180 degrees is left to the orientation step.
    """
    p = np.asarray(pts, np.float64).reshape(4, 2)
    c = p.mean(axis=0)
    ang = np.arctan2(p[:, 1] - c[1], p[:, 0] - c[0])
    p = p[np.argsort(ang)]  # clockwise on screen
    side = [float(np.linalg.norm(p[(i + 1) % 4] - p[i])) for i in range(4)]
    start = 0 if side[0] + side[2] >= side[1] + side[3] else 1
    options = (start, start + 2)

    def key(i: int) -> tuple[float, float]:
        d = p[(i + 1) % 4] - p[i % 4]
        n = float(np.hypot(*d)) or 1.0
        return (round(d[0] / n, 6), round(d[1] / n, 6))

    first = max(options, key=key)
    return np.roll(p, -first, axis=0)


def poly_area(q: F64) -> float:
    """The area of the polygon ``q`` (shoelace formula)."""
    pts = q.tolist()
    n = len(pts)
    twice = sum(pts[i][0] * pts[(i + 1) % n][1] - pts[(i + 1) % n][0] * pts[i][1] for i in range(n))
    return float(abs(twice)) / 2


def is_convex(q: F64) -> bool:
    """Whether the polygon ``q`` turns the same way at every corner."""
    pts = q.tolist()
    n = len(pts)
    signs = set()
    for i in range(n):
        ax, ay = pts[i]
        bx, by = pts[(i + 1) % n]
        cx, cy = pts[(i + 2) % n]
        cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx)
        signs.add(cross > 0 if cross != 0 else None)
    return None not in signs and len(signs) == 1


Line = tuple[float, float, float]  # a x + b y + c = 0


def _cross(u: F64, v: F64) -> F64:
    return np.array(
        [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]
    )


def line_through(p: F64, q: F64) -> Line:
    """The line through two points (homogeneous coefficients; plain floats, for speed)."""
    px, py, qx, qy = float(p[0]), float(p[1]), float(q[0]), float(q[1])
    return (py - qy, qx - px, px * qy - py * qx)


def _intersect(l1: Line, l2: Line) -> F64 | None:
    a1, b1, c1 = l1
    a2, b2, c2 = l2
    z = a1 * b2 - b1 * a2
    if abs(z) < 1e-9:
        return None
    return np.array([(b1 * c2 - c1 * b2) / z, (c1 * a2 - a1 * c2) / z])


def quad_from_lines(lines: list[Line]) -> F64 | None:
    """Where each of four lines meets the next; None if two are parallel or not convex."""
    pts = []
    for i in range(4):
        p = _intersect(lines[i - 1], lines[i])
        if p is None:
            return None
        pts.append(p)
    q = np.array(pts)
    return q if is_convex(q) else None


def true_aspect(q: F64, w: int, h: int) -> float:
    """Width/height (>= 1) of the rectangle seen as quad ``q``.

    Whichever is nearer ID-1 of two estimates: the mean side lengths, and the
    perspective-corrected ratio of Zhang & He, "Whiteboard scanning and image enhancement"
    (2007), with the principal point at the image centre. Both err (the first under strong
    tilt, the second when the view is nearly frontal or the photo was cropped off-centre), so
    the kinder one is used for scoring.
    """
    q = order_corners(q)
    s_w = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    s_h = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    simple = max(float(s_w), float(s_h)) / max(min(float(s_w), float(s_h)), 1e-6)
    persp = _perspective_aspect(q, w, h)
    if persp is None:
        return simple
    return min((simple, persp), key=lambda r: abs(math.log(r / ID1_ASPECT)))


def _perspective_aspect(q: F64, w: int, h: int) -> float | None:
    u0, v0 = w / 2, h / 2
    # Zhang & He numbering: m1 TL, m2 TR, m3 BL, m4 BR.
    m1, m2, m4, m3 = (np.array([p[0] - u0, p[1] - v0, 1.0]) for p in q)
    den2 = np.dot(_cross(m2, m4), m3)
    den3 = np.dot(_cross(m3, m4), m2)
    if abs(den2) < 1e-9 or abs(den3) < 1e-9:
        return None
    k2 = np.dot(_cross(m1, m4), m3) / den2
    k3 = np.dot(_cross(m1, m4), m2) / den3
    n2 = k2 * m2 - m1
    n3 = k3 * m3 - m1
    if abs(n2[2]) < 1e-6 or abs(n3[2]) < 1e-6:
        return None
    f2 = -(n2[0] * n3[0] + n2[1] * n3[1]) / (n2[2] * n3[2])
    diag = math.hypot(w, h)
    if not (0.25 * diag) ** 2 < f2 < (4.0 * diag) ** 2:
        return None
    a2 = n2[0] ** 2 + n2[1] ** 2 + f2 * n2[2] ** 2
    a3 = n3[0] ** 2 + n3[1] ** 2 + f2 * n3[2] ** 2
    if a2 <= 0 or a3 <= 0:
        return None
    r = math.sqrt(a2 / a3)
    return max(r, 1.0 / r)


# --------------------------------------------------------------------------- features
def contour_quads(cnt: NDArray[np.int32], w: int, h: int) -> list[F64]:
    """Quadrilaterals for one region outline; the min-area rectangle when none fits."""
    hull = cv2.convexHull(cnt)
    peri = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.04):
        poly = cv2.approxPolyDP(hull, eps * peri, True).reshape(-1, 2).astype(np.float64)
        if len(poly) < 4:
            break
        if len(poly) > 10:
            continue
        quads = _poly_to_quads(poly, w, h)
        if quads:
            return quads
    box: F64 = cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float64)
    return [box]


def fit_sides(q: F64, pts: F64, w: int, h: int) -> F64:
    """Refit each side of ``q`` to the outline points lying along it.

    Corners and the image border are excluded, so rounded corners and the polygon
    approximation cost no accuracy.
    """
    off = (pts[:, 0] <= 1) | (pts[:, 0] >= w - 2) | (pts[:, 1] <= 1) | (pts[:, 1] >= h - 2)
    pts = pts[~off]
    lines = []
    for i in range(4):
        p0, p1 = q[i], q[(i + 1) % 4]
        d = p1 - p0
        length = float(np.hypot(*d)) or 1.0
        u = d / length
        rel = pts - p0
        t = rel @ u / length
        dist = np.abs(rel @ np.array([-u[1], u[0]]))
        sel = pts[(t > 0.1) & (t < 0.9) & (dist < max(3.0, 0.03 * length))]
        if len(sel) < 8:
            lines.append(line_through(p0, p1))
            continue
        lines.append(_fit_line(sel))
    fitted = quad_from_lines(lines)
    if fitted is None or np.max(np.linalg.norm(fitted - q, axis=1)) > 0.1 * math.sqrt(poly_area(q)):
        return q
    return fitted


def _fit_line(pts: F64, tol: float = 1.5) -> Line:
    """Total-least-squares line through points (subsampled), refitted once without outliers."""
    if len(pts) > _FIT_MAX_POINTS:
        pts = pts[np.linspace(0, len(pts) - 1, _FIT_MAX_POINTS).astype(np.intp)]
    for _ in range(2):
        c = pts.mean(axis=0)
        cov = np.cov((pts - c).T)
        _, evecs = np.linalg.eigh(cov)
        d = evecs[:, 1]
        nrm = np.array([-d[1], d[0]])
        res = np.abs((pts - c) @ nrm)
        keep = res <= max(tol, 2.0 * float(np.median(res)))
        if keep.all() or keep.sum() < 8:
            break
        pts = pts[keep]
    return line_through(c, c + d)


def _on_border(p: F64, w: int, h: int, tol: float = 2.5) -> set[str]:
    s = set()
    if p[0] <= tol:
        s.add("l")
    if p[0] >= w - 1 - tol:
        s.add("r")
    if p[1] <= tol:
        s.add("t")
    if p[1] >= h - 1 - tol:
        s.add("b")
    return s


def _poly_to_quads(poly: F64, w: int, h: int) -> list[F64]:
    """Quads from a convex outline polygon.

    Its 4 longest sides off the image border, extended to meet. When only 3 sides are in the
    frame (one side of the card is cut off), the missing side is put where ID-1's aspect ratio
    says, for both readings of which side is missing.
    """
    n = len(poly)
    sides = []
    for i in range(n):
        a, b = poly[i], poly[(i + 1) % n]
        border = bool(_on_border(a, w, h) & _on_border(b, w, h))
        sides.append((i, float(np.linalg.norm(b - a)), border))
    real = [s for s in sides if not s[2]]
    if len(real) >= 4:
        q = _smallest_enclosing(poly, sorted(real, key=lambda s: -s[1])[:_MAX_HULL_SIDES], w, h)
        return [q] if q is not None else []
    if len(real) == 3 and len(real) < n:
        return _complete_three_sides(poly, [s[0] for s in real], w, h)
    return []


def _smallest_enclosing(
    poly: F64, sides: list[tuple[int, float, bool]], w: int, h: int
) -> F64 | None:
    """The smallest quad, made of 4 of ``sides`` extended, that holds the whole outline.

    Taking the 4 longest sides fails when a cut corner (a thumb, glare, a leak in the mask)
    leaves a diagonal longer than a true side; the true sides give the smaller enclosing quad.
    """
    n = len(poly)
    best: F64 | None = None
    best_area = math.inf
    for combo in itertools.combinations(sorted(sides, key=lambda s: s[0]), 4):
        q = quad_from_lines([line_through(poly[i], poly[(i + 1) % n]) for i, _, _ in combo])
        if q is None or not _near_frame(q, w, h):
            continue
        area = poly_area(q)
        if area < best_area and _contains(q, poly, tol=2.0):
            best, best_area = q, area
    return best


def _contains(q: F64, pts: F64, tol: float) -> bool:
    """Whether the convex quad ``q`` holds every point, give or take ``tol`` pixels."""
    a = q
    b = np.roll(q, -1, axis=0)
    d = b - a
    length = np.hypot(d[:, 0], d[:, 1])
    cross = (d[:, None, 0] * (pts[None, :, 1] - a[:, None, 1])) - (
        d[:, None, 1] * (pts[None, :, 0] - a[:, None, 0])
    )
    dist = cross / np.maximum(length, 1e-9)[:, None]
    signed = float(np.sum(a[:, 0] * b[:, 1] - b[:, 0] * a[:, 1]))
    inside_sign = 1.0 if signed >= 0 else -1.0
    return bool(np.all(dist * inside_sign >= -tol))


def _near_frame(q: F64, w: int, h: int) -> bool:
    lim = 0.5 * max(w, h)
    return not (np.any(q < -lim) or np.any(q[:, 0] > w + lim) or np.any(q[:, 1] > h + lim))


def _complete_three_sides(poly: F64, idx: list[int], w: int, h: int) -> list[F64]:
    n = len(poly)
    # rotate so that the middle real side is the one whose neighbours are both real
    for k in range(3):
        a, b, c = idx[k], idx[(k + 1) % 3], idx[(k + 2) % 3]
        if (b - a) % n == 1 and (c - b) % n == 1:
            break
    else:
        return []
    la, lb, lc = (line_through(poly[i], poly[(i + 1) % n]) for i in (a, b, c))
    p1, p2 = _intersect(la, lb), _intersect(lb, lc)
    if p1 is None or p2 is None:
        return []
    known = float(np.linalg.norm(p2 - p1))
    far_a, far_c = poly[a], poly[(c + 1) % n]  # the visible far ends of the two cut sides
    da, dc = far_a - p1, far_c - p2
    ext_a, ext_c = float(np.linalg.norm(da)), float(np.linalg.norm(dc))
    if min(ext_a, ext_c, known) < 1.0:
        return []
    da, dc = da / ext_a, dc / ext_c
    out = []
    for length in (known * ID1_ASPECT, known / ID1_ASPECT):
        if length < 0.9 * max(ext_a, ext_c):
            continue
        q = np.array([p1 + da * length, p1, p2, p2 + dc * length])
        if is_convex(q) and _near_frame(q, w, h):
            out.append(q)
    return out
