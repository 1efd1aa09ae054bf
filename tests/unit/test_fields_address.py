"""Alamat and RT/RW."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ktp_ocr.fields.address import parse_rt_rw, read_address, read_rt_rw
from ktp_ocr.fields.invalid import InvalidField
from ktp_ocr.fields.text import CORRECTION_FACTOR


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("JL. MERDEKA NO. 10", "JL. MERDEKA NO. 10"),
        ("Jl. Merdeka No. 10", "JL. MERDEKA NO. 10"),
        ("JI. MERDEKA N0. 1O", "JL. MERDEKA NO. 10"),
        ("J1. MERDEKA NO. 1O", "JL. MERDEKA NO. 10"),
        ("JL.  MERDEKA   NO. 10", "JL. MERDEKA NO. 10"),
        ("JL . MERDEKA , NO.10", "JL. MERDEKA, NO.10"),
        ("DUSUN KRAJAN", "DUSUN KRAJAN"),
        ("PERUM GRIYA ASRI BLOK C2/15", "PERUM GRIYA ASRI BLOK C2/15"),
        ("PERUM GRIYA ASRI\nBLOK C2/15", "PERUM GRIYA ASRI BLOK C2/15"),  # wrapped
        ("Alamat : JL. SUDIRMAN KAV. 5", "JL. SUDIRMAN KAV. 5"),
        ("ALAMAT JL. SUDIRMAN", "JL. SUDIRMAN"),
        ("ALAMANDA RESIDENCE", "ALAMANDA RESIDENCE"),
        ("KP. BABAKAN RT 01", "KP. BABAKAN RT 01"),
        ("GG. MAWAR NO. 7A", "GG. MAWAR NO. 7A"),
        ("JL. A. YANI NO. 12B", "JL. A. YANI NO. 12B"),
        ("NO. ABC", "NO. ABC"),
        ("NO. 1I", "NO. 11"),
        ("NO. 7D", "NO. 7D"),
        ("JL. RAYA BOGOR KM. 30", "JL. RAYA BOGOR KM. 30"),
        ("JL. MERDEKA | NO. 10", "JL. MERDEKA NO. 10"),
        ("KOMP. BUMI ASRI (BLOK D) NO. 4", "KOMP. BUMI ASRI (BLOK D) NO. 4"),
        # The stop of NO. read as a comma; the space before NO. and its number lost.
        ("JL. TERATAI NO, 1B", "JL. TERATAI NO. 1B"),
        ("JL. GAJAH MADANO.25", "JL. GAJAH MADA NO.25"),
        ("CLUSTER GRIYA LESTARINO. 14", "CLUSTER GRIYA LESTARI NO. 14"),
        # A word's own ending in NO stays whole.
        ("JL. BUNG KARNO 5", "JL. BUNG KARNO 5"),
        ("JL. SUKARNO, BLOK A", "JL. SUKARNO, BLOK A"),
        ("DESA KARANGANO", "DESA KARANGANO"),
        # Regression: a Roman numeral's strokes read apart (the narrow I leaves a wide gap).
        ("JL. BOUGENVILLE GG. I I NO. 5", "JL. BOUGENVILLE GG. II NO. 5"),
        ("GG. I I I", "GG. III"),
        ("I KETUT IIS", "I KETUT IIS"),
        ("JL. ANGGREK I NO. 2", "JL. ANGGREK I NO. 2"),
        ("BLOK I IA", "BLOK I IA"),
        # Regression (hard photos 2, 39): a house number's 5 read S, before its last digit or
        # alone; a suffix letter after the digits stays.
        ("JL. NANGKA NO, S0", "JL. NANGKA NO. 50"),
        ("JL. PAHLAWAN NO. S", "JL. PAHLAWAN NO. 5"),
        ("JL. MAWAR NO. Z1", "JL. MAWAR NO. 21"),
        ("JL. MAWAR NO. 1S", "JL. MAWAR NO. 1S"),
        ("JL. MAWAR NO. SA", "JL. MAWAR NO. SA"),
        ("JL. SAWAH NO, SAWAH", "JL. SAWAH NO, SAWAH"),
    ],
)
def test_read_address(raw: str, value: str) -> None:
    assert read_address(raw).value == value


@pytest.mark.parametrize(("raw", "issue"), [("", "alamat_missing"), ("| | ;", "alamat_unreadable")])
def test_read_address_unreadable(raw: str, issue: str) -> None:
    assert read_address(raw).issues == (issue,)


def test_read_address_confidence() -> None:
    assert read_address("JL. MERDEKA", confidence=0.8).confidence == 0.8
    assert read_address("JI. MERDEKA", confidence=0.8).confidence == pytest.approx(
        0.8 * CORRECTION_FACTOR
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("003/005", "003/005"),
        ("003 / 005", "003/005"),
        ("03/5", "003/005"),
        ("3/5", "003/005"),
        ("003005", "003/005"),
        ("003 005", "003/005"),
        ("0O3/OO5", "003/005"),
        ("003I005", "003/005"),
        ("003l005", "003/005"),
        ("003|005", "003/005"),
        ("003-005", "003/005"),
        ("003\\005", "003/005"),
        ("RT 003 RW 005", "003/005"),
        ("0003/005", "003/005"),
        ("000/000", "000/000"),
        ("O1O/OO2", "010/002"),
        ("012/O1", "012/001"),
        # Regressions from blurred photos: a colon between the numbers, the label's colon
        # read as a stroke before the RT.
        ("011:001", "011/001"),
        ("1009/006", "009/006"),
        ("1003/01", "003/001"),
    ],
)
def test_parse_rt_rw(text: str, value: str) -> None:
    assert parse_rt_rw(text) == value


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "missing"),
        ("RT RW", "missing"),
        ("0305", "format"),  # which digits are the RT? not guessed
        ("003/005/007", "format"),
        ("1000/005", "format"),
        ("ABC/005", "format"),
        ("0030057", "format"),
    ],
)
def test_parse_rt_rw_rejects(text: str, code: str) -> None:
    with pytest.raises(InvalidField) as info:
        parse_rt_rw(text)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("raw", "value", "issues"),
    [
        ("RT/RW : 003/005", "003/005", ()),
        ("RT/RW: 0O3/OO5", "003/005", ()),
        (": 003/005", "003/005", ()),
        ("", None, ("rt_rw_missing",)),
        ("ABC", None, ("rt_rw_format",)),
    ],
)
def test_read_rt_rw(raw: str, value: str | None, issues: tuple[str, ...]) -> None:
    fv = read_rt_rw(raw)
    assert (fv.value, fv.issues) == (value, issues)


def test_read_rt_rw_confidence() -> None:
    assert read_rt_rw("003/005", confidence=0.8).confidence == 0.8
    assert read_rt_rw("0O3/005", confidence=0.8).confidence < 0.8


@given(st.integers(0, 999), st.integers(0, 999), st.sampled_from(["/", " / ", " ", ""]))
def test_rt_rw_round_trip(rt: int, rw: int, sep: str) -> None:
    assert parse_rt_rw(f"{rt:03d}{sep}{rw:03d}") == f"{rt:03d}/{rw:03d}"
