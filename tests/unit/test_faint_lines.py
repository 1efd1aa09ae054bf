"""Rows the detector finds only on the flattened card: which are read, which are left."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from ktp_ocr.pipeline.faint import FAINT_MIN_CONFIDENCE, flattened, with_faint_lines
from ktp_ocr.pipeline.reading import Reading
from ktp_ocr.types import BBox, OcrLine

Quad = tuple[tuple[float, float], ...]


def _quad(x0: float, y0: float, x1: float, y1: float) -> Quad:
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


class _Engine:
    """Detects the outlines it is given; reads each crop as the next of ``reads``."""

    name = "stub"

    def __init__(self, quads: Sequence[Quad], reads: Sequence[tuple[str, float]]) -> None:
        self.quads, self.reads = list(quads), list(reads)
        self.detected_on: list[np.ndarray] = []
        self.crops: list[np.ndarray] = []

    def recognize(self, image: np.ndarray) -> list[OcrLine]:  # pragma: no cover - not used
        return []

    def detect(self, image: np.ndarray) -> list[Quad]:
        self.detected_on.append(image)
        return self.quads

    def recognize_crops(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        self.crops.extend(crops)
        return self.reads[: len(crops)]


def _card() -> np.ndarray:
    card = np.full((600, 1000, 3), 90, np.uint8)
    card[:, 500:] = 40  # light falling off to the right
    return card


SEEN = OcrLine("Nama", BBox(20, 100, 120, 130), 0.99, _quad(20, 100, 120, 130))  # type: ignore[arg-type]


def test_a_row_the_first_look_missed_is_read_from_the_card_as_photographed() -> None:
    card = _card()
    engine = _Engine(
        [_quad(20, 400, 110, 430), _quad(240, 400, 360, 430)], [("Agama", 0.9), (": ISLAM", 0.95)]
    )
    reading = Reading(card, [SEEN], 1)
    out = with_faint_lines(engine, reading)  # type: ignore[arg-type]
    assert [line.text for line in out.lines] == ["Nama", "Agama", ": ISLAM"]
    assert out.labels == 2  # Nama and Agama
    assert out.lines[2].box == BBox(240, 400, 360, 430)
    # detected on the flattened card, read from the card itself
    assert not np.array_equal(engine.detected_on[0], card)
    assert engine.crops[1].shape == (31, 121, 3) and int(engine.crops[1].mean()) == 90


def test_rows_already_read_unsure_readings_and_specks_are_left_out() -> None:
    card = _card()
    quads = [
        _quad(25, 98, 118, 132),  # the Nama label, read by the first look
        _quad(240, 400, 360, 430),  # read under the floor: the card's security print
        _quad(600, 300, 602, 302),  # a speck
        _quad(-50, 500, 80, 530),  # half off the card: clipped
    ]
    engine = _Engine(quads, [("wnw", FAINT_MIN_CONFIDENCE - 0.01), ("WNI", 0.9)])
    reading = Reading(card, [SEEN], 1)
    out = with_faint_lines(engine, reading)  # type: ignore[arg-type]
    assert [line.text for line in out.lines] == ["Nama", "WNI"]
    assert out.lines[1].box == BBox(0, 500, 80, 530)
    assert len(engine.crops) == 2


def test_a_speck_just_past_a_line_of_the_first_look_is_left_out() -> None:
    """Regression (hard photo 74): a speck of the security print found just past the RT/RW
    (`1009/006`, then `W5` half a text height on) joined its row, the value no longer parsed,
    and its second look misread it (`000/006`)."""
    rt_rw = OcrLine("1009/006", BBox(219, 296, 325, 325), 0.86, _quad(219, 296, 325, 325))  # type: ignore[arg-type]
    quads = [_quad(327, 300, 363, 321), _quad(240, 400, 360, 430)]
    engine = _Engine(quads, [("ISLAM", 0.9)])
    out = with_faint_lines(engine, Reading(_card(), [rt_rw], 0))  # type: ignore[arg-type]
    assert [line.text for line in out.lines] == ["1009/006", "ISLAM"]
    assert len(engine.crops) == 1


def test_nothing_new_leaves_the_reading_as_it_was() -> None:
    reading = Reading(_card(), [SEEN], 1)
    assert with_faint_lines(_Engine([], []), reading) is reading  # type: ignore[arg-type]
    low = _Engine([_quad(240, 400, 360, 430)], [("x", 0.1)])
    assert with_faint_lines(low, reading) is reading  # type: ignore[arg-type]


def test_an_engine_that_cannot_detect_alone_is_not_asked() -> None:
    class Tesseractish:
        name = "tesseract"

        def recognize(self, image: np.ndarray) -> list[OcrLine]:
            raise AssertionError("not called")

    reading = Reading(_card(), [SEEN], 1)
    assert with_faint_lines(Tesseractish(), reading) is reading  # type: ignore[arg-type]


def test_flattening_evens_the_light_and_lifts_faint_print() -> None:
    """A dark stroke on dim paper and a faint one on bright paper end equally dark."""
    card = np.zeros((400, 800, 3), np.uint8)
    card[:, :400] = 60  # dim half
    card[:, 400:] = 220  # bright half
    card[190:210, 150:250] = 30  # print on the dim half: half the paper's grey
    card[190:210, 550:650] = 110  # print on the bright half: half the paper's grey
    flat = flattened(card).astype(int)
    assert abs(flat[50, 100, 0] - flat[50, 700, 0]) <= 3  # paper alike either side
    assert flat[50, 100, 0] == pytest.approx(200, abs=3)
    assert abs(flat[200, 200, 0] - flat[200, 600, 0]) <= 6  # print alike either side
    assert flat[200, 200, 0] < 0.7 * flat[50, 100, 0]
