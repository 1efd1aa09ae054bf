"""Another program's reading, as the benchmark scores it: its JSON output mapped onto our fields.

Accepts our own shape, a flat object with our keys, and the original service's camelCase keys;
its dates, sex spelling, separate RT and RW and ``PROVINSI`` prefix are brought to our forms.
Only our own shape can also say which values the program vouches for (``fields.<key>.sure``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ktp_ocr.bench.score import FIELD_NAMES, normalise

__all__ = ["CAMEL_KEYS", "error_code", "extract_fields", "extract_sure", "timings_of"]


#: The original service's camelCase keys (possibly nested under ``dataOcrKtp``) -> our fields.
CAMEL_KEYS: Mapping[str, str] = {
    "nik": "nik",
    "name": "nama",
    "birthPlace": "tempat_lahir",
    "birthDate": "tanggal_lahir",
    "gender": "jenis_kelamin",
    "bloodType": "golongan_darah",
    "address": "alamat",
    "subDistrict": "kelurahan_desa",
    "districts": "kecamatan",
    "religion": "agama",
    "maritalStatus": "status_perkawinan",
    "job": "pekerjaan",
    "nationality": "kewarganegaraan",
    "validUntil": "berlaku_hingga",
    "province": "provinsi",
    "city": "kabupaten_kota",
}
_DATE_KEYS = frozenset({"tanggal_lahir", "berlaku_hingga"})
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_HYPHEN = re.compile(r"\s*-\s*")


def _scalar(value: object) -> str | None:
    if isinstance(value, Mapping):  # {"value": ..., "confidence": ...}
        value = value.get("value")
    if isinstance(value, bool | list | Mapping):
        return None
    return normalise(value)


def _canonical(name: str, value: str | None) -> str | None:
    """Map another program's formatting onto ours (dates, sex spelling, province prefix)."""
    if value is None:
        return None
    if name in _DATE_KEYS and (m := _DMY.match(value)):
        day, month, year = m.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if name == "jenis_kelamin":
        return _HYPHEN.sub("-", value)
    if name == "provinsi" and value.upper().startswith("PROVINSI "):
        return value[len("PROVINSI ") :].strip() or None
    return value


def _rt_rw(rt: str | None, rw: str | None) -> str | None:
    if rt is None or rw is None:
        return None
    return "/".join(p.zfill(3) if p.isdigit() else p for p in (rt, rw))


def extract_fields(data: Mapping[str, Any]) -> dict[str, str | None]:
    """Our 17 field values from a program's JSON reading; ``ValueError`` if it holds none.

    Accepted shapes: ours (``{"fields": {"nik": {"value": ...}, ...}}``), a flat object with our
    keys (``{"nik": ..., "nama": ...}``, also under ``"card"``), or the original service's
    camelCase keys, flat or under ``dataOcrKtp`` (also ``data.dataOcrKtp``), with ``DD-MM-YYYY``
    dates, ``LAKI - LAKI``, separate ``rt``/``rw`` and ``PROVINSI`` kept in the province.
    """
    if isinstance(data.get("fields"), Mapping):
        found = {k: _scalar(v) for k, v in data["fields"].items() if k in FIELD_NAMES}
        if found:
            return {name: found.get(name) for name in FIELD_NAMES}
    flat: Mapping[str, Any] = data
    nested = data.get("data")
    for candidate in (
        data.get("dataOcrKtp"),
        nested.get("dataOcrKtp") if isinstance(nested, Mapping) else None,
        data.get("card"),
    ):
        if isinstance(candidate, Mapping):
            flat = candidate
            break
    values: dict[str, str | None] = {}
    seen = False
    for key, name in CAMEL_KEYS.items():
        if key in flat:
            seen = True
            values[name] = _scalar(flat[key])
    if "rt" in flat or "rw" in flat:
        seen = True
        values["rt_rw"] = _rt_rw(_scalar(flat.get("rt")), _scalar(flat.get("rw")))
    for name in FIELD_NAMES:  # our own keys win over camelCase ones
        if name in flat:
            seen = True
            values[name] = _scalar(flat[name])
    if not seen:
        raise ValueError("the output holds no KTP fields")
    return {name: _canonical(name, values.get(name)) for name in FIELD_NAMES}


def extract_sure(data: Mapping[str, Any]) -> frozenset[str] | None:
    """The scored fields a program's JSON reading vouches for (``fields.<key>.sure``).

    Only our own shape says so: ``None`` (the program does not say) unless ``data["fields"]``
    holds at least one of our 17 fields and every one present is an object with a boolean
    ``sure``. Other fields (``tempat_terbit``, unknown keys) are not looked at.
    """
    raw = data.get("fields")
    if not isinstance(raw, Mapping):
        return None
    present = {k: v for k, v in raw.items() if k in FIELD_NAMES}
    if not present or not all(
        isinstance(v, Mapping) and isinstance(v.get("sure"), bool) for v in present.values()
    ):
        return None
    return frozenset(k for k, v in present.items() if v["sure"])


def error_code(*outputs: bytes) -> str | None:
    """A refusal code printed by a failing program (``{"error": {"code": ...}}`` or ``code``)."""
    for output in outputs:
        try:
            data = json.loads(output)
        except ValueError:
            continue
        if not isinstance(data, Mapping):
            continue
        error = data.get("error")
        code = error.get("code") if isinstance(error, Mapping) else data.get("code")
        if isinstance(code, str) and code:
            return code
    return None


def timings_of(data: Mapping[str, Any]) -> dict[str, float]:
    """The per-stage timings a program printed (``{"timings": {stage: ms}}``), if any."""
    raw = data.get("timings")
    if not isinstance(raw, Mapping):
        return {}
    return {
        str(k): float(v)
        for k, v in raw.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }
