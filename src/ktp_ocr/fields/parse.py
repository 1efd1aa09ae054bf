"""Every field at once: ``{FieldName: RawField}`` from the layout -> ``{FieldName: FieldValue}``.

Each field is read by its own pure reader; this module only routes text to readers, merges the
Tempat/Tgl Lahir row, lets the NIK choice use the printed birth date and sex, and copies boxes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any, Protocol

from ktp_ocr.fields.address import read_address, read_rt_rw
from ktp_ocr.fields.dates import parse_birth_place_date, read_date, read_validity
from ktp_ocr.fields.enums import (
    read_blood_type,
    read_citizenship,
    read_marital_status,
    read_occupation,
    read_religion,
    read_sex,
    split_sex_blood,
)
from ktp_ocr.fields.names import read_name, read_place, read_province, read_regency
from ktp_ocr.fields.nik import read_nik
from ktp_ocr.types import FieldName, FieldValue, RawField, Sex

_ABSENT = RawField("", None, 0.0)


class _Reader(Protocol):
    def __call__(self, raw: str, *, confidence: float) -> FieldValue[Any]: ...


_READERS: dict[FieldName, _Reader] = {
    FieldName.NAMA: read_name,
    FieldName.ALAMAT: read_address,
    FieldName.RT_RW: read_rt_rw,
    FieldName.KELURAHAN_DESA: partial(read_place, field=FieldName.KELURAHAN_DESA),
    FieldName.KECAMATAN: partial(read_place, field=FieldName.KECAMATAN),
    FieldName.AGAMA: read_religion,
    FieldName.STATUS_PERKAWINAN: read_marital_status,
    FieldName.PEKERJAAN: read_occupation,
    FieldName.KEWARGANEGARAAN: read_citizenship,
    FieldName.BERLAKU_HINGGA: read_validity,
    FieldName.PROVINSI: read_province,
    FieldName.KABUPATEN_KOTA: read_regency,
    FieldName.TEMPAT_TERBIT: partial(read_place, field=FieldName.TEMPAT_TERBIT),
    FieldName.TANGGAL_TERBIT: partial(read_date, field=FieldName.TANGGAL_TERBIT),
    FieldName.JENIS_KELAMIN: read_sex,
}


def _boxed(value: FieldValue[Any], raw: RawField) -> FieldValue[Any]:
    return replace(value, box=raw.box)


def _preferred(own: FieldValue[Any], other: FieldValue[Any]) -> FieldValue[Any]:
    """``own`` unless only ``other`` holds a value, or ``own`` had no text at all."""
    if own.value is not None:
        return own
    return other if other.value is not None or not own.raw.strip() else own


def _birth(place_raw: RawField, date_raw: RawField) -> dict[FieldName, FieldValue[Any]]:
    """Tempat/Tgl Lahir: the layout may hand the whole row to either field."""
    place, date_in_place = parse_birth_place_date(place_raw.text, confidence=place_raw.confidence)
    place_in_date, born = parse_birth_place_date(date_raw.text, confidence=date_raw.confidence)
    place, date_in_place = _boxed(place, place_raw), _boxed(date_in_place, place_raw)
    place_in_date, born = _boxed(place_in_date, date_raw), _boxed(born, date_raw)
    return {
        FieldName.TEMPAT_LAHIR: _preferred(place, place_in_date),
        FieldName.TANGGAL_LAHIR: _preferred(born, date_in_place),
    }


def _blood(blood_raw: RawField, sex_raw: RawField) -> FieldValue[Any]:
    """Gol. Darah, from its own text or from the shared Jenis Kelamin row."""
    tail = split_sex_blood(sex_raw.text)[1]
    raw = blood_raw if blood_raw.text.strip() or not tail.strip() else replace(sex_raw, text=tail)
    return _boxed(read_blood_type(raw.text, confidence=raw.confidence), raw)


def parse_fields(
    raw: Mapping[FieldName, RawField],
    *,
    today: date,
    region_known: Callable[[str], bool] | None = None,
) -> dict[FieldName, FieldValue[Any]]:
    """Read every field; every :class:`FieldName` is a key, its value None when unreadable.

    ``region_known(district_code)`` tells whether a 6-digit district code exists; it helps
    choose between NIK readings. The NIK choice also uses the printed birth date and sex.
    """

    def get(name: FieldName) -> RawField:
        return raw.get(name) or _ABSENT

    out: dict[FieldName, FieldValue[Any]] = {
        name: _boxed(reader(get(name).text, confidence=get(name).confidence), get(name))
        for name, reader in _READERS.items()
    }
    out.update(_birth(get(FieldName.TEMPAT_LAHIR), get(FieldName.TANGGAL_LAHIR)))
    out[FieldName.GOLONGAN_DARAH] = _blood(
        get(FieldName.GOLONGAN_DARAH), get(FieldName.JENIS_KELAMIN)
    )
    born, sex = out[FieldName.TANGGAL_LAHIR].value, out[FieldName.JENIS_KELAMIN].value
    nik_raw = get(FieldName.NIK)
    nik = read_nik(
        nik_raw.text,
        confidence=nik_raw.confidence,
        today=today,
        region_known=region_known,
        birth_date=born if isinstance(born, date) else None,
        sex=sex if isinstance(sex, Sex) else None,
    )
    out[FieldName.NIK] = _boxed(nik, nik_raw)
    return {name: out[name] for name in FieldName}


def read_field(name: FieldName, text: str, *, confidence: float) -> FieldValue[Any]:
    """One field read from its own text alone (the birth place and date from their row).

    The NIK is not: its reading is chosen with the other fields (see :func:`parse_fields`).
    """
    if name is FieldName.NIK:
        raise ValueError("the NIK is read with the other fields: use parse_fields")
    if name in (FieldName.TEMPAT_LAHIR, FieldName.TANGGAL_LAHIR):
        place, born = parse_birth_place_date(text, confidence=confidence)
        return place if name is FieldName.TEMPAT_LAHIR else born
    if name is FieldName.GOLONGAN_DARAH:
        return read_blood_type(text, confidence=confidence)
    return _READERS[name](text, confidence=confidence)


def value_to_text(value: object) -> str | None:
    """A field value as JSON text: dates as ``YYYY-MM-DD``, enums by their printed value."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
