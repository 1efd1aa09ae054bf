"""RapidOCR adapter: PP-OCR ONNX models shipped inside the ``rapidocr`` wheel.

No model is downloaded: the wheel carries the detection, direction and recognition models.
"""

from __future__ import annotations

import logging
import math
import os
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ktp_ocr.errors import EngineUnavailable
from ktp_ocr.ocr.ctc import decode_nearly_chosen
from ktp_ocr.ocr.recognisers import MAX_REC_COPIES, Recogniser, copy_recogniser
from ktp_ocr.ocr.spacing import restore_spaces
from ktp_ocr.ocr.subnormal import detector_model
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
#: The detector shipped in the wheel, read without its subnormal weights
#: (:mod:`ktp_ocr.ocr.subnormal`: the same output, three times faster).
DET_MODEL = "PP-OCRv6_det_small.onnx"


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


class RapidOcrEngine:
    """PP-OCR detection + recognition through RapidOCR on the CPU.

    ``threads`` is what one call may use: the detector runs that many inference threads, and
    the lines are read by that many single-threaded recogniser copies side by side (0: one per
    core, up to :data:`MAX_REC_COPIES`). A service that reads one card per core builds its
    engines with one thread each.

    ``quantized`` reads lines with the int8 recogniser first (:mod:`ktp_ocr.ocr.quantized`),
    the float one only where it is unsure: ``None`` does so where the CPU has VNNI or AVX2.
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
        shipped_det = Path(rapidocr.__file__).parent / "models" / DET_MODEL
        flushed = detector_model(shipped_det) if shipped_det.is_file() else None
        if flushed is not None:
            params["Det.model_path"] = str(flushed)
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
        fast = [copy_recogniser(first, fast_model) for _ in range(cores)] if fast_model else []
        # Behind int8 copies the float recogniser only reads what they are unsure of: one
        # copy on all the cores is enough there, and saves memory.
        sure = [first] if cores == 1 or fast else [copy_recogniser(first) for _ in range(cores)]
        self.quantized = bool(fast)
        if fix_spaces:
            for rec in (*sure, *fast):
                decode_nearly_chosen(rec)
        if len(sure) > 1 or fast:
            self._ocr.text_rec = Recogniser(sure, fast, REC_MIN_WIDTH)  # type: ignore[assignment]
        # The detector's tensors are large and shaped by each image: an arena would keep the
        # largest ever seen resident (about 80 MB more over the benchmark's photos) and saves
        # it no time. The recognisers above keep theirs.
        self._ocr.cfg.EngineConfig.onnxruntime.enable_cpu_mem_arena = False
        self._ocr._load_det_model()  # type: ignore[no-untyped-call]

    @staticmethod
    def _int8_model(quantized: bool | None, latin: str | None) -> Path | None:
        """The int8 recogniser to read with first, if wanted (None: where the CPU gains)."""
        from ktp_ocr.ocr.quantized import int8_model, int8_weights

        if latin is None or quantized is False:
            return None
        weights = int8_weights()
        if quantized is None and weights is None:
            return None
        return int8_model(Path(latin), weights=weights or "s8")

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

    def detect(self, image: NDArray[np.uint8]) -> list[tuple[Point, Point, Point, Point]]:
        """Outlines of the text lines the detector finds in ``image``, none read."""
        out: Any = self._ocr(image, use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(out, "boxes", None)
        if boxes is None:
            return []
        return [q for q in (_quad(quad) for quad in boxes) if q is not None]

    def recognize_crops(self, crops: Sequence[NDArray[np.uint8]]) -> list[tuple[str, float]]:
        """Recognise pre-cut single-line crops (no detection): text and confidence each."""
        results: list[tuple[str, float]] = []
        for crop in crops:
            out: Any = self._ocr(crop, use_det=False, use_cls=False, use_rec=True)
            txts = getattr(out, "txts", None) or ("",)
            scores = getattr(out, "scores", None) or (0.0,)
            results.append((clean_text(str(txts[0])), float(scores[0])))
        return results
