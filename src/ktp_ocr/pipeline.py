"""The reader: imaging -> OCR -> layout -> fields -> regions -> checks.

Only this module knows the order of the stages. (Skeleton: stages are being filled in.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ktp_ocr.config import Settings
from ktp_ocr.ocr import OcrEngine, create_engine
from ktp_ocr.regions import RegionRepository
from ktp_ocr.types import ReadResult

ImageInput = str | Path | bytes | NDArray[np.uint8] | Any  # Any: a PIL image


@dataclass(frozen=True, slots=True)
class Limits:
    """Input limits enforced before any decoding work."""

    max_bytes: int = 40 * 1024 * 1024
    max_pixels: int = 40_000_000


class Reader:
    """Reads KTP images. Build once (the engine loads once) and call :meth:`read` per image."""

    def __init__(
        self,
        engine: OcrEngine,
        regions: RegionRepository | None = None,
        *,
        limits: Limits = Limits(),
        today: date | None = None,
    ) -> None:
        self.engine = engine
        self.regions = regions
        self.limits = limits
        self._today = today

    def read(self, image: ImageInput, *, keep_card_image: bool = False) -> ReadResult:
        """Read one card. Raises an :class:`~ktp_ocr.errors.InputError` subclass when it can't."""
        raise NotImplementedError


def build_reader(settings: Settings) -> Reader:
    """A reader configured from settings: engine, region repository and limits."""
    engine = create_engine(settings.ocr_engine)
    return Reader(engine, None, limits=Limits(settings.max_upload_bytes, settings.max_pixels))


_DEFAULT_READER: Reader | None = None


def read_ktp(image: ImageInput) -> ReadResult:
    """Read one KTP image (path, bytes, NumPy BGR array or PIL image) with the default reader."""
    global _DEFAULT_READER
    if _DEFAULT_READER is None:
        _DEFAULT_READER = build_reader(Settings())
    return _DEFAULT_READER.read(image)
