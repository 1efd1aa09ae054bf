"""Several copies of one engine, so one process can read several cards at once.

Engines keep per-call state (RapidOCR switches steps on the object itself, a Tesseract handle
holds its image), so one copy must never serve two threads at once. The pool lends each call a
free copy and takes it back; a caller that finds none free waits for one. Copies of the same
engine read alike, so which copy serves a call does not change the result.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from numpy.typing import NDArray

from ktp_ocr.ocr.base import OcrEngine
from ktp_ocr.types import OcrLine


class EnginePool:
    """An :class:`OcrEngine` backed by ``size`` copies built by ``factory``."""

    def __init__(self, factory: Callable[[], OcrEngine], size: int) -> None:
        if size < 1:
            raise ValueError("an engine pool needs at least one engine")
        engines = [factory() for _ in range(size)]
        self.name = engines[0].name
        self.size = size
        self._free: queue.SimpleQueue[OcrEngine] = queue.SimpleQueue()
        for engine in engines:
            self._free.put(engine)

    @contextmanager
    def lease(self) -> Iterator[OcrEngine]:
        """One copy for the caller alone, returned to the pool afterwards."""
        engine = self._free.get()
        try:
            yield engine
        finally:
            self._free.put(engine)

    def recognize(self, image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        """Read ``image`` with whichever copy is free."""
        with self.lease() as engine:
            return engine.recognize(image)

    def recognize_crops(self, crops: Sequence[NDArray[np.uint8]]) -> list[tuple[str, float]]:
        """Read pre-cut single-line crops with whichever copy is free, as the engine would.

        Nothing when the engine cannot read a line without detecting it (Tesseract): the pool
        is used in place of one engine, so it offers what one engine offers.
        """
        with self.lease() as engine:
            read = getattr(engine, "recognize_crops", None)
            return [] if read is None else list(read(crops))
