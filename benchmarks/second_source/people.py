"""Invented card holders: a name, a birth, an address, and the values their KTP prints."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import places

_MALE = (
    "AGUS", "BUDI", "DEDI", "EKO", "FAJAR", "HENDRA", "IWAN", "JOKO", "KURNIAWAN", "MUHAMMAD",
    "MOCHAMAD", "NUR", "RUDI", "SLAMET", "TAUFIK", "WAHYU", "YUDI", "ZAINAL", "ARIF", "BAMBANG",
    "DIMAS", "GILANG", "HERU", "IMAM", "KADEK", "KETUT", "I MADE", "I WAYAN", "I GEDE", "LUKMAN",
    "RAHMAT", "RIZKY", "SURYADI", "TEGUH", "YOHANES", "ANDREAS", "FRANSISKUS", "ABDUL", "ACHMAD",
    "SUPRIYADI", "UJANG", "ASEP", "DADANG", "ENDANG", "HAMZAH", "IKHSAN", "MARTINUS", "PUTU",
)  # fmt: skip
_FEMALE = (
    "SITI", "SRI", "DEWI", "ENDAH", "FITRI", "INDAH", "KARTIKA", "LESTARI", "MAYA", "NUR",
    "PUTRI", "RATNA", "SUSI", "TRI", "WULAN", "YULIANA", "AYU", "DIAN", "EVA", "HARTINI",
    "IKA", "LINDA", "MARIA", "NI MADE", "NI KADEK", "NI LUH", "RINA", "SALSABILA", "TITIN", "UMI",
    "YANTI", "ANISA", "NURUL", "ROSMAWATI", "SUMIATI", "ELISABETH", "NENG", "CUCU", "MEGAWATI",
)  # fmt: skip
_MIDDLE_MALE = (
    "ADI", "AJI", "ANDRI", "BAYU", "CAHYA", "DWI", "EKA", "FAUZI", "HADI", "INDRA", "JAYA",
    "KUSUMA", "MAULANA", "NUGROHO", "PRATAMA", "TRI", "RAMADHAN", "HIDAYAT", "FIRMAN", "YUSUF",
)  # fmt: skip
_MIDDLE_FEMALE = (
    "DWI", "EKA", "TRI", "PUSPITA", "RAHAYU", "SARI", "UTAMI", "WATI", "YUNIAR", "AULIA",
    "FITRIANI", "ANGGRAENI", "PERMATA", "AGUSTINA", "KUSUMA", "NOVITA", "LESTARI", "MAHARANI",
)  # fmt: skip
_FAMILY = (
    "SANTOSO", "WIJAYA", "SETIAWAN", "PURNOMO", "SUSANTO", "GUNAWAN", "HARAHAP", "NASUTION",
    "SIREGAR", "SIMANJUNTAK", "LUBIS", "SIHOMBING", "TAMBUNAN", "WIBOWO", "PRASETYO", "HALIM",
    "TANJUNG", "PANJAITAN", "MANURUNG", "LATUPEIRISSA", "PATTINAMA", "SUGIHARTO", "HASIBUAN",
    "EFENDI", "SIHITE", "KOSASIH", "SUTISNA", "MUNANDAR",
)  # fmt: skip
_FAMILY_MALE = ("SAPUTRA", "HIDAYAT", "SUPRIYANTO", "FIRMANSYAH", "AL FARIZI", "BIN ABDULLAH")
_FAMILY_FEMALE = ("SAPUTRI", "KURNIAWATI", "RAHMAWATI", "NINGSIH", "BINTI SULAIMAN", "HANDAYANI")
_STREETS = (
    "MERDEKA", "SUDIRMAN", "DIPONEGORO", "GATOT SUBROTO", "AHMAD YANI", "IMAM BONJOL",
    "PAHLAWAN", "SILIWANGI", "MAWAR", "MELATI", "KENANGA", "CEMPAKA", "ANGGREK", "KARTINI",
    "HASANUDDIN", "PATTIMURA", "SISINGAMANGARAJA", "GAJAH MADA", "HAYAM WURUK", "CENDRAWASIH",
    "RAYA BOGOR", "PEMUDA", "VETERAN", "PERINTIS KEMERDEKAAN", "KH. WAHID HASYIM", "DR. SUTOMO",
)  # fmt: skip
_HAMLETS = (
    "KRAJAN", "SUKAMAJU", "SUKARAME", "MEKARSARI", "KARANGANYAR", "SIDOMULYO", "TEGALREJO",
    "CIBEUREUM", "WONOREJO", "PAGERAN", "SUMBERSARI", "BABAKAN", "LEBAK", "TANJUNGSARI",
)  # fmt: skip
_ESTATES = (
    "GRIYA ASRI", "BUMI INDAH", "TAMAN SARI", "PERMATA HIJAU", "GRAHA PERMAI", "CITRA LESTARI",
    "VILLA MUTIARA", "PONDOK INDAH", "BUKIT TIARA", "GRIYA PRATAMA",
)  # fmt: skip
_RELIGIONS = (
    ("ISLAM", 80), ("KRISTEN", 7), ("KATHOLIK", 2), ("KATOLIK", 1), ("HINDU", 3), ("BUDHA", 1),
    ("BUDDHA", 1), ("KONGHUCU", 0.5), ("KHONGHUCU", 0.3), ("KEPERCAYAAN TERHADAP TUHAN YME", 0.4),
)  # fmt: skip
_JOBS = (
    "KARYAWAN SWASTA", "WIRASWASTA", "PETANI/PEKEBUN", "PEDAGANG", "BURUH HARIAN LEPAS",
    "PEGAWAI NEGERI SIPIL (PNS)", "GURU", "NELAYAN/PERIKANAN", "SOPIR", "PERAWAT", "BIDAN",
    "DOKTER", "TENTARA NASIONAL INDONESIA (TNI)", "KEPOLISIAN RI (POLRI)", "KARYAWAN BUMN",
    "KARYAWAN HONORER", "BURUH TANI/PERKEBUNAN", "TUKANG BATU", "TUKANG KAYU", "TUKANG JAHIT",
    "MEKANIK", "PETERNAK", "PERANGKAT DESA", "DOSEN", "TRANSPORTASI", "KONSTRUKSI", "PERDAGANGAN",
    "TUKANG LAS/PANDAI BESI", "USTADZ/MUBALIGH", "JURU MASAK", "WARTAWAN", "APOTEKER", "LAINNYA",
    "BELUM/TIDAK BEKERJA", "PENATA RAMBUT", "AKUNTAN", "ARSITEK", "PENGACARA", "SENIMAN",
)  # fmt: skip
_BLOOD = (
    ("-", 34), ("O", 16), ("A", 12), ("B", 13), ("AB", 5), ("O+", 6), ("A+", 4), ("B+", 4),
    ("AB+", 2), ("O-", 1), ("A-", 1), ("B-", 1), ("AB-", 0.5),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Holder:
    """Everything printed on one card, plus the NIK that encodes part of it."""

    nik: str
    name: str
    birth_place: str
    birth: dt.date
    female: bool
    blood: str
    address: str
    rt_rw: str
    place: places.Place
    religion: str
    marital: str
    job: str
    valid_until: dt.date | None
    issued: dt.date


def _weighted(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _name(rng: random.Random, female: bool) -> str:
    middle = _MIDDLE_FEMALE if female else _MIDDLE_MALE
    family = _FAMILY + (_FAMILY_FEMALE if female else _FAMILY_MALE)
    words = [rng.choice(_FEMALE if female else _MALE)]
    if rng.random() < 0.55:
        words.append(rng.choice(middle))
    if rng.random() < 0.7:
        words.append(rng.choice(family))
    if rng.random() < 0.15:  # long names that must wrap on the card
        words += [rng.choice(middle), rng.choice(family)]
    if len(words) == 1 and rng.random() < 0.5:
        words.append(rng.choice(middle))
    if words[0] in ("MUHAMMAD", "MOCHAMAD") and rng.random() < 0.3:
        words[0] = "M."
    return " ".join(dict.fromkeys(words))


def _address(rng: random.Random) -> str:
    kind = rng.random()
    number = rng.randint(1, 140)
    if kind < 0.35:
        street = rng.choice(_STREETS)
        extra = f" GG. {rng.choice(_HAMLETS)}" if rng.random() < 0.15 else ""
        return f"JL. {street}{extra} NO. {number}"
    if kind < 0.55:
        return f"DUSUN {rng.choice(_HAMLETS)}"
    if kind < 0.75:
        block = f"{rng.choice('ABCDEFGH')}{rng.randint(1, 12)}"
        return f"PERUM {rng.choice(_ESTATES)} BLOK {block} NO. {rng.randint(1, 40)}"
    if kind < 0.9:
        return f"KP. {rng.choice(_HAMLETS)}"
    return f"JL. RAYA {rng.choice(_HAMLETS)} KM. {rng.randint(1, 25)}"


def _marital(rng: random.Random, age: int) -> str:
    if age < 21:
        return "BELUM KAWIN" if rng.random() < 0.9 else "KAWIN"
    table = (("KAWIN", 60), ("BELUM KAWIN", 22 if age < 35 else 4), ("CERAI HIDUP", 5))
    table += (("CERAI MATI", 2 + age / 8), ("KAWIN TERCATAT", 2))
    return _weighted(rng, table)


def _job(rng: random.Random, age: int, female: bool) -> str:
    if age < 20:
        young = (("PELAJAR/MAHASISWA", 7), ("BELUM/TIDAK BEKERJA", 2), ("KARYAWAN SWASTA", 1))
        return _weighted(rng, young)
    if age < 24 and rng.random() < 0.5:
        return "PELAJAR/MAHASISWA"
    if age > 58 and rng.random() < 0.45:
        return "PENSIUNAN"
    if female and rng.random() < 0.3:
        return "MENGURUS RUMAH TANGGA"
    return rng.choice(_JOBS)


def _random_date(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _validity(rng: random.Random, birth: dt.date) -> tuple[dt.date, dt.date | None]:
    """Issue date, and an expiry for the older five-year cards (else lifelong)."""
    first_year = max(2012, birth.year + 17)
    if first_year <= 2015 and rng.random() < 0.18:
        issued = _random_date(rng, dt.date(first_year, 1, 2), dt.date(2015, 12, 28))
        day = 28 if (birth.month, birth.day) == (2, 29) else birth.day
        return issued, dt.date(issued.year + 5, birth.month, day)
    start = max(dt.date(first_year, 1, 2), birth.replace(year=birth.year + 17, day=1))
    last = max(dt.date(2025, 11, 30), start + dt.timedelta(days=60))
    return _random_date(rng, start, last), None


def _nik(rng: random.Random, district: str, birth: dt.date, female: bool) -> str:
    day = birth.day + (40 if female else 0)
    serial = rng.randint(1, 60) if rng.random() < 0.5 else rng.randint(1, 3500)
    return f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def random_holder(rng: random.Random) -> Holder:
    """A plausible person living at a real place, with a NIK consistent with their birth."""
    place = places.random_place(rng)
    female = rng.random() < 0.5
    birth = _random_date(rng, dt.date(1950, 1, 1), dt.date(2008, 12, 31))
    issued, valid_until = _validity(rng, birth)
    age = issued.year - birth.year
    return Holder(
        nik=_nik(rng, places.nik_district(rng, place), birth, female),
        name=_name(rng, female),
        birth_place=places.birth_place(rng, place),
        birth=birth,
        female=female,
        blood=_weighted(rng, _BLOOD),
        address=_address(rng),
        rt_rw=f"{rng.randint(1, 18):03d}/{rng.randint(1, 14):03d}",
        place=place,
        religion=_weighted(rng, _RELIGIONS),
        marital=_marital(rng, age),
        job=_job(rng, age, female),
        valid_until=valid_until,
        issued=issued,
    )


def dmy(day: dt.date) -> str:
    """The card's date form, ``12-05-1990``."""
    return day.strftime("%d-%m-%Y")


def label_fields(h: Holder) -> dict[str, str]:
    """The ground truth in the reader's canonical form."""
    return {
        "nik": h.nik,
        "nama": h.name,
        "tempat_lahir": h.birth_place,
        "tanggal_lahir": h.birth.isoformat(),
        "jenis_kelamin": "PEREMPUAN" if h.female else "LAKI-LAKI",
        "golongan_darah": h.blood,
        "alamat": h.address,
        "rt_rw": h.rt_rw,
        "kelurahan_desa": h.place.village,
        "kecamatan": h.place.district,
        "agama": h.religion,
        "status_perkawinan": h.marital,
        "pekerjaan": h.job,
        "kewarganegaraan": "WNI",
        "berlaku_hingga": h.valid_until.isoformat() if h.valid_until else "SEUMUR HIDUP",
        "provinsi": h.place.province,
        "kabupaten_kota": h.place.regency,
    }
