"""Pixels only (numpy / OpenCV / Pillow): decoding, finding the card, flattening, quality.

``load_image`` (bytes -> BGR), ``find_card`` (photo -> corners), ``warp_card`` /
``orientation_hint`` / ``rotate180`` / ``estimate_skew`` / ``deskew`` (corners -> upright card)
and ``assess`` (card -> quality findings). Each is importable from its own module too.
"""

from ktp_ocr.imaging.deskew import deskew, estimate_skew, orientation_hint, rotate180, warp_card
from ktp_ocr.imaging.detect import CardDetection, find_card
from ktp_ocr.imaging.load import load_image, to_bgr
from ktp_ocr.imaging.quality import assess

__all__ = [
    "CardDetection",
    "assess",
    "deskew",
    "estimate_skew",
    "find_card",
    "load_image",
    "orientation_hint",
    "rotate180",
    "to_bgr",
    "warp_card",
]
