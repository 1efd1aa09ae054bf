"""RapidOCR's recogniser as copies that read a card's lines side by side, int8 first."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "DOUBTFUL_SHARE",
    "MAX_REC_COPIES",
    "UNSURE_LINE",
    "Recogniser",
    "copy_recogniser",
    "one_photo",
    "share_lines",
]

#: Most recogniser copies reading one image's lines side by side (``threads`` 0 = one per core,
#: up to this): each copy is one more ONNX session, about 20 MB more resident memory.
MAX_REC_COPIES = 4


def share_lines(costs: Sequence[float], shares: int) -> list[list[int]]:
    """Indices of ``costs`` dealt into ``shares`` groups of nearly equal total cost.

    The dearest line goes first to the cheapest group so far (longest-processing-time first);
    each group keeps its indices in ascending order. Empty groups are dropped.
    """
    groups: list[list[int]] = [[] for _ in range(max(shares, 1))]
    loads = [0.0] * len(groups)
    for i in sorted(range(len(costs)), key=lambda k: (-costs[k], k)):
        g = loads.index(min(loads))
        groups[g].append(i)
        loads[g] += costs[i]
    return [sorted(g) for g in groups if g]


#: A line the int8 recogniser reads with less confidence than this is read again by the float
#: one. On clean cards the int8 and float readings of a line differ mostly below it.
UNSURE_LINE = 0.9
#: An image more than this share of whose lines the int8 recogniser is unsure of (a blurred,
#: dim or glared card) is read again whole by the float recogniser, as without int8. Scans and
#: clear photos have at most two such lines in thirty (a signature, a smudge).
DOUBTFUL_SHARE = 0.1


@dataclass(slots=True)
class _Photo:
    """What the recogniser learned of the photo being read: whether it is doubtful."""

    doubtful: bool = False


_PHOTO: ContextVar[_Photo | None] = ContextVar("ktp_ocr_photo", default=None)


@contextmanager
def one_photo() -> Iterator[None]:
    """Recognitions of one photo: after a doubtful image, the rest are read in float alone.

    The reader opens one per read (see :class:`Recogniser`). The scope is the caller's context
    (a thread, a task), so engine pools and concurrent reads each keep their own.
    """
    token = _PHOTO.set(_Photo())
    try:
        yield
    finally:
        _PHOTO.reset(token)


class Recogniser:
    """RapidOCR's recogniser as copies reading an image's lines side by side, int8 first.

    ``sure`` are float copies, ``fast`` optional int8 copies (one per core each, or one each).

    *Side by side.* A card's lines are short (48 px high, a few hundred wide): ONNX Runtime
    spreads one such line over two cores poorly, while two single-threaded copies reading
    different lines keep both busy, and one copy's Python steps (resizing, CTC decoding)
    overlap the other's inference. Each line is read exactly as one copy would read it alone.

    *Int8 first.* With ``fast`` copies, every line is read by them first; a line they are unsure
    of (:data:`UNSURE_LINE`) is read again by the float copies, and when too many lines are
    (:data:`DOUBTFUL_SHARE`), all of them are, so a doubtful image reads as with float only.
    Inside :func:`one_photo`, a photo one of whose images was doubtful (a blurred, dim or glared
    card, read again turned, placed again or in crops) has its later images read by the float
    copies alone: their int8 reading would mostly be read again anyway.
    """

    def __init__(self, sure: Sequence[Any], fast: Sequence[Any], min_width: float) -> None:
        self.sure = list(sure)
        self.fast = list(fast)
        self._min_ratio = min_width / 48.0
        workers = max(len(self.sure), len(self.fast)) - 1
        self._pool = ThreadPoolExecutor(workers, "ktp-rec") if workers > 0 else None

    def __call__(self, args: Any) -> Any:
        """Read the lines of RapidOCR's recogniser input ``args``, as one recogniser would."""
        photo = _PHOTO.get()
        if not self.fast or (photo is not None and photo.doubtful):
            return self._side_by_side(self.sure, args)
        out = self._side_by_side(self.fast, args)
        unsure = [i for i, score in enumerate(out.scores) if score < UNSURE_LINE]
        if not unsure:
            return out
        if len(unsure) > DOUBTFUL_SHARE * len(out.scores):
            if photo is not None:
                photo.doubtful = True
            return self._side_by_side(self.sure, args)
        imgs = _images(args)
        again = self._side_by_side(self.sure, replace(args, img=[imgs[i] for i in unsure]))
        return _merged([again], [unsure], imgs, base=out)

    def _side_by_side(self, copies: Sequence[Any], args: Any) -> Any:
        imgs = _images(args)
        costs = [max(im.shape[1] / max(im.shape[0], 1), self._min_ratio) for im in imgs]
        groups = share_lines(costs, len(copies))
        if len(groups) < 2 or self._pool is None:
            return copies[0](args)
        jobs = [replace(args, img=[imgs[i] for i in g]) for g in groups]
        rest = zip(copies[1:], jobs[1:], strict=False)
        futures = [self._pool.submit(rec, job) for rec, job in rest]
        outs = [copies[0](jobs[0]), *(f.result() for f in futures)]
        return _merged(outs, groups, imgs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sure[0], name)


def _images(args: Any) -> list[Any]:
    return [args.img] if isinstance(args.img, np.ndarray) else list(args.img)


def _merged(
    outs: Sequence[Any],
    groups: Sequence[Sequence[int]],
    imgs: list[Any],
    *,
    base: Any = None,
) -> Any:
    """One recogniser output for ``imgs``: ``outs[k]`` read the lines ``groups[k]``.

    With ``base``, its readings are kept for the lines no group read again.
    """
    n = len(imgs)
    txts: list[Any] = list(base.txts) if base is not None else [""] * n
    scores: list[Any] = list(base.scores) if base is not None else [0.0] * n
    words: list[Any] = list(base.word_results) if base is not None else [None] * n
    for out, group in zip(outs, groups, strict=True):
        for j, i in enumerate(group):
            txts[i], scores[i], words[i] = out.txts[j], out.scores[j], out.word_results[j]
    first = outs[0]
    return type(first)(imgs, tuple(txts), scores, tuple(words), sum(o.elapse or 0 for o in outs))


def copy_recogniser(rec: Any, model_path: Path | None = None) -> Any:
    """A new single-threaded copy of RapidOCR's recogniser ``rec`` (another model if given)."""
    cfg = copy.deepcopy(rec.cfg)
    cfg.engine_cfg.intra_op_num_threads = 1
    cfg.engine_cfg.inter_op_num_threads = 1
    if model_path is not None:
        cfg.model_path = str(model_path)
    return type(rec)(cfg)
