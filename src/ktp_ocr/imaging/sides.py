"""The sides of a candidate quad: points sampled along each, and each snapped to its edge.

A side is snapped to the straight edge that runs along most of it: a line fitted robustly
through the peaks of the colour edge response across the side.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from ktp_ocr.imaging.features import _EDGE_MIN, _Features, _response
from ktp_ocr.imaging.quads import F64, Line, line_through, quad_from_lines

#: Points sampled per side, and the fraction of the side they span (rounded corners are
#: skipped: an ID-1 corner radius is ~3.5% of the width).
_SIDE_SAMPLES: Final = 40
_SIDE_SPAN: Final = (0.1, 0.9)
#: Most two-vote line hypotheses tried per side when snapping.
_MAX_PAIRS: Final = 400
#: Points per side when snapping a side to its edge.
_REFINE_SAMPLES: Final = 24


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
