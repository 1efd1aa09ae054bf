"""The reader: decode -> find card -> flatten -> OCR -> layout -> fields -> regions -> checks.

Only :mod:`ktp_ocr.pipeline.reader` knows the order of the stages; each stage is a function
tested on its own. :mod:`~ktp_ocr.pipeline.inference` holds what the reader infers across
fields, :mod:`~ktp_ocr.pipeline.rereads` the bounded second looks at a value,
:mod:`~ktp_ocr.pipeline.refusal` why a card cannot be read,
:mod:`~ktp_ocr.pipeline.nik_opinions` the NIK's second looks (the header's mend, a second
engine), :mod:`~ktp_ocr.pipeline.places` the place names against the region database,
:mod:`~ktp_ocr.pipeline.frames` the geometry between the photo, the card and its crops, and
:mod:`~ktp_ocr.pipeline.reading` one OCR pass and the stage clock.
"""

from ktp_ocr.pipeline.reader import (
    CARD_WIDTH,
    ImageInput,
    Limits,
    Reader,
    build_reader,
    engine_options,
    read_ktp,
)

__all__ = [
    "CARD_WIDTH",
    "ImageInput",
    "Limits",
    "Reader",
    "build_reader",
    "engine_options",
    "read_ktp",
]
