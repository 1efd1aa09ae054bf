"""Region reads on a flattened card: crops, preprocessing variants and the bounded NIK search.

Pure NumPy/OpenCV helpers, free of any OCR runtime, so they are tested without Tesseract. The
Tesseract adapter (:mod:`ktp_ocr.ocr.tesseract`) supplies the one thing they lack: a function
that reads a prepared crop, ``(grey crop) -> (text, confidence)``.

The NIK row is re-read on its own with a digit whitelist, trying a few preprocessing variants in
a fixed order and stopping at the first reading the caller's ``accept`` test passes (by default:
exactly 16 digits). ``accept`` is injected because judging a NIK (its date, its region) belongs
to :mod:`ktp_ocr.fields`, which this layer may not import.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import cv2
import numpy as np
from numpy.typing import NDArray

from ktp_ocr.types import BBox, OcrLine

GreyImage = NDArray[np.uint8]
#: Reads a prepared grey crop: the text and a 0..1 confidence.
CropReader = Callable[[GreyImage], tuple[str, float]]
#: Judges a candidate NIK string (16 ASCII digits).
Accept = Callable[[str], bool]

DIGITS = "0123456789"
NIK_LENGTH = 16
#: Where the NIK value sits on a flattened, upright card, as fractions of width and height
#: (x0, y0, x1, y1): right of the ``NIK :`` label, below the two header lines.
NIK_BAND = (0.19, 0.13, 0.72, 0.245)
#: A row of a band crop holds text when more than this share of its pixels is ink.
INK_ROW_SHARE = 0.02
#: Height of the NIK's line box as a share of the card height (about 25 px on a 630 px card).
NIK_LINE_SHARE = 0.04
#: Bounded search: at most this many reads of the NIK crop.
MAX_TRIES = 3
#: The NIK crop is scaled so its line box is this many pixels tall. Measured on 124 rendered
#: cards (12-26 px): sans-serif digits read right at every height (81/82); OCR-A digits best at
#: 14 px (26/41 right, 10 wrong) and worse above (26 px: 16 right, 20 wrong).
NIK_TEXT_HEIGHT = 14
#: Padding around a line box before reading it, in line heights (vertical, horizontal).
PAD_Y, PAD_X = 0.45, 0.35
#: Blank margin added around a crop, in pixels: Tesseract misses glyphs touching the border.
BORDER = 12
#: Adaptive threshold: block size in text heights and the offset below the local mean.
ADAPTIVE_BLOCK, ADAPTIVE_C = 1.5, 12
#: A line's leading word that is one of these characters, narrow and shorter than the line's
#: other words, is the field separator ``:`` misread (``1 KARYAWAN SWASTA``).
COLON_LOOKALIKES = frozenset(":;.,1|!lIi'`\"»«")
COLON_MAX_WIDTH = 0.35  # of the median word height
COLON_MAX_HEIGHT = 0.9  # of the median word height

_NON_DIGIT = re.compile(r"\D")
_NIK_LABEL = re.compile(r"^\W*N\s*[I1l|!]\s*K\b\W*", re.IGNORECASE)
_DIGITLIKE = re.compile(r"[0-9OoDQIl|!SZB]")
#: A line holds a NIK value when it has at least this many digits.
MIN_NIK_DIGITS = 10


@runtime_checkable
class NikRegionReader(Protocol):
    """An engine that can re-read the NIK row of a flattened card: the ensemble's second opinion.

    :class:`~ktp_ocr.ocr.tesseract.TesseractEngine` is one.
    """

    def read_nik_region(
        self,
        card: NDArray[np.uint8],
        *,
        box: BBox | None = None,
        accept: Accept | None = None,
    ) -> OcrLine | None:
        """The first reading of the NIK row that ``accept`` passes, or None."""
        ...


@dataclass(frozen=True, slots=True)
class Word:
    """One word as an engine read it: text, box in image pixels, confidence 0..1."""

    text: str
    box: BBox
    confidence: float


@dataclass(frozen=True, slots=True)
class NikReading:
    """One reading of the NIK crop: the digits, how sure the engine was, and the verdict."""

    text: str
    confidence: float
    accepted: bool
    variant: str


@dataclass(frozen=True, slots=True)
class NikSpot:
    """Where a line list puts the NIK value: its box, and the index of the line holding it."""

    box: BBox
    line: int | None
    label: str  # the label text the line starts with ("NIK :"), "" when the line is only digits


def sixteen_digits(text: str) -> bool:
    """The default ``accept``: exactly 16 ASCII digits."""
    return len(text) == NIK_LENGTH and text.isascii() and text.isdigit()


# -- lines ---------------------------------------------------------------------------------------


def assemble_line(words: Sequence[Word]) -> OcrLine | None:
    """One :class:`OcrLine` from its words: joined text, union box, mean word confidence.

    A leading separator misread as ``1``, ``.`` or ``|`` (narrow and short) becomes ``:``.
    """
    kept = [w for w in words if w.text.strip()]
    if not kept:
        return None
    texts = [" ".join(w.text.split()) for w in kept]
    if len(kept) > 1 and _is_separator(kept[0], kept[1:]):
        texts[0] = ":"
    text = " ".join(texts)
    if not any(ch.isalnum() for ch in text):
        return None
    box = kept[0].box
    for w in kept[1:]:
        box = box.union(w.box)
    confidence = sum(w.confidence for w in kept) / len(kept)
    return OcrLine(text, box, min(max(confidence, 0.0), 1.0))


def _is_separator(first: Word, rest: Sequence[Word]) -> bool:
    if not first.text or not set(first.text.strip()) <= COLON_LOOKALIKES:
        return False
    height = float(np.median([w.box.height for w in rest]))
    return (
        first.box.width <= COLON_MAX_WIDTH * height
        and first.box.height <= COLON_MAX_HEIGHT * height
    )


def locate_nik(lines: Sequence[OcrLine], size: tuple[int, int]) -> NikSpot | None:
    """The NIK value's box in ``lines`` of an upright card of ``size`` (width, height).

    The line on the ``NIK`` label's row with the most digits, else the highest line in the top
    half with at least 10 digits; when only the label was read, the band right of it. None when
    neither the label nor a digit line is there (the image is not a card, or not upright).
    """
    width, height = size
    label = next((i for i, ln in enumerate(lines) if _NIK_LABEL.match(ln.text)), None)
    if label is not None:
        spot = _nik_on_label_row(lines, label, width)
        if spot is not None:
            return spot
    digit_lines = [
        i
        for i, ln in enumerate(lines)
        if _digit_count(ln.text) >= MIN_NIK_DIGITS and ln.box.cy < height / 2
    ]
    if digit_lines:
        i = min(digit_lines, key=lambda k: lines[k].box.y0)
        return NikSpot(lines[i].box, i, "")
    return None


def _nik_on_label_row(lines: Sequence[OcrLine], label: int, width: int) -> NikSpot | None:
    lab = lines[label]
    merged = _NIK_LABEL.match(lab.text)
    assert merged is not None
    rest = lab.text[merged.end() :]
    if _digit_count(rest) >= MIN_NIK_DIGITS:
        share = merged.end() / max(len(lab.text), 1)
        box = BBox(lab.box.x0 + lab.box.width * share, lab.box.y0, lab.box.x1, lab.box.y1)
        return NikSpot(box, label, merged.group(0).strip())
    row = [
        i
        for i, ln in enumerate(lines)
        if i != label
        and abs(ln.box.cy - lab.box.cy) < lab.box.height * 0.8
        and ln.box.x0 > lab.box.x0
        and _digit_count(ln.text) >= MIN_NIK_DIGITS // 2
    ]
    if row:
        i = max(row, key=lambda k: _digit_count(lines[k].text))
        return NikSpot(lines[i].box, i, "")
    band = BBox(lab.box.x1, lab.box.y0, width * NIK_BAND[2], lab.box.y1)
    return NikSpot(band, None, "")


def _digit_count(text: str) -> int:
    return len(_DIGITLIKE.findall(text))


def nominal_line_height(size: tuple[int, int]) -> float:
    """The NIK line's expected height on a flattened card of ``size`` (width, height)."""
    return size[1] * NIK_LINE_SHARE


def nominal_nik_box(size: tuple[int, int]) -> BBox:
    """The NIK band of a flattened card of ``size`` (width, height), from :data:`NIK_BAND`."""
    w, h = size
    x0, y0, x1, y1 = NIK_BAND
    return BBox(x0 * w, y0 * h, x1 * w, y1 * h)


# -- pixels --------------------------------------------------------------------------------------


def crop_box(
    image: NDArray[np.uint8], box: BBox, line_h: float | None = None
) -> tuple[NDArray[np.uint8], BBox]:
    """The crop of ``box`` padded by :data:`PAD_Y`/:data:`PAD_X` line heights, clipped.

    ``line_h`` is the text line's height (default: the box's). Returns the crop and its box in
    the image's coordinates.
    """
    h, w = image.shape[:2]
    line_h = max(box.height if line_h is None else line_h, 1.0)
    x0 = int(max(0, box.x0 - PAD_X * line_h))
    x1 = int(min(w, box.x1 + PAD_X * line_h))
    y0 = int(max(0, box.y0 - PAD_Y * line_h))
    y1 = int(min(h, box.y1 + PAD_Y * line_h))
    if x1 <= x0 or y1 <= y0:
        return image[0:0, 0:0], BBox(float(x0), float(y0), float(x0), float(y0))
    return image[y0:y1, x0:x1], BBox(float(x0), float(y0), float(x1), float(y1))


def ink_band(image: NDArray[np.uint8], line_h: float) -> tuple[int, int] | None:
    """The rows of the inkiest text line in ``image`` (a band that may clip lines above/below).

    Rows are inked where Otsu (on the brightest channel) finds dark pixels in more than
    :data:`INK_ROW_SHARE` of the width; runs shorter than half ``line_h`` are noise. Returns
    ``(y0, y1)`` or None when no run is tall enough.
    """
    if image.size == 0:
        return None
    ink = otsu(max_channel(image)) == 0
    inked = ink.mean(axis=1) > INK_ROW_SHARE
    runs: list[tuple[int, int, float]] = []
    start: int | None = None
    for y, on in enumerate([*inked.tolist(), False]):
        if on and start is None:
            start = y
        elif not on and start is not None:
            if y - start >= line_h / 2:
                runs.append((start, y, float(ink[start:y].sum())))
            start = None
    if not runs:
        return None
    y0, y1, _ = max(runs, key=lambda run: run[2])
    return y0, y1


def to_grey(image: NDArray[np.uint8]) -> GreyImage:
    """Luminance of a BGR (or already grey) image."""
    if image.ndim == 2:
        return image
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)


def max_channel(image: NDArray[np.uint8]) -> GreyImage:
    """The brightest channel per pixel: black ink stays dark, coloured guilloche turns light."""
    if image.ndim == 2:
        return image
    return np.asarray(image.max(axis=2), dtype=np.uint8)


def scale_to(grey: GreyImage, factor: float) -> GreyImage:
    """``grey`` resized by ``factor`` (cubic when enlarging, area when shrinking)."""
    if abs(factor - 1.0) < 1e-3:
        return grey
    interp = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    return np.asarray(cv2.resize(grey, None, fx=factor, fy=factor, interpolation=interp))


def pad(grey: GreyImage) -> GreyImage:
    """A white-ish border (the crop's own edge colour) of :data:`BORDER` pixels."""
    return np.asarray(
        cv2.copyMakeBorder(grey, BORDER, BORDER, BORDER, BORDER, cv2.BORDER_REPLICATE)
    )


def otsu(grey: GreyImage) -> GreyImage:
    """Global Otsu binarisation."""
    _, out = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return np.asarray(out, dtype=np.uint8)


def adaptive(grey: GreyImage, text_height: float) -> GreyImage:
    """Local (Gaussian-weighted) threshold, the block about 1.5 text heights."""
    block = max(3, int(text_height * ADAPTIVE_BLOCK) | 1)
    out = cv2.adaptiveThreshold(
        grey, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, ADAPTIVE_C
    )
    return np.asarray(out, dtype=np.uint8)


@dataclass(frozen=True, slots=True)
class Variant:
    """One way to prepare the NIK crop: a name and ``(BGR crop, text height) -> grey``."""

    name: str
    prepare: Callable[[NDArray[np.uint8], float], GreyImage]


def _grey_variant(crop: NDArray[np.uint8], text_h: float) -> GreyImage:
    return pad(scale_to(to_grey(crop), NIK_TEXT_HEIGHT / text_h))


def _otsu_variant(crop: NDArray[np.uint8], text_h: float) -> GreyImage:
    return pad(otsu(scale_to(max_channel(crop), NIK_TEXT_HEIGHT / text_h)))


def _adaptive_variant(crop: NDArray[np.uint8], text_h: float) -> GreyImage:
    return pad(adaptive(scale_to(max_channel(crop), NIK_TEXT_HEIGHT / text_h), NIK_TEXT_HEIGHT))


#: The bounded search's order: grey (Tesseract's own Otsu), then the brightest channel (drops
#: the blue-green guilloche) with a global, then a local threshold.
NIK_VARIANTS: tuple[Variant, ...] = (
    Variant("grey", _grey_variant),
    Variant("max_otsu", _otsu_variant),
    Variant("max_adaptive", _adaptive_variant),
)


# -- the bounded NIK search ----------------------------------------------------------------------


def digit_strings(text: str) -> list[str]:
    """Candidate NIK strings in a digits-only reading.

    The digits themselves; when there are one or two too many, also each 16-digit window, the
    rightmost first (the extra digit is most often the ``:`` left of the number).
    """
    digits = _NON_DIGIT.sub("", text)
    out = [digits]
    if NIK_LENGTH < len(digits) <= NIK_LENGTH + 2:
        starts = range(len(digits) - NIK_LENGTH, -1, -1)
        out += [digits[i : i + NIK_LENGTH] for i in starts]
    return out


def search_nik(
    read: CropReader,
    crop: NDArray[np.uint8],
    text_height: float,
    *,
    accept: Accept | None = None,
    variants: Sequence[Variant] = NIK_VARIANTS,
    max_tries: int = MAX_TRIES,
) -> list[NikReading]:
    """Read ``crop`` with up to ``max_tries`` variants; stop at the first accepted reading.

    Returns every reading made, in order (the last one is the accepted one, if any).
    """
    test = accept or sixteen_digits
    readings: list[NikReading] = []
    if crop.size == 0 or text_height <= 0:
        return readings
    for variant in variants[: max(max_tries, 0)]:
        text, confidence = read(variant.prepare(crop, text_height))
        candidates = digit_strings(text)
        passed = next((c for c in candidates if test(c)), None)
        readings.append(
            NikReading(passed or candidates[0], confidence, passed is not None, variant.name)
        )
        if passed is not None:
            break
    return readings


def best_reading(readings: Sequence[NikReading]) -> NikReading | None:
    """The accepted reading, else the 16-digit string most readings agree on, else None."""
    accepted = [r for r in readings if r.accepted]
    if accepted:
        return accepted[0]
    full = [r for r in readings if sixteen_digits(r.text)]
    if not full:
        return None
    votes = Counter(r.text for r in full)
    return max(full, key=lambda r: (votes[r.text], r.confidence))
