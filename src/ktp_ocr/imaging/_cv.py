"""Typed views of OpenCV results (its stubs return a loose ``Mat | ndarray`` union).

``np.asarray`` with the dtype the array already has returns it as is: no copy, no cost.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray


def u8(a: Any) -> NDArray[np.uint8]:
    """``a`` as a ``uint8`` array."""
    return np.asarray(a, dtype=np.uint8)


def f32(a: Any) -> NDArray[np.float32]:
    """``a`` as a ``float32`` array."""
    return np.asarray(a, dtype=np.float32)


def i32(a: Any) -> NDArray[np.int32]:
    """``a`` as an ``int32`` array."""
    return np.asarray(a, dtype=np.int32)
