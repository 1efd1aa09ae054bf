"""Is the flattened card readable? Findings a person can act on.

Each check measures one thing on the flattened card and compares it with a named threshold.
``reject`` is kept for the hopeless (no OCR engine will read it, retaking the photo is the only
way); everything doubtful is a ``warning`` and the pipeline still tries to read. Thresholds were
set on printed-text physics, not on one generator's output: how wide a blur makes 2 mm text
illegible, how many pixels a NIK digit needs, what a clipped highlight is. See each constant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from ktp_ocr.imaging._cv import u8
from ktp_ocr.types import BBox, FieldName, QualityVerdict

__all__ = ["Glare", "assess", "blur_score", "find_glare", "glare_mask"]

U8 = NDArray[np.uint8]

#: Width at which sharpness is judged: 500 px puts ~5.8 px on a millimetre, so 2 mm capitals
#: are ~12 px tall, and averaging four pixels into one damps sensor noise (which otherwise
#: passes for detail). A card whose source width is smaller is judged at that width.
BLUR_EVAL_WIDTH: Final = 500
#: Re-blur score (0 sharp .. 1 featureless; Crete-Roffet et al., "The blur effect", 2007) at
#: that width. Sharp print scores ~0.2; a Gaussian blur of sigma ~3.5 px on a 1000 px card
#: (small print starts to merge) ~0.45; sigma ~7 px (a third of the capital height: even the
#: NIK's digits merge) ~0.65. Noise lowers the score, so these err towards "readable".
BLUR_WARN: Final = 0.45
BLUR_REJECT: Final = 0.65

#: Mean luminance (8-bit L) below which the photo is dim; sensor noise then eats the print.
DARK_WARN: Final = 60.0
#: ...and the hopeless: so dark, or so flat (5th-95th percentile spread), that no print shows.
DARK_REJECT: Final = 22.0
FLAT_REJECT: Final = 12.0

#: A pixel is a clipped highlight when its darkest channel is at least this (8-bit).
GLARE_LEVEL: Final = 245
#: Saturation (HSV) above which a bright pixel is a colour, not a reflection.
GLARE_MAX_SATURATION: Final = 40
#: Smallest glare blob reported, as a fraction of the card (~ one character of the NIK).
GLARE_MIN_BLOB: Final = 0.002
#: The NIK row on an e-KTP: 22-32% of the height, left 60% of the width.
NIK_ZONE: Final = (0.0, 0.22, 0.60, 0.32)
#: Glare covering this share of the NIK row makes the NIK unreadable.
GLARE_NIK_REJECT: Final = 0.5
#: ...and this share of the whole card makes the card unreadable.
GLARE_CARD_REJECT: Final = 0.4

#: Card width in source pixels below which nothing can be read: at 250 px NIK digits are ~8 px
#: tall and the small print ~4 px, under what any OCR engine resolves.
MIN_SOURCE_WIDTH: Final = 250
#: Below this the small print (~2 mm) is under ~12 px tall: readable but error-prone.
LOW_SOURCE_WIDTH: Final = 600
#: Card area as a share of the photo under which the user should move closer.
SMALL_CARD_FRACTION: Final = 0.08
#: A card filling at least this share of the photo is not "small in the frame": when it is
#: still short of pixels, the photo itself is low resolution.
FRAME_FILLED_FRACTION: Final = 0.25


@dataclass(frozen=True, slots=True)
class Glare:
    """One reflection on the card: its box in card pixels and the share of the card it covers."""

    box: BBox
    fraction: float


def blur_score(grey: U8) -> float:
    """Re-blur blur score of a grey image, 0 (sharp) to 1 (featureless).

    The image is blurred again with a 9-pixel box; sharp images lose much of their
    neighbouring-pixel variation, blurred ones little. The worse of the two directions counts
    (motion blur is one-directional).
    """
    f = grey.astype(np.float32)
    worst = 0.0
    for axis, ksize in ((0, (1, 9)), (1, (9, 1))):
        b = cv2.blur(f, ksize)
        df = np.abs(np.diff(f, axis=axis))
        db = np.abs(np.diff(b, axis=axis))
        s_f = float(df.sum())
        if s_f <= 0:
            return 1.0
        s_v = float(np.maximum(0.0, df - db).sum())
        worst = max(worst, (s_f - s_v) / s_f)
    return worst


def _darkest_channel(card: U8) -> U8:
    """Each pixel's darkest colour channel (a clipped highlight is bright in all three)."""
    b, g, r = cv2.split(card)
    return u8(cv2.min(cv2.min(b, g), r))


def find_glare(card: U8, darkest: U8 | None = None) -> tuple[Glare, ...]:
    """Clipped near-white reflections on the flattened card, biggest first.

    ``darkest`` is :func:`_darkest_channel` of ``card`` when the caller has it already.
    """
    h, w = card.shape[:2]
    darkest = _darkest_channel(card) if darkest is None else darkest
    if int(darkest.max()) < GLARE_LEVEL:  # nothing clipped: most cards
        return ()
    hsv = cv2.cvtColor(card, cv2.COLOR_BGR2HSV)
    bright = (darkest >= GLARE_LEVEL) & (hsv[:, :, 1] <= GLARE_MAX_SATURATION)
    mask = cv2.morphologyEx(bright.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        frac = area / (h * w)
        if frac >= GLARE_MIN_BLOB:
            out.append(Glare(BBox(x, y, x + bw, y + bh), frac))
    return tuple(sorted(out, key=lambda g: -g.fraction))


def glare_mask(card: U8, glare: tuple[Glare, ...], darkest: U8 | None = None) -> U8:
    """1 where one of the reflections ``glare`` (:func:`find_glare`) clips the card, else 0."""
    h, w = card.shape[:2]
    darkest = _darkest_channel(card) if darkest is None else darkest
    mask = np.zeros((h, w), np.uint8)
    for g in glare:
        b = g.box
        mask[int(b.y0) : int(b.y1), int(b.x0) : int(b.x1)] = 1
    return u8(mask & (darkest >= GLARE_LEVEL).astype(np.uint8))


def _nik_cover(card_shape: tuple[int, ...], glare_mask: U8) -> float:
    h, w = card_shape[:2]
    x0, y0, x1, y1 = NIK_ZONE
    zone = glare_mask[round(y0 * h) : round(y1 * h), round(x0 * w) : round(x1 * w)]
    return float(zone.mean()) if zone.size else 0.0


def _where(box: BBox, w: int, h: int) -> str:
    cx, cy = box.cx / w, box.cy / h
    row = "top" if cy < 1 / 3 else "bottom" if cy > 2 / 3 else "middle"
    col = "left" if cx < 1 / 3 else "right" if cx > 2 / 3 else "centre"
    return (
        "centre" if row == "middle" and col == "centre" else f"{row} {col}".replace("middle ", "")
    )


def assess(
    card: U8,
    *,
    card_fraction: float | None,
    source_width: float | None = None,
    glare: tuple[Glare, ...] | None = None,
) -> tuple[QualityVerdict, ...]:
    """Quality findings for a flattened, upright card (BGR), worst first.

    Args:
        card: The flattened card (``warp_card`` output).
        card_fraction: Share of the photo's area the card covered, when known.
        source_width: The card's width in the original photo's pixels, when known (the
            flattened card may have been enlarged); defaults to the card's own width.
        glare: The card's reflections (:func:`find_glare`) when the caller has found them.
    """
    h, w = card.shape[:2]
    src_w = float(source_width) if source_width is not None else float(w)
    grey = cv2.cvtColor(card, cv2.COLOR_BGR2GRAY)
    verdicts: list[QualityVerdict] = []

    # --- size and resolution
    small_in_frame = card_fraction is not None and card_fraction < FRAME_FILLED_FRACTION
    if src_w < LOW_SOURCE_WIDTH:
        code = "card_too_small" if small_in_frame else "low_resolution"
        hopeless = src_w < MIN_SOURCE_WIDTH
        if code == "card_too_small":
            msg = (
                f"The card is only {src_w:.0f} pixels wide in the photo: move the phone closer "
                "so the card fills most of the frame."
            )
        else:
            msg = (
                f"The photo's resolution is too low (the card is {src_w:.0f} pixels wide): send "
                "the original photo, not a thumbnail, screenshot or compressed copy."
            )
        if not hopeless:
            msg = msg.replace(": ", "; small print may be misread: ", 1)
        verdicts.append(
            QualityVerdict(code, msg, "reject" if hopeless else "warning", round(src_w, 1))
        )
    if (
        card_fraction is not None
        and card_fraction < SMALL_CARD_FRACTION
        and not any(v.code == "card_too_small" for v in verdicts)
    ):
        verdicts.append(
            QualityVerdict(
                "card_too_small",
                f"The card fills only {card_fraction:.0%} of the photo: move the phone closer "
                "so the card fills most of the frame.",
                "warning",
                round(card_fraction, 4),
            )
        )

    # --- darkness / contrast
    mean_l = float(grey.mean())
    p5, p95 = (float(v) for v in np.percentile(grey[::2, ::2], [5, 95]))
    if mean_l < DARK_REJECT or (p95 - p5) < FLAT_REJECT:
        verdicts.append(
            QualityVerdict(
                "too_dark",
                "The photo is too dark or too flat to show any print: take it again in good light.",
                "reject",
                round(mean_l, 1),
            )
        )
    elif mean_l < DARK_WARN:
        verdicts.append(
            QualityVerdict(
                "too_dark",
                "The photo is dark, so some print may be misread: take it in better light "
                "(daylight or a lamp, not the flash).",
                "warning",
                round(mean_l, 1),
            )
        )

    # --- blur, judged at the resolution the card really had
    eval_w = int(min(BLUR_EVAL_WIDTH, src_w, w))
    if eval_w >= 32:
        small = cv2.resize(
            grey, (eval_w, max(8, round(h * eval_w / w))), interpolation=cv2.INTER_AREA
        )
        blur = blur_score(u8(small))
        if blur >= BLUR_REJECT:
            verdicts.append(
                QualityVerdict(
                    "too_blurred",
                    "The photo is too blurred to read: hold the phone still and tap the card "
                    "on the screen to focus.",
                    "reject",
                    round(blur, 3),
                )
            )
        elif blur >= BLUR_WARN:
            verdicts.append(
                QualityVerdict(
                    "too_blurred",
                    "The photo is slightly blurred, so some print may be misread: hold the "
                    "phone still and tap the card on the screen to focus.",
                    "warning",
                    round(blur, 3),
                )
            )

    # --- glare
    darkest = None
    if glare is None:
        darkest = _darkest_channel(card)
        glare = find_glare(card, darkest)
    if glare:
        mask = glare_mask(card, glare, darkest)
        total = float(sum(g.fraction for g in glare))
        nik = _nik_cover(card.shape, mask)
        on_nik = nik >= 0.05
        hopeless = nik >= GLARE_NIK_REJECT or total >= GLARE_CARD_REJECT
        where = "over the NIK" if on_nik else f"at the {_where(glare[0].box, w, h)}"
        verdicts.append(
            QualityVerdict(
                "glare",
                f"Light reflects off the card {where}: tilt the card or the phone a little, "
                "or switch off the flash.",
                "reject" if hopeless else "warning",
                round(max(total, nik), 4),
                FieldName.NIK if on_nik else None,
            )
        )

    verdicts.sort(key=lambda v: v.severity != "reject")
    return tuple(verdicts)
