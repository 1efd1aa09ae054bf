"""pipeline.header_nik: a NIK's misread regency digits mended by the card's header."""

from __future__ import annotations

import pytest

from ktp_ocr.pipeline.header_nik import nik_from_header

KNOWN = {"621107", "621101", "327301", "357903"}


def known(code: str) -> bool:
    return code in KNOWN


def mend(raw: str, regency: str = "6211", accept: bool = True) -> str | None:
    return nik_from_header(raw, regency, region_known=known, accept=lambda _nik: accept)


def test_one_misread_digit_of_the_regency_is_mended() -> None:
    assert mend("0211074906800318") == "6211074906800318"  # a 6 read as a 0
    assert mend("6271074906800318") == "6211074906800318"
    assert mend("02 1107 4906 800318") == "6211074906800318"  # spaces and letters as read
    assert mend("O211074906800318") == "6211074906800318"
    assert mend("1211074906800318") == "6211074906800318"  # a real province, unknown district


@pytest.mark.parametrize(
    "raw",
    [
        "0711074906800318",  # two digits differ
        "6211074906800318",  # the district read is a real one already
        "021107490680031",  # 15 digits
        "02110749068003188",  # 17 digits
        "0211994906800318",  # the mended district does not exist
        "NIK 0211074906800318",
    ],
)
def test_no_mend_without_the_evidence(raw: str) -> None:
    assert mend(raw) is None


def test_the_readers_test_has_the_last_word() -> None:
    assert mend("0211074906800318", accept=False) is None


def test_a_header_regency_that_is_no_code() -> None:
    assert mend("0211074906800318", regency="62") is None
