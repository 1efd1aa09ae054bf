"""An in-memory repository over the loaded dataset: fast, no database (synth, tests)."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Mapping, Sequence

from ktp_ocr.errors import RegionStoreError
from ktp_ocr.regions.base import (
    CODE_LENGTH,
    SCHEMA_VERSION,
    Alias,
    CodeChange,
    DatasetVersion,
    LookupValue,
    Vocabulary,
)
from ktp_ocr.regions.dataset import Dataset, load_dataset, lookup_id_map
from ktp_ocr.regions.index import CachedCatalog
from ktp_ocr.regions.names import keep_kind, normalize_name
from ktp_ocr.types import Region, RegionLevel


class MemoryRegionRepository(CachedCatalog):
    """:class:`~ktp_ocr.regions.base.RegionCatalog` over a :class:`Dataset` held in memory."""

    def __init__(self, dataset: Dataset) -> None:
        super().__init__()
        self._dataset = dataset
        self._by_code = {r.code: r for r in dataset.regions}
        self._children: dict[str, list[Region]] = {}
        for region in dataset.regions:  # sorted by code
            self._children.setdefault(region.parent or "", []).append(region)
        self._by_level: dict[RegionLevel, list[Region]] = {}
        for region in dataset.regions:
            self._by_level.setdefault(region.level, []).append(region)
        self._level_codes = {lvl: [r.code for r in rs] for lvl, rs in self._by_level.items()}
        self._aliases: dict[str, list[Alias]] = {}
        for alias in dataset.aliases:
            self._aliases.setdefault(alias.code, []).append(alias)
        self._history: dict[str, list[CodeChange]] = {}
        for change in dataset.history:
            self._history.setdefault(change.old_code, []).append(change)
        self._lookup_ids = lookup_id_map(dataset.lookups)
        self._names: dict[tuple[RegionLevel, str], list[Region]] = {}
        for region in dataset.regions:
            self._add_name(region.level, region.name, region)
        for alias in dataset.aliases:
            owner = self._by_code[alias.code]
            self._add_name(owner.level, alias.name, owner)

    def _add_name(self, level: RegionLevel, name: str, region: Region) -> None:
        found = self._names.setdefault((level, normalize_name(name, level)), [])
        if region not in found:
            found.append(region)

    @property
    def dataset(self) -> Dataset:
        """The dataset this repository serves."""
        return self._dataset

    def get(self, code: str) -> Region | None:
        """The region with this current code, or None."""
        return self._by_code.get(code)

    def children(self, code: str) -> Sequence[Region]:
        """Direct children of ``code`` sorted by code (``""`` lists the provinces)."""
        return tuple(self._children.get(code, ()))

    def regions_within(self, scope: str, level: RegionLevel) -> Sequence[Region]:
        """Current regions at ``level`` whose code starts with ``scope``, by code."""
        if len(scope) >= CODE_LENGTH[level]:
            region = self._by_code.get(scope)
            return (region,) if region is not None and region.level == level else ()
        codes = self._level_codes.get(level, [])
        start = bisect.bisect_left(codes, scope)
        end = bisect.bisect_left(codes, scope + ":")  # ":" sorts after "9"
        return tuple(self._by_level[level][start:end])

    def aliases_within(self, scope: str, level: RegionLevel) -> Sequence[Alias]:
        """Aliases of the regions at ``level`` inside ``scope``."""
        return [a for r in self.regions_within(scope, level) for a in self._aliases.get(r.code, ())]

    def all_history(self) -> Sequence[CodeChange]:
        """Every code-history row."""
        return self._dataset.history

    def resolve(self, code: str) -> tuple[Region, bool] | None:
        """Today's region for a current or historic code, and whether the code was historic."""
        region = self._by_code.get(code)
        if region is not None:
            return region, False
        for change in self._history.get(code, ()):
            target = self._by_code.get(change.new_code)
            if target is not None:
                return target, True
        return None

    def history(self, old_code: str) -> Sequence[CodeChange]:
        """History rows whose old code is ``old_code`` (moves and renames)."""
        return tuple(self._history.get(old_code, ()))

    def aliases(self, code: str) -> Sequence[Alias]:
        """Other names of the region ``code``."""
        return tuple(self._aliases.get(code, ()))

    def find_by_name(self, name: str, level: RegionLevel) -> Sequence[Region]:
        """Regions at ``level`` whose official name or an alias normalizes like ``name``."""
        found = self._names.get((level, normalize_name(name, level)), ())
        return keep_kind(found, name, level)

    def lookup_ids(self) -> Mapping[Vocabulary, Mapping[str, int]]:
        """Stable ids by vocabulary and spelling."""
        return self._lookup_ids

    def lookup_values(self, vocabulary: Vocabulary) -> Sequence[LookupValue]:
        """The values of one vocabulary, by id."""
        return tuple(v for v in self._dataset.lookups if v.vocabulary == vocabulary)

    def dataset_version(self) -> DatasetVersion:
        """Which data the repository holds."""
        return DatasetVersion(self._dataset.fingerprint, SCHEMA_VERSION, self._dataset.sources)

    def ping(self) -> None:
        """Raise :class:`RegionStoreError` when the dataset is empty."""
        if not self._by_code:
            raise RegionStoreError("the in-memory region dataset is empty")


@functools.cache
def memory_repository() -> MemoryRegionRepository:
    """The shared in-memory repository over :func:`load_dataset` (built once per process)."""
    return MemoryRegionRepository(load_dataset())
