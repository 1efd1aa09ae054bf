"""Position-aware character repair."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ktp_ocr.fields.repair import (
    DIGIT,
    KEEP,
    LETTER,
    digit_options,
    is_digit_like,
    repair,
    to_digits,
    to_letters,
    word_mask,
)

_NOISY = st.text(
    alphabet=st.sampled_from(list("0123456789OoQDUIil|!ZzASsGbT?BgqLKMNabcdé ß-./:;,'İ")),
    max_size=30,
)


@pytest.mark.parametrize(
    ("text", "mask", "expected"),
    [
        ("12-O5-199O", "99_99_9999", "12-05-1990"),
        ("B0JONG", "AAAAAA", "BOJONG"),
        ("O0", "9A", "0O"),  # O->0 only where a digit belongs, 0->O only where a letter does
        ("IlI|!", "99999", "11111"),
        ("SZGTAB?", "9999999", "5267487"),
        ("sbgqzo", "999999", "569920"),
        ("5ANT0S0", "AAAAAAA", "SANTOSO"),
        ("1234567890", "AAAAAAAAAA", "IZ3ASGTB9O"),  # 3 and 9 cannot be mended
        ("budi", "AAAA", "BUDI"),
        ("HlDUP", "AAAAA", "HIDUP"),  # a lower-case l among capitals is an I
        ("Islam", "AAAAA", "ISLAM"),  # ... and an L inside a lower-case word
        ("X-Y", "9_9", "X-Y"),  # unmendable characters stay for the caller to reject
        ("ab", "__", "ab"),
        ("", "", ""),
    ],
)
def test_repair(text: str, mask: str, expected: str) -> None:
    assert repair(text, mask) == expected


def test_repair_rejects_a_mask_of_another_length() -> None:
    with pytest.raises(ValueError, match="mask"):
        repair("123", "99")


def test_mask_symbols_are_distinct() -> None:
    assert len({DIGIT, LETTER, KEEP}) == 3


@pytest.mark.parametrize(
    ("ch", "options"),
    [("7", ("7",)), ("O", ("0",)), ("?", ("7", "2")), ("X", ()), ("٣", ()), ("l", ("1",))],
)
def test_digit_options(ch: str, options: tuple[str, ...]) -> None:
    assert digit_options(ch) == options
    assert is_digit_like(ch) is bool(options)


def test_to_digits_and_to_letters() -> None:
    assert to_digits("3273O1") == "327301"
    assert to_letters("KAW1N") == "KAWIN"


@pytest.mark.parametrize(
    ("text", "keep", "expected"),
    [
        ("B0JONG SOANG", "", "AAAAAA_AAAAA"),
        ("SUKAMAJU 2", "", "AAAAAAAA__"),
        ("KAB. B0GOR", ".", "AAA__AAAAA"),
        (" LEADING", "", "_AAAAAAA"),
        ("A  B", "", "A__A"),
        ("", "", ""),
    ],
)
def test_word_mask(text: str, keep: str, expected: str) -> None:
    assert word_mask(text, keep) == expected


@given(st.data())
def test_repair_is_idempotent(data: st.DataObject) -> None:
    text = data.draw(_NOISY)
    mask = data.draw(st.text(alphabet="9A_", min_size=len(text), max_size=len(text)))
    once = repair(text, mask)
    assert len(once) == len(text)
    assert repair(once, mask) == once


@given(_NOISY)
def test_word_mask_repair_is_idempotent(text: str) -> None:
    once = repair(text, word_mask(text, ".-"))
    assert repair(once, word_mask(once, ".-")) == once
