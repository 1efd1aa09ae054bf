"""Flatten the detected card to an upright ID-1 rectangle, and fix what is left of its tilt.

``warp_card`` undoes perspective and puts the long side horizontal, so a card photographed at
90 or 270 degrees comes out landscape. Whether it is upright or upside down is not decided here:
``orientation_hint`` gives a cheap vote (the photo block belongs on the right) that the pipeline
confirms with OCR, and ``rotate180`` turns it over. ``estimate_skew`` / ``deskew`` handle small
residual tilts from text-line angles.

Angles are in degrees, counter-clockwise on screen positive (OpenCV's convention).
"""

from __future__ import annotations

import math
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from ktp_ocr.imaging._cv import u8
from ktp_ocr.imaging.detect import ID1_ASPECT

__all__ = ["deskew", "estimate_skew", "orientation_hint", "quad_angle", "rotate180", "warp_card"]

U8 = NDArray[np.uint8]

#: Zones of an upright e-KTP, as fractions (x0, y0, x1, y1): where the photo block is, and its
#: mirror image, where the photo is when the card is upside down.
_PHOTO_ZONE: Final = (0.66, 0.18, 0.97, 0.80)
_MIRROR_ZONE: Final = (0.03, 0.20, 0.34, 0.82)
#: HSV saturation of the photo's red or blue background (the card's own tint is ~20-70).
_PHOTO_SATURATION: Final = 100
#: Width the skew search works at: enough for text lines, cheap to rotate ~60 times.
_SKEW_WIDTH: Final = 480
#: Coarse and fine steps of the skew search, in degrees.
_SKEW_COARSE: Final = 1.0
_SKEW_FINE: Final = 0.1


def _long_side_first(quad: NDArray[np.floating]) -> NDArray[np.float64]:
    """The corners as :func:`warp_card` uses them: starting so that the first side is long."""
    q = np.asarray(quad, np.float64).reshape(4, 2)
    long_a = np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])
    long_b = np.linalg.norm(q[2] - q[1]) + np.linalg.norm(q[3] - q[0])
    return np.roll(q, -1, axis=0) if long_b > long_a else q  # TL->TR short: the next corner


def card_to_image(quad: NDArray[np.floating], *, width: int = 1200) -> NDArray[np.float64]:
    """The 3x3 homography taking a point of :func:`warp_card`'s output back into the photo."""
    height = round(width / ID1_ASPECT)
    dst = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    src = _long_side_first(quad).astype(np.float32)
    return np.asarray(cv2.getPerspectiveTransform(dst, src), dtype=np.float64)


def warp_card(image: U8, quad: NDArray[np.floating], *, width: int = 1200) -> U8:
    """Perspective-flatten the card at ``quad`` into a ``width`` x ``round(width / 1.586)`` image.

    Args:
        image: The photo (BGR ``uint8``).
        quad: ``(4, 2)`` corners TL, TR, BR, BL in image pixels (may lie outside the image;
            the missing part is filled by repeating the border).
        width: Output width in pixels.

    Returns:
        The flattened card, long side horizontal (0 vs 180 degrees is left to the caller).
    """
    q = _long_side_first(quad)
    height = round(width / ID1_ASPECT)
    src_width = float(np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    img = image
    # Shrinking by more than 2x with bilinear sampling aliases fine print: pre-shrink.
    while src_width > 2.0 * width and min(img.shape[:2]) > 2:
        img = u8(cv2.pyrDown(img))
        q = q / 2.0
        src_width /= 2.0
    dst = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    m = cv2.getPerspectiveTransform(q.astype(np.float32), dst)
    return u8(
        cv2.warpPerspective(
            img, m, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
    )


def rotate180(img: U8) -> U8:
    """The image turned upside down."""
    return u8(cv2.rotate(img, cv2.ROTATE_180))


def _zone(img: NDArray[np.generic], zone: tuple[float, float, float, float]) -> NDArray[np.generic]:
    h, w = img.shape[:2]
    x0, y0, x1, y1 = zone
    return img[round(y0 * h) : round(y1 * h), round(x0 * w) : round(x1 * w)]


def orientation_hint(card: U8) -> float:
    """A cheap vote, -1..1, that the flattened card is upright (> 0) rather than upside down.

    On an e-KTP the photo (a saturated red or blue block with a dark, solid silhouette) sits on
    the right; on an upside-down card it is on the left. Both the saturated colour and the
    large solid dark mass (text strokes are removed by a morphological opening) are compared
    between the photo zone and its mirror. 0 means no evidence (e.g. a damaged card).
    """
    if card.ndim != 3 or card.shape[0] < 8 or card.shape[1] < 8:
        return 0.0
    w = card.shape[1]
    hsv = cv2.cvtColor(card, cv2.COLOR_BGR2HSV)
    sat = ((hsv[:, :, 1] >= _PHOTO_SATURATION) & (hsv[:, :, 2] >= 40)).astype(np.uint8)
    grey = hsv[:, :, 2]
    bg = float(np.percentile(grey, 75))
    dark = (grey < bg - 50).astype(np.uint8)
    k = max(3, round(w / 40)) | 1  # wider than a text stroke, narrower than the photo
    solid = cv2.morphologyEx(dark | sat, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    vals = []
    for zone in (_PHOTO_ZONE, _MIRROR_ZONE):
        vals.append(float(_zone(sat, zone).mean()) + float(_zone(solid, zone).mean()))
    right, left = vals
    return float(np.clip((right - left) / (right + left + 0.05), -1.0, 1.0))


def _text_mask(card: U8) -> U8:
    grey = card if card.ndim == 2 else cv2.cvtColor(card, cv2.COLOR_BGR2GRAY)
    h, w = grey.shape[:2]
    scale = _SKEW_WIDTH / w
    small = cv2.resize(grey, (_SKEW_WIDTH, max(8, round(h * scale))), interpolation=cv2.INTER_AREA)
    k = 9
    bh = cv2.morphologyEx(small, cv2.MORPH_BLACKHAT, np.ones((k, k), np.uint8))
    _, mask = cv2.threshold(bh, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if float(bh.max()) < 20:
        mask[:] = 0
    return u8(mask)


def _profile_score(mask: U8, angle: float) -> float:
    h, w = mask.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rot = cv2.warpAffine(mask, m, (w, h), flags=cv2.INTER_NEAREST)
    rows = rot.sum(axis=1, dtype=np.float64)
    return float(np.dot(rows, rows))


def estimate_skew(card: U8, *, max_angle: float = 20.0) -> float:
    """Angle of the card's text lines in degrees (counter-clockwise positive), 0 when unsure.

    Projection-profile search on a black-hat text mask: the rotation that makes the row sums
    peakiest levels the text. A 1-degree sweep over ``+-max_angle`` then a 0.1-degree refinement.
    """
    mask = _text_mask(card)
    if int(mask.sum()) < 0.002 * mask.size:
        return 0.0
    coarse = np.arange(-max_angle, max_angle + 1e-9, _SKEW_COARSE)
    scores = [_profile_score(mask, a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - _SKEW_COARSE, best + _SKEW_COARSE + 1e-9, _SKEW_FINE)
    scores = [_profile_score(mask, a) for a in fine]
    best = float(fine[int(np.argmax(scores))])
    # rotating by ``best`` levels the text, so the text is tilted by ``-best``
    return round(-best, 2) + 0.0


def deskew(card: U8, angle: float) -> U8:
    """Rotate ``card`` about its centre by ``-angle`` degrees, undoing a tilt of ``angle``.

    The size is kept; uncovered corners repeat the border.
    """
    if abs(angle) < 1e-3:
        return card
    h, w = card.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    return u8(
        cv2.warpAffine(card, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    )


def turn_upright(image: U8, angle: float) -> tuple[U8, NDArray[np.float64]]:
    """``image`` rotated so that content at ``angle`` degrees (image axes, y down) lies level.

    The canvas grows to hold the whole image. Returns the turned image and the 2x3 matrix that
    maps a point of ``image`` to the turned one (invert it to map back).
    """
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    out_w, out_h = math.ceil(h * sin + w * cos), math.ceil(h * cos + w * sin)
    m[0, 2] += out_w / 2 - w / 2
    m[1, 2] += out_h / 2 - h / 2
    turned = cv2.warpAffine(
        image, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return u8(turned), m.astype(np.float64)


def quad_angle(quad: NDArray[np.floating]) -> float:
    """Angle in degrees (counter-clockwise positive) of the quad's TL->TR side."""
    q = np.asarray(quad, np.float64).reshape(4, 2)
    d = q[1] - q[0]
    return math.degrees(math.atan2(-d[1], d[0]))
