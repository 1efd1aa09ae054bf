"""One reading of a flattened card, and the clock of a reading's stages."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ktp_ocr.types import OcrLine


class Timer:
    """Milliseconds spent per stage of one reading (a stage may run more than once)."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as stage ``name``."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.ms[name] = self.ms.get(name, 0.0) + (time.perf_counter() - start) * 1000


@dataclass(frozen=True, slots=True)
class Reading:
    """What one OCR pass over a flattened card gave: its lines and how many labels they hold."""

    card: NDArray[np.uint8]
    lines: Sequence[OcrLine]
    labels: int
    turned: bool = False  # the flattened card was read turned 180 degrees
