"""Zeroing the subnormal weights of an ONNX model (the detector's copy, ocr/subnormal.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from ktp_ocr.ocr.subnormal import detector_model, flush_subnormals

TINY = float(np.finfo(np.float32).tiny)


def _model(weights: np.ndarray) -> onnx.ModelProto:
    """y = x @ W, with W ``weights`` and an int64 shape constant beside it."""
    w = numpy_helper.from_array(weights.astype(np.float32), "W")
    shape = numpy_helper.from_array(np.array([1, weights.shape[1]], dtype=np.int64), "shape")
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "W"], ["m"]),
            helper.make_node("Reshape", ["m", "shape"], ["y"]),
        ],
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, weights.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, weights.shape[1]])],
        [w, shape],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _weights(model: onnx.ModelProto) -> np.ndarray:
    return next(numpy_helper.to_array(i) for i in model.graph.initializer if i.name == "W")


def test_only_subnormal_weights_become_zero() -> None:
    values = np.array(
        [[TINY / 2, -TINY / 4, 0.0], [TINY, -TINY, 0.25], [1e-45, -3.5, TINY * 0.999]],
        dtype=np.float32,
    )
    model = _model(values)
    assert flush_subnormals(model) == 4
    flushed = _weights(model)
    assert flushed.dtype == np.float32 and flushed.shape == values.shape
    expected = values.copy()
    expected[0, 0] = expected[0, 1] = expected[2, 0] = expected[2, 2] = 0
    np.testing.assert_array_equal(flushed, expected)
    # The smallest normal numbers and the int64 constant are left as they were.
    assert flushed[1, 0] == np.float32(TINY) and flushed[1, 1] == -np.float32(TINY)
    shape = next(i for i in model.graph.initializer if i.name == "shape")
    assert numpy_helper.to_array(shape).tolist() == [1, 3]
    onnx.checker.check_model(model)


def test_a_model_without_subnormals_is_left_alone() -> None:
    model = _model(np.array([[0.5, -2.0], [0.0, 1e-30]], dtype=np.float32))
    before = model.SerializeToString()
    assert flush_subnormals(model) == 0
    assert model.SerializeToString() == before


def test_the_copy_is_made_once_and_keyed_by_its_source(tmp_path: Path) -> None:
    source = tmp_path / "det.onnx"
    onnx.save(_model(np.array([[TINY / 8, 1.0]], dtype=np.float32)), str(source))
    cache = tmp_path / "cache"
    derived = detector_model(source, cache)
    assert derived is not None and derived.parent == cache and derived.stem.startswith("det.")
    assert _weights(onnx.load(str(derived))).tolist() == [[0.0, 1.0]]
    stamp = derived.stat().st_mtime_ns
    assert detector_model(source, cache) == derived
    assert derived.stat().st_mtime_ns == stamp
    # Another source (a new wheel's model) makes another file.
    onnx.save(_model(np.array([[TINY / 8, 2.0]], dtype=np.float32)), str(source))
    other = detector_model(source, cache)
    assert other is not None and other != derived


def test_an_unreadable_source_keeps_the_shipped_model(tmp_path: Path) -> None:
    assert detector_model(tmp_path / "missing.onnx", tmp_path) is None
    assert not list(tmp_path.glob("*.onnx"))


@pytest.mark.parametrize("values", [[[TINY / 3]], [[-TINY / 3, 5.0]]])
def test_the_flushed_model_computes_the_same(values: list[list[float]], tmp_path: Path) -> None:
    import onnxruntime as ort

    weights = np.array(values, dtype=np.float32)
    source, model = tmp_path / "m.onnx", _model(weights)
    onnx.save(model, str(source))
    flush_subnormals(model)
    x = np.full((1, weights.shape[0]), 0.75, dtype=np.float32)
    shipped = ort.InferenceSession(str(source), providers=["CPUExecutionProvider"])
    copy = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(
        copy.run(None, {"x": x})[0], shipped.run(None, {"x": x})[0], atol=1e-37
    )
