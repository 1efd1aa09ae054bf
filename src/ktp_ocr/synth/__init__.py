"""Synthetic e-KTP images with exact ground truth (no real person's card is ever used).

``generate`` yields :class:`SynthCard` objects; ``write_dataset`` writes ``<id>.jpg``,
``<id>.json`` and ``manifest.json``; ``python -m ktp_ocr.synth`` does the same from a shell.
"""

from ktp_ocr.synth.augment import CONDITIONS
from ktp_ocr.synth.dataset import (
    GENERATOR_VERSION,
    SynthCard,
    card_record,
    generate,
    make_card,
    write_dataset,
    write_golden,
)

__all__ = [
    "CONDITIONS",
    "GENERATOR_VERSION",
    "SynthCard",
    "card_record",
    "generate",
    "make_card",
    "write_dataset",
    "write_golden",
]
