"""Name indexes: the matching keys of the regions in one scope, built once and cached.

Both repositories build their indexes here, from the regions at a level inside a code prefix
("scope"), their aliases, and the regions that history says used to sit inside the scope (so
an old card's ``PROVINSI PAPUA`` still leads to ``KABUPATEN JAYAWIJAYA``, now in 95).
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ktp_ocr.regions.base import Alias, CodeChange
from ktp_ocr.regions.names import LABELLED_LEVELS, fold, name_key
from ktp_ocr.types import Region, RegionLevel

#: Priority of a key's origin when two regions score the same (lower wins).
PRIORITY_OFFICIAL = 0
PRIORITY_ALIAS = 1
PRIORITY_HISTORY = 2
_LABEL_PREFIX = {"provinsi": "PROVINSI", "kota": "KOTA", "kabupaten": "KABUPATEN"}


@dataclass(frozen=True, slots=True)
class NameEntry:
    """What one key stands for."""

    region: Region
    priority: int
    historic: bool


@dataclass(frozen=True, slots=True)
class NameIndex:
    """Keys of the regions at ``level`` inside ``scope``, ready for the scorer.

    ``body`` keys have the label dropped (``BANDUNG``); ``full`` keys keep it glued
    (``KOTABANDUNG``) for levels whose names carry one, else they are the body keys.
    """

    scope: str
    level: RegionLevel
    body_keys: tuple[str, ...]
    body_entries: tuple[NameEntry, ...]
    full_keys: tuple[str, ...]
    full_entries: tuple[NameEntry, ...]
    body_exact: Mapping[str, tuple[int, ...]]
    full_exact: Mapping[str, tuple[int, ...]]

    def __len__(self) -> int:
        return len(self.body_keys)


def _exact(keys: Sequence[str]) -> dict[str, tuple[int, ...]]:
    out: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        out.setdefault(key, []).append(i)
    return {k: tuple(v) for k, v in out.items()}


def build_name_index(
    scope: str,
    level: RegionLevel,
    regions: Iterable[Region],
    aliases: Iterable[Alias],
    moved_in: Iterable[Region] = (),
) -> NameIndex:
    """Index ``regions`` (+ their ``aliases``) and ``moved_in`` (members through history)."""
    names: list[tuple[str, NameEntry]] = []
    by_code: dict[str, Region] = {}
    for region in regions:
        by_code[region.code] = region
        names.append((region.name, NameEntry(region, PRIORITY_OFFICIAL, historic=False)))
    for region in moved_in:
        if region.code not in by_code:
            by_code[region.code] = region
            names.append((region.name, NameEntry(region, PRIORITY_OFFICIAL, historic=True)))
    for alias in aliases:
        owner = by_code.get(alias.code)
        if owner is not None:
            historic = alias.source == "history"
            priority = PRIORITY_HISTORY if historic else PRIORITY_ALIAS
            names.append((alias.name, NameEntry(owner, priority, historic)))
    body_keys = tuple(name_key(name, level) for name, _ in names)
    entries = tuple(entry for _, entry in names)
    if level in LABELLED_LEVELS:
        full_keys = tuple(
            fold(_LABEL_PREFIX[e.region.kind]) + key
            for key, e in zip(body_keys, entries, strict=True)
        )
    else:
        full_keys = body_keys
    return NameIndex(
        scope, level, body_keys, entries, full_keys, entries, _exact(body_keys), _exact(full_keys)
    )


def within(code: str, scope: str) -> bool:
    """True when ``code`` lies inside the code prefix ``scope`` (``""`` is everything)."""
    return code.startswith(scope)


class CachedCatalog(ABC):
    """Shared part of the repositories: name indexes per (scope, level), built once."""

    def __init__(self) -> None:
        self._indexes: dict[tuple[str, RegionLevel], NameIndex] = {}
        self._index_lock = threading.Lock()

    @abstractmethod
    def get(self, code: str) -> Region | None:
        """The region with this current code, or None."""

    @abstractmethod
    def regions_within(self, scope: str, level: RegionLevel) -> Sequence[Region]:
        """Current regions at ``level`` whose code starts with ``scope``, by code."""

    @abstractmethod
    def aliases_within(self, scope: str, level: RegionLevel) -> Sequence[Alias]:
        """Aliases of the regions at ``level`` inside ``scope``."""

    @abstractmethod
    def all_history(self) -> Sequence[CodeChange]:
        """Every code-history row."""

    def _moved_in(self, scope: str, level: RegionLevel) -> list[Region]:
        """Regions at ``level`` whose old code lay inside ``scope`` (Papua's 91 -> 95)."""
        if not scope:
            return []
        out: list[Region] = []
        for change in self.all_history():
            if change.level == level and change.moved and within(change.old_code, scope):
                region = self.get(change.new_code)
                if region is not None and not within(region.code, scope):
                    out.append(region)
        return out

    def name_index(self, scope: str, level: RegionLevel) -> NameIndex:
        """Matching keys of all regions at ``level`` inside ``scope`` (cached)."""
        cached = self._indexes.get((scope, level))
        if cached is not None:
            return cached
        moved = self._moved_in(scope, level)
        aliases = list(self.aliases_within(scope, level))
        for region in moved:
            aliases.extend(self.aliases_within(region.code, level))
        index = build_name_index(scope, level, self.regions_within(scope, level), aliases, moved)
        with self._index_lock:
            self._indexes[(scope, level)] = index
        return index
