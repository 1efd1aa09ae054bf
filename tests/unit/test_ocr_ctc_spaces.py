"""A word space the recogniser nearly chose, put back from its CTC outputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ktp_ocr.ocr.ctc import SPACE_PROBABILITY, STOP_PROBABILITY, promote_spaces, promote_stops

#: Classes: 0 blank, 1..26 A..Z, 27..36 digits, 37 the space, 38 the full stop, 39 a colon.
CHARS = ["<blank>", *"ABCDEFGHIJKLMNOPQRSTUVWXYZ", *"0123456789", " ", ".", ":"]
SPACE = CHARS.index(" ")
STOP = CHARS.index(".")
NUMERIC = frozenset(CHARS.index(c) for c in "0123456789")


def _preds(steps: list[str], at_pauses: dict[int, float], cls: int = SPACE) -> np.ndarray:
    """Outputs whose winner at each step is ``steps[t]`` ("" for the blank), with class ``cls``
    given the probability ``at_pauses[t]`` at those steps."""
    out = np.full((1, len(steps), len(CHARS)), 0.0001, np.float32)
    for t, ch in enumerate(steps):
        out[0, t, CHARS.index(ch) if ch else 0] = 0.9
        if t in at_pauses:
            out[0, t, cls] = at_pauses[t]
            out[0, t, 0] = 0.9 - at_pauses[t]
    return out


def _decode(preds: np.ndarray) -> str:
    best = preds[0].argmax(axis=1)
    text, prev = [], 0
    for k in best:
        if k != 0 and k != prev:
            text.append(CHARS[k])
        prev = k
    return "".join(text)


STEPS = ["S", "", "I", "", "T", "", "I", "", "", "R", "", "O"]


def test_a_space_the_model_nearly_chose_is_put_back() -> None:
    preds = _preds(STEPS, {7: 0.35, 8: 0.2})
    assert _decode(preds) == "SITIRO"
    assert _decode(promote_spaces(preds, SPACE, SPACE_PROBABILITY, NUMERIC)) == "SITI RO"


def test_a_faint_space_is_not() -> None:
    preds = _preds(STEPS, {7: 0.05, 3: 0.01})
    assert promote_spaces(preds, SPACE, SPACE_PROBABILITY, NUMERIC) is preds


def test_never_between_digits_nor_beside_a_space() -> None:
    digits = _preds(["2", "", "5", "", "0", "", "1"], {1: 0.4, 3: 0.4, 5: 0.4})
    assert _decode(promote_spaces(digits, SPACE, SPACE_PROBABILITY, NUMERIC)) == "2501"
    spaced = _preds(["A", "", " ", "", "B"], {1: 0.4, 3: 0.4})
    assert _decode(promote_spaces(spaced, SPACE, SPACE_PROBABILITY, NUMERIC)) == "A B"


def test_a_letter_and_a_digit_may_be_parted() -> None:
    preds = _preds(["O", "", "3", "", "1"], {1: 0.3})
    assert _decode(promote_spaces(preds, SPACE, SPACE_PROBABILITY, NUMERIC)) == "O 31"


@pytest.mark.parametrize("threshold", [0.1, 0.3])
@given(
    st.lists(st.sampled_from(["", "A", "B", "1", "2", " "]), min_size=1, max_size=30),
    st.lists(st.floats(0.0, 0.85), min_size=30, max_size=30),
)
def test_only_spaces_are_ever_added(
    threshold: float, steps: list[str], spaces: list[float]
) -> None:
    preds = _preds(steps, {t: spaces[t] for t, ch in enumerate(steps) if not ch})
    before, after = _decode(preds), _decode(promote_spaces(preds, SPACE, threshold, NUMERIC))
    assert after.replace(" ", "") == before.replace(" ", "")  # no letter changed or lost
    assert after.count(" ") >= before.count(" ")
    assert "  " not in after or "  " in before  # never a space beside a space


# A full stop the recogniser nearly chose after an abbreviation (``JL`` for ``JL.``).

JL_MANGGA = ["J", "", "L", "", "", " ", "", "M", "", "A"]


def test_a_stop_the_model_nearly_chose_after_an_abbreviation_is_put_back() -> None:
    preds = _preds(JL_MANGGA, {3: 0.004, 4: 0.03}, STOP)
    assert _decode(preds) == "JL MA"
    assert _decode(promote_stops(preds, CHARS, STOP_PROBABILITY)) == "JL. MA"


def test_a_stop_before_a_house_number() -> None:
    preds = _preds(["N", "", "O", "", "", "5"], {3: 0.01}, STOP)
    assert _decode(promote_stops(preds, CHARS, STOP_PROBABILITY)) == "NO.5"


@pytest.mark.parametrize(
    ("steps", "pauses"),
    [
        (JL_MANGGA, {3: 0.0005, 4: 0.0009}),  # the card prints no stop: JL MANGGA
        (["J", "", "A", "", "", " ", "", "M"], {3: 0.3}),  # JA is no abbreviation
        (["X", "J", "", "L", "", " ", "M"], {4: 0.3}),  # XJL: JL is part of a longer word
        (["J", "", "L", "", "", "M"], {3: 0.3}),  # never inside a word (JLM)
    ],
)
def test_no_stop_without_evidence_or_outside_an_abbreviation(
    steps: list[str], pauses: dict[int, float]
) -> None:
    preds = _preds(steps, pauses, STOP)
    assert promote_stops(preds, CHARS, STOP_PROBABILITY) is preds


def test_the_word_restarts_after_punctuation() -> None:
    steps = [":", "", "J", "", "L", "", "", " ", "M"]
    preds = _preds(steps, {5: 0.02}, STOP)
    assert _decode(promote_stops(preds, CHARS, STOP_PROBABILITY)) == ":JL. M"


@given(
    st.lists(st.sampled_from(["", "J", "L", "N", "O", "1", " "]), min_size=1, max_size=30),
    st.lists(st.floats(0.0, 0.44), min_size=30, max_size=30),  # the pause itself still wins
)
def test_only_stops_are_ever_added(steps: list[str], stops: list[float]) -> None:
    preds = _preds(steps, {t: stops[t] for t, ch in enumerate(steps) if not ch}, STOP)
    before = _decode(preds)
    after = _decode(promote_stops(preds, CHARS, STOP_PROBABILITY))
    assert after.replace(".", "") == before  # nothing but stops added
    assert ".." not in after
    for word in after.split():
        if "." in word:  # a stop closes JL, JLN or NO, and is never the first thing
            assert word.split(".")[0][-3:].lstrip("0123456789") in {"JL", "JLN", "NO", "L", "N"}
