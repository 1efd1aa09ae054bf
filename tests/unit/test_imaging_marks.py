"""The lone dash of an unknown blood type, found from the pixels."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ktp_ocr.imaging.marks import is_lone_dash
from ktp_ocr.types import BBox


def _place(draw: str) -> np.ndarray:
    img = np.full((30, 90, 3), (205, 225, 215), np.uint8)  # light blue-green card
    if "colon" in draw:
        cv2.circle(img, (6, 10), 2, (20, 20, 20), -1)
        cv2.circle(img, (6, 21), 2, (20, 20, 20), -1)
    if "dash" in draw:
        cv2.rectangle(img, (20, 14), (31, 17), (20, 20, 20), -1)
    if "letter" in draw:
        cv2.putText(img, "AB", (20, 24), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (20, 20, 20), 2)
    return img


@pytest.mark.parametrize(
    ("draw", "dash"),
    [
        ("dash", True),
        ("colon dash", True),
        ("letter", False),
        ("colon", False),
        ("", False),
        ("colon letter", False),
    ],
)
def test_lone_dash(draw: str, dash: bool) -> None:
    assert is_lone_dash(_place(draw), BBox(0, 0, 90, 30), 30.0) is dash


def test_degenerate_boxes() -> None:
    img = _place("dash")
    assert not is_lone_dash(img, BBox(10, 10, 11, 11), 30.0)
    assert not is_lone_dash(img, BBox(0, 0, 90, 30), 0.0)


def _guilloche(img: np.ndarray, contrast: int = 10) -> np.ndarray:
    """Fine wavy lines a little darker than the card, like the e-KTP's security print."""
    out = img.astype(np.int16)
    for k in range(0, 30, 5):
        xs = np.arange(img.shape[1])
        ys = (k + 2 * np.sin(xs / 6.0)).astype(int) % img.shape[0]
        out[ys, xs] -= contrast
    return np.clip(out, 0, 255).astype(np.uint8)


def test_faint_thin_dash_on_security_print() -> None:
    """Regression: a blurred 2 px dash, far lighter than letters, fell below the ink cut and
    was dropped as noise, so a printed ``-`` came out as a missing blood type."""
    img = _guilloche(_place(""))
    cv2.rectangle(img, (40, 14), (46, 15), (175, 190, 182), -1)
    assert is_lone_dash(img, BBox(0, 0, 90, 30), 28.0)
    assert not is_lone_dash(_guilloche(_place("")), BBox(0, 0, 90, 30), 28.0)


def test_letter_cut_by_the_left_edge_is_not_a_mark() -> None:
    """Regression: the place often starts inside the label's last letter (the ``h`` of
    ``Darah``); that sliver stopped a dash after the colon from being seen."""
    img = _place("colon dash")
    cv2.rectangle(img, (0, 8), (2, 24), (20, 20, 20), -1)  # the stem of a letter, cut
    assert is_lone_dash(img, BBox(0, 0, 90, 30), 30.0)
    cv2.rectangle(img, (60, 8), (63, 24), (20, 20, 20), -1)  # a whole letter after the dash
    assert not is_lone_dash(img, BBox(0, 0, 90, 30), 30.0)


def test_a_square_blot_is_not_a_dash() -> None:
    img = _place("")
    cv2.rectangle(img, (40, 13), (44, 17), (20, 20, 20), -1)
    assert not is_lone_dash(img, BBox(0, 0, 90, 30), 30.0)
