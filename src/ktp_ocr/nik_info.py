"""What a NIK says on its own: validity, regions (today's and historic), birth date, sex.

``describe_nik`` backs ``ktp-ocr nik NIK [--json]`` and the API's NIK endpoint. It reuses
:func:`ktp_ocr.fields.nik.parse_nik` (and its :class:`~ktp_ocr.fields.nik.InvalidNik` codes)
and adds ``nik_unknown_region`` when the region code is in neither the current data nor the
code history (a BPS code such as ``9471`` is not a Kemendagri code and fails here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ktp_ocr.fields.nik import InvalidNik, mask_nik, parse_nik
from ktp_ocr.regions.base import CODE_LENGTH, RegionCatalog, RegionRepository
from ktp_ocr.regions.catalog import as_catalog
from ktp_ocr.regions.names import card_name
from ktp_ocr.types import Nik, Region, RegionLevel, Sex

UNKNOWN_REGION = "nik_unknown_region"
_SEPARATORS = re.compile(r"[\s.\-]+")
_MESSAGES = {UNKNOWN_REGION: "the NIK's region code is not a Kemendagri region, now or before"}
_NIK_LEVELS: tuple[RegionLevel, ...] = ("provinsi", "kabupaten_kota", "kecamatan")


@dataclass(frozen=True, slots=True)
class NikRegion:
    """One level of the NIK's region: the code in the NIK and the region it means today."""

    level: RegionLevel
    nik_code: str
    code: str | None
    name: str | None
    card_name: str | None
    historic: bool = False
    old_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "level": self.level,
            "nik_code": self.nik_code,
            "code": self.code,
            "name": self.name,
            "card_name": self.card_name,
            "historic": self.historic,
            "old_name": self.old_name,
        }


@dataclass(frozen=True, slots=True)
class NikInfo:
    """Everything a NIK tells: ``valid`` and why not (``issues``, stable codes), and its parts."""

    nik: str
    valid: bool
    issues: tuple[str, ...] = ()
    message: str | None = None
    regions: tuple[NikRegion, ...] = ()
    birth_date: date | None = None
    sex: Sex | None = None
    serial: str | None = None

    @property
    def historic(self) -> bool:
        """True when a region code in the NIK has since been remapped (an old NIK)."""
        return any(r.historic for r in self.regions)

    def region(self, level: RegionLevel) -> NikRegion | None:
        """The NIK's region at ``level``."""
        return next((r for r in self.regions if r.level == level), None)

    def masked(self) -> str:
        """The NIK for logs: ``3174********0001``."""
        return mask_nik(self.nik)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (dates ``YYYY-MM-DD``, sex as printed)."""
        return {
            "nik": self.nik,
            "valid": self.valid,
            "issues": list(self.issues),
            "message": self.message,
            "historic": self.historic,
            "regions": {r.level: r.to_dict() for r in self.regions},
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex.value if self.sex else None,
            "serial": self.serial,
        }


def _chain(repo: RegionCatalog, text: str) -> dict[RegionLevel, Region]:
    """Today's regions for the NIK, from its deepest code that resolves, up to the province."""
    for level in ("kecamatan", "kabupaten_kota", "provinsi"):
        found = repo.resolve(text[: CODE_LENGTH[level]])
        if found is None:
            continue
        chain: dict[RegionLevel, Region] = {}
        region: Region | None = found[0]
        while region is not None:
            chain[region.level] = region
            region = repo.get(region.parent) if region.parent else None
        return chain
    return {}


def _old_name(repo: RegionCatalog, nik_code: str) -> str | None:
    """The name the NIK's code had: from the history, or the old code's own current name."""
    changes = repo.history(nik_code)
    if changes:
        return changes[0].old_name
    region = repo.get(nik_code)
    return region.name if region is not None else None


def _regions(repo: RegionCatalog, text: str) -> tuple[NikRegion, ...]:
    """Each level of ``PPKKCC`` as it is today; unknown levels have code None."""
    chain = _chain(repo, text)
    out: list[NikRegion] = []
    for level in _NIK_LEVELS:
        nik_code = text[: CODE_LENGTH[level]]
        region = chain.get(level)
        if region is None:
            out.append(NikRegion(level, nik_code, None, None, None))
            continue
        historic = region.code != nik_code
        old = _old_name(repo, nik_code) if historic else None
        out.append(
            NikRegion(level, nik_code, region.code, region.name, card_name(region), historic, old)
        )
    return tuple(out)


#: Parser codes that already say the region part is wrong.
_REGION_PARSE_ISSUES = frozenset({"nik_bad_province", "nik_bad_region"})


def _issues_cover_region(issues: list[str]) -> bool:
    """True when a parser issue already says the region part is wrong."""
    return any(code in _REGION_PARSE_ISSUES for code in issues)


def describe_nik(text: str, repo: RegionRepository, *, today: date) -> NikInfo:
    """Decode ``text`` (spaces, dots and dashes ignored) against the region data.

    Never raises for a bad NIK: ``valid`` is False and ``issues`` holds the codes
    (``nik_length``, ``nik_not_digits``, ``nik_bad_province``, ``nik_bad_region``,
    ``nik_bad_date``, ``nik_future_birth_date``, ``nik_bad_serial``, ``nik_unknown_region``).
    Regions are reported whenever the first six characters are digits, even if the date is bad.
    """
    nik_text = _SEPARATORS.sub("", text)
    regions = (
        _regions(as_catalog(repo), nik_text)
        if nik_text[:6].isdigit() and len(nik_text) >= 6
        else ()
    )
    try:
        nik: Nik | None = parse_nik(nik_text, today=today)
        parse_issue: InvalidNik | None = None
    except InvalidNik as exc:
        nik, parse_issue = None, exc
    issues: list[str] = []
    message: str | None = None
    if parse_issue is not None:
        issues.append(parse_issue.code)
        message = str(parse_issue)
    unknown = any(r.code is None for r in regions)
    if unknown and not _issues_cover_region(issues):
        issues.append(UNKNOWN_REGION)
        message = message or _MESSAGES[UNKNOWN_REGION]
    return NikInfo(
        nik=nik_text,
        valid=not issues,
        issues=tuple(issues),
        message=message,
        regions=regions,
        birth_date=nik.birth_date if nik else None,
        sex=nik.sex if nik else None,
        serial=nik.serial if nik else None,
    )
