"""parse_fields: every field of a card at once."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ktp_ocr.fields import parse_fields, value_to_text
from ktp_ocr.fields.parse import read_field
from ktp_ocr.types import SEUMUR_HIDUP, BBox, FieldName, FieldValue, RawField, Sex

TODAY = date(2024, 6, 30)
F = FieldName


def _raw(texts: dict[FieldName, str], confidence: float = 0.9) -> dict[FieldName, RawField]:
    return {
        name: RawField(text, BBox(0, i * 10, 100, i * 10 + 8), confidence)
        for i, (name, text) in enumerate(texts.items())
    }


CLEAN = {
    F.PROVINSI: "PROVINSI JAWA BARAT",
    F.KABUPATEN_KOTA: "KOTA BANDUNG",
    F.NIK: "3273015205900001",
    F.NAMA: "SITI AMINAH",
    F.TEMPAT_LAHIR: "BANDUNG, 12-05-1990",
    F.JENIS_KELAMIN: "PEREMPUAN",
    F.GOLONGAN_DARAH: "O",
    F.ALAMAT: "JL. MERDEKA NO. 10",
    F.RT_RW: "003/005",
    F.KELURAHAN_DESA: "CITARUM",
    F.KECAMATAN: "BANDUNG WETAN",
    F.AGAMA: "ISLAM",
    F.STATUS_PERKAWINAN: "KAWIN",
    F.PEKERJAAN: "KARYAWAN SWASTA",
    F.KEWARGANEGARAAN: "WNI",
    F.BERLAKU_HINGGA: "SEUMUR HIDUP",
    F.TEMPAT_TERBIT: "KOTA BANDUNG",
    F.TANGGAL_TERBIT: "20-06-2018",
}
EXPECTED = {
    F.PROVINSI: "JAWA BARAT",
    F.KABUPATEN_KOTA: "KOTA BANDUNG",
    F.NIK: "3273015205900001",
    F.NAMA: "SITI AMINAH",
    F.TEMPAT_LAHIR: "BANDUNG",
    F.TANGGAL_LAHIR: date(1990, 5, 12),
    F.JENIS_KELAMIN: Sex.FEMALE,
    F.GOLONGAN_DARAH: "O",
    F.ALAMAT: "JL. MERDEKA NO. 10",
    F.RT_RW: "003/005",
    F.KELURAHAN_DESA: "CITARUM",
    F.KECAMATAN: "BANDUNG WETAN",
    F.AGAMA: "ISLAM",
    F.STATUS_PERKAWINAN: "KAWIN",
    F.PEKERJAAN: "KARYAWAN SWASTA",
    F.KEWARGANEGARAAN: "WNI",
    F.BERLAKU_HINGGA: SEUMUR_HIDUP,
    F.TEMPAT_TERBIT: "KOTA BANDUNG",
    F.TANGGAL_TERBIT: date(2018, 6, 20),
}


def test_a_clean_card() -> None:
    raw = _raw(CLEAN)
    out = parse_fields(raw, today=TODAY)
    assert list(out) == list(FieldName)
    assert {name: fv.value for name, fv in out.items()} == EXPECTED
    for name, fv in out.items():
        assert fv.issues == (), name
        assert fv.confidence == 0.9, name
    assert out[F.NAMA].box == raw[F.NAMA].box
    assert out[F.TANGGAL_LAHIR].box == raw[F.TEMPAT_LAHIR].box
    assert out[F.NAMA].raw == "SITI AMINAH"


NOISY = {
    F.PROVINSI: "PROVINS1 JAWA BARAT",
    F.KABUPATEN_KOTA: "K0TA BANDUNG",
    F.NIK: "NIK : 3273O152O59OOOO1",
    F.NAMA: "Nama : S1TI  AMINAH",
    F.TEMPAT_LAHIR: ": BANDUNG,12-O5-199O",
    F.JENIS_KELAMIN: "PEREMPLAN",
    F.GOLONGAN_DARAH: "0",
    F.ALAMAT: "JI. MERDEKA N0. 1O",
    F.RT_RW: "0O3 / OO5",
    F.KELURAHAN_DESA: "C1TARUM",
    F.KECAMATAN: "BANDUNG VVETAN",
    F.AGAMA: "lSLAM",
    F.STATUS_PERKAWINAN: "KAWlN",
    F.PEKERJAAN: "KARYAWANSWASTA",
    F.KEWARGANEGARAAN: "WN1",
    F.BERLAKU_HINGGA: "SEUMURHIDUF",
    F.TEMPAT_TERBIT: "KOTA BANDUNG",
    F.TANGGAL_TERBIT: "2O-O6-2018",
}


def test_a_noisy_card() -> None:
    out = parse_fields(_raw(NOISY), today=TODAY)
    expected = {**EXPECTED, F.KECAMATAN: "BANDUNG VVETAN"}  # not a vocabulary: kept
    assert {name: fv.value for name, fv in out.items()} == expected
    assert out[F.NIK].confidence < 0.9
    assert out[F.NAMA].confidence < 0.9


def test_an_empty_reading() -> None:
    out = parse_fields({}, today=TODAY)
    assert list(out) == list(FieldName)
    for name, fv in out.items():
        assert fv.value is None
        assert fv.issues == (f"{name.value}_missing",)
        assert fv.confidence == 0.0
        assert fv.box is None


def test_birth_row_given_to_either_field() -> None:
    out = parse_fields(_raw({F.TANGGAL_LAHIR: "BANDUNG, 12-05-1990"}), today=TODAY)
    assert (out[F.TEMPAT_LAHIR].value, out[F.TANGGAL_LAHIR].value) == ("BANDUNG", date(1990, 5, 12))
    split = _raw({F.TEMPAT_LAHIR: "BANDUNG", F.TANGGAL_LAHIR: "12-05-1990"})
    out = parse_fields(split, today=TODAY)
    assert (out[F.TEMPAT_LAHIR].value, out[F.TANGGAL_LAHIR].value) == ("BANDUNG", date(1990, 5, 12))
    assert out[F.TANGGAL_LAHIR].box == split[F.TANGGAL_LAHIR].box


def test_birth_date_issue_from_the_field_that_held_text() -> None:
    out = parse_fields(_raw({F.TEMPAT_LAHIR: "BANDUNG"}), today=TODAY)
    assert out[F.TANGGAL_LAHIR].issues == ("tanggal_lahir_missing",)
    out = parse_fields(
        _raw({F.TEMPAT_LAHIR: "BANDUNG", F.TANGGAL_LAHIR: "31-02-1990"}), today=TODAY
    )
    assert out[F.TANGGAL_LAHIR].issues == ("tanggal_lahir_impossible",)
    out = parse_fields(_raw({F.TEMPAT_LAHIR: "BANDUNG, 31-02-1990"}), today=TODAY)
    assert out[F.TANGGAL_LAHIR].issues == ("tanggal_lahir_impossible",)


def test_blood_type_from_the_shared_row() -> None:
    out = parse_fields(_raw({F.JENIS_KELAMIN: "LAKI-LAKI Gol. Darah : AB"}), today=TODAY)
    assert (out[F.JENIS_KELAMIN].value, out[F.GOLONGAN_DARAH].value) == (Sex.MALE, "AB")
    out = parse_fields(
        _raw({F.JENIS_KELAMIN: "LAKI-LAKI Gol. Darah : AB", F.GOLONGAN_DARAH: "B"}), today=TODAY
    )
    assert out[F.GOLONGAN_DARAH].value == "B"
    out = parse_fields(_raw({F.JENIS_KELAMIN: "LAKI-LAKI"}), today=TODAY)
    assert out[F.GOLONGAN_DARAH].issues == ("golongan_darah_missing",)


def test_nik_choice_uses_the_printed_birth_date() -> None:
    texts = {F.NIK: "3273015205900001|", F.TEMPAT_LAHIR: "BANDUNG, 12-05-1990"}
    assert parse_fields(_raw(texts), today=TODAY)[F.NIK].value == "3273015205900001"
    texts[F.TEMPAT_LAHIR] = "BANDUNG"
    assert parse_fields(_raw(texts), today=TODAY)[F.NIK].issues == ("nik_uncorroborated",)


def test_nik_choice_uses_the_region_data() -> None:
    texts = {F.NIK: "3273E15205900001"}
    out = parse_fields(_raw(texts), today=TODAY, region_known=lambda code: code == "327301")
    assert out[F.NIK].value == "3273015205900001"
    assert parse_fields(_raw(texts), today=TODAY)[F.NIK].issues == ("nik_ambiguous",)


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, None), (date(1990, 5, 12), "1990-05-12"), (Sex.MALE, "LAKI-LAKI"), ("WNI", "WNI")],
)
def test_value_to_text(value: object, text: str | None) -> None:
    assert value_to_text(value) == text


_TYPES = {F.TANGGAL_LAHIR: date, F.TANGGAL_TERBIT: date, F.JENIS_KELAMIN: Sex}


@settings(max_examples=60)
@given(st.dictionaries(st.sampled_from(FieldName), st.text(max_size=40)), st.floats(0, 1))
def test_garbage_never_raises(texts: dict[FieldName, str], confidence: float) -> None:
    out = parse_fields(_raw(texts, confidence), today=TODAY)
    assert list(out) == list(FieldName)
    for name, fv in out.items():
        assert isinstance(fv, FieldValue)
        assert 0.0 <= fv.confidence <= max(confidence, 0.0) + 1e-9
        if fv.value is None:
            assert fv.issues
        elif name is F.BERLAKU_HINGGA:
            assert fv.value == SEUMUR_HIDUP or isinstance(fv.value, date)
        else:
            assert isinstance(fv.value, _TYPES.get(name, str))
            assert fv.value != ""


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        (FieldName.KEWARGANEGARAAN, "WNI", "WNI"),
        (FieldName.TANGGAL_LAHIR, "BANDUNG, 12-05-1990", date(1990, 5, 12)),
        (FieldName.TEMPAT_LAHIR, "BANDUNG, 12-05-1990", "BANDUNG"),
        (FieldName.GOLONGAN_DARAH, "AB", "AB"),
        (FieldName.RT_RW, "3/5", "003/005"),
        (FieldName.BERLAKU_HINGGA, "SEUMUR HIDUP", SEUMUR_HIDUP),
    ],
)
def test_read_field_reads_one_field_as_parse_fields_does(
    name: FieldName, text: str, value: object
) -> None:
    one = read_field(name, text, confidence=0.9)
    assert one.value == value
    assert parse_fields({name: RawField(text, None, 0.9)}, today=date(2026, 1, 1))[name] == one


def test_read_field_refuses_the_nik() -> None:
    with pytest.raises(ValueError, match="parse_fields"):
        read_field(FieldName.NIK, "3273010101900001", confidence=0.9)
