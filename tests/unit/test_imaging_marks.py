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
