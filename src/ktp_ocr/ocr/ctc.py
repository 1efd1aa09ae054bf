"""CTC decoding that takes a word space or a full stop the recogniser nearly chose.

PP-OCR's recogniser drops a narrow word gap (``SITIROHMAH``) or a faint stop after an
abbreviation (``JL MANGGA``) now and then while still giving it a fair probability at the pause
between the letters. These helpers make such a character the winner before RapidOCR's own
decoder runs, on the recogniser's evidence only.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ktp_ocr.ocr.spacing import NUMERIC

__all__ = [
    "SPACE_PROBABILITY",
    "STOP_ABBREVIATIONS",
    "STOP_PROBABILITY",
    "ZERO_PROBABILITY",
    "decode_nearly_chosen",
    "promote_spaces",
    "promote_stops",
    "promote_zeros",
]

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


def _runs(row: NDArray[np.intp]) -> list[tuple[int, int]]:
    """Steps ``[start, end)`` of each character a line's best path emits, in order."""
    runs: list[tuple[int, int]] = []
    for t, cls in enumerate(row):
        if cls == 0:
            continue
        if runs and runs[-1][1] == t and row[t - 1] == cls:
            runs[-1] = (runs[-1][0], t + 1)
        else:
            runs.append((t, t + 1))
    return runs


def _pauses(row: NDArray[np.intp]) -> Iterator[tuple[int, int, list[int]]]:
    """Each two characters a line's best path emits in a row, and the pause between them.

    Yields both classes and the blank steps between them (none when one follows straight on).
    """
    for (left, end), (right, _) in itertools.pairwise(_runs(row)):
        yield int(row[left]), int(row[right]), list(range(end, right))


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


#: An RT/RW line's first digit of RT or RW, read as another digit, is the ``0`` the model gave
#: at least this probability there. RT and RW numbers are printed with three digits and are
#: almost always under 100 (an RT is a few dozen households, an RW a few RTs), so a leading
#: ``9``, ``8``, ``2`` or ``1`` is far likelier a blurred ``0`` than a number past 99: on the
#: hard benchmark photos such misreads (``007/902``, ``203/016``, ``005/907``) gave the ``0``
#: 0.01 to 0.24, and no leading digit read right had another digit chosen.
ZERO_PROBABILITY = 0.01
#: A whole line that is an RT/RW: two groups of three digits about a slash (a colon before it,
#: the label's, may be read too).
_RT_RW_LINE = re.compile(r"[^0-9]*([0-9]{3}) ?/ ?([0-9]{3})[^0-9]*")


def promote_zeros(
    preds: NDArray[np.float32], alphabet: Sequence[str], threshold: float
) -> NDArray[np.float32]:
    """CTC outputs where the leading digit of an RT/RW's group is the ``0`` the model nearly chose.

    Only on a line whose best path reads as a whole RT/RW (:data:`_RT_RW_LINE`), at the first
    digit of each group when it is not ``0`` and ``0``'s probability at one of its steps
    reaches ``threshold``. Not when a ``0`` follows it with no blank step between: the two
    would merge into one.
    """
    zero = alphabet.index("0")
    out = preds
    for b, row in enumerate(preds.argmax(axis=2)):
        runs = _runs(row)
        text = "".join(alphabet[int(row[t0])] for t0, _ in runs)
        match = _RT_RW_LINE.fullmatch(text)
        if match is None:
            continue
        for group in (1, 2):
            t0, t1 = runs[match.start(group)]
            cls = int(row[t0])
            if cls == zero or (t1 < len(row) and int(row[t1]) == zero):
                continue
            steps = range(t0, t1)
            if max(float(preds[b, t, zero]) for t in steps) < threshold:
                continue
            if out is preds:
                out = preds.copy()
            for t in steps:
                out[b, t, zero] = out[b, t, cls] + 1e-3
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
        self._zeros = "/" in chars and "0" in chars

    def __call__(self, preds: Any, return_word_box: bool = False, **kwargs: Any) -> Any:
        preds = promote_spaces(preds, self._space, self._threshold, self._numeric)
        if self._stops:
            preds = promote_stops(preds, self._chars, self._stop_threshold)
        if self._zeros:
            preds = promote_zeros(preds, self._chars, ZERO_PROBABILITY)
        return self._inner(preds, return_word_box, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def decode_nearly_chosen(rec: Any) -> None:
    """Decode the recogniser ``rec``'s outputs through :class:`_NearlyChosen`."""
    post = getattr(rec, "postprocess_op", None)
    if post is not None and " " in list(getattr(post, "character", ())):
        rec.postprocess_op = _NearlyChosen(post, SPACE_PROBABILITY, STOP_PROBABILITY)
