"""The fonts the generator prints with, shipped in ``synth/data/fonts`` (licences: ``LICENSES/``).

Real print batches differ in typeface: Arial-like, Helvetica-like, narrow and humanist sans
all occur. Every family has a regular and a bold file; OCR-A only serves the NIK.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from PIL import ImageFont

Font = ImageFont.FreeTypeFont


@dataclass(frozen=True)
class Family:
    """A typeface: its name, regular and bold files, and a weight for how often cards use it."""

    name: str
    regular: str
    bold: str
    weight: float


FAMILIES: tuple[Family, ...] = (
    Family("liberation-sans", "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", 5.0),
    Family("freesans", "FreeSans.ttf", "FreeSansBold.ttf", 3.0),
    Family(
        "liberation-sans-narrow",
        "LiberationSansNarrow-Regular.ttf",
        "LiberationSansNarrow-Bold.ttf",
        1.5,
    ),
    Family("roboto", "Roboto-Regular.ttf", "Roboto-Bold.ttf", 2.0),
    Family("roboto-condensed", "RobotoCondensed-Regular.ttf", "RobotoCondensed-Bold.ttf", 1.5),
    Family("dejavu-sans-condensed", "DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf", 1.5),
    Family("noto-sans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", 1.5),
)
OCR_A = Family("ocr-a", "OCRA.ttf", "OCRA.ttf", 1.0)
BY_NAME = {f.name: f for f in (*FAMILIES, OCR_A)}


@cache
def _font_bytes(file: str) -> bytes:
    return resources.files("ktp_ocr.synth").joinpath("data", "fonts", file).read_bytes()


@cache
def load(file: str, size: int) -> Font:
    """The font in ``file`` at ``size`` pixels (cached)."""
    return ImageFont.truetype(io.BytesIO(_font_bytes(file)), max(size, 4))


def family(name: str) -> Family:
    """The family called ``name``."""
    return BY_NAME[name]
