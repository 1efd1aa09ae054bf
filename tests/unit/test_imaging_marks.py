"""The lone dash of an unknown blood type, found from the pixels."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import cv2
import numpy as np
import pytest

from ktp_ocr.fields.parse import parse_fields
from ktp_ocr.imaging.marks import BLOT_MIN_ASPECT, holds_no_letter, is_lone_dash
from ktp_ocr.pipeline.inference import (
    BLOT_CONFIDENCE,
    DASH_CONFIDENCE,
    NO_LETTER_CONFIDENCE,
    blood_dash,
    mark_no_letter,
)
from ktp_ocr.types import BBox, FieldName, RawField


def _place(draw: str) -> np.ndarray:
    img = np.full((30, 90, 3), (205, 225, 215), np.uint8)  # light blue-green card
    if "colon" in draw:
        cv2.circle(img, (6, 10), 2, (20, 20, 20), -1)
        cv2.circle(img, (6, 21), 2, (20, 20, 20), -1)
    if "dash" in draw:
        cv2.rectangle(img, (20, 14), (31, 17), (20, 20, 20), -1)
    if "letter" in draw:
        cv2.putText(img, "AB", (20, 24), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (20, 20, 20), 2)
    return img


@pytest.mark.parametrize(
    ("draw", "dash"),
    [
        ("dash", True),
        ("colon dash", True),
        ("letter", False),
        ("colon", False),
        ("", False),
        ("colon letter", False),
    ],
)
def test_lone_dash(draw: str, dash: bool) -> None:
    assert is_lone_dash(_place(draw), BBox(0, 0, 90, 30), 30.0) is dash


def test_degenerate_boxes() -> None:
    img = _place("dash")
    assert not is_lone_dash(img, BBox(10, 10, 11, 11), 30.0)
    assert not is_lone_dash(img, BBox(0, 0, 90, 30), 0.0)


def _guilloche(img: np.ndarray, contrast: int = 10) -> np.ndarray:
    """Fine wavy lines a little darker than the card, like the e-KTP's security print."""
    out = img.astype(np.int16)
    for k in range(0, 30, 5):
        xs = np.arange(img.shape[1])
        ys = (k + 2 * np.sin(xs / 6.0)).astype(int) % img.shape[0]
        out[ys, xs] -= contrast
    return np.clip(out, 0, 255).astype(np.uint8)


def test_faint_thin_dash_on_security_print() -> None:
    """Regression: a blurred 2 px dash, far lighter than letters, fell below the ink cut and
    was dropped as noise, so a printed ``-`` came out as a missing blood type."""
    img = _guilloche(_place(""))
    cv2.rectangle(img, (40, 14), (46, 15), (175, 190, 182), -1)
    assert is_lone_dash(img, BBox(0, 0, 90, 30), 28.0)
    assert not is_lone_dash(_guilloche(_place("")), BBox(0, 0, 90, 30), 28.0)


def test_letter_cut_by_the_left_edge_is_not_a_mark() -> None:
    """Regression: the place often starts inside the label's last letter (the ``h`` of
    ``Darah``); that sliver stopped a dash after the colon from being seen."""
    img = _place("colon dash")
    cv2.rectangle(img, (0, 8), (2, 24), (20, 20, 20), -1)  # the stem of a letter, cut
    assert is_lone_dash(img, BBox(0, 0, 90, 30), 30.0)
    cv2.putText(img, "B", (60, 24), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (20, 20, 20), 2)  # a letter
    assert not is_lone_dash(img, BBox(0, 0, 90, 30), 30.0)


def test_a_colon_blurred_into_one_bar_is_not_a_letter() -> None:
    """Regression: blur merged the colon's dots into one upright bar just inside the place;
    as tall as a letter, it hid the dash after it. No blood group is a narrow bar."""
    img = _place("dash")
    cv2.rectangle(img, (2, 9), (6, 21), (20, 20, 20), -1)  # the colon, one blurred stroke
    assert is_lone_dash(img, BBox(0, 0, 90, 30), 30.0)
    cv2.putText(img, "O", (40, 24), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (20, 20, 20), 2)
    assert not is_lone_dash(img, BBox(0, 0, 90, 30), 30.0)  # a letter as wide as a group's


def test_a_square_blot_is_a_dash_only_when_asked_to_take_blots() -> None:
    """Blur rounds a short dash into a blot: taken only with the blot aspect (less surely)."""
    img = _place("colon")
    cv2.rectangle(img, (40, 13), (44, 17), (20, 20, 20), -1)
    assert not is_lone_dash(img, BBox(0, 0, 90, 30), 30.0)
    assert is_lone_dash(img, BBox(0, 0, 90, 30), 30.0, min_aspect=BLOT_MIN_ASPECT)


@pytest.mark.parametrize("draw", ["letter", "colon letter", "colon", ""])
def test_no_blot_dash_without_a_blot(draw: str) -> None:
    assert not is_lone_dash(_place(draw), BBox(0, 0, 90, 30), 30.0, min_aspect=BLOT_MIN_ASPECT)


def test_a_tall_thin_mark_is_not_a_blot() -> None:
    img = _place("")
    cv2.rectangle(img, (40, 12), (41, 18), (20, 20, 20), -1)
    assert not is_lone_dash(img, BBox(0, 0, 90, 30), 30.0, min_aspect=BLOT_MIN_ASPECT)


@pytest.mark.parametrize(
    ("mark", "confidence"),
    [((20, 14, 31, 17), DASH_CONFIDENCE), ((40, 13, 44, 17), BLOT_CONFIDENCE), (None, None)],
)
def test_an_empty_blood_type_place_is_read_from_its_pixels(
    mark: tuple[int, int, int, int] | None, confidence: float | None
) -> None:
    """A clear bar is the dash; a blot is the dash less surely; nothing stays unread."""
    img = _place("colon")
    if mark is not None:
        cv2.rectangle(img, mark[:2], mark[2:], (20, 20, 20), -1)
    place = RawField("", BBox(0, 0, 90, 30), 0.0)
    got = blood_dash(img, {FieldName.GOLONGAN_DARAH: place})[FieldName.GOLONGAN_DARAH]
    assert (got.text, got.confidence) == (("-", confidence) if confidence else ("", 0.0))


def _row(place: str, *, label_ink: int = 30, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """``Darah :`` in small letters, then the blood type's place (x 90..180, height 30)."""
    img = np.full((30, 180, 3), (205, 225, 215), np.uint8)
    ink = (label_ink, label_ink, label_ink)
    cv2.putText(img, "Darah", (2, 21), cv2.FONT_HERSHEY_SIMPLEX, 0.55, ink, 1, cv2.LINE_AA)
    cv2.circle(img, (97, 12), 1, (30, 30, 30), -1)
    cv2.circle(img, (97, 20), 1, (30, 30, 30), -1)
    if place == "speck":
        cv2.rectangle(img, (112, 16), (113, 17), (150, 165, 160), -1)  # what is left of a dash
    elif place:
        cv2.putText(img, place, (108, 23), cv2.FONT_HERSHEY_SIMPLEX, 0.6, ink, 2, cv2.LINE_AA)
    if noise:
        grain = np.random.default_rng(seed).normal(0, noise, img.shape)
        img = np.clip(img.astype(np.float64) + grain, 0, 255).astype(np.uint8)
    return img


_PLACE = BBox(90, 0, 180, 30)


def _reads(
    text: str, confidence: float = 0.9
) -> Callable[[Sequence[np.ndarray]], list[tuple[str, float]]]:
    """A recogniser of single-line crops that reads every crop as ``text``."""

    def read(crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        return [(text, confidence) for _ in crops]

    return read


@pytest.mark.parametrize("place", ["speck", ""])
def test_no_letter_where_the_label_shows_its_letters(place: str) -> None:
    """The label's letters stand out; nothing as tall is in the place: the ``-`` faded."""
    assert holds_no_letter(_row(place), _PLACE, 30.0)


@pytest.mark.parametrize("place", ["B", "O", "AB"])
def test_a_letter_in_the_place_is_a_letter(place: str) -> None:
    assert not holds_no_letter(_row(place), _PLACE, 30.0)


def test_a_faint_letter_as_faint_as_its_label_is_still_a_letter() -> None:
    """Cut at the label's own contrast, a letter printed as faintly is still seen."""
    assert not holds_no_letter(_row("B", label_ink=150), _PLACE, 30.0)


def test_no_answer_where_the_label_does_not_stand_out() -> None:
    """Regression: on a grainy photo the label's letters and a faint ``B`` after them were both
    lost in the grain, and the empty-looking place was taken for the ``-``."""
    img = _row("B", label_ink=175, noise=14.0)
    assert not holds_no_letter(img, _PLACE, 30.0)


def test_no_answer_on_blank_paper_or_without_a_label_before_the_place() -> None:
    blank = np.full((30, 180, 3), 230, np.uint8)
    assert not holds_no_letter(blank, _PLACE, 30.0)
    assert not holds_no_letter(_row(""), BBox(0, 0, 90, 30), 30.0)  # nothing left of it
    assert not holds_no_letter(_row(""), _PLACE, 0.0)


def test_an_empty_place_after_a_clear_label_is_the_dash_less_surely() -> None:
    place = RawField("", _PLACE, 0.0)
    raw = blood_dash(_row("speck"), {FieldName.GOLONGAN_DARAH: place}, _reads("rah :"))
    got = raw[FieldName.GOLONGAN_DARAH]
    assert (got.text, got.confidence) == ("-", NO_LETTER_CONFIDENCE)
    read = {FieldName.GOLONGAN_DARAH: place}
    fields = mark_no_letter(read, raw, parse_fields(raw, today=date(2026, 1, 1)))
    blood = fields[FieldName.GOLONGAN_DARAH]
    assert blood.value == "-"
    assert "golongan_darah_no_letter" in blood.issues
    assert blood.confidence < 0.8
    letter = blood_dash(_row("B"), {FieldName.GOLONGAN_DARAH: place}, _reads("rah : B"))
    assert letter[FieldName.GOLONGAN_DARAH].text == ""


@pytest.mark.parametrize("read", ["ah:0", "rah : b", "Darah AB+"])
def test_no_dash_inferred_where_the_row_reads_as_a_group(read: str) -> None:
    """Regression: a box drawn past an ``O`` the recogniser dropped put the place after the
    letter; the row read whole (``ah:0``) shows the group, so no ``-`` is inferred."""
    place = RawField("", _PLACE, 0.0)
    got = blood_dash(_row("speck"), {FieldName.GOLONGAN_DARAH: place}, _reads(read))
    assert got[FieldName.GOLONGAN_DARAH].text == ""


def test_a_letter_read_unsurely_in_the_row_does_not_overrule_the_pixels() -> None:
    """Regression: the stripes of a moire after a clear `Gol Darah :` were read as `b` at
    0.37; the pixels showed nothing as tall as a letter, and the `-` was left unread."""
    place = RawField("", _PLACE, 0.0)
    got = blood_dash(_row("speck"), {FieldName.GOLONGAN_DARAH: place}, _reads("rah : b", 0.37))
    assert got[FieldName.GOLONGAN_DARAH].text == "-"


@pytest.mark.parametrize("paper", [(214, 220, 217), (250, 252, 251)])
def test_blank_paper_after_a_clear_label_is_the_dash_unless_glare_covers_it(
    paper: tuple[int, int, int],
) -> None:
    """Regression: on a dim card the `-` after a legible `Gol. Darah :` had faded into paper too
    even for a threshold; blank paper there was taken for glare and nothing was given. Only a
    reflection found over it (glare also leaves blank paper) keeps it unread."""
    from ktp_ocr.imaging.quality import Glare

    img = _row("")
    img[:, 90:] = paper  # the colon faded too
    assert not holds_no_letter(img, _PLACE, 30.0)
    assert holds_no_letter(img, _PLACE, 30.0, blank_is_empty=True)
    place = {FieldName.GOLONGAN_DARAH: RawField("", _PLACE, 0.0)}
    got = blood_dash(img, place, _reads("rah :"))[FieldName.GOLONGAN_DARAH]
    assert (got.text, got.confidence) == ("-", NO_LETTER_CONFIDENCE)
    img[:, 90:] = 255  # clipped by a reflection
    glare = (Glare(BBox(85, 0, 180, 30), 0.4),)
    got = blood_dash(img, place, _reads("rah :"), glare)[FieldName.GOLONGAN_DARAH]
    assert got.text == ""


def test_no_dash_inferred_without_a_way_to_read_the_row() -> None:
    """No reader, or one that reads nothing (a pool of engines that need detection)."""
    place = RawField("", _PLACE, 0.0)
    got = blood_dash(_row("speck"), {FieldName.GOLONGAN_DARAH: place})
    assert got[FieldName.GOLONGAN_DARAH].text == ""
    got = blood_dash(_row("speck"), {FieldName.GOLONGAN_DARAH: place}, lambda crops: [])
    assert got[FieldName.GOLONGAN_DARAH].text == ""


def test_a_dash_read_as_text_is_not_marked() -> None:
    """Only a ``-`` given from the pixels carries the issue, whatever its confidence."""
    read = {FieldName.GOLONGAN_DARAH: RawField("-", _PLACE, NO_LETTER_CONFIDENCE)}
    fields = mark_no_letter(read, read, parse_fields(read, today=date(2026, 1, 1)))
    assert fields[FieldName.GOLONGAN_DARAH].issues == ()


@pytest.mark.parametrize(("letter_x", "dash"), [(None, True), (656, False), (664, False)])
def test_a_blood_group_printed_further_along_is_not_taken_for_a_faded_dash(
    letter_x: int | None, dash: bool
) -> None:
    """Nothing is read after ``Gol. Darah``: a group printed past the usual place (another
    card's spacing) still means no dash."""
    card = np.full((40, 1000, 3), (205, 225, 215), np.uint8)
    cv2.putText(card, "Darah", (520, 27), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (30, 30, 30), 1)
    cv2.circle(card, (587, 17), 1, (30, 30, 30), -1)
    cv2.circle(card, (587, 25), 1, (30, 30, 30), -1)
    if letter_x is not None:
        cv2.putText(card, "O", (letter_x, 29), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (30, 30, 30), 2)
    place = RawField("", BBox(580, 5, 650, 35), 0.0)
    raw = {FieldName.GOLONGAN_DARAH: place}
    got = blood_dash(card, raw, _reads("Darah :"))[FieldName.GOLONGAN_DARAH]
    assert (got.text == "-") is dash


def test_a_bold_label_filling_its_span_still_shows_its_letters() -> None:
    """Regression (hard 82): the bold, blurred ``Darah`` filled over a quarter of the span
    before the place, so the texture cut (its 75th percentile) fell inside the ink and no
    letter of the label was found; the faded ``-`` after it was left unread."""
    card = np.full((30, 260, 3), (205, 225, 215), np.uint8)
    cv2.putText(card, "Darah", (2, 25), cv2.FONT_HERSHEY_DUPLEX, 0.95, (60, 60, 60), 3)
    card = cv2.GaussianBlur(card, (3, 3), 0)
    (width, _), _ = cv2.getTextSize("Darah", cv2.FONT_HERSHEY_DUPLEX, 0.95, 3)
    place = BBox(2 + width - 15, 0, 2 + width + 60, 30)  # half a height inside the label's box
    assert holds_no_letter(card, place, 30.0)
    got = blood_dash(card, {FieldName.GOLONGAN_DARAH: RawField("", place, 0.0)}, _reads("Darah"))
    assert got[FieldName.GOLONGAN_DARAH].text == "-"
    cv2.putText(card, "B", (2 + width + 20, 25), cv2.FONT_HERSHEY_DUPLEX, 0.95, (60, 60, 60), 3)
    assert not holds_no_letter(card, place, 30.0)
