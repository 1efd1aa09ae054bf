"""Where a synthetic person lives: a walk down the region tree, and how the card prints it.

Region names in the repository are official mixed case (``Kota Administrasi Jakarta Selatan``,
``Daerah Istimewa Yogyakarta``); the card prints upper case with its own habits
(``PROVINSI DKI JAKARTA`` / ``JAKARTA SELATAN``, ``PROVINSI DI YOGYAKARTA``).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ktp_ocr.regions.base import RegionRepository
from ktp_ocr.synth import vocab
from ktp_ocr.types import Region

DKI_CODE = "31"
_PROVINCE_SHORT = {
    "DAERAH KHUSUS IBUKOTA JAKARTA": "DKI JAKARTA",
    "DAERAH KHUSUS JAKARTA": "DKI JAKARTA",
    "DAERAH ISTIMEWA YOGYAKARTA": "DI YOGYAKARTA",
    "NANGGROE ACEH DARUSSALAM": "ACEH",
}
_REGENCY_PREFIX = re.compile(
    r"^(KABUPATEN ADMINISTRASI|KOTA ADMINISTRASI|KAB\. ADM\.|KOTA ADM\.|KABUPATEN|KAB\.|KOTA)\s+"
)
_TRIES = 12


class EmptyRegions(LookupError):
    """The repository has no province with a complete region chain."""


@dataclass(frozen=True)
class Place:
    """A full region chain: province, regency/city, district, village."""

    province: Region
    regency: Region
    district: Region
    village: Region


def upper_name(name: str) -> str:
    """Upper case with single spaces."""
    return " ".join(name.upper().split())


def province_print(region: Region) -> str:
    """The province as the header prints it after ``PROVINSI`` (``JAWA BARAT``, ``DKI JAKARTA``)."""
    name = upper_name(region.name)
    name = name.removeprefix("PROVINSI ")
    return _PROVINCE_SHORT.get(name, name)


def regency_base(region: Region) -> tuple[str, str]:
    """``(kind, base name)``: ``("KOTA", "BANDUNG")``; kind is ``KOTA`` or ``KABUPATEN``."""
    name = upper_name(region.name)
    match = _REGENCY_PREFIX.match(name)
    if match:
        prefix = match.group(1)
        kind = "KOTA" if prefix.startswith("KOTA") else "KABUPATEN"
        return kind, name[match.end() :]
    return ("KOTA" if region.kind == "kota" else "KABUPATEN"), name


def regency_print(region: Region, rng: random.Random) -> str:
    """The header's second line: ``KOTA BANDUNG``, ``KABUPATEN BANDUNG``, ``JAKARTA SELATAN``."""
    kind, base = regency_base(region)
    if region.code.startswith(DKI_CODE):
        return f"{kind} {base}" if kind == "KOTA" and rng.random() < 0.2 else base
    return f"{kind} {base}"


def issue_place_print(region: Region, rng: random.Random) -> str:
    """The issuing regency/city printed under the photo (``KOTA BANDUNG``, ``BANDUNG``)."""
    kind, base = regency_base(region)
    if region.code.startswith(DKI_CODE):
        return base
    roll = rng.random()
    if kind == "KOTA":
        return f"KOTA {base}" if roll < 0.5 else base
    if roll < 0.15:
        return f"KAB. {base}"
    return f"KABUPATEN {base}" if roll < 0.3 else base


def _province_weights(provinces: Sequence[Region]) -> list[float]:
    population = vocab.scalars("people.txt", "population")
    return [math.sqrt(population.get(p.code, 1.0)) for p in provinces]


def pick_place(rng: random.Random, regions: RegionRepository) -> Place:
    """A random village with its chain; provinces by population, the rest uniformly.

    Raises:
        EmptyRegions: when no province leads down to a village.
    """
    provinces = list(regions.children(""))
    if provinces:
        weights = _province_weights(provinces)
        for _ in range(_TRIES):
            chain = [rng.choices(provinces, weights=weights)[0]]
            for _level in range(3):
                children = regions.children(chain[-1].code)
                if not children:
                    break
                chain.append(rng.choice(list(children)))
            if len(chain) == 4:
                return Place(*chain)
    raise EmptyRegions("the region repository has no province -> village chain")


def birthplace(rng: random.Random, place: Place, regions: RegionRepository) -> str:
    """Where someone living at ``place`` was born, as the card prints it."""
    roll = rng.random()
    if roll < 0.45:
        siblings = list(regions.children(place.province.code)) or [place.regency]
        base = regency_base(rng.choice(siblings))[1]
    elif roll < 0.7:
        base = regency_base(place.regency)[1]
    elif roll < 0.8:
        base = upper_name(place.district.name)
    else:
        return rng.choice(vocab.words("places.txt", "city"))
    if base.startswith("JAKARTA ") and rng.random() < 0.6:
        return "JAKARTA"
    return base
