"""What varies between print batches of the e-KTP, drawn once per card.

Typeface and weight of labels, values, header and NIK; sizes, spacing, margins and the value
column; label spellings; the photo box; ink colour, darkness and bleed; the print shift of the
personalised layer against the background; guilloche darkness, hologram and wear.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ktp_ocr.synth import fonts, vocab

ID1_ASPECT = 85.60 / 53.98


@dataclass(frozen=True)
class CardStyle:
    """One print batch's look; sizes are fractions of the card width unless named ``px``."""

    width: int
    family: str
    value_family: str
    header_family: str
    nik_family: str
    label_bold: bool
    colon_attached: bool
    value_bold: bool
    value_size: float
    label_scale: float
    nik_scale: float
    header_scale: float
    margin: float
    indent: float
    colon_gap: float
    value_gap: float
    header_top: float
    header_spacing: float
    nik_gap: float
    bottom: float
    photo_width: float
    photo_aspect: float
    photo_top: float
    photo_right: float
    blood_x: float
    ink: tuple[float, float, float]
    ink_alpha: float
    ink_blur: float
    thin_ink: bool
    shift: tuple[float, float]
    guilloche: float
    hologram: float
    wear: float
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def height(self) -> int:
        """Card height in pixels (ID-1 aspect)."""
        return round(self.width / ID1_ASPECT)


def _pick_family(rng: random.Random) -> str:
    return vocab.weighted(rng, {f.name: f.weight for f in fonts.FAMILIES})


def sample_style(rng: random.Random, *, hard: bool = False) -> CardStyle:
    """A random print batch; ``hard`` allows faded/thin ink and guilloche as dark as text."""
    family = _pick_family(rng)
    labels = {key: vocab.weighted(rng, row) for key, row in vocab.label_variants().items()}
    if rng.random() < 0.06:  # a batch printing its labels in capitals
        labels = {key: text.upper() for key, text in labels.items()}
    dark_lines = hard and rng.random() < 0.3
    faded = hard and rng.random() < 0.35
    k = rng.uniform(8, 55)
    return CardStyle(
        width=rng.randrange(1000, 1401, 2),
        family=family,
        value_family=family if rng.random() < 0.85 else _pick_family(rng),
        header_family=family if rng.random() < 0.7 else _pick_family(rng),
        nik_family=rng.choices([family, _pick_family(rng), "ocr-a"], [5, 3, 2])[0],
        label_bold=rng.random() < 0.12,
        colon_attached=rng.random() < 0.12,
        value_bold=rng.random() < 0.2,
        value_size=rng.uniform(0.019, 0.026),
        label_scale=rng.uniform(0.92, 1.04),
        nik_scale=rng.uniform(1.25, 1.6),
        header_scale=rng.uniform(1.1, 1.35),
        margin=rng.uniform(0.022, 0.055),
        indent=rng.uniform(0.0, 0.035),
        colon_gap=rng.uniform(0.005, 0.03),
        value_gap=rng.uniform(0.003, 0.012),
        header_top=rng.uniform(0.035, 0.07),
        header_spacing=rng.uniform(1.12, 1.35),
        nik_gap=rng.uniform(0.05, 0.1),
        bottom=rng.uniform(0.93, 0.965),
        photo_width=rng.uniform(0.215, 0.245),
        photo_aspect=rng.uniform(1.22, 1.32),
        photo_top=rng.uniform(0.2, 0.25),
        photo_right=rng.uniform(0.03, 0.055),
        blood_x=rng.uniform(0.42, 0.5),
        ink=(k + rng.uniform(0, 15), k + rng.uniform(-3, 5), k + rng.uniform(-5, 5)),
        ink_alpha=rng.uniform(0.58, 0.8) if faded else rng.uniform(0.88, 1.0),
        ink_blur=rng.uniform(0.2, 0.9),
        thin_ink=faded and rng.random() < 0.6,
        shift=(rng.gauss(0, 0.005), rng.gauss(0, 0.006)),
        guilloche=rng.uniform(0.85, 1.0)
        if dark_lines
        else rng.choices([rng.uniform(0.2, 0.5), rng.uniform(0.05, 0.15)], [9, 1])[0],
        hologram=rng.uniform(0.06, 0.2) if rng.random() < 0.6 else 0.0,
        wear=rng.uniform(0.2, 1.0) if rng.random() < 0.35 else 0.0,
        labels=labels,
    )
