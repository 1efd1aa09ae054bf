"""The engine Protocol: one method, a decoded image in, lines of text out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from ktp_ocr.types import OcrLine


@runtime_checkable
class OcrEngine(Protocol):
    """Reads text lines from a BGR ``uint8`` image.

    Boxes are in the pixel coordinates of the image given. Engines are built once with fixed
    options and are reused across images.
    """

    name: str

    def recognize(self, image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        """Return every line of text found in ``image``."""
        ...
