"""A word space the recogniser nearly chose, put back from its CTC outputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ktp_ocr.ocr.rapid import SPACE_PROBABILITY, promote_spaces

#: Classes: 0 blank, 1..26 A..Z, 27..36 digits, 37 the space.
CHARS = ["<blank>", *"ABCDEFGHIJKLMNOPQRSTUVWXYZ", *"0123456789", " "]
SPACE = CHARS.index(" ")
NUMERIC = frozenset(CHARS.index(c) for c in "0123456789")


def _preds(steps: list[str], space_at_pauses: dict[int, float]) -> np.ndarray:
    """Outputs whose winner at each step is ``steps[t]`` ("" for the blank)."""
    out = np.full((1, len(steps), len(CHARS)), 0.001, np.float32)
    for t, ch in enumerate(steps):
        out[0, t, CHARS.index(ch) if ch else 0] = 0.9
        if t in space_at_pauses:
            out[0, t, SPACE] = space_at_pauses[t]
            out[0, t, 0] = 0.9 - space_at_pauses[t]
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
