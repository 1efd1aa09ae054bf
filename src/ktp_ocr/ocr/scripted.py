"""A fake engine that returns lines it was given: the test double for :class:`OcrEngine`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from ktp_ocr.types import OcrLine

Script = Sequence[OcrLine] | Callable[[NDArray[np.uint8]], Sequence[OcrLine]]


class ScriptedEngine:
    """Returns scripted lines for every image (or what a callable computes from the image).

    ``calls`` counts how often :meth:`recognize` ran, so tests can check the engine is reused.
    """

    name = "scripted"

    def __init__(self, lines: Script = ()) -> None:
        self._script = lines
        self.calls = 0

    def recognize(self, image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        """Return the scripted lines."""
        self.calls += 1
        if callable(self._script):
            return list(self._script(image))
        return list(self._script)
