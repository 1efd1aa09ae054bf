"""A copy of the shipped text detector with its subnormal weights set to zero.

Two wide pointwise convolutions of the detector in the ``rapidocr`` wheel (768 channels in,
384 out, at the end of its backbone) hold weights smaller than the smallest normal float32
(about 1.2e-38): 255,000 of their 590,000 weights. A CPU multiplies such subnormal numbers in
microcode, tens of times slower than normal ones, so these two layers, about 6% of the
detector's arithmetic, took two thirds of its time: 150 ms a call at 736 x 448 on two threads,
288 ms on one (Intel Xeon, AVX-512).

A subnormal weight times an activation of the detector's range is below a float32's precision
beside the sums it is added to: set to zero, the detector's output was the same bit for bit on
the benchmark's scans, photos and hard photos, and a call took 50 ms on two threads, 83 ms on
one. ONNX Runtime can treat subnormals as zero itself (``session.set_denormal_as_zero``), but
only on its pool threads, not on the thread that calls it, which does its share of the work.

The copy is derived from the wheel's model on first use and kept beside the other derived
models (:mod:`ktp_ocr.ocr.cache`), keyed by the source's bytes: nothing is downloaded. The
recogniser has 241 subnormal weights in two narrow layers; zeroing them changed its time by
less than the noise, so it is left as shipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ktp_ocr.ocr.cache import keyed_model, write_atomic

__all__ = ["detector_model", "flush_subnormals"]


_FORMAT_VERSION = "1"


def flush_subnormals(model: Any) -> int:
    """Set the subnormal float32 weights of ONNX ``model`` to zero in place; returns how many."""
    import numpy as np
    from onnx import numpy_helper

    tiny = np.finfo(np.float32).tiny
    flushed = 0
    for init in model.graph.initializer:
        values = numpy_helper.to_array(init)
        if values.dtype != np.float32:
            continue
        subnormal = (values != 0) & (np.abs(values) < tiny)
        count = int(np.count_nonzero(subnormal))
        if count:
            values = np.where(subnormal, np.float32(0), values)
            init.CopyFrom(numpy_helper.from_array(values, init.name))
            flushed += count
    return flushed


def _write_flushed(source: Path, target: Path) -> None:
    import onnx

    model = onnx.load(str(source))
    flush_subnormals(model)
    data = model.SerializeToString()
    write_atomic(target, lambda part: part.write_bytes(data))


def detector_model(source: Path, cache_dir: Path | None = None) -> Path | None:
    """The copy of ``source`` without subnormal weights (made on first use), or None."""
    return keyed_model(
        [source],
        ["flush-subnormal", _FORMAT_VERSION],
        lambda key: f"{source.stem}.flushed-{key}.onnx",
        lambda target: _write_flushed(source, target),
        (ValueError, RuntimeError),
        "a detector without subnormal weights (the shipped one is used)",
        cache_dir,
    )
