"""A :class:`~ktp_ocr.types.ReadResult` as the service's JSON answer (see :mod:`schemas`).

Pure functions plus region look-ups (cached by the repository after the first card).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from ktp_ocr.api.schemas import OcrKtpResponse
from ktp_ocr.nik_info import NikInfo, describe_nik
from ktp_ocr.regions.base import RegionCatalog, RegionRepository
from ktp_ocr.types import (
    KtpCard,
    ReadResult,
    RegionMatch,
    check_to_dict,
    fields_to_dict,
    quality_to_dict,
    region_match_to_dict,
)

#: JPEG quality of the card image returned with ``?include=card_image``.
CARD_JPEG_QUALITY = 85


def dmy(value: object) -> str | None:
    """``date`` as ``DD-MM-YYYY`` (the original's format); text is passed through."""
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return None if value is None else str(value)


def _rt_rw(text: str | None) -> tuple[str | None, str | None]:
    if not text or "/" not in text:
        return None, None
    rt, _, rw = text.partition("/")
    return rt or None, rw or None


def data_ocr_ktp(card: KtpCard) -> dict[str, str | None]:
    """The original ``dataOcrKtp`` object (plus ``bloodType`` and ``validUntil``)."""
    rt, rw = _rt_rw(card.rt_rw)
    return {
        "province": card.provinsi,
        "city": card.kabupaten_kota,
        "nik": card.nik,
        "name": card.nama,
        "birthPlace": card.tempat_lahir,
        "birthDate": dmy(card.tanggal_lahir),
        "gender": card.jenis_kelamin,
        "address": card.alamat,
        "rt": rt,
        "rw": rw,
        "subDistrict": card.kelurahan_desa,
        "districts": card.kecamatan,
        "religion": card.agama,
        "maritalStatus": card.status_perkawinan,
        "job": card.pekerjaan,
        "nationality": card.kewarganegaraan,
        "bloodType": card.golongan_darah,
        "validUntil": dmy(card.berlaku_hingga),
    }


def _as_catalog(repo: RegionRepository | None) -> RegionCatalog | None:
    return repo if isinstance(repo, RegionCatalog) else None


def zip_code(
    repo: RegionRepository, district_code: str | None, matches: Sequence[RegionMatch]
) -> str | None:
    """Postal code of the matched village in the NIK's district, else the district's first.

    The original's NIK parser gave one postal code per district; a matched village is exact.
    """
    if not district_code:
        return None
    for m in matches:
        r = m.region
        if (
            m.level == "kelurahan_desa"
            and r is not None
            and r.code.startswith(district_code)
            and r.postal_code
        ):
            return r.postal_code
    for village in repo.children(district_code):
        if village.postal_code:
            return village.postal_code
    return None


def data_nik_parser(
    result: ReadResult, info: NikInfo | None, repo: RegionRepository | None
) -> dict[str, Any] | None:
    """The original ``dataNikParser``: present only when the NIK is valid."""
    nik = result.nik
    if nik is None or (info is not None and not info.valid):
        return None
    names = {lvl: info.region(lvl) if info else None for lvl in ("provinsi", "kabupaten_kota")}
    district = info.region("kecamatan") if info else None
    return {
        "province": names["provinsi"].card_name if names["provinsi"] else None,
        "city": names["kabupaten_kota"].card_name if names["kabupaten_kota"] else None,
        "district": district.card_name if district else None,
        "zipCode": zip_code(repo, district.code, result.regions) if repo and district else None,
        "gender": nik.sex.value,
        "lahir": dmy(nik.birth_date),
    }


def nik_facts(result: ReadResult, info: NikInfo | None) -> dict[str, Any] | None:
    """The NIK's own facts and validity."""
    text = result.card.nik
    if not text:
        return None
    nik = result.nik
    issues = list(info.issues) if info else ([] if nik else ["nik_invalid"])
    return {
        "valid": info.valid if info else nik is not None,
        "issues": issues,
        "province_code": nik.province_code if nik else None,
        "regency_code": nik.regency_code if nik else None,
        "district_code": nik.district_code if nik else None,
        "birth_date": nik.birth_date.isoformat() if nik else None,
        "sex": nik.sex.value if nik else None,
        "serial": nik.serial if nik else None,
        "historic": info.historic if info else False,
    }


def lookup_ids(card: KtpCard, repo: RegionRepository | None) -> dict[str, int | None]:
    """Database ids of the printed gender, religion and marital status."""
    table: Mapping[str, Mapping[str, int]] = {}
    getter = getattr(repo, "lookup_ids", None)
    if getter is not None:
        table = getter()

    def find(vocabulary: str, value: str | None) -> int | None:
        return None if value is None else table.get(vocabulary, {}).get(value)

    return {
        "gender": find("gender", card.jenis_kelamin),
        "religion": find("religion", card.agama),
        "maritalStatus": find("marital_status", card.status_perkawinan),
    }


def build_body(
    result: ReadResult, repo: RegionRepository | None, *, today: date, degraded: Sequence[str]
) -> dict[str, Any]:
    """The whole JSON answer for one reading, validated against :class:`OcrKtpResponse`."""
    catalog = _as_catalog(repo)
    nik_text = result.card.nik
    info = describe_nik(nik_text, catalog, today=today) if catalog and nik_text else None
    body = {
        "dataOcrKtp": data_ocr_ktp(result.card),
        "dataNikParser": data_nik_parser(result, info, repo),
        "lookup_ids": lookup_ids(result.card, repo),
        "fields": fields_to_dict(result),
        "nik": nik_facts(result, info),
        "checks": [check_to_dict(c) for c in result.checks],
        "quality": [quality_to_dict(q) for q in result.quality],
        "regions": [region_match_to_dict(m) for m in result.regions],
        "score": round(result.score, 1),
        "issues": list(result.issues),
        "engine": result.engine,
        "timings_ms": dict(result.timings),
        "degraded": list(degraded),
    }
    return OcrKtpResponse.model_validate(body).model_dump(mode="json")


def card_image_data_url(image: Any) -> str | None:
    """The flattened card (BGR array) as a ``data:image/jpeg;base64,...`` URL."""
    if image is None:
        return None
    import cv2

    ok, encoded = cv2.imencode(".jpg", image, [int(cv2.IMWRITE_JPEG_QUALITY), CARD_JPEG_QUALITY])
    if not ok:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(encoded.tobytes()).decode("ascii")
