"""The card's place names against the region database: matched, snapped, the birthplace mended."""

from __future__ import annotations

import re
from typing import Any

from ktp_ocr.fields.text import lowered
from ktp_ocr.pipeline.inference import field_text, same_style, with_issue
from ktp_ocr.regions import RegionRepository
from ktp_ocr.types import FieldName, FieldValue, Nik, RegionLevel, RegionMatch

__all__ = [
    "CUT_LEVELS",
    "SNAP_SCORE",
    "UNMATCHED_CONFIDENCE",
    "flag_unmatched",
    "match_regions",
    "snap_birthplace",
]

#: Snap a printed place name to the official one at or above this match score (0-100), or at
#: the matcher's own threshold when the region is the NIK's (a handful of candidates).
SNAP_SCORE = 90.0
#: Place fields whose value glare may have cut is matched also as the start or end of a name.
CUT_LEVELS: tuple[RegionLevel, ...] = ("kecamatan", "kelurahan_desa")
#: A place name that matched no region is kept as read with this share of its confidence.
UNMATCHED_CONFIDENCE = 0.5

Fields = dict[FieldName, FieldValue[Any]]


def match_regions(
    regions: RegionRepository | None, fields: Fields, nik: Nik | None
) -> tuple[tuple[RegionMatch, ...], Fields]:
    """The card's region matches, and its place fields snapped to the official names."""
    if regions is None:
        return (), fields
    from ktp_ocr.regions.match import MATCH_THRESHOLD, card_name, match_card

    cut = frozenset(
        level
        for level in CUT_LEVELS
        if (value := fields.get(FieldName(level))) is not None
        and "glare_over_value" in value.issues
    )
    short = None if nik else short_nik_district(fields)
    matches = match_card(
        regions,
        nik_district=nik.district_code if nik else None,
        provinsi=field_text(fields, FieldName.PROVINSI),
        kabupaten_kota=field_text(fields, FieldName.KABUPATEN_KOTA),
        kecamatan=field_text(fields, FieldName.KECAMATAN),
        kelurahan_desa=field_text(fields, FieldName.KELURAHAN_DESA),
        cut=cut,
        short_nik_district=short,
    )
    # A place the short NIK's district vouches for is snapped as a cut one is, less surely:
    # its missing letters are inferred.
    vouched = {m.level for m in matches if _in_district(m, short) and m.level in CUT_LEVELS}
    cut |= vouched
    snapped = dict(fields)
    for match in matches:
        name = FieldName(match.level)
        current = fields.get(name)
        if (
            match.region is not None
            and not match.ambiguous
            and (
                match.score >= SNAP_SCORE
                or (match.agrees_with_nik and match.score >= MATCH_THRESHOLD)
                or (match.level in cut and match.score >= MATCH_THRESHOLD)
            )
            and current is not None
            and current.value is not None
        ):
            official = card_name(match.region)
            if official != current.value and same_style(current.value, official, name):
                if match.from_nik:
                    snapped[name] = with_issue(
                        current,
                        f"{name.value}_from_nik",
                        value=official,
                        confidence=lowered(current.confidence),
                    )
                else:
                    sure = current.confidence
                    if match.level in vouched and match.score < SNAP_SCORE:
                        sure = lowered(sure)
                    snapped[name] = with_issue(
                        current, "snapped_to_region", value=official, confidence=sure
                    )
    return tuple(matches), snapped


#: The first digits of a NIK read too short to be given: the district code (six digits) and
#: more, then the end of the reading or a gap, never all sixteen.
_SHORT_NIK = re.compile(r"\D*(\d{6,15})(?:\D|$)")


def _in_district(match: RegionMatch, district: str | None) -> bool:
    return district is not None and match.region is not None and match.region.code[:6] == district


def short_nik_district(fields: Fields) -> str | None:
    """The district code of a NIK withheld because glare or blur took some of its digits.

    Its first six digits, when the reading starts with a run of six to fifteen digits (``3318206705
    1474``): the digits lost are later ones. Only a place name cut short is matched by it
    (:func:`~ktp_ocr.regions.match.match_card`), and only inside the card's own region.
    """
    read = fields.get(FieldName.NIK)
    if read is None or read.value is not None or not read.raw:
        return None
    found = _SHORT_NIK.match(read.raw)
    return found.group(1)[:6] if found else None


def flag_unmatched(matches: tuple[RegionMatch, ...], fields: Fields) -> Fields:
    """Place names read that are no region's: kept as read, less sure, ``region_not_found``.

    Every province, regency, district and village is in the database (with aliases and old
    names), so a name that matched none was misread or cut short (``KAI`` for KABUPATEN PATI,
    ``KEMBA`` for KEMBANG) however sure the recogniser was of its letters. A name two regions
    share exactly (ambiguous at 100) is a region's name and keeps its confidence. A village is
    only judged when its district or regency matched: it is never looked for country-wide.
    """
    by_level = {m.level: m for m in matches}
    villages_searched = any(
        (m := by_level.get(level)) is not None and m.region is not None
        for level in ("kecamatan", "kabupaten_kota")
    )
    out = dict(fields)
    for match in matches:
        if match.region is not None or (match.ambiguous and match.score >= 100):
            continue
        if match.level == "kelurahan_desa" and not villages_searched:
            continue
        name = FieldName(match.level)
        current = fields.get(name)
        if current is None or current.value is None:
            continue
        less = round(current.confidence * UNMATCHED_CONFIDENCE, 4)
        out[name] = with_issue(current, "region_not_found", confidence=less)
    return out


def snap_birthplace(regions: RegionRepository | None, fields: Fields) -> Fields:
    """Mend a birthplace that stands for a regency/city or district name.

    See :mod:`ktp_ocr.regions.birthplace`; any other text is left as read.
    """
    current = fields.get(FieldName.TEMPAT_LAHIR)
    index = getattr(regions, "name_index", None)
    if current is None or current.value is None or index is None:
        return fields
    from ktp_ocr.regions.birthplace import RESPACED, birthplace_name

    found = birthplace_name(str(current.value), index)
    if found is None:
        return fields
    name, code = found
    confidence = current.confidence if code == RESPACED else lowered(current.confidence)
    fixed = with_issue(current, code, value=name, confidence=confidence)
    return {**fields, FieldName.TEMPAT_LAHIR: fixed}
