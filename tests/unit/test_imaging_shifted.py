"""Weak outlines with one side moved out, and a side on the frame's edge put by ID-1."""

from __future__ import annotations

import numpy as np

from ktp_ocr.imaging.proposals import _SIDE_SHIFTS, _Candidate, _shifted_proposals
from ktp_ocr.imaging.quads import ID1_ASPECT, true_aspect


def _quad(*corners: tuple[float, float]) -> np.ndarray:
    return np.array(corners, np.float64)


def test_each_side_off_the_frame_is_moved_out_by_each_share() -> None:
    """A quad well inside the frame: four sides, each moved out by each share, nothing else."""
    q = _quad((100, 100), (400, 100), (400, 300), (100, 300))
    out = _shifted_proposals([_Candidate(q, "colour", 0.1)], 1000, 800)
    assert len(out) == 4 * len(_SIDE_SHIFTS)
    bottoms = sorted(float(c.quad[2][1]) for c in out if c.quad[2][1] > 300)
    assert bottoms == [300 + share * 200 for share in _SIDE_SHIFTS]  # by the card's height
    rights = sorted(float(c.quad[1][0]) for c in out if c.quad[1][0] > 400)
    assert rights == [400 + share * 300 for share in _SIDE_SHIFTS]  # by its width
    for c in out:  # moved out only: every shifted quad holds the original
        assert c.quad[:, 0].min() <= 100 and c.quad[:, 0].max() >= 400
        assert c.quad[:, 1].min() <= 100 and c.quad[:, 1].max() >= 300


def test_a_side_on_the_frame_is_put_where_id1_says() -> None:
    """The card runs off the frame's right edge (x = 399) and its outline stops short of its
    bottom edge: with the bottom moved out, the frame side goes where ID-1's aspect puts it."""
    q = _quad((76, 246), (398, 267), (398, 438), (76, 414))
    out = _shifted_proposals([_Candidate(q, "colour", 0.08)], 399, 599)
    assert all(c.method == "shifted" for c in out)
    completed = [c.quad for c in out if c.quad[:, 0].max() > 410]
    assert completed, "no quad past the frame's edge"
    aspects = [true_aspect(c, 399, 599) for c in completed]
    assert min(abs(a / ID1_ASPECT - 1) for a in aspects) < 0.05
    # the frame side alone is never moved: only after a real side was
    assert not any(np.allclose(c.quad[[0, 3]], q[[0, 3]]) and c.quad[1][0] > 410 for c in out)


def test_only_the_best_few_outlines_are_shifted() -> None:
    q = _quad((100, 100), (400, 100), (400, 300), (100, 300))
    cands = [_Candidate(q + k, "colour", k / 10) for k in range(6)]
    out = _shifted_proposals(cands, 1000, 800)
    assert len(out) == 3 * 4 * len(_SIDE_SHIFTS)
    assert _shifted_proposals([], 1000, 800) == []
