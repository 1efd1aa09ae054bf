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

The proposers are in :mod:`~ktp_ocr.imaging.proposals`, the features they share in
:mod:`~ktp_ocr.imaging.features`, the snapping in :mod:`~ktp_ocr.imaging.sides` and the scorer
in :mod:`~ktp_ocr.imaging.scoring`; this module runs them and picks the card.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from ktp_ocr.imaging._cv import u8
from ktp_ocr.imaging.features import F32, _Features, _features
from ktp_ocr.imaging.load import to_bgr
from ktp_ocr.imaging.proposals import (
    _Candidate,
    _full_frame,
    _line_proposals,
    _region_proposals,
    _shifted_proposals,
    _text_proposals,
)
from ktp_ocr.imaging.quads import F64, ID1_ASPECT, is_convex, order_corners, poly_area
from ktp_ocr.imaging.scoring import _score
from ktp_ocr.imaging.sides import _refine

__all__ = ["ID1_ASPECT", "CardDetection", "Outlines", "find_card", "find_outlines", "order_corners"]


#: Long side of the working copy. 640 px keeps a card at 10% of the frame ~230 px wide, and
#: corners land within ~0.2% of the card width (median, benchmark); 800 px was no more
#: accurate and a quarter slower.
WORK_LONG_SIDE: Final = 640

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

#: How far (share of the card's short side) the first snap looks for each side's edge.
#: Inner edges (text margins ~6%, the photo block ~7%) run only part of a side and lose
#: the vote to the card's own edge, which runs all of it.
_SNAP_REACH: Final = 0.06
#: Proposers whose quads are already on straight edges and may be kept as they are.
_KEEP_UNSNAPPED: Final = frozenset({"lines"})
#: Runner-up outlines kept for the reader to try when the best one reads as no card (a patch
#: of a checked sheet can outscore a dim card beside it) ...
MAX_OTHERS: Final = 1
#: ... each scoring at least :data:`MIN_SCORE` and sharing at most this share of the smaller
#: outline's area with the best one (an outline inside or around it is the same find).
_OTHER_MAX_OVERLAP: Final = 0.3
#: When nothing scores :data:`MIN_SCORE`, outlines scoring at least this are offered as weak
#: guesses: a dim card whose print is too faint for the ink term (straight sides, ID-1's
#: shape) scores 0.2-0.3. Only reading one can tell whether it is a card.
WEAK_SCORE: Final = 0.2

#: An outline with a side moved out (:func:`_shifted_proposals`) counts only when it scores this
#: well: moved sides that snap to the card's own edges score 0.68 (a dim card off the frame);
#: one that snaps to a table's edge or a shadow beside a card scored 0.44, above
#: :data:`MIN_SCORE`, and would have beaten the card its text places.
SHIFTED_SCORE: Final = 0.6


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
        others: Corners of up to :data:`MAX_OTHERS` runner-up outlines elsewhere in the image,
            best first: where else the card may be when ``quad`` reads as no card.
    """

    quad: F32
    score: float
    method: str
    details: dict[str, float] = field(default_factory=dict)
    others: tuple[F32, ...] = ()

    @property
    def width(self) -> float:
        """Mean length of the two long sides, in source pixels."""
        q = self.quad.astype(np.float64)
        return float((np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2)


@dataclass(frozen=True, slots=True, eq=False)
class Outlines:
    """What the detector saw: the card, or else weak guesses at where it may be.

    Attributes:
        card: The detection (:func:`find_card`), or None when nothing scored as a card.
        weak: When ``card`` is None, corners of up to :data:`MAX_OTHERS` outlines scoring at
            least :data:`WEAK_SCORE`, best first, in source-image pixels.
    """

    card: CardDetection | None
    weak: tuple[F32, ...] = ()


def find_card(image: NDArray[np.uint8]) -> CardDetection | None:
    """Find the KTP in a photo.

    Args:
        image: BGR ``uint8`` photo (grey and BGRA are accepted too).

    Returns:
        The best detection, or None when nothing card-like is in the image.
    """
    return find_outlines(image).card


def find_outlines(image: NDArray[np.uint8]) -> Outlines:
    """:func:`find_card`, and when it finds nothing, the weak outlines it saw."""
    bgr = to_bgr(image)
    h0, w0 = bgr.shape[:2]
    if min(h0, w0) < _MIN_SIDE:
        return Outlines(None)
    scale = min(1.0, WORK_LONG_SIDE / max(h0, w0))
    work = _downscale(bgr, scale)
    feats = _features(work)
    cands = _evaluate(_region_proposals(feats), feats)
    best = max(cands, key=lambda c: c.score, default=None)
    if best is None or best.score < CONFIDENT_SCORE:
        cands += _evaluate(_line_proposals(feats), feats)
        best = max(cands, key=lambda c: c.score, default=None)
    if best is None or best.score < MIN_SCORE:
        shifted = _evaluate(_shifted_proposals(cands, feats.w, feats.h), feats)
        cands += [c for c in shifted if c.score >= SHIFTED_SCORE]
    cands += _full_frame(feats)
    best = max(cands, key=lambda c: c.score, default=None)
    if best is None or best.score < MIN_SCORE:
        far = max(4, round(0.02 * min(feats.w, feats.h)))
        cands += _evaluate(_text_proposals(feats), feats, penalty=0.8, radii=(far, 3, 2))
        best = max(cands, key=lambda c: c.score, default=None)
    if best is None or best.score < MIN_SCORE:
        weak = _others((), cands, floor=WEAK_SCORE)
        return Outlines(None, tuple(_in_source(c, scale) for c in weak))
    first, best = best, _prefer_outer(best, cands)
    card = CardDetection(
        quad=_in_source(best, scale),
        score=round(min(1.0, best.score), 4),
        method=best.method,
        details=best.details,
        others=tuple(_in_source(c, scale) for c in _others((first, best), cands)),
    )
    return Outlines(card)


def _in_source(candidate: _Candidate, scale: float) -> F32:
    """A candidate's corners in the source image's pixels, ordered TL, TR, BR, BL."""
    return order_corners(candidate.quad / scale).astype(np.float32)


def _overlap(a: F64, b: F64) -> float:
    """Share of the smaller of two convex outlines that the other covers.

    1.0 when either is degenerate: it is then no outline of its own.
    """
    smaller = min(poly_area(a), poly_area(b))
    if smaller <= 0:
        return 1.0
    try:
        area, _ = cv2.intersectConvexConvex(a.astype(np.float32), b.astype(np.float32))
    except cv2.error:
        return 1.0
    return float(area) / smaller


def _others(
    chosen: tuple[_Candidate, ...], cands: list[_Candidate], *, floor: float = MIN_SCORE
) -> list[_Candidate]:
    """The best outlines scoring ``floor`` or more, apart from ``chosen`` and from each other.

    At most :data:`MAX_OTHERS` of them.
    """
    out: list[_Candidate] = []
    for c in sorted(cands, key=lambda c: -c.score):
        if len(out) >= MAX_OTHERS or c.score < floor:
            break
        if any(_overlap(c.quad, o.quad) > _OTHER_MAX_OVERLAP for o in (*chosen, *out)):
            continue
        out.append(c)
    return out


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
