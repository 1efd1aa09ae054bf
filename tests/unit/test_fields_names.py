"""Names of people and places, and the card header."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ktp_ocr.fields.names import read_name, read_place, read_province, read_regency
from ktp_ocr.fields.text import CORRECTION_FACTOR
from ktp_ocr.types import FieldName


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("BUDI SANTOSO", "BUDI SANTOSO"),
        ("budi santoso", "BUDI SANTOSO"),
        ("BUD1 5ANTOSO", "BUDI SANTOSO"),
        ("R0SE  MAR1E -", "ROSE MARIE"),
        ("Nama : BUDI SANTOSO", "BUDI SANTOSO"),
        (": BUDI SANTOSO", "BUDI SANTOSO"),
        ("NAMA LENGKAP BUDI", "BUDI"),
        ("ANDI 0KTAVIANUS\nPRATAMA", "ANDI OKTAVIANUS PRATAMA"),  # a wrapped second line
        ("DR. IR. H. AHMAD FAUZI, S.H.", "DR. IR. H. AHMAD FAUZI, S.H."),
        ("AHMAD FAUZI , S.H .", "AHMAD FAUZI, S.H."),
        ("SITI NUR'AINI", "SITI NUR'AINI"),
        ("SITI NUR’AINI", "SITI NUR'AINI"),
        ("I GUSTI AYU PUTU", "I GUSTI AYU PUTU"),
        ("NI LUH PUTU-ARI", "NI LUH PUTU-ARI"),
        ("BUDI SANTOSO 7", "BUDI SANTOSO"),  # a lone digit is noise
        ("BU3DI", "BUDI"),  # 3 cannot be a letter: dropped
        ("BUDI_SANTOSO", "BUDI SANTOSO"),
        ("M. lQBAL", "M. IQBAL"),
        ("AGUS|", "AGUSI"),
        # a blurred final I read as L after a consonant: no Indonesian name ends so
        ("SITTL BASO", "SITTI BASO"),
        ("EFENDL ASWIR", "EFENDI ASWIR"),
        ("ABDUL JALIL", "ABDUL JALIL"),  # after a vowel: as read
        ("KARL BILL", "KARL BILL"),  # after R or L: as read
        ("AL AMIN", "AL AMIN"),  # a word of two letters: as read
    ],
)
def test_read_name(raw: str, value: str) -> None:
    assert read_name(raw).value == value


@pytest.mark.parametrize(
    ("raw", "issue"),
    [
        ("", "nama_missing"),
        (" : - ", "nama_missing"),
        ("12345", "nama_unreadable"),
        ("Nama", "nama_missing"),
    ],
)
def test_read_name_unreadable(raw: str, issue: str) -> None:
    fv = read_name(raw, confidence=0.7)
    assert (fv.value, fv.issues, fv.confidence) == (None, (issue,), 0.7)


def test_read_name_confidence() -> None:
    assert read_name("BUDI", confidence=0.8).confidence == 0.8
    assert read_name("budi  santoso", confidence=0.8).confidence == 0.8
    assert read_name("BUD1", confidence=0.8).confidence == pytest.approx(0.8 * CORRECTION_FACTOR)


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ abc015|.,'-:", max_size=30))
def test_read_name_is_idempotent(raw: str) -> None:
    once = read_name(raw).value
    if once is not None:
        assert read_name(once).value == once
        assert once == once.upper()
        assert "  " not in once


@pytest.mark.parametrize(
    ("raw", "field", "value"),
    [
        ("COBLONG", FieldName.KECAMATAN, "COBLONG"),
        ("Kecamatan : C0BLONG", FieldName.KECAMATAN, "COBLONG"),
        ("KEC. COBLONG", FieldName.KECAMATAN, "COBLONG"),  # KEC. is a label spelling
        ("B0JONG S0ANG", FieldName.KECAMATAN, "BOJONG SOANG"),
        ("SUKAMAJU 2", FieldName.KELURAHAN_DESA, "SUKAMAJU 2"),
        ("Kel/Desa : MEKARSARI", FieldName.KELURAHAN_DESA, "MEKARSARI"),
        ("KEL / DESA: MEKAR  SARI", FieldName.KELURAHAN_DESA, "MEKAR SARI"),
        ("mekarsari", FieldName.KELURAHAN_DESA, "MEKARSARI"),
        ("PASIR KALIKI.", FieldName.KELURAHAN_DESA, "PASIR KALIKI"),
        ("TANJUNG PRIOK (UTARA)", FieldName.KELURAHAN_DESA, "TANJUNG PRIOK (UTARA)"),
        ("KAB.", FieldName.TEMPAT_TERBIT, "KAB."),
        ("KOTA BANDUNG", FieldName.TEMPAT_TERBIT, "KOTA BANDUNG"),
        ("KEBAYORAN BARU,", FieldName.KECAMATAN, "KEBAYORAN BARU"),
    ],
)
def test_read_place(raw: str, field: FieldName, value: str) -> None:
    assert read_place(raw, field=field).value == value


@pytest.mark.parametrize(
    ("raw", "issue"), [("", "kecamatan_missing"), ("123", "kecamatan_unreadable")]
)
def test_read_place_unreadable(raw: str, issue: str) -> None:
    assert read_place(raw, field=FieldName.KECAMATAN).issues == (issue,)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("PROVINSI JAWA BARAT", "JAWA BARAT"),
        ("PROVINS1 JAWA BARAT", "JAWA BARAT"),
        ("PR0VINSI JAWA TENGAH", "JAWA TENGAH"),
        ("PROVlNSI BALI", "BALI"),
        ("PROPINSI DKI JAKARTA", "DKI JAKARTA"),
        ("PROVINSIJAWA TIMUR", "JAWA TIMUR"),
        ("PROVINGIKALIMANTAN TENGAH", "KALIMANTAN TENGAH"),  # glued and misread
        ("PROV1NSIACEH", "ACEH"),
        ("Provinsi Jawa Barat", "JAWA BARAT"),
        ("PROVINSI DAERAH ISTIMEWA YOGYAKARTA", "DAERAH ISTIMEWA YOGYAKARTA"),
        ("DKI JAKARTA", "DKI JAKARTA"),
        ("PROVINSI KEPULAUAN BANGKA BELITUNG", "KEPULAUAN BANGKA BELITUNG"),
        ("PROVINSI PAPUA BARAT DAYA", "PAPUA BARAT DAYA"),
        ("PROVESL JAWA TIMUR", "JAWA TIMUR"),  # misread past any score: no province starts so
        ("PROPNCI BALI", "BALI"),
    ],
)
def test_read_province(raw: str, value: str) -> None:
    fv = read_province(raw, confidence=0.9)
    assert (fv.value, fv.raw) == (value, raw)


@pytest.mark.parametrize(
    ("raw", "issue"),
    [
        ("PROVINSI", "provinsi_missing"),
        ("", "provinsi_missing"),
        ("- 12 -", "provinsi_unreadable"),
    ],
)
def test_read_province_unreadable(raw: str, issue: str) -> None:
    assert read_province(raw).issues == (issue,)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("KOTA BANDUNG", "KOTA BANDUNG"),
        ("KABUPATEN BANDUNG", "KABUPATEN BANDUNG"),
        ("KA8UPATEN GARUT", "KABUPATEN GARUT"),
        ("KABUPATFN GARUT", "KABUPATEN GARUT"),
        ("KABUPATENBOGOR", "KABUPATEN BOGOR"),
        ("K0TA BEKASI", "KOTA BEKASI"),
        ("JAKARTA SELATAN", "JAKARTA SELATAN"),
        ("kota bandung", "KOTA BANDUNG"),
        ("KOTA ADM. JAKARTA PUSAT", "KOTA ADM. JAKARTA PUSAT"),
        ("KABUPATEN", "KABUPATEN"),
        # the word's middle under a reflection (hard photo 8)
        ("KAI TEN PATI", "KABUPATEN PATI"),
        ("KAB PATEN BOGOR", "KABUPATEN BOGOR"),
        ("KA TEN ACEH BESAR", "KABUPATEN ACEH BESAR"),
        ("KOTA BATU", "KOTA BATU"),
        ("KAUR", "KAUR"),
    ],
)
def test_read_regency(raw: str, value: str) -> None:
    assert read_regency(raw).value == value


def test_read_regency_unreadable() -> None:
    assert read_regency("").issues == ("kabupaten_kota_missing",)
    assert read_regency("KA8UPATEN GARUT", confidence=1.0).confidence < 1.0
