"""Any :class:`RegionRepository` (``get`` + ``children``) seen as a :class:`RegionCatalog`.

Matching and NIK decoding need more than the two-method Protocol. The shipped repositories
provide it all; a bare repository (a test double, a third-party store) gets this adapter: no
code history, no aliases, no vocabularies, names found by walking ``children``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ktp_ocr.errors import RegionStoreError
from ktp_ocr.regions.base import (
    CODE_LENGTH,
    LEVEL_DEPTH,
    SCHEMA_VERSION,
    Alias,
    CodeChange,
    DatasetVersion,
    LookupValue,
    RegionCatalog,
    RegionRepository,
    Vocabulary,
)
from ktp_ocr.regions.index import CachedCatalog
from ktp_ocr.regions.names import keep_kind, normalize_name
from ktp_ocr.types import Region, RegionLevel

_PREFIX_LENGTHS = (6, 4, 2, 0)


class RepositoryCatalog(CachedCatalog):
    """:class:`RegionCatalog` over a bare :class:`RegionRepository`."""

    def __init__(self, repo: RegionRepository) -> None:
        super().__init__()
        self._repo = repo

    def get(self, code: str) -> Region | None:
        """The region with this current code, or None."""
        return self._repo.get(code)

    def children(self, code: str) -> Sequence[Region]:
        """Direct children of ``code`` sorted by code."""
        return self._repo.children(code)

    def regions_within(self, scope: str, level: RegionLevel) -> Sequence[Region]:
        """Regions at ``level`` inside ``scope``, found by walking down from the scope."""
        if len(scope) >= CODE_LENGTH[level]:
            region = self.get(scope)
            return (region,) if region is not None and region.level == level else ()
        start = next(n for n in _PREFIX_LENGTHS if n <= len(scope))
        layer: list[Region] = list(self.children(scope[:start]))
        while layer and LEVEL_DEPTH[layer[0].level] < LEVEL_DEPTH[level]:
            layer = [c for r in layer if r.code.startswith(scope[: len(r.code)])
                     for c in self.children(r.code)]  # fmt: skip
        return tuple(r for r in layer if r.code.startswith(scope) and r.level == level)

    def aliases_within(self, scope: str, level: RegionLevel) -> Sequence[Alias]:
        """None: a bare repository has no aliases."""
        return ()

    def all_history(self) -> Sequence[CodeChange]:
        """None: a bare repository has no code history."""
        return ()

    def resolve(self, code: str) -> tuple[Region, bool] | None:
        """The current region for ``code`` (never historic here)."""
        region = self.get(code)
        return (region, False) if region is not None else None

    def history(self, old_code: str) -> Sequence[CodeChange]:
        """None: a bare repository has no code history."""
        return ()

    def aliases(self, code: str) -> Sequence[Alias]:
        """None: a bare repository has no aliases."""
        return ()

    def find_by_name(self, name: str, level: RegionLevel) -> Sequence[Region]:
        """Regions at ``level`` whose official name normalizes like ``name``."""
        wanted = normalize_name(name, level)
        found = [
            r for r in self.regions_within("", level) if normalize_name(r.name, level) == wanted
        ]
        return keep_kind(found, name, level)

    def lookup_ids(self) -> Mapping[Vocabulary, Mapping[str, int]]:
        """None: a bare repository has no vocabularies."""
        return {}

    def lookup_values(self, vocabulary: Vocabulary) -> Sequence[LookupValue]:
        """None: a bare repository has no vocabularies."""
        return ()

    def dataset_version(self) -> DatasetVersion:
        """Unknown: a bare repository does not say."""
        return DatasetVersion("unknown", SCHEMA_VERSION, ())

    def ping(self) -> None:
        """Raise :class:`RegionStoreError` when the repository has no province."""
        if not self.children(""):
            raise RegionStoreError("the region repository is empty")


def as_catalog(repo: RegionRepository) -> RegionCatalog:
    """``repo`` itself when it is a full catalog, else a :class:`RepositoryCatalog` over it."""
    return repo if isinstance(repo, RegionCatalog) else RepositoryCatalog(repo)
