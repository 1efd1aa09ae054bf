"""RapidOCR adapter: PP-OCR ONNX models shipped inside the ``rapidocr`` wheel.

No model is downloaded: the wheel carries the detection, direction and recognition models.
"""

from __future__ import annotations

import copy
import itertools
import logging
import math
import os
import unicodedata
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ktp_ocr.errors import EngineUnavailable
from ktp_ocr.ocr.spacing import NUMERIC, restore_spaces
from ktp_ocr.types import BBox, OcrLine, Point

log = logging.getLogger(__name__)

#: Longest image side the detector sees. Cards arrive about 1000 px wide; detecting lines at
#: 736 px finds as many values and is faster (measured on generated cards, see design notes).
#: Recognition still reads the full-resolution crops.
DET_LIMIT_SIDE = 736
#: Lines the recogniser is less sure of than this are dropped by RapidOCR itself. Kept low:
#: the field parsers decide what an unsure line is worth, with the confidence attached.
TEXT_SCORE = 0.3
#: Narrowest input the recogniser is given. PP-OCR pads every line to 320 px (a ratio of 6.7),
#: so a three-letter label cost as much as a long address. Padding to 160 px reads as well on the
#: benchmark set and saves about a tenth of the time per card; 96 px saved more but the model,
#: trained on padded lines, then misread more short words on hard photos (see design notes).
REC_MIN_WIDTH = 160
#: The recogniser shipped in the wheel, sliced to Latin characters by :mod:`ktp_ocr.ocr.latin`.
REC_MODEL = "PP-OCRv6_rec_small.onnx"


def _quad_to_box(quad: Any) -> BBox:
    pts = np.asarray(quad, dtype=np.float64).reshape(-1, 2)
    return BBox(
        float(pts[:, 0].min()),
        float(pts[:, 1].min()),
        float(pts[:, 0].max()),
        float(pts[:, 1].max()),
    )


#: RapidOCR turns a line crop a quarter turn (counter-clockwise) before reading it when the crop
#: is at least this many times taller than wide.
_TALL_CROP = 1.5


def _quad(quad: Any) -> tuple[Point, Point, Point, Point] | None:
    """The detector's outline in reading order (see :class:`~ktp_ocr.types.OcrLine`).

    The detector orders corners clockwise from the image's top-left. A tall crop is read after
    a counter-clockwise quarter turn, so its text runs from the first corner to the fourth, and
    the text's own top-left is the outline's second corner.
    """
    pts = np.asarray(quad, dtype=np.float64).reshape(-1, 2)
    if pts.shape != (4, 2):
        return None
    p = [(float(x), float(y)) for x, y in pts]
    width = max(math.dist(p[0], p[1]), math.dist(p[2], p[3]))
    height = max(math.dist(p[0], p[3]), math.dist(p[1], p[2]))
    if width > 0 and height / width >= _TALL_CROP:
        return (p[1], p[2], p[3], p[0])
    return (p[0], p[1], p[2], p[3])


def clean_text(text: str) -> str:
    """NFKC (full-width colon and digits to ASCII) and collapsed spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _respace(image: NDArray[np.uint8], box: BBox, text: str, chars: Any) -> str:
    """Put back dropped word spaces using the recogniser's character positions.

    ``chars`` holds each character's box in its line crop's frame (see :class:`_CharBoxesInCrop`);
    the line is level on a flattened card, so that frame is the box's, from its left edge.
    """
    x0, y0 = max(int(box.x0), 0), max(int(box.y0), 0)
    crop = image[y0 : int(box.y1) + 1, x0 : int(box.x1) + 1]
    try:
        spans = [
            (float(np.min(np.asarray(c[2])[:, 0])), float(np.max(np.asarray(c[2])[:, 0])))
            for c in chars
        ]
    except (IndexError, TypeError, ValueError):
        return text
    return restore_spaces(crop, text, spans)


class _CharBoxesInCrop:
    """RapidOCR's character boxes left in each line crop's own frame.

    RapidOCR maps every character box back through the line's rotation into the image, which
    costs about a tenth of a card's reading time; the space repair only needs where characters
    start and end along their line, which the crop's frame gives directly (x from the line's
    start, in the crop's pixels).
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __call__(
        self, imgs: Any, dt_boxes: Any, rec_res: Any, return_single_char_box: bool = False
    ) -> Any:
        results = []
        for idx, img in enumerate(imgs):
            if rec_res.txts is None or img.size == 0 or rec_res.word_results is None:
                continue
            h, w = img.shape[:2]
            frame = np.array([[0, 0], [w, 0], [w, h], [0, h]])
            texts, boxes, confs = self._inner.cal_ocr_word_box(
                rec_res.txts[idx], frame, rec_res.word_results[idx], return_single_char_box
            )
            results.append(list(zip(texts, confs, boxes, strict=False)))
        rec_res.word_results = tuple(results)
        return rec_res


#: A word space the recogniser did not choose is put back where its probability at a pause
#: between two letters reaches this. Inside a word the space's probability stays under 0.02;
#: at a word gap the model dropped (``SITIROHMAH``) it is 0.1 to 0.5.
SPACE_PROBABILITY = 0.1


def promote_spaces(
    preds: NDArray[np.float32], space: int, threshold: float, numeric: frozenset[int]
) -> NDArray[np.float32]:
    """CTC outputs with a word space made the winner where the model nearly chose one.

    ``preds`` is ``(lines, steps, classes)`` of probabilities, class 0 the CTC blank and
    ``space`` the space. In each run of blank steps between two emitted characters, the step
    where the space is likeliest becomes a space when that likelihood is at least
    ``threshold``. Not between two characters of ``numeric`` (digits of a NIK or a date), nor
    next to a space already emitted.
    """
    out = preds
    for b, row in enumerate(preds.argmax(axis=2)):
        for a, z, pause in _pauses(row):
            if space in (a, z) or (a in numeric and z in numeric):
                continue
            out = _promote(preds, out, b, pause, space, threshold)
    return out


def _pauses(row: NDArray[np.intp]) -> Iterator[tuple[int, int, list[int]]]:
    """Each two characters a line's best path emits in a row, and the pause between them.

    Yields both classes and the blank steps between them (none when one follows straight on).
    """
    emitted = [t for t in range(len(row)) if row[t] != 0 and (t == 0 or row[t] != row[t - 1])]
    for left, right in itertools.pairwise(emitted):
        pause = [t for t in range(left + 1, right) if row[t] == 0]
        yield int(row[left]), int(row[right]), pause


def _promote(
    preds: NDArray[np.float32],
    out: NDArray[np.float32],
    line: int,
    pause: list[int],
    cls: int,
    threshold: float,
) -> NDArray[np.float32]:
    """``out`` with ``cls`` made the winner at the step of ``pause`` where it is likeliest.

    ``pause`` holds the blank steps of ``line`` between two emitted characters. Only when the
    probability of ``cls`` there reaches ``threshold``; ``out`` is copied from ``preds`` before
    the first change (``preds`` itself is never written).
    """
    if not pause:
        return out
    t = max(pause, key=lambda k: float(preds[line, k, cls]))
    if float(preds[line, t, cls]) < threshold:
        return out
    if out is preds:
        out = preds.copy()
    out[line, t, cls] = out[line, t, 0] + 1e-3
    return out


#: Words a KTP prints as abbreviations closed by a full stop: in addresses (``JL.``, ``GG.``,
#: ``NO.``, ``KOMP.``, ``DSN.``...) and before names (``MOCH.``, ``HJ.``). Cards also print
#: some of them without the stop (``JL SEROJA``), so a stop is only ever put back on the
#: recogniser's own evidence (:func:`promote_stops`), never because the word is one of these.
STOP_ABBREVIATIONS = frozenset(
    (
        *("JL", "JLN", "GG", "NO", "KOMP", "KP", "DSN", "DS", "LINGK", "LK", "BLK", "PERUM"),
        *("KAV", "KEL", "KEC", "KAB", "MOCH", "MOH", "MUH", "HJ", "ST", "KH"),
    )
)
#: A full stop the recogniser did not choose after one of :data:`STOP_ABBREVIATIONS` is put
#: back where its probability at the pause before the next word reaches this. Where the card
#: prints no stop (48 such words on the 300 benchmark cards) it stays under 0.001; a faint or
#: blurred stop the model dropped scores 0.005 to 0.3 there.
STOP_PROBABILITY = 0.005


def promote_stops(
    preds: NDArray[np.float32],
    alphabet: Sequence[str],
    threshold: float,
    abbreviations: frozenset[str] = STOP_ABBREVIATIONS,
) -> NDArray[np.float32]:
    """CTC outputs with a full stop made the winner where the model nearly chose one.

    ``alphabet[k]`` is the character of class ``k`` (class 0 the CTC blank). Only after a word
    of ``abbreviations`` (its letters since the last character that is not a letter), before a
    space or a digit: in that run of blank steps the step where the stop is likeliest becomes
    the stop when that likelihood is at least ``threshold``.
    """
    stop = alphabet.index(".")
    out = preds
    for b, row in enumerate(preds.argmax(axis=2)):
        word = ""
        for a, z, pause in _pauses(row):
            char, after = alphabet[a], alphabet[z]
            word = word + char if "A" <= char <= "Z" else ""
            if word in abbreviations and (after == " " or after.isdigit()):
                out = _promote(preds, out, b, pause, stop, threshold)
    return out


class _NearlyChosen:
    """RapidOCR's CTC decoder, given outputs where a nearly chosen word space or stop wins."""

    def __init__(self, inner: Any, threshold: float, stop_threshold: float) -> None:
        self._inner = inner
        self._threshold = threshold
        self._stop_threshold = stop_threshold
        chars = list(inner.character)
        self._chars = chars
        self._space = chars.index(" ")
        self._numeric = frozenset(i for i, c in enumerate(chars) if c in NUMERIC)
        self._stops = "." in chars

    def __call__(self, preds: Any, return_word_box: bool = False, **kwargs: Any) -> Any:
        preds = promote_spaces(preds, self._space, self._threshold, self._numeric)
        if self._stops:
            preds = promote_stops(preds, self._chars, self._stop_threshold)
        return self._inner(preds, return_word_box, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


#: Most recogniser copies reading one image's lines side by side (``threads`` 0 = one per core,
#: up to this): each copy is one more ONNX session of about 10 MB.
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


class _Recogniser:
    """RapidOCR's recogniser as copies reading an image's lines side by side, int8 first.

    ``sure`` are float copies, ``fast`` optional int8 copies (one per core each, or one each).

    *Side by side.* A card's lines are short (48 px high, a few hundred wide): ONNX Runtime
    spreads one such line over two cores poorly, while two single-threaded copies reading
    different lines keep both busy, and one copy's Python steps (resizing, CTC decoding)
    overlap the other's inference. Each line is read exactly as one copy would read it alone.

    *Int8 first.* With ``fast`` copies, every line is read by them first; a line they are unsure
    of (:data:`UNSURE_LINE`) is read again by the float copies, and when too many lines are
    (:data:`DOUBTFUL_SHARE`), all of them are, so a doubtful image reads as with float only.
    """

    def __init__(self, sure: Sequence[Any], fast: Sequence[Any], min_width: float) -> None:
        self.sure = list(sure)
        self.fast = list(fast)
        self._min_ratio = min_width / 48.0
        workers = max(len(self.sure), len(self.fast)) - 1
        self._pool = ThreadPoolExecutor(workers, "ktp-rec") if workers > 0 else None

    def __call__(self, args: Any) -> Any:
        if not self.fast:
            return self._side_by_side(self.sure, args)
        out = self._side_by_side(self.fast, args)
        unsure = [i for i, score in enumerate(out.scores) if score < UNSURE_LINE]
        if not unsure:
            return out
        if len(unsure) > DOUBTFUL_SHARE * len(out.scores):
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


class RapidOcrEngine:
    """PP-OCR detection + recognition through RapidOCR on the CPU.

    ``threads`` is what one call may use: the detector runs that many inference threads, and
    the lines are read by that many single-threaded recogniser copies side by side (0: one per
    core, up to :data:`MAX_REC_COPIES`). A service that reads one card per core builds its
    engines with one thread each.

    ``quantized`` reads lines with the int8 recogniser first (:mod:`ktp_ocr.ocr.quantized`),
    the float one only where it is unsure: ``None`` does so where the CPU has VNNI.
    """

    name = "rapidocr"

    def __init__(
        self,
        *,
        threads: int = 0,
        det_limit_side: int = DET_LIMIT_SIDE,
        fix_spaces: bool = True,
        latin_only: bool = True,
        quantized: bool | None = None,
    ) -> None:
        self._fix_spaces = fix_spaces
        try:
            import rapidocr
            from rapidocr import RapidOCR
        except ImportError as exc:  # pragma: no cover - core dependency
            raise EngineUnavailable("rapidocr", hint="pip install rapidocr onnxruntime") from exc
        params: dict[str, Any] = {
            "Global.log_level": "error",
            "Global.text_score": TEXT_SCORE,
            "Global.use_cls": False,
            "Global.max_side_len": 4000,
            "Rec.rec_batch_num": 1,
            "Rec.rec_img_shape": [3, 48, REC_MIN_WIDTH],
            "Det.limit_side_len": det_limit_side,
            "Det.limit_type": "max",
            "EngineConfig.onnxruntime.intra_op_num_threads": threads if threads > 0 else -1,
            # Every line has its own width: reusing buffers (the arena) saves ~5% per card.
            "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,
        }
        if latin_only:
            from ktp_ocr.ocr.latin import latin_model

            shipped = Path(rapidocr.__file__).parent / "models" / REC_MODEL
            derived = latin_model(shipped) if shipped.is_file() else None
            if derived is not None:
                params["Rec.model_path"] = str(derived)
        self.latin_only = "Rec.model_path" in params
        try:
            self._ocr = RapidOCR(params=params)
        except (OSError, RuntimeError, ValueError) as exc:  # model file missing or unloadable
            raise EngineUnavailable("rapidocr", hint=f"model failed to load: {exc}") from exc
        boxes = getattr(self._ocr, "cal_rec_boxes", None)
        if fix_spaces and hasattr(boxes, "cal_ocr_word_box"):
            self._ocr.cal_rec_boxes = _CharBoxesInCrop(boxes)  # type: ignore[assignment]
        first: Any = self._ocr._load_rec_model()  # type: ignore[no-untyped-call]
        cores = threads or min(os.cpu_count() or 1, MAX_REC_COPIES)
        fast_model = self._int8_model(quantized, params.get("Rec.model_path"))
        fast = [_copy(first, fast_model) for _ in range(cores)] if fast_model else []
        # Behind int8 copies the float recogniser only reads what they are unsure of: one
        # copy on all the cores is enough there, and saves memory.
        sure = [first] if cores == 1 or fast else [_copy(first) for _ in range(cores)]
        self.quantized = bool(fast)
        if fix_spaces:
            for rec in (*sure, *fast):
                _spaces_from_ctc(rec)
        if len(sure) > 1 or fast:
            self._ocr.text_rec = _Recogniser(sure, fast, REC_MIN_WIDTH)  # type: ignore[assignment]

    @staticmethod
    def _int8_model(quantized: bool | None, latin: str | None) -> Path | None:
        """The int8 recogniser to read with first, if wanted (None: where the CPU gains)."""
        from ktp_ocr.ocr.quantized import int8_capable, int8_model

        if latin is None or quantized is False or (quantized is None and not int8_capable()):
            return None
        return int8_model(Path(latin))

    def recognize(self, image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        """Detect and read every text line of ``image`` (BGR)."""
        # RapidOCR keeps per-call switches between calls: always say which steps to run.
        out: Any = self._ocr(
            image,
            use_det=True,
            use_cls=False,
            use_rec=True,
            return_word_box=self._fix_spaces,
            return_single_char_box=self._fix_spaces,
        )
        if out is None or getattr(out, "boxes", None) is None or out.txts is None:
            return []
        words = getattr(out, "word_results", None) or [None] * len(out.txts)
        lines: list[OcrLine] = []
        for quad, text, score, chars in zip(out.boxes, out.txts, out.scores, words, strict=False):
            box = _quad_to_box(quad)
            raw = str(text)
            if self._fix_spaces and chars:
                raw = _respace(image, box, raw, chars)
            cleaned = clean_text(raw)
            if cleaned:
                lines.append(OcrLine(cleaned, box, float(score), _quad(quad)))
        return lines

    def recognize_crops(self, crops: Sequence[NDArray[np.uint8]]) -> list[tuple[str, float]]:
        """Recognise pre-cut single-line crops (no detection): text and confidence each."""
        results: list[tuple[str, float]] = []
        for crop in crops:
            out: Any = self._ocr(crop, use_det=False, use_cls=False, use_rec=True)
            txts = getattr(out, "txts", None) or ("",)
            scores = getattr(out, "scores", None) or (0.0,)
            results.append((clean_text(str(txts[0])), float(scores[0])))
        return results


def _copy(rec: Any, model_path: Path | None = None) -> Any:
    """A new single-threaded copy of RapidOCR's recogniser ``rec`` (another model if given)."""
    cfg = copy.deepcopy(rec.cfg)
    cfg.engine_cfg.intra_op_num_threads = 1
    cfg.engine_cfg.inter_op_num_threads = 1
    if model_path is not None:
        cfg.model_path = str(model_path)
    return type(rec)(cfg)


def _spaces_from_ctc(rec: Any) -> None:
    """Decode the recogniser ``rec``'s outputs through :class:`_NearlyChosen`."""
    post = getattr(rec, "postprocess_op", None)
    if post is not None and " " in list(getattr(post, "character", ())):
        rec.postprocess_op = _NearlyChosen(post, SPACE_PROBABILITY, STOP_PROBABILITY)
