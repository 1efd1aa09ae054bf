"""A bare RegionRepository (get + children only) still matches cards and decodes NIKs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from ktp_ocr.errors import RegionStoreError
from ktp_ocr.nik_info import describe_nik
from ktp_ocr.regions import RegionCatalog, RegionRepository, match_card, memory_repository
from ktp_ocr.regions.catalog import RepositoryCatalog, as_catalog
from ktp_ocr.types import Region


class BareRepository:
    """Only the two-method Protocol, over a slice of the real data (Jawa Barat and Papua)."""

    def __init__(self, prefixes: tuple[str, ...] = ("32", "91", "95")) -> None:
        self._inner = memory_repository()
        self._prefixes = prefixes

    def get(self, code: str) -> Region | None:
        return self._inner.get(code) if code.startswith(self._prefixes) else None

    def children(self, code: str) -> Sequence[Region]:
        return [r for r in self._inner.children(code) if r.code.startswith(self._prefixes)]


def test_bare_repository_is_adapted() -> None:
    bare = BareRepository()
    assert isinstance(bare, RegionRepository) and not isinstance(bare, RegionCatalog)
    assert isinstance(as_catalog(bare), RepositoryCatalog)
    assert as_catalog(memory_repository()) is memory_repository()


def test_bare_repository_matches_a_card() -> None:
    result = match_card(
        BareRepository(),
        nik_district="327302",
        provinsi="JAWA BARAT",
        kabupaten_kota="KOTA BANDUNG",
        kecamatan="C0BLONG",
        kelurahan_desa="DAGO",
    )
    assert [m.region.code if m.region else None for m in result] == [
        "32",
        "3273",
        "327302",
        "3273021004",
    ]
    assert all(m.agrees_with_nik for m in result)


def test_bare_repository_has_no_history() -> None:
    catalog = RepositoryCatalog(BareRepository())
    assert catalog.resolve("950102") is not None
    assert catalog.resolve("910203") is None  # no history to follow
    info = describe_nik("9102035205900001", BareRepository(), today=date(2026, 1, 1))
    assert info.issues == ("nik_unknown_region",)
    assert describe_nik("3273021205900001", BareRepository(), today=date(2026, 1, 1)).valid


def test_walks_the_tree_for_scopes_and_names() -> None:
    catalog = RepositoryCatalog(BareRepository())
    assert len(catalog.regions_within("3273", "kecamatan")) == 30
    assert len(catalog.regions_within("32", "kecamatan")) == 627
    assert [r.code for r in catalog.find_by_name("KOTA BANDUNG", "kabupaten_kota")] == ["3273"]
    assert catalog.lookup_ids() == {} and catalog.aliases("32") == ()
    assert catalog.dataset_version().fingerprint == "unknown"
    catalog.ping()
    with pytest.raises(RegionStoreError):
        RepositoryCatalog(BareRepository(prefixes=("00",))).ping()
