"""Shared clean-up (labels, spacing, issue codes) and the vocabulary snap."""

from __future__ import annotations

import pytest

from ktp_ocr.fields.invalid import InvalidField
from ktp_ocr.fields.text import (
    CORRECTION_FACTOR,
    issue,
    lowered,
    single_spaces,
    strip_edges,
    strip_label,
)
from ktp_ocr.fields.vocab import (
    SNAP_THRESHOLD,
    Vocabulary,
    load_vocabulary,
    read_rows,
    vocab_key,
)
from ktp_ocr.types import FieldName


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  BUDI \n SANTOSO ", "BUDI SANTOSO"),
        (": ; BUDI", "BUDI"),
        ("- BUDI -", "BUDI"),
        ("S.H.", "S.H."),  # a closing full stop is printed
        ("•  ISLAM,", "ISLAM"),
        ("", ""),
    ],
)
def test_strip_edges(text: str, expected: str) -> None:
    assert strip_edges(text) == expected


def test_single_spaces() -> None:
    assert single_spaces("A\t B\n\nC ") == "A B C"


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        (FieldName.NAMA, "Nama : BUDI", " BUDI"),
        (FieldName.NAMA, "NAMA: BUDI", " BUDI"),
        (FieldName.NAMA, "NAMA BUDI", " BUDI"),  # a whole spelling ending at a word boundary
        (FieldName.NAMA, "NAMARIA", "NAMARIA"),  # ... but not the start of a longer word
        (FieldName.NAMA, "Narna BUDI", "Narna BUDI"),  # too far from a label word: kept
        (FieldName.TEMPAT_LAHIR, "Lahir BANDUNG", " BANDUNG"),  # label case: a fragment
        (FieldName.TEMPAT_LAHIR, "Tgl Lahir BANDUNG", " BANDUNG"),
        (FieldName.TEMPAT_LAHIR, "TEMPAT/TGL LAHIR : BANDUNG", " BANDUNG"),
        (FieldName.TEMPAT_LAHIR, "Bandung", "Bandung"),  # not a label word
        (FieldName.STATUS_PERKAWINAN, "KAWIN", "KAWIN"),  # a value, though also a label word
        (FieldName.STATUS_PERKAWINAN, "KAWlN", "KAWlN"),  # l is a misread I, not label case
        # Regressions from blurred photos: one capital read small is not label case; the
        # small tail of a label word cut at its start is a label fragment.
        (FieldName.STATUS_PERKAWINAN, "KAWiN", "KAWiN"),
        (FieldName.STATUS_PERKAWINAN, "awinan KAWIN", " KAWIN"),
        (FieldName.PEKERJAAN, "ekerjaan PETANI", " PETANI"),
        (FieldName.PEKERJAAN, "KARYAWAN", "KARYAWAN"),  # capitals: a value, never a fragment
        (FieldName.STATUS_PERKAWINAN, "Status Perkawinan KAWIN", " KAWIN"),
        (FieldName.STATUS_PERKAWINAN, "STATUS PERKAWINAN KAWIN", " KAWIN"),
        (FieldName.ALAMAT, "ALAMANDA RESIDENCE", "ALAMANDA RESIDENCE"),
        (FieldName.ALAMAT, "Alamai : JL. MAWAR", " JL. MAWAR"),  # fuzzy before a colon
        (FieldName.ALAMAT, "JL. X NO: 5", "JL. X NO: 5"),  # a colon inside the value
        (FieldName.RT_RW, "RT/RW : 003/005", " 003/005"),
        (FieldName.KELURAHAN_DESA, "Kel/Desa : CITARUM", " CITARUM"),
        (FieldName.PROVINSI, "PROVINSI JAWA BARAT", "PROVINSI JAWA BARAT"),  # no label
        (FieldName.AGAMA, "", ""),
    ],
)
def test_strip_label(field: FieldName, text: str, expected: str) -> None:
    assert strip_label(text, field) == expected


def test_issue_codes_are_prefixed_once() -> None:
    assert issue(FieldName.AGAMA, "unknown") == "agama_unknown"
    assert issue(FieldName.NIK, "nik_length") == "nik_length"


def test_lowered() -> None:
    assert lowered(1.0) == CORRECTION_FACTOR
    assert lowered(0.5, 2) == pytest.approx(0.5 * CORRECTION_FACTOR**2)
    assert lowered(0.5, 0) == 0.5
    assert lowered(0.5, -1) == 0.5


@pytest.mark.parametrize(
    ("text", "key"),
    [("Pelajar / Mahasiswa", "PELAJARMAHASISWA"), ("KAW1N", "KAWIN"), ("", ""), ("- :", "")],
)
def test_vocab_key(text: str, key: str) -> None:
    assert vocab_key(text) == key


def test_snap_keeps_the_closest_spelling_of_a_row() -> None:
    religion = load_vocabulary("agama")
    assert religion.snap("KATOLIK").value == "KATOLIK"
    assert religion.snap("KATHOLIK").value == "KATHOLIK"
    assert religion.snap("KATHOLK").value == "KATHOLIK"
    assert religion.snap("KATHOLIK").score == 100.0


def test_snap_tie_inside_a_row_goes_to_the_first_spelling() -> None:
    vocab = Vocabulary.from_rows("x", (("ABCDEF", "ABCDEG"),))
    assert vocab.snap("ABCDEH").value == "ABCDEF"


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "missing"), ("123 :", "unknown"), ("QQQQQ", "unknown"), ("TUKANG BAYU", "ambiguous")],
)
def test_snap_errors(text: str, code: str) -> None:
    with pytest.raises(InvalidField) as info:
        load_vocabulary("pekerjaan").snap(text)
    assert info.value.code == code


def test_vocabulary_files() -> None:
    jobs = load_vocabulary("pekerjaan")
    assert len(jobs.values) == 89
    assert "PELAJAR/MAHASISWA" in jobs.values
    assert load_vocabulary("status_perkawinan").values[:2] == ("BELUM KAWIN", "KAWIN")
    assert ("KATHOLIK", "KATOLIK") in read_rows("ktp_ocr.fields", "data", "agama.txt")
    assert 0 < SNAP_THRESHOLD < 100
