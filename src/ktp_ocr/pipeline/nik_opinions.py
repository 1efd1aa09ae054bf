"""The NIK's second looks: what a reading must agree with, the header's mend, a second engine.

Each step takes the fields read so far and returns them with the NIK mended or left as it was;
the reader decides when each runs (see :class:`~ktp_ocr.pipeline.reader.Reader`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ktp_ocr.fields.nik import InvalidNik, parse_nik, read_nik
from ktp_ocr.fields.text import lowered
from ktp_ocr.ocr.regionread import NikRegionReader
from ktp_ocr.pipeline.header_nik import nik_from_header
from ktp_ocr.pipeline.inference import with_issue
from ktp_ocr.regions import RegionRepository
from ktp_ocr.types import FieldName, FieldValue, Nik, RegionMatch

__all__ = [
    "UNSURE_NIK",
    "decoded_nik",
    "nik_acceptor",
    "nik_by_header",
    "region_known",
    "second_opinion",
]

#: A NIK read with one of these issues (or not read) gets a second opinion. Repaired but
#: unambiguous readings do not: on the benchmark a wider trigger doubled the time per card and
#: changed no NIK.
UNSURE_NIK = frozenset({"nik_ambiguous", "nik_uncorroborated", "nik_region_unknown"})

Fields = dict[FieldName, FieldValue[Any]]


def region_known(repo: RegionRepository | None) -> Callable[[str], bool] | None:
    """Whether a district code is known to ``repo`` (None without a repository)."""
    if repo is None:
        return None
    resolve = getattr(repo, "resolve", None)
    if resolve is not None:
        return lambda code: resolve(code) is not None
    return lambda code: repo.get(code) is not None


def nik_acceptor(
    fields: Mapping[FieldName, FieldValue[Any]],
    today: date,
    known: Callable[[str], bool] | None,
) -> Callable[[str], bool]:
    """A test a NIK reading must pass: well formed, and agreeing with what was printed."""
    birth = fields[FieldName.TANGGAL_LAHIR].value
    sex = fields[FieldName.JENIS_KELAMIN].value

    def accept(text: str) -> bool:
        try:
            nik = parse_nik(text, today=today)
        except InvalidNik:
            return False
        if isinstance(birth, date) and nik.birth_date != birth:
            return False
        if sex is not None and nik.sex.value != str(sex):
            return False
        return known is None or known(nik.district_code)

    return accept


def decoded_nik(fv: FieldValue[Any] | None, today: date) -> Nik | None:
    """The NIK a field's value decodes to, or None."""
    if fv is None or fv.value is None:
        return None
    try:
        return parse_nik(str(fv.value), today=today)
    except InvalidNik:
        return None


def nik_by_header(
    fields: Fields,
    matches: tuple[RegionMatch, ...],
    today: date,
    known: Callable[[str], bool] | None,
) -> tuple[Fields, Nik] | None:
    """The NIK mended by the header's regency (:mod:`.header_nik`), with the fields."""
    main = fields[FieldName.NIK]
    regency = next((m.region for m in matches if m.level == "kabupaten_kota"), None)
    if known is None or regency is None or main.value is not None or not main.raw:
        return None
    if "nik_contradicts_card" in main.issues:
        return None
    accept = nik_acceptor(fields, today, known)
    digits = nik_from_header(main.raw, regency.code, region_known=known, accept=accept)
    if digits is None:
        return None
    nik = parse_nik(digits, today=today)
    mended = FieldValue(
        digits, main.raw, lowered(main.confidence), ("nik_region_from_header",), main.box
    )
    return {**fields, FieldName.NIK: mended}, nik


def second_opinion(
    nik_reader: NikRegionReader,
    card: NDArray[np.uint8],
    raw: Mapping[FieldName, Any],
    fields: Fields,
    today: date,
    known: Callable[[str], bool] | None,
) -> Fields:
    """Re-read an unsure NIK with the second engine; keep the reading that passes."""
    main = fields[FieldName.NIK]
    if main.value is not None and not set(main.issues) & UNSURE_NIK:
        return fields
    accept = nik_acceptor(fields, today, known)
    box = raw[FieldName.NIK].box if FieldName.NIK in raw else None
    line = nik_reader.read_nik_region(card, box=box, accept=accept)
    if line is None:
        return fields
    digits = "".join(ch for ch in line.text if ch.isdigit())
    if main.value is not None and accept(str(main.value)):
        if main.value == digits:
            agreed = replace(main, confidence=max(main.confidence, line.confidence))
            return {**fields, FieldName.NIK: agreed}
        return {**fields, FieldName.NIK: with_issue(main, "nik_engines_disagree")}
    second = read_nik(
        line.text,
        confidence=line.confidence,
        today=today,
        region_known=known,
        birth_date=fields[FieldName.TANGGAL_LAHIR].value,
        sex=fields[FieldName.JENIS_KELAMIN].value,
    )
    if second.value is None:
        return fields
    issues = (*second.issues, "nik_second_opinion")
    chosen = FieldValue(second.value, main.raw or line.text, second.confidence, issues, line.box)
    return {**fields, FieldName.NIK: chosen}
