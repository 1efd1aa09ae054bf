"""Synthetic people whose card data hangs together the way real cards do.

The NIK carries the real Kemendagri code of the printed kecamatan, the birth date and sex; the
kelurahan/desa lies in that kecamatan; marital status, occupation and validity follow the age at
issue. Names and addresses are invented combinations from the word lists in ``synth/data``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from ktp_ocr.fields.nik import format_nik
from ktp_ocr.regions.base import RegionRepository
from ktp_ocr.synth import places, vocab
from ktp_ocr.types import SEUMUR_HIDUP, KtpCard, Nik, Sex

EKTP_START = date(2011, 10, 1)  # the first e-KTPs
LIFETIME_FROM = date(2016, 1, 1)  # cards printed since carry SEUMUR HIDUP
TERCATAT_FROM = date(2022, 1, 1)  # records that may say KAWIN TERCATAT
MIN_AGE = 17
VALIDITY_YEARS = 5
_DEFAULT_OCCUPATION = (0.04, 21, 65, "*")
_YOUNG, _OLD = 22, 58


@dataclass(frozen=True)
class Identity:
    """A person's card data: canonical ``truth`` plus each value as the card prints it.

    ``printed`` keys: ``header_province``, ``header_regency``, ``nik``, ``nama``, ``ttl``,
    ``jenis_kelamin``, ``golongan_darah``, ``alamat``, ``rt_rw``, ``kelurahan_desa``,
    ``kecamatan``, ``agama``, ``status_perkawinan``, ``pekerjaan``, ``kewarganegaraan``,
    ``berlaku_hingga``, ``tempat_terbit``, ``tanggal_terbit``.
    """

    truth: KtpCard
    printed: Mapping[str, str]
    meta: Mapping[str, str] = field(default_factory=dict)


def dmy(day: date) -> str:
    """``dd-mm-yyyy`` as the card prints dates."""
    return f"{day.day:02d}-{day.month:02d}-{day.year}"


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _birth_date(rng: random.Random, today: date) -> date:
    bands = vocab.scalars("people.txt", "age")
    low, high = (int(x) for x in vocab.weighted(rng, bands).split("-"))
    age = rng.randint(low, high)
    latest = _add_years(today, -age)
    return latest - timedelta(days=rng.randrange(365))


def _issue_date(rng: random.Random, birth: date, today: date) -> date:
    first = max(_add_years(birth, MIN_AGE), EKTP_START)
    last = today - timedelta(days=1)
    if first >= last:
        return last
    if first < LIFETIME_FROM and rng.random() < 0.3:
        last = min(last, LIFETIME_FROM - timedelta(days=1))
    elif last > LIFETIME_FROM:
        first = max(first, LIFETIME_FROM)
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _marital(rng: random.Random, age: int, issued: date) -> str:
    table = vocab.weight_tables("people.txt")["marital"]
    bound = min((int(k) for k in table if age <= int(k)), default=max(int(k) for k in table))
    status = vocab.weighted(rng, table[str(bound)])
    if status == "KAWIN" and issued >= TERCATAT_FROM:
        roll = rng.random()
        status = (
            "KAWIN TERCATAT" if roll < 0.12 else "KAWIN BELUM TERCATAT" if roll < 0.15 else status
        )
    return status


@cache
def _occupation_table() -> tuple[tuple[str, float, int, int, str], ...]:
    listed: dict[str, tuple[float, int, int, str]] = {}
    for line in vocab.data_lines("occupations.txt"):
        name, weight, low, high, sex = (part.strip() for part in line.split("|"))
        listed[name] = (float(weight), int(low), int(high), sex)
    rows = []
    for canonical, _accepted in vocab.field_vocabulary("pekerjaan.txt"):
        rows.append((canonical, *listed.get(canonical, _DEFAULT_OCCUPATION)))
    return tuple(rows)


def _occupation(rng: random.Random, age: int, sex: Sex) -> str:
    code = "M" if sex is Sex.MALE else "F"
    table: dict[str, float] = {}
    for name, weight, low, high, who in _occupation_table():
        if low <= age <= high and who in ("*", code):
            boost = 25.0 if name == "PELAJAR/MAHASISWA" and age <= _YOUNG else 1.0
            boost *= 12.0 if name == "PENSIUNAN" and age >= _OLD else 1.0
            table[name] = weight * boost
    return vocab.weighted(rng, table)


def _name(rng: random.Random, province: str, sex: Sex, birth: date) -> tuple[str, str]:
    tables = vocab.weight_tables("people.txt")["styles"]
    styles = dict(tables.get(province, tables["default"]))
    if birth.year >= 1995 and "modern" in styles:
        styles["modern"] *= 2.5
    style = vocab.weighted(rng, styles)
    name = vocab.grammar("names.txt").expand(rng, style, "M" if sex is Sex.MALE else "F")
    if rng.random() < 0.03 and birth.year < 2000:
        name += ", " + rng.choice(vocab.words("names.txt", "degree"))
    return style, name


def _religion(rng: random.Random, style: str) -> tuple[str, str]:
    tables = vocab.weight_tables("people.txt")
    canonical = vocab.weighted(rng, tables["religion"][style])
    spellings = tables["spelling"].get(canonical)
    return canonical, vocab.weighted(rng, spellings) if spellings else canonical


def _address(rng: random.Random, regency_kind: str) -> str:
    if regency_kind == "KOTA":
        kinds = {"urban": 60.0, "housing": 30.0, "rural": 10.0}
    else:
        kinds = {"urban": 35.0, "housing": 15.0, "rural": 50.0}
    special = {
        "num": lambda: (
            str(1 + min(int(rng.expovariate(1 / 25)), 250))
            + (rng.choice("ABC") if rng.random() < 0.08 else "")
        ),
        "blok": lambda: (
            rng.choice("ABCDEFGHJK") + rng.choice(["", "-", " ", "."]) + str(rng.randint(1, 30))
        ),
        "km": lambda: str(rng.randint(1, 35)),
    }
    return vocab.grammar("addresses.txt").expand(rng, vocab.weighted(rng, kinds), "*", special)


def _rt_rw(rng: random.Random) -> str:
    rt = 1 + min(int(rng.expovariate(1 / 5)), 29)
    rw = 1 + min(int(rng.expovariate(1 / 4)), 24)
    return f"{rt:03d}/{rw:03d}"


def make_identity(rng: random.Random, regions: RegionRepository, today: date) -> Identity:
    """One consistent synthetic person living in a random village of ``regions``."""
    place = places.pick_place(rng, regions)
    sex = Sex.MALE if rng.random() < 0.5 else Sex.FEMALE
    birth = _birth_date(rng, today)
    issued = _issue_date(rng, birth, today)
    age_at_issue = _age(birth, issued)
    style, nama = _name(rng, place.province.code, sex, birth)
    _religion_row, religion_printed = _religion(rng, style)
    serial = 1 + min(int(rng.expovariate(1 / 300)), 9998)
    district = place.district.code
    nik = format_nik(Nik(district[:2], district[2:4], district[4:6], birth, sex, f"{serial:04d}"))
    lifetime = issued >= LIFETIME_FROM or rng.random() < 0.4
    validity: date | str = (
        SEUMUR_HIDUP if lifetime else _add_years(birth, issued.year + VALIDITY_YEARS - birth.year)
    )
    tempat_lahir = places.birthplace(rng, place, regions)
    regency_kind, _ = places.regency_base(place.regency)
    truth = KtpCard(
        nik=nik,
        nama=nama,
        tempat_lahir=tempat_lahir,
        tanggal_lahir=birth,
        jenis_kelamin=sex.value,
        golongan_darah=vocab.weighted(rng, vocab.weight_tables("people.txt")["blood"]["all"]),
        alamat=_address(rng, regency_kind),
        rt_rw=_rt_rw(rng),
        kelurahan_desa=places.upper_name(place.village.name),
        kecamatan=places.upper_name(place.district.name),
        agama=religion_printed,  # KTP.md: the value is what the card prints
        status_perkawinan=_marital(rng, age_at_issue, issued),
        pekerjaan=_occupation(rng, age_at_issue, sex),
        kewarganegaraan="WNI",
        berlaku_hingga=validity,
        provinsi=places.province_print(place.province),
        kabupaten_kota=places.regency_print(place.regency, rng),
        tempat_terbit=places.issue_place_print(place.regency, rng),
        tanggal_terbit=issued,
    )
    return Identity(truth, _printed(rng, truth, religion_printed), {"name_style": style})


def _printed(rng: random.Random, truth: KtpCard, religion: str) -> dict[str, str]:
    """Each value as the card prints it (dates as dd-mm-yyyy, the printed religion spelling)."""
    assert truth.tanggal_lahir is not None and truth.tanggal_terbit is not None
    comma = ", " if rng.random() < 0.85 else ","
    validity = truth.berlaku_hingga
    values = {f: str(v) for f, v in truth.to_dict().items() if v is not None}
    values.update(
        header_province=f"PROVINSI {truth.provinsi}",
        header_regency=str(truth.kabupaten_kota),
        ttl=f"{truth.tempat_lahir}{comma}{dmy(truth.tanggal_lahir)}",
        agama=religion,
        berlaku_hingga=dmy(validity) if isinstance(validity, date) else str(validity),
        tanggal_terbit=dmy(truth.tanggal_terbit),
    )
    return values
