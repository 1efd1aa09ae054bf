"""A labelled card's canonical values, shared by the benchmark's unit tests."""

from __future__ import annotations

TRUTH: dict[str, str | None] = {
    "nik": "3273011205900001",
    "nama": "BUDI SANTOSO",
    "tempat_lahir": "BANDUNG",
    "tanggal_lahir": "1990-05-12",
    "jenis_kelamin": "LAKI-LAKI",
    "golongan_darah": "O",
    "alamat": "JL. MERDEKA NO. 10",
    "rt_rw": "003/005",
    "kelurahan_desa": "BABAKAN",
    "kecamatan": "COBLONG",
    "agama": "ISLAM",
    "status_perkawinan": "KAWIN",
    "pekerjaan": "KARYAWAN SWASTA",
    "kewarganegaraan": "WNI",
    "berlaku_hingga": "SEUMUR HIDUP",
    "provinsi": "JAWA BARAT",
    "kabupaten_kota": "KOTA BANDUNG",
}
