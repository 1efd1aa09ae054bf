"""Word spaces put back from the ink gaps of a rendered line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from ktp_ocr.ocr.spacing import restore_spaces

FONTS = Path(__file__).parents[2] / "src" / "ktp_ocr" / "synth" / "data" / "fonts"


def _render(text: str, font_file: str = "LiberationSans-Regular.ttf", size: int = 32):
    """The line image and the x span of every non-space character, as a recogniser gives them."""
    font = ImageFont.truetype(str(FONTS / font_file), size)
    width = int(font.getlength(text)) + 20
    image = Image.new("L", (width, size + 16), 255)
    ImageDraw.Draw(image).text((10, 6), text, font=font, fill=0)
    spans = []
    for i, ch in enumerate(text):
        if ch == " ":
            continue
        x0 = 10 + font.getlength(text[:i])
        spans.append((x0, x0 + font.getlength(ch)))
    return np.asarray(image), spans


@pytest.mark.parametrize(
    "text",
    ["JL. MERDEKA NO. 10", "DESMAWATI WARNI", "KP. CIPAGERAN UJUNG", "M. RAHMAN FIRDAUS"],
)
def test_dropped_spaces_come_back(text: str) -> None:
    crop, spans = _render(text)
    assert restore_spaces(crop, text.replace(" ", ""), spans) == text


@pytest.mark.parametrize("text", ["3273015205900001", "12-11-1990", "003/005", "SEUMUR HIDUP"])
def test_nothing_is_added_where_there_is_no_space(text: str) -> None:
    crop, spans = _render(text)
    assert restore_spaces(crop, text, spans) == text


def test_spans_that_do_not_line_up_leave_the_text_alone() -> None:
    crop, spans = _render("JL. MERDEKA")
    assert restore_spaces(crop, "JL.MERDEKA", spans[:-1]) == "JL.MERDEKA"
    assert restore_spaces(np.full((30, 200), 255, np.uint8), "ABCD", spans[:4]) == "ABCD"


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="ABCDEFGHJKLMNOPRSTUWY", min_size=3, max_size=10))
def test_one_word_is_never_split(word: str) -> None:
    crop, spans = _render(word)
    assert restore_spaces(crop, word, spans) == word
