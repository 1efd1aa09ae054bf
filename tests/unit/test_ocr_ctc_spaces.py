"""A word space the recogniser nearly chose, put back from its CTC outputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ktp_ocr.ocr.ctc import (
    SPACE_PROBABILITY,
    STOP_PROBABILITY,
    ZERO_PROBABILITY,
    promote_spaces,
    promote_stops,
    promote_zeros,
)

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


def _decode(preds: np.ndarray, chars: list[str] = CHARS) -> str:
    best = preds[0].argmax(axis=1)
    text, prev = [], 0
    for k in best:
        if k != 0 and k != prev:
            text.append(chars[k])
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


#: With a slash and a hyphen, for RT/RW lines and dates.
RT_CHARS = [*CHARS, "/", "-"]


def _rt_preds(steps: list[str], zero_at: dict[int, float]) -> np.ndarray:
    """Outputs over :data:`RT_CHARS` whose winner at step ``t`` is ``steps[t]``, ``0`` given
    the probability ``zero_at[t]`` there."""
    out = np.full((1, len(steps), len(RT_CHARS)), 0.0001, np.float32)
    for t, ch in enumerate(steps):
        out[0, t, RT_CHARS.index(ch) if ch else 0] = 0.9
        if t in zero_at and ch != "0":
            out[0, t, RT_CHARS.index("0")] = zero_at[t]
    return out


def _rt_decode(preds: np.ndarray) -> str:
    return _decode(preds, RT_CHARS)


#: ``:007/902`` with a blank step between characters; the ``9`` at steps 10 and 11.
RT_STEPS = [":", "", "0", "", "0", "", "7", "", "/", "", "9", "9", "", "0", "", "2"]


def test_a_leading_digit_of_an_rt_rw_blurred_from_zero_is_zero() -> None:
    """Regression (hard photos 4, 21, 76): ``007/902``, ``203/016`` and ``005/907`` were read
    where the card prints ``007/002``, ``003/016``, ``005/007``."""
    preds = _rt_preds(RT_STEPS, {11: 0.04})
    assert _rt_decode(preds) == ":007/902"
    assert _rt_decode(promote_zeros(preds, RT_CHARS, ZERO_PROBABILITY)) == ":007/002"
    first = _rt_preds(["2", "", "0", "", "3", "", "/", "", "0", "", "1", "", "6"], {0: 0.24})
    assert _rt_decode(promote_zeros(first, RT_CHARS, ZERO_PROBABILITY)) == "003/016"


def test_no_zero_without_the_models_evidence() -> None:
    preds = _rt_preds(RT_STEPS, {10: ZERO_PROBABILITY / 2, 11: ZERO_PROBABILITY / 3})
    assert promote_zeros(preds, RT_CHARS, ZERO_PROBABILITY) is preds


@pytest.mark.parametrize(
    "text",
    [
        "12-09-1990",  # a date
        "NO. 902/1",  # a house number
        "BLOK C2/905",  # letters and digits
        "9021/005",  # four digits
        "3201234509900001",  # a NIK
    ],
)
def test_only_a_whole_rt_rw_line(text: str) -> None:
    steps = [s for ch in text for s in (ch, "")]
    preds = _rt_preds(steps, dict.fromkeys(range(len(steps)), 0.3))
    assert promote_zeros(preds, RT_CHARS, ZERO_PROBABILITY) is preds


def test_not_when_a_zero_follows_with_no_blank_between() -> None:
    """The two would merge into one ``0`` and the group lose a digit."""
    steps = ["0", "", "0", "", "7", "", "/", "", "9", "0", "", "2"]
    preds = _rt_preds(steps, {8: 0.3})
    assert promote_zeros(preds, RT_CHARS, ZERO_PROBABILITY) is preds


@given(
    st.lists(st.sampled_from("0123456789"), min_size=6, max_size=6),
    st.lists(st.floats(0, 0.5), min_size=6, max_size=6),
)
def test_only_a_groups_first_digit_ever_turns_zero(digits: list[str], zero: list[float]) -> None:
    text = "".join(digits[:3]) + "/" + "".join(digits[3:])
    steps = [s for ch in text for s in (ch, "")]
    chars = [t for t, s in enumerate(steps) if s and s != "/"]
    preds = _rt_preds(steps, dict(zip(chars, zero, strict=True)))
    out = _rt_decode(promote_zeros(preds, RT_CHARS, ZERO_PROBABILITY))
    assert len(out) == len(text)
    for k, (a, b) in enumerate(zip(text, out, strict=True)):
        assert a == b or (k in (0, 4) and b == "0")
