"""Position-aware repair of OCR character confusions.

A *mask* says, position by position, what the card prints there: :data:`DIGIT` (``9``),
:data:`LETTER` (``A``) or anything else (keep the character as read). ``O`` becomes ``0`` only
where a digit belongs and ``0`` becomes ``O`` only where a letter belongs, so ``B0JONG`` and
``12-O5-199O`` are both mended while ``BLOK C2`` is left alone by a mask that keeps ``C2``.

Repair is idempotent: a repaired text is a fixed point (a property test checks it).
"""

from __future__ import annotations

from collections.abc import Iterable

DIGIT = "9"
LETTER = "A"
KEEP = "_"

#: What a character read where a digit belongs may stand for, most likely first.
DIGIT_OPTIONS: dict[str, tuple[str, ...]] = {
    "O": ("0",),
    "o": ("0",),
    "Q": ("0",),
    "D": ("0",),
    "U": ("0",),
    "I": ("1",),
    "i": ("1",),
    "l": ("1",),
    "|": ("1",),
    "!": ("1",),
    "Z": ("2",),
    "z": ("2",),
    "A": ("4",),
    "S": ("5",),
    "s": ("5",),
    "G": ("6",),
    "b": ("6",),
    "T": ("7",),
    "?": ("7", "2"),
    "B": ("8",),
    "g": ("9",),
    "q": ("9",),
}
_TO_DIGIT = {ch: options[0] for ch, options in DIGIT_OPTIONS.items()}

#: What a character read where a letter belongs stands for (values are printed upper case).
_TO_LETTER = {
    "0": "O",
    "1": "I",
    "|": "I",
    "!": "I",
    "2": "Z",
    "4": "A",
    "5": "S",
    "6": "G",
    "7": "T",
    "8": "B",
}
_ASCII_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")


def digit_options(ch: str) -> tuple[str, ...]:
    """The digits ``ch`` may be where a digit belongs: itself, its confusions, or ``()``."""
    if ch.isascii() and ch.isdigit():
        return (ch,)
    return DIGIT_OPTIONS.get(ch, ())


def is_digit_like(ch: str) -> bool:
    """True for an ASCII digit or a character commonly read in place of one."""
    return bool(digit_options(ch))


def _letter(text: str, i: int) -> str:
    ch = text[i]
    if ch == "l":
        # A lower-case l among capitals is a misread I; in a lower-case word it is an L.
        near = text[max(i - 1, 0) : i] + text[i + 1 : i + 2]
        return "L" if any(c in _ASCII_LOWER for c in near) else "I"
    if ch in _ASCII_LOWER:
        return ch.upper()
    return _TO_LETTER.get(ch, ch)


def repair(text: str, mask: str) -> str:
    """Mend ``text`` by position: digit confusions where ``mask`` has ``9``, letters at ``A``.

    Characters that cannot be mended are kept (the caller's validation rejects them).
    Raises :class:`ValueError` when the mask and the text differ in length.
    """
    if len(mask) != len(text):
        raise ValueError(f"mask has {len(mask)} positions, text has {len(text)}")
    out = []
    for i, (ch, kind) in enumerate(zip(text, mask, strict=True)):
        if kind == DIGIT:
            out.append(_TO_DIGIT.get(ch, ch))
        elif kind == LETTER:
            out.append(_letter(text, i))
        else:
            out.append(ch)
    return "".join(out)


def to_digits(text: str) -> str:
    """``text`` repaired as if every position held a digit."""
    return repair(text, DIGIT * len(text))


def to_letters(text: str) -> str:
    """``text`` repaired as if every position held a letter."""
    return repair(text, LETTER * len(text))


def word_mask(text: str, keep: Iterable[str] = ()) -> str:
    """A mask for place names: letters inside any token that has a letter, keep elsewhere.

    Tokens are separated by spaces. ``B0JONG`` becomes ``BOJONG``; a token without any letter
    (``2`` in ``SUKAMAJU 2``) is kept as read, and so are the characters in ``keep``.
    """
    keep_set = frozenset(keep) | {" "}
    mask: list[str] = []
    for i, token in enumerate(text.split(" ")):
        if i:
            mask.append(KEEP)
        has_letter = any(ch.isalpha() and ch.isascii() for ch in token)
        mask.extend(LETTER if has_letter and ch not in keep_set else KEEP for ch in token)
    return "".join(mask)
