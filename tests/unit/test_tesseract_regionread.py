"""The pure half of the Tesseract engine: line assembly, NIK location, the bounded search."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from ktp_ocr.ocr import regionread as rr
from ktp_ocr.types import BBox, OcrLine

NIK = "3273015205900001"
CARD = np.full((630, 1000, 3), 230, dtype=np.uint8)


class FakeReader:
    """Returns scripted texts in turn and counts the calls."""

    def __init__(self, *texts: str) -> None:
        self.texts = list(texts)
        self.calls = 0
        self.shapes: list[tuple[int, ...]] = []

    def __call__(self, grey: NDArray[np.uint8]) -> tuple[str, float]:
        self.shapes.append(grey.shape)
        text = self.texts[min(self.calls, len(self.texts) - 1)]
        self.calls += 1
        return text, 0.9


def crop() -> NDArray[np.uint8]:
    return CARD[90:140, 200:620]


# -- bounded search -------------------------------------------------------------------------------


def test_search_stops_at_first_accepted_reading() -> None:
    reader = FakeReader(NIK, "9999999999999999", "1111111111111111")
    readings = rr.search_nik(reader, crop(), 25)
    assert reader.calls == 1
    assert [(r.text, r.accepted, r.variant) for r in readings] == [(NIK, True, "grey")]


def test_search_never_reads_more_than_max_tries() -> None:
    reader = FakeReader("12345")  # never 16 digits
    for tries in (0, 1, 2, 3, 10):
        reader.calls = 0
        readings = rr.search_nik(reader, crop(), 25, max_tries=tries)
        assert reader.calls == min(tries, len(rr.NIK_VARIANTS)) == len(readings)
        assert not any(r.accepted for r in readings)


def test_search_uses_the_injected_accept() -> None:
    seen: list[str] = []

    def only_nik(text: str) -> bool:
        seen.append(text)
        return text == NIK

    reader = FakeReader("9999999999999999", f"{NIK}", "0000000000000000")
    readings = rr.search_nik(reader, crop(), 25, accept=only_nik)
    assert reader.calls == 2
    assert readings[-1].accepted and readings[-1].text == NIK
    assert readings[0].text == "9999999999999999" and not readings[0].accepted
    assert seen == ["9999999999999999", NIK]


def test_search_keeps_a_window_when_a_separator_was_read_as_a_digit() -> None:
    readings = rr.search_nik(FakeReader("1" + NIK), crop(), 25, accept=lambda s: s == NIK)
    assert readings[-1].accepted and readings[-1].text == NIK


def test_search_tries_each_variant_once_in_order() -> None:
    reader = FakeReader("", "", "")
    readings = rr.search_nik(reader, crop(), 25)
    assert [r.variant for r in readings] == ["grey", "max_otsu", "max_adaptive"]
    # every variant hands Tesseract a padded grey image scaled to the NIK text height
    for shape in reader.shapes:
        assert len(shape) == 2
        assert shape[0] == round(50 * rr.NIK_TEXT_HEIGHT / 25) + 2 * rr.BORDER


def test_search_on_an_empty_crop_reads_nothing() -> None:
    reader = FakeReader(NIK)
    assert rr.search_nik(reader, CARD[0:0, 0:0], 25) == []
    assert rr.search_nik(reader, crop(), 0) == []
    assert reader.calls == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (NIK, [NIK]),
        ("3273 0152 0590 0001", [NIK]),
        ("1" + NIK, ["1" + NIK, NIK, "1" + NIK[:15]]),
        ("12" + NIK, ["12" + NIK, NIK, ("12" + NIK)[1:17], ("12" + NIK)[:16]]),
        ("123" + NIK, ["123" + NIK]),  # too noisy for windows
        ("", [""]),
    ],
)
def test_digit_strings(text: str, expected: list[str]) -> None:
    assert rr.digit_strings(text) == expected


def test_sixteen_digits() -> None:
    assert rr.sixteen_digits(NIK)
    assert not rr.sixteen_digits(NIK[:-1])
    assert not rr.sixteen_digits("١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦")  # Arabic-Indic digits are not ASCII


def test_best_reading_prefers_accepted_then_votes() -> None:
    other = "3273015205900002"
    accepted = rr.NikReading(NIK, 0.5, True, "max_otsu")
    a = rr.NikReading(other, 0.6, False, "grey")
    b = rr.NikReading(NIK, 0.9, False, "max_otsu")
    c = rr.NikReading(other, 0.7, False, "max_adaptive")
    assert rr.best_reading([a, accepted]) is accepted
    assert rr.best_reading([a, b, c]) is c  # two votes beat one, then the surer
    assert rr.best_reading([rr.NikReading("123", 0.9, False, "grey")]) is None
    assert rr.best_reading([]) is None


# -- lines ---------------------------------------------------------------------------------------


def word(
    text: str, x0: float, x1: float, y0: float = 100, y1: float = 117, c: float = 0.9
) -> rr.Word:
    return rr.Word(text, BBox(x0, y0, x1, y1), c)


def test_assemble_line_joins_words_with_union_box_and_mean_confidence() -> None:
    line = rr.assemble_line([word("KARYAWAN", 215, 320, c=0.8), word("SWASTA", 330, 410, c=0.6)])
    assert line is not None
    assert (line.text, line.box) == ("KARYAWAN SWASTA", BBox(215, 100, 410, 117))
    assert line.confidence == pytest.approx(0.7)


@pytest.mark.parametrize("mark", ["1", ".", "|", "1»", ";"])
def test_a_narrow_short_leading_mark_is_the_separator(mark: str) -> None:
    line = rr.assemble_line([word(mark, 200, 203, 103, 116), word("KARYAWAN", 215, 320)])
    assert line is not None and line.text == ": KARYAWAN"


def test_a_real_leading_digit_is_kept() -> None:
    tall = rr.assemble_line([word("1", 200, 207, 100, 117), word("MEI", 215, 260)])
    wide = rr.assemble_line([word("1", 200, 212, 103, 116), word("MEI", 215, 260)])
    alone = rr.assemble_line([word("1", 200, 203, 103, 116)])
    assert tall is not None and tall.text == "1 MEI"
    assert wide is not None and wide.text == "1 MEI"
    assert alone is not None and alone.text == "1"


def test_assemble_line_drops_lines_without_letters_or_digits() -> None:
    assert rr.assemble_line([]) is None
    assert rr.assemble_line([word("  ", 0, 5)]) is None
    assert rr.assemble_line([word("~", 0, 5), word("—", 10, 20)]) is None


def test_assemble_line_clamps_confidence() -> None:
    line = rr.assemble_line([word("A", 0, 5, c=1.5)])
    assert line is not None and line.confidence == 1.0


# -- locating the NIK ----------------------------------------------------------------------------


def ln(text: str, x0: float, y0: float, x1: float, y1: float) -> OcrLine:
    return OcrLine(text, BBox(x0, y0, x1, y1), 0.9)


SIZE = (1000, 630)


def test_locate_nik_value_beside_its_label() -> None:
    lines = [ln("PROVINSI JAWA BARAT", 330, 13, 710, 45), ln("NIK", 26, 100, 96, 133)]
    lines += [ln(": 3273O152O59OOO1", 213, 101, 573, 131), ln("Nama", 26, 146, 97, 170)]
    spot = rr.locate_nik(lines, SIZE)
    assert spot == rr.NikSpot(BBox(213, 101, 573, 131), 2, "")


def test_locate_nik_in_a_merged_label_line() -> None:
    lines = [ln("NIK : 3273015205900001", 26, 100, 573, 131)]
    spot = rr.locate_nik(lines, SIZE)
    assert spot is not None and spot.line == 0 and spot.label == "NIK :"
    assert 26 < spot.box.x0 < 213 and spot.box.x1 == 573


def test_locate_nik_band_when_only_the_label_was_read() -> None:
    spot = rr.locate_nik([ln("NIK", 26, 100, 96, 133), ln("Nama", 26, 146, 97, 170)], SIZE)
    assert spot is not None and spot.line is None
    assert spot.box == BBox(96, 100, 1000 * rr.NIK_BAND[2], 133)


def test_locate_nik_without_label_takes_the_top_digit_line() -> None:
    lines = [ln("3273015205900001", 213, 101, 573, 131), ln("12-05-1990", 215, 213, 330, 241)]
    lines.append(ln("3273015205900009", 213, 500, 573, 530))  # bottom half: not the NIK row
    spot = rr.locate_nik(lines, SIZE)
    assert spot is not None and spot.line == 0 and spot.label == ""


def test_locate_nik_none_without_label_or_digits() -> None:
    assert rr.locate_nik([ln("Nama", 26, 146, 97, 170)], SIZE) is None
    assert rr.locate_nik([], SIZE) is None


# -- pixels --------------------------------------------------------------------------------------


def test_crop_box_pads_and_clips() -> None:
    image = np.zeros((100, 200, 3), dtype=np.uint8)
    cut, at = rr.crop_box(image, BBox(10, 10, 190, 30))
    assert at == BBox(3, 1, 197, 39)
    assert cut.shape == (38, 194, 3)
    cut, at = rr.crop_box(image, BBox(-50, 90, 500, 150))
    assert at == BBox(0, 63, 200, 100) and cut.shape == (37, 200, 3)
    cut, _ = rr.crop_box(image, BBox(300, 300, 400, 300))
    assert cut.size == 0


def test_nominal_nik_box_scales_with_the_card() -> None:
    assert rr.nominal_nik_box((2000, 1260)) == rr.nominal_nik_box((1000, 630)).scaled(2)


def test_max_channel_whitens_colour_but_keeps_black() -> None:
    image = np.array([[[200, 190, 90], [0, 0, 0]]], dtype=np.uint8)  # teal guilloche, black ink
    assert rr.max_channel(image).tolist() == [[200, 0]]
    assert rr.to_grey(image)[0, 0] < 200
    grey = np.zeros((4, 4), dtype=np.uint8)
    assert rr.max_channel(grey) is grey and rr.to_grey(grey) is grey


def test_thresholds_are_binary() -> None:
    rng = np.random.default_rng(0)
    grey = rng.integers(0, 256, (40, 60), dtype=np.uint8)
    assert set(np.unique(rr.otsu(grey))) <= {0, 255}
    assert set(np.unique(rr.adaptive(grey, 16))) <= {0, 255}
    assert rr.scale_to(grey, 1.0) is grey
    assert rr.scale_to(grey, 2.0).shape == (80, 120)
    assert rr.pad(grey).shape == (40 + 2 * rr.BORDER, 60 + 2 * rr.BORDER)
