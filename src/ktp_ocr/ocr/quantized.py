"""An int8 copy of the Latin recogniser, for CPUs that multiply 8-bit integers fast.

Nearly all of the recogniser's arithmetic is in its wide pointwise convolutions. Quantised
statically (8-bit activations, per-channel 8-bit weights), the recogniser runs in about 0.57 of
its float time on a CPU with VNNI dot-product instructions (AVX-512 VNNI or AVX-VNNI). On an x86
CPU with AVX2 but no VNNI, ONNX Runtime's 8-bit kernels add the products of two byte pairs in
16 bits, which can saturate; there the weights are kept to 7 bits (ONNX Runtime's
``reduce_range``: 255 x 64 x 2 fits in 16 bits), which still reads a card's lines in about 0.85
of the float time. Elsewhere (no AVX2, or not x86) the float model alone reads.

The activation ranges the quantisation needs were measured once, on the recogniser's inputs
while the reader read generated cards of a seed no benchmark uses, and are kept beside this
module (``data/rec_int8_ranges.json``, ONNX Runtime's calibration-cache format;
``scripts/calibrate_recogniser.py`` makes it again). The int8 copy is then derived from the
Latin recogniser on first use, as that one is from the wheel's model: nothing is downloaded,
and the file is keyed by the source model, the ranges and the ONNX Runtime version.

An 8-bit reading is not always the float one. The engine therefore reads a line again with the
float recogniser when the int8 one is unsure of it, and a whole image again when many of its
lines are unsure (see :mod:`ktp_ocr.ocr.recognisers`).
"""

from __future__ import annotations

import contextlib
import logging
import platform
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, Literal

from ktp_ocr.ocr.cache import keyed_model, write_atomic

__all__ = ["RANGES", "int8_model", "int8_weights", "quantize", "wide_pointwise"]


#: Activation ranges of the Latin recogniser's convolutions (ONNX Runtime calibration cache).
RANGES: Final = Path(__file__).parent / "data" / "rec_int8_ranges.json"
#: CPU flags (``/proc/cpuinfo``) of the 8-bit dot-product instructions (signed weights).
VNNI_FLAGS: Final = frozenset({"avx512_vnni", "avx_vnni"})
#: CPU flag of the 256-bit integer instructions the 8-bit kernels use without VNNI.
AVX2_FLAG: Final = "avx2"
#: Fewest channels in and out of a pointwise convolution that is quantised.
WIDE: Final = 192
#: Weights: signed 8-bit where VNNI multiplies them exactly, 7-bit elsewhere on AVX2.
Weights = Literal["s8", "s7"]


def _cpu_flags(cpuinfo: Path) -> set[str]:
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return {
        flag
        for line in text.splitlines()
        if line.startswith("flags")
        for flag in line.partition(":")[2].split()
    }


def int8_weights(cpuinfo: Path = Path("/proc/cpuinfo")) -> Weights | None:
    """The int8 weights this CPU reads fastest without saturating, or None: keep to float.

    ``s8`` on an x86 with VNNI, ``s7`` on one with AVX2 and no VNNI, None elsewhere.
    """
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return None
    flags = _cpu_flags(cpuinfo)
    if VNNI_FLAGS & flags:
        return "s8"
    return "s7" if AVX2_FLAG in flags else None


def _recipe(weights: Weights) -> str:
    return f"qoperator-pointwise-{WIDE}-u8{weights}-per-channel-2"


@contextlib.contextmanager
def _quiet_quantizer() -> Iterator[None]:
    """Hold back the advice ONNX Runtime's quantiser logs on the root logger while it runs."""

    def _not_quantizer(record: logging.LogRecord) -> bool:
        return "onnxruntime" not in record.pathname.replace("\\", "/")

    root = logging.getLogger()
    root.addFilter(_not_quantizer)
    try:
        yield
    finally:
        root.removeFilter(_not_quantizer)


def wide_pointwise(model: Any) -> list[str]:
    """Names of ``model``'s pointwise convolutions with at least :data:`WIDE` channels each way.

    These are the recogniser's wide layers, where nearly all its arithmetic is (about four
    fifths). The narrow ones (the first stages, the squeeze-and-excitation bottlenecks, the
    head) and the depthwise ones are left in float: they cost little, and quantised they
    changed twice as many readings.
    """
    weights = {t.name: list(t.dims) for t in model.graph.initializer}
    names = []
    for node in model.graph.node:
        dims = weights.get(node.input[1]) if node.op_type == "Conv" else None
        groups = next((a.i for a in node.attribute if a.name == "group"), 1)
        if dims and dims[2:] == [1, 1] and groups == 1 and min(dims[:2]) >= WIDE:
            names.append(node.name)
    return names


def quantize(source: Path, ranges: Path, target: Path, weights: Weights = "s8") -> None:
    """Write ``source`` with its wide pointwise convolutions quantised to int8 with ``ranges``.

    ``weights`` are 8-bit integers per output channel, or 7-bit ones (``s7``, that no
    product of two byte pairs overflows 16 bits).
    """
    import onnx
    from onnxruntime.quantization import (
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    nodes = wide_pointwise(onnx.load(str(source), load_external_data=False))
    if not nodes:
        raise ValueError("the recogniser has no wide pointwise convolutions to quantise")
    with _quiet_quantizer():
        quantize_static(
            str(source),
            str(target),
            None,
            quant_format=QuantFormat.QOperator,
            op_types_to_quantize=["Conv"],
            nodes_to_quantize=nodes,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            reduce_range=weights == "s7",
            calibrate_method=CalibrationMethod.MinMax,
            calibration_cache_path=ranges,
        )


def int8_model(
    source: Path,
    ranges: Path = RANGES,
    cache_dir: Path | None = None,
    weights: Weights = "s8",
) -> Path | None:
    """The int8 copy of ``source`` (made on first use), or None if it can't be made."""
    import onnxruntime

    return keyed_model(
        [source, ranges],
        [f"{_recipe(weights)}|{onnxruntime.__version__}"],
        lambda key: f"{source.stem}.int8{weights}-{key}.onnx",
        lambda target: write_atomic(target, lambda part: quantize(source, ranges, part, weights)),
        (ValueError, RuntimeError, KeyError, TypeError),  # ranges not for this model
        "an int8 recogniser",
        cache_dir,
    )
