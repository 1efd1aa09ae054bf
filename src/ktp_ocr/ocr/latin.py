"""A Latin-only copy of the shipped PP-OCR recogniser, derived locally from the wheel's model.

The recogniser shipped in the ``rapidocr`` wheel scores every time step against 18,708
characters (Chinese, Japanese, Korean, Latin...). A KTP is printed in Latin capitals, digits and
a little punctuation, so almost all of that final classifier is work thrown away, and a Chinese
glyph that happens to win a time step is only ever a misreading. This module slices the final
linear layer down to printable ASCII and its full-width forms (which NFKC folds into ASCII), and
writes that copy beside the user's cache once. Nothing is downloaded: the weights are the
wheel's own, a subset of them.

The derived file is keyed by the source model's digest and the kept alphabet, so a new wheel or
a new alphabet makes a new file. If the copy cannot be made (no writable folder, an unexpected
graph), the caller falls back to the full model.
"""

from __future__ import annotations

from pathlib import Path

from ktp_ocr.ocr.cache import default_cache_dir, keyed_model, write_atomic

__all__ = ["KEPT_CHARACTERS", "PruneError", "default_cache_dir", "latin_model", "prune_model"]


#: Printable ASCII and the full-width forms RapidOCR's dictionary has for them.
KEPT_CHARACTERS = frozenset(chr(c) for c in range(0x21, 0x7F)) | frozenset(
    chr(c) for c in range(0xFF01, 0xFF5F)
)

_FORMAT_VERSION = "1"


class PruneError(RuntimeError):
    """The model does not have the shape this module knows how to slice."""


def prune_model(source: Path, target: Path) -> int:
    """Write ``source`` with its classifier cut to :data:`KEPT_CHARACTERS`; returns class count.

    The graph must end ``MatMul(W) -> Add(b) -> Softmax`` with ``W`` of shape
    ``(hidden, classes)`` where ``classes`` is the dictionary plus the CTC blank (first) and a
    space (last), which is how PP-OCR recognisers are exported.
    """
    import numpy as np
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    meta = {p.key: p for p in model.metadata_props}
    if "character" not in meta:
        raise PruneError("no character list in the model")
    characters = meta["character"].value.splitlines()
    classes = len(characters) + 2
    output = graph.output[0].name
    softmax = [n for n in graph.node if n.op_type == "Softmax" and n.output[0] == output]
    if len(softmax) != 1:
        raise PruneError("the output is not a softmax")
    producers = {out: n for n in graph.node for out in n.output}
    add = producers.get(softmax[0].input[0])
    while add is not None and add.op_type == "Identity":
        add = producers.get(add.input[0])
    matmul = producers.get(add.input[0]) if add is not None and add.op_type == "Add" else None
    if add is None or matmul is None or matmul.op_type != "MatMul":
        raise PruneError("the classifier is not MatMul + Add")
    inits = {i.name: i for i in graph.initializer}
    weight, bias = inits.get(matmul.input[1]), inits.get(add.input[1])
    if weight is None or bias is None:
        raise PruneError("the classifier weights are not constants")
    w, b = numpy_helper.to_array(weight), numpy_helper.to_array(bias)
    if w.ndim != 2 or w.shape[1] != classes or b.shape != (classes,):
        raise PruneError(f"classifier shape {w.shape} does not match {classes} classes")

    keep = [0] + [i + 1 for i, c in enumerate(characters) if c in KEPT_CHARACTERS] + [classes - 1]
    weight.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(w[:, keep]), weight.name))
    bias.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(b[keep]), bias.name))
    meta["character"].value = "\n".join(characters[i - 1] for i in keep[1:-1])
    for dim in graph.output[0].type.tensor_type.shape.dim[-1:]:
        if dim.HasField("dim_value"):
            dim.dim_value = len(keep)
    del graph.value_info[:]  # shapes inferred for the old width would now be wrong
    try:
        onnx.checker.check_model(model)
    except onnx.checker.ValidationError as exc:
        raise PruneError(f"the sliced model does not validate: {exc}") from exc
    data = model.SerializeToString()
    write_atomic(target, lambda part: part.write_bytes(data))
    return len(keep)


def latin_model(source: Path, cache_dir: Path | None = None) -> Path | None:
    """The Latin-only copy of ``source`` (made on first use), or None if it can't be made."""
    return keyed_model(
        [source],
        [_FORMAT_VERSION, "".join(sorted(KEPT_CHARACTERS))],
        lambda key: f"{source.stem}.latin-{key}.onnx",
        lambda target: prune_model(source, target),
        (PruneError, ValueError),
        "a Latin-only recogniser (the whole one is used)",
        cache_dir,
    )
