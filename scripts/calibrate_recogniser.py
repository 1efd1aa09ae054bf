"""Measure the activation ranges of the Latin recogniser for its int8 copy.

Generates seeded synthetic cards (all three capture conditions, a seed no benchmark or test
uses), reads them with the float reader while recording every input the recogniser is given,
and runs ONNX Runtime's MinMax calibrator (a moving average) over those inputs. The ranges are
written in ONNX Runtime's calibration-cache format to
``src/ktp_ocr/ocr/data/rec_int8_ranges.json``, which ``ktp_ocr.ocr.quantized`` uses to derive
the int8 recogniser on a user's machine.

    .venv/bin/python scripts/calibrate_recogniser.py [--n 30] [--seed 99]
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ktp_ocr.config import Settings
from ktp_ocr.errors import InputError
from ktp_ocr.ocr.quantized import RANGES
from ktp_ocr.pipeline import build_reader
from ktp_ocr.regions.sql import open_repository
from ktp_ocr.synth import write_dataset


class _Recording:
    """An ONNX session stand-in that keeps a copy of every input it is given."""

    def __init__(self, inner: Any, store: list[np.ndarray]) -> None:
        self._inner = inner
        self._store = store

    def __call__(self, x: np.ndarray) -> Any:
        self._store.append(np.array(x, copy=True))
        return self._inner(x)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _recogniser_inputs(folder: Path) -> tuple[list[np.ndarray], Path]:
    """Every recogniser input while the float reader reads ``folder``, and that model's path."""
    settings = Settings(ocr_quantized=False)
    reader = build_reader(settings)
    rec = reader.engine._ocr.text_rec  # type: ignore[attr-defined]
    copies = getattr(rec, "sure", None) or [rec]
    store: list[np.ndarray] = []
    for copy in copies:
        copy.session = _Recording(copy.session, store)
    for image in sorted(folder.glob("*.jpg")):
        with contextlib.suppress(InputError):
            reader.read(image)
    return store, Path(copies[0].cfg.model_path)


def _calibrate(model: Path, inputs: list[np.ndarray], out: Path) -> None:
    from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod
    from onnxruntime.quantization.calibrate import create_calibrator, save_tensors_data

    class _Inputs(CalibrationDataReader):  # type: ignore[misc]
        def __init__(self, name: str) -> None:
            self._it: Iterator[np.ndarray] = iter(inputs)
            self._name = name

        def get_next(self) -> dict[str, np.ndarray] | None:
            x = next(self._it, None)
            return None if x is None else {self._name: x}

    with tempfile.TemporaryDirectory() as tmp:
        calibrator = create_calibrator(
            model,
            ["Conv"],
            augmented_model_path=str(Path(tmp) / "augmented.onnx"),
            calibrate_method=CalibrationMethod.MinMax,
            # A moving average of each input's extremes, not the most extreme of all: one
            # outlier line would otherwise coarsen every other line's steps.
            extra_options={"moving_average": True, "averaging_constant": 0.01},
        )
        name = calibrator.infer_session.get_inputs()[0].name
        calibrator.collect_data(_Inputs(name))
        save_tensors_data(calibrator.compute_data(), out)
    out.chmod(0o644)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="cards to generate (a third each)")
    parser.add_argument("--seed", type=int, default=99)
    parser.add_argument("--out", type=Path, default=RANGES)
    args = parser.parse_args()
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        regions = open_repository(settings.database_url)
        write_dataset(folder, args.n, seed=args.seed, regions=regions)
        inputs, model = _recogniser_inputs(folder)
    _calibrate(model, inputs, args.out)
    print(f"{len(inputs)} recogniser inputs from {args.n} cards -> {args.out}")


if __name__ == "__main__":
    main()
