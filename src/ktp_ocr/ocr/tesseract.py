"""Tesseract adapter through ``tesserocr``, with Debian's ``ind`` (and ``eng``) trained data.

Two reads per card, each with its own Tesseract instance and preprocessing:

* the **body**: the whole card in grey, page segmentation 11 (sparse text), Indonesian data;
  words are grouped into lines with boxes for :mod:`ktp_ocr.layout`. On rendered cards PSM 11
  beat 3, 4, 6 and 12 by far (fields read: 0.9 vs 0.5), because the photo column and the
  label/value gaps break the block modes; grey beat the red channel, the brightest channel and
  Otsu/adaptive pre-thresholding (Tesseract binarises with Otsu itself).
* the **NIK row**: the value's crop, digits only (``0123456789:``), one line (PSM 7), English data
  (it reads OCR-A digits far better than ``ind``), with a bounded search over three
  preprocessing variants (:mod:`ktp_ocr.ocr.regionread`). A re-read replaces the body's NIK only
  when it is 16 digits.

The header needs no pass of its own: the body read gets it (measured, same accuracy).
Tesseract instances are built once per engine; ``threads`` sets how many cards may be read at
once (one pair of instances each, since a ``PyTessBaseAPI`` is not thread-safe).
"""

from __future__ import annotations

import ctypes
import logging
import os
import queue
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import tesserocr
from numpy.typing import NDArray

from ktp_ocr.errors import EngineUnavailable
from ktp_ocr.ocr import regionread as rr
from ktp_ocr.types import BBox, OcrLine

log = logging.getLogger(__name__)

DEFAULT_LANG = "ind"
#: Data for the NIK digits; falls back to ``lang`` when missing.
NIK_LANG = "eng"
#: The NIK crop's alphabet: the digits, and the ``:`` before them, which a digits-only
#: whitelist forces into a ``1`` (with a confidence of 0 for the whole line).
NIK_CHARS = rr.DIGITS + ":"
#: Leptonica's "no messages" severity (L_SEVERITY_NONE).
_LEPTONICA_QUIET = 6


def _quiet_leptonica() -> None:
    """Stop Leptonica (under Tesseract) printing diagnostics such as "box outside rectangle".

    They are harmless internal cases, but they land on the user's stderr and in service logs.
    tesserocr does not expose Leptonica's ``setMsgSeverity``; the wheel bundles the library.
    """
    libs = Path(tesserocr.__file__).parent.parent / "tesserocr.libs"
    for lib in sorted(libs.glob("libleptonica*.so*")) + sorted(libs.glob("liblept*.so*")):
        try:
            ctypes.CDLL(str(lib)).setMsgSeverity(_LEPTONICA_QUIET)
        except (OSError, AttributeError):
            continue
        return


_quiet_leptonica()

BODY_PSM = tesserocr.PSM.SPARSE_TEXT
NIK_PSM = tesserocr.PSM.SINGLE_LINE
#: Cards narrower than this are enlarged to it before the body read (text must be ~15 px tall);
#: wider than :data:`MAX_WIDTH` are shrunk (speed, and no gain past it).
MIN_WIDTH, MAX_WIDTH = 900, 1600
#: A grey image whose pixel spread is below this is blank: nothing to read.
BLANK_STD = 2.0
#: Where Debian, Fedora, Homebrew and MacPorts put trained data, newest first.
TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
    "/opt/local/share/tessdata",
)
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-ind (or set TESSDATA_PREFIX)"


def find_tessdata(lang: str, tessdata: str | Path | None = None) -> Path:
    """The folder holding ``<lang>.traineddata`` for every language in ``lang`` (``ind+eng``).

    ``tessdata`` when given, else ``$TESSDATA_PREFIX`` (Tesseract's own variable), else the usual
    system folders. Raises :class:`EngineUnavailable` naming what is missing.
    """
    if tessdata is not None:
        places = [Path(tessdata)]
    elif prefix := os.environ.get("TESSDATA_PREFIX"):
        places = [Path(prefix), Path(prefix) / "tessdata"]
    else:
        places = [Path(p) for p in TESSDATA_DIRS]
    langs = [part for part in lang.split("+") if part]
    for place in places:
        if langs and all((place / f"{part}.traineddata").is_file() for part in langs):
            return place
    looked = ", ".join(str(p) for p in places)
    raise EngineUnavailable(
        "tesseract", hint=f"no trained data for {lang!r} in {looked}; {INSTALL_HINT}"
    )


@dataclass(slots=True)
class _Apis:
    body: Any  # tesserocr.PyTessBaseAPI
    nik: Any


def _open_api(path: Path, lang: str, psm: int, variables: dict[str, str]) -> Any:
    try:
        return tesserocr.PyTessBaseAPI(
            path=f"{path}{os.sep}",
            lang=lang,
            oem=tesserocr.OEM.LSTM_ONLY,
            psm=psm,
            variables=variables,
        )
    except RuntimeError as exc:
        raise EngineUnavailable("tesseract", hint=f"{exc}; {INSTALL_HINT}") from exc


class TesseractEngine:
    """Tesseract LSTM on the CPU: a body read of the whole card plus a digits-only NIK re-read."""

    name = "tesseract"

    def __init__(
        self,
        *,
        lang: str = DEFAULT_LANG,
        nik_lang: str = NIK_LANG,
        tessdata: str | Path | None = None,
        threads: int = 0,
        max_tries: int = rr.MAX_TRIES,
    ) -> None:
        path = find_tessdata(lang, tessdata)
        try:
            nik_path = find_tessdata(nik_lang, tessdata)
        except EngineUnavailable:
            log.info("no %r trained data: the NIK is re-read with %r", nik_lang, lang)
            nik_path, nik_lang = path, lang
        self.lang, self.nik_lang, self.max_tries = lang, nik_lang, max_tries
        self._pool: queue.LifoQueue[_Apis] = queue.LifoQueue()
        for _ in range(max(threads, 1)):
            body = _open_api(path, lang, BODY_PSM, {})
            nik = _open_api(nik_path, nik_lang, NIK_PSM, {"tessedit_char_whitelist": NIK_CHARS})
            self._pool.put(_Apis(body, nik))

    @contextmanager
    def _apis(self) -> Iterator[_Apis]:
        apis = self._pool.get()
        try:
            yield apis
        finally:
            self._pool.put(apis)

    # -- the OcrEngine method --------------------------------------------------------------------

    def recognize(self, image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        """Every text line of ``image`` (BGR), the NIK line re-read digits-only."""
        grey = rr.to_grey(image)
        if grey.size == 0 or float(grey.std()) < BLANK_STD:
            return []
        h, w = grey.shape[:2]
        factor = MIN_WIDTH / w if w < MIN_WIDTH else min(1.0, MAX_WIDTH / w)
        with self._apis() as apis:
            lines = _read_lines(apis.body, rr.scale_to(grey, factor), 1 / factor)
            spot = rr.locate_nik(lines, (w, h))
            if spot is None:
                return lines
            readings = self._search(apis.nik, image, spot.box, spot.box.height, None)
        return _mend_nik(lines, spot, readings)

    # -- the ensemble's entry points -------------------------------------------------------------

    def nik_candidates(
        self,
        card: NDArray[np.uint8],
        *,
        box: BBox | None = None,
        accept: rr.Accept | None = None,
    ) -> list[rr.NikReading]:
        """Digits-only readings of the NIK row of an upright, flattened ``card`` (BGR).

        ``box`` is the NIK value's box (from :func:`ktp_ocr.layout.assign`); without it the
        nominal band of the card (:data:`regionread.NIK_BAND`). At most ``max_tries`` reads,
        stopping at the first that ``accept`` passes (default: 16 digits).
        """
        region, line_h = _nik_box(card, box)
        with self._apis() as apis:
            return self._search(apis.nik, card, region, line_h, accept)

    def read_nik_region(
        self,
        card: NDArray[np.uint8],
        *,
        box: BBox | None = None,
        accept: rr.Accept | None = None,
    ) -> OcrLine | None:
        """The first reading of the NIK row that ``accept`` passes, as a line; else None."""
        region, line_h = _nik_box(card, box)
        with self._apis() as apis:
            readings = self._search(apis.nik, card, region, line_h, accept)
        best = next((r for r in readings if r.accepted), None)
        if best is None:
            return None
        _, crop_at = rr.crop_box(card, region, line_h)
        return OcrLine(best.text, crop_at, best.confidence)

    def _search(
        self,
        api: Any,
        image: NDArray[np.uint8],
        box: BBox,
        line_h: float,
        accept: rr.Accept | None,
    ) -> list[rr.NikReading]:
        crop, _ = rr.crop_box(image, box, line_h)
        return rr.search_nik(
            lambda grey: _read_text(api, grey),
            crop,
            line_h,
            accept=accept,
            max_tries=self.max_tries,
        )


def _nik_box(card: NDArray[np.uint8], box: BBox | None) -> tuple[BBox, float]:
    """The NIK box to read and its line height: ``box``, else the inked line of the card's band."""
    if box is not None:
        return box, box.height
    h, w = card.shape[:2]
    band, line_h = rr.nominal_nik_box((w, h)), rr.nominal_line_height((w, h))
    rows = rr.ink_band(card[int(band.y0) : int(band.y1), int(band.x0) : int(band.x1)], line_h)
    if rows is None:
        return band, line_h
    y0, y1 = band.y0 + rows[0], band.y0 + rows[1]
    return BBox(band.x0, y0, band.x1, y1), float(y1 - y0)


def _set_image(api: Any, grey: NDArray[np.uint8]) -> None:
    grey = np.ascontiguousarray(grey)
    h, w = grey.shape[:2]
    api.SetImageBytes(grey.tobytes(), w, h, 1, w)


def _read_text(api: Any, grey: NDArray[np.uint8]) -> tuple[str, float]:
    """Text of a one-line crop and the mean confidence of its digits."""
    _set_image(api, grey)
    api.Recognize()
    text = str(api.GetUTF8Text())
    it = api.GetIterator()
    confs: list[float] = []
    if it is not None:
        level = tesserocr.RIL.SYMBOL
        for sym in tesserocr.iterate_level(it, level):
            if not sym.Empty(level) and (sym.GetUTF8Text(level) or "").isdigit():
                confs.append(sym.Confidence(level))
    return text, _mean(confs)


def _mean(confidences: Sequence[float]) -> float:
    """Mean of 0-100 confidences as 0..1 (0 when there are none)."""
    if not confidences:
        return 0.0
    return min(max(sum(confidences) / len(confidences) / 100, 0.0), 1.0)


def _read_lines(api: Any, grey: NDArray[np.uint8], back: float) -> list[OcrLine]:
    """Recognise ``grey`` and group its words into lines, boxes scaled by ``back``.

    A word's confidence is the mean of its characters' (Tesseract's own word confidence drops
    to 0 when a single character is unsure).
    """
    _set_image(api, grey)
    api.Recognize()
    it = api.GetIterator()
    lines: list[OcrLine] = []
    if it is None:
        return lines
    ril = tesserocr.RIL
    words: list[rr.Word] = []
    text, box = "", BBox(0, 0, 0, 0)  # the word being read
    confs: list[float] = []
    for sym in tesserocr.iterate_level(it, ril.SYMBOL):
        if sym.Empty(ril.SYMBOL):
            continue
        if sym.IsAtBeginningOf(ril.WORD):
            if text:
                words.append(rr.Word(text, box, _mean(confs)))
            if sym.IsAtBeginningOf(ril.TEXTLINE) and words:
                _add_line(lines, words)
                words = []
            x0, y0, x1, y1 = sym.BoundingBox(ril.WORD)
            text, box, confs = "", BBox(x0 * back, y0 * back, x1 * back, y1 * back), []
        text += sym.GetUTF8Text(ril.SYMBOL) or ""
        confs.append(sym.Confidence(ril.SYMBOL))
    if text:
        words.append(rr.Word(text, box, _mean(confs)))
    _add_line(lines, words)
    return lines


def _add_line(lines: list[OcrLine], words: Sequence[rr.Word]) -> None:
    line = rr.assemble_line(words)
    if line is not None:
        lines.append(line)


def _mend_nik(
    lines: list[OcrLine], spot: rr.NikSpot, readings: Sequence[rr.NikReading]
) -> list[OcrLine]:
    """Put an accepted NIK re-read in place of (or beside) the body's reading of it."""
    best = next((r for r in readings if r.accepted), None)
    if best is None:
        return lines
    out = list(lines)
    if spot.line is None:
        out.append(OcrLine(best.text, spot.box, best.confidence))
    elif spot.label:
        old = out[spot.line]
        out[spot.line] = OcrLine(f"{spot.label} {best.text}", old.box, best.confidence)
    else:
        out[spot.line] = OcrLine(best.text, out[spot.line].box, best.confidence)
    return out
