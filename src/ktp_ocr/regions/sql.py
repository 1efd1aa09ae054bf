"""The SQL repository (SQLAlchemy Core) for SQLite and PostgreSQL, and ``open_repository``.

Lookups go to the database once and are then served from memory: regions by code, children
lists, name indexes per scope, the code history and the vocabularies are cached on the
repository, so matching a card costs no query after the first card from a region.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self, cast

from sqlalchemy import Engine, Row, and_, func, make_url, select
from sqlalchemy.exc import SQLAlchemyError

from ktp_ocr.errors import RegionStoreError
from ktp_ocr.regions import schema as t
from ktp_ocr.regions.base import (
    CODE_LENGTH,
    LEVEL_DEPTH,
    Alias,
    AliasSource,
    CodeChange,
    Confidence,
    DatasetVersion,
    DataSource,
    LookupValue,
    Vocabulary,
)
from ktp_ocr.regions.dataset import current_fingerprint, lookup_id_map
from ktp_ocr.regions.index import CachedCatalog
from ktp_ocr.regions.loader import (
    InitReport,
    init_db,
    is_sqlite_memory,
    load_into,
    make_engine,
    safe_url,
)
from ktp_ocr.regions.names import keep_kind, normalize_name
from ktp_ocr.types import Region, RegionKind, RegionLevel

__all__ = [
    "InitReport",
    "SqlRegionRepository",
    "init_db",
    "make_engine",
    "open_repository",
]

_PARENT_LENGTH: dict[RegionLevel, int] = {
    "provinsi": 0,
    "kabupaten_kota": 2,
    "kecamatan": 4,
    "kelurahan_desa": 6,
}
_COLUMNS = (t.regions.c.code, t.regions.c.name, t.regions.c.kind, t.regions.c.parent,
            t.regions.c.postal_code)  # fmt: skip


def _region(row: Row[Any]) -> Region:
    return Region(row.code, row.name, cast(RegionKind, row.kind), row.parent, row.postal_code)


def _in_scope(column: Any, scope: str) -> Any:
    """``column`` starts with ``scope``, as a range an index can use (":" sorts after "9")."""
    return and_(column >= scope, column < scope + ":")


class SqlRegionRepository(CachedCatalog):
    """:class:`~ktp_ocr.regions.base.RegionCatalog` over SQLite or PostgreSQL.

    Every database error is raised as :class:`~ktp_ocr.errors.RegionStoreError`.
    """

    def __init__(self, engine: Engine, *, owns_engine: bool = False) -> None:
        super().__init__()
        self._engine = engine
        self._owns_engine = owns_engine
        self._by_code: dict[str, Region] = {}
        self._children: dict[str, tuple[Region, ...]] = {}
        self._within: dict[tuple[str, RegionLevel], tuple[Region, ...]] = {}
        self._history: dict[str, tuple[CodeChange, ...]] | None = None
        self._lookups: tuple[LookupValue, ...] | None = None
        self._lookup_ids: Mapping[Vocabulary, Mapping[str, int]] | None = None

    @property
    def engine(self) -> Engine:
        """The engine queries run on."""
        return self._engine

    @contextmanager
    def _query(self) -> Iterator[Any]:
        try:
            with self._engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise RegionStoreError(
                f"region database at {safe_url(self._engine.url)} failed: {type(exc).__name__}; "
                "check the URL, that the server runs, and that `ktp-ocr db init` was run"
            ) from exc

    def _rows(self, *where: Any) -> tuple[Region, ...]:
        with self._query() as conn:
            rows = conn.execute(select(*_COLUMNS).where(*where).order_by(t.regions.c.code))
            regions = tuple(_region(r) for r in rows)
        for region in regions:
            self._by_code[region.code] = region
        return regions

    def get(self, code: str) -> Region | None:
        """The region with this current code, or None."""
        cached = self._by_code.get(code)
        if cached is not None:
            return cached
        found = self._rows(t.regions.c.code == code)
        return found[0] if found else None

    def children(self, code: str) -> Sequence[Region]:
        """Direct children of ``code`` sorted by code (``""`` lists the provinces)."""
        cached = self._children.get(code)
        if cached is None:
            parent = t.regions.c.parent.is_(None) if code == "" else t.regions.c.parent == code
            cached = self._children[code] = self._rows(parent)
        return cached

    def regions_within(self, scope: str, level: RegionLevel) -> Sequence[Region]:
        """Current regions at ``level`` whose code starts with ``scope``, by code."""
        if len(scope) >= CODE_LENGTH[level]:
            region = self.get(scope)
            return (region,) if region is not None and region.level == level else ()
        if len(scope) == _PARENT_LENGTH[level]:
            return self.children(scope)  # the common case, cached by warm()
        key = (scope, level)
        cached = self._within.get(key)
        if cached is None:
            where = [t.regions.c.level == LEVEL_DEPTH[level]]
            if scope:
                where.append(_in_scope(t.regions.c.code, scope))
            cached = self._within[key] = self._rows(*where)
        return cached

    def aliases_within(self, scope: str, level: RegionLevel) -> Sequence[Alias]:
        """Aliases of the regions at ``level`` inside ``scope``."""
        a = t.region_aliases
        query = select(a.c.code, a.c.name, a.c.source).where(a.c.level == LEVEL_DEPTH[level])
        if scope:
            query = query.where(_in_scope(a.c.code, scope))
        with self._query() as conn:
            rows = conn.execute(query.order_by(a.c.code, a.c.name))
            return [Alias(r.code, r.name, cast(AliasSource, r.source)) for r in rows]

    def warm(self) -> None:
        """Preload the upper levels, the history and the top name indexes.

        Provinces, regencies and districts (7,837 rows) come in one query; the name indexes of
        the provinces and of each province's regencies are built.
        """
        regions = self._rows(t.regions.c.level < LEVEL_DEPTH["kelurahan_desa"])
        grouped: dict[str, list[Region]] = {}
        for region in regions:
            grouped.setdefault(region.parent or "", []).append(region)
        for parent, kids in grouped.items():
            self._children[parent] = tuple(kids)
        self.all_history()
        self.name_index("", "provinsi")
        for province in self.children(""):
            self.name_index(province.code, "kabupaten_kota")

    def _history_map(self) -> dict[str, tuple[CodeChange, ...]]:
        if self._history is None:
            h = t.region_history
            with self._query() as conn:
                rows = conn.execute(select(h).order_by(h.c.old_code, h.c.old_name)).all()
            grouped: dict[str, list[CodeChange]] = {}
            for r in rows:
                grouped.setdefault(r.old_code, []).append(
                    CodeChange(
                        r.old_code, r.new_code, cast(RegionLevel, r.level), r.old_name,
                        r.new_name, r.change_year, r.basis, r.source,
                        cast(Confidence, r.confidence),
                    )
                )  # fmt: skip
            self._history = {k: tuple(v) for k, v in grouped.items()}
        return self._history

    def all_history(self) -> Sequence[CodeChange]:
        """Every code-history row."""
        return [c for changes in self._history_map().values() for c in changes]

    def history(self, old_code: str) -> Sequence[CodeChange]:
        """History rows whose old code is ``old_code`` (moves and renames)."""
        return self._history_map().get(old_code, ())

    def resolve(self, code: str) -> tuple[Region, bool] | None:
        """Today's region for a current or historic code, and whether the code was historic."""
        region = self.get(code)
        if region is not None:
            return region, False
        for change in self.history(code):
            target = self.get(change.new_code)
            if target is not None:
                return target, True
        return None

    def aliases(self, code: str) -> Sequence[Alias]:
        """Other names of the region ``code``."""
        a = t.region_aliases
        with self._query() as conn:
            rows = conn.execute(
                select(a.c.code, a.c.name, a.c.source).where(a.c.code == code).order_by(a.c.name)
            )
            return tuple(Alias(r.code, r.name, cast(AliasSource, r.source)) for r in rows)

    def find_by_name(self, name: str, level: RegionLevel) -> Sequence[Region]:
        """Regions at ``level`` whose official name or an alias normalizes like ``name``."""
        normalized, depth, a = normalize_name(name, level), LEVEL_DEPTH[level], t.region_aliases
        by_alias = select(a.c.code).where(a.c.level == depth, a.c.name_normalized == normalized)
        found = self._rows(
            t.regions.c.level == depth,
            (t.regions.c.name_normalized == normalized) | t.regions.c.code.in_(by_alias),
        )
        return keep_kind(found, name, level)

    def _lookup_values(self) -> tuple[LookupValue, ...]:
        if self._lookups is None:
            v, s = t.lookup_values, t.lookup_spellings
            with self._query() as conn:
                values = conn.execute(select(v).order_by(v.c.vocabulary, v.c.id)).all()
                spellings = conn.execute(select(s).order_by(s.c.spelling)).all()
            extra: dict[tuple[str, int], list[str]] = {}
            for row in spellings:
                extra.setdefault((row.vocabulary, row.value_id), []).append(row.spelling)
            self._lookups = tuple(
                LookupValue(
                    cast(Vocabulary, row.vocabulary), row.id, row.value,
                    tuple(x for x in extra.get((row.vocabulary, row.id), ()) if x != row.value),
                )
                for row in values
            )  # fmt: skip
        return self._lookups

    def lookup_ids(self) -> Mapping[Vocabulary, Mapping[str, int]]:
        """Stable ids by vocabulary and spelling."""
        if self._lookup_ids is None:
            self._lookup_ids = lookup_id_map(self._lookup_values())
        return self._lookup_ids

    def lookup_values(self, vocabulary: Vocabulary) -> Sequence[LookupValue]:
        """The values of one vocabulary, by id."""
        return tuple(v for v in self._lookup_values() if v.vocabulary == vocabulary)

    def dataset_version(self) -> DatasetVersion:
        """Which data the repository holds."""
        with self._query() as conn:
            row = conn.execute(select(t.dataset_version)).first()
            sources = conn.execute(select(t.dataset_sources).order_by(t.dataset_sources.c.name))
            found = tuple(
                DataSource(s.name, s.version, s.licence, s.attribution, s.sha256) for s in sources
            )
        if row is None:
            raise RegionStoreError("the region database is empty; run `ktp-ocr db init`")
        return DatasetVersion(row.fingerprint, row.schema_version, found, row.loaded_at)

    def ping(self) -> None:
        """Raise :class:`RegionStoreError` when the database is unreachable or empty."""
        with self._query() as conn:
            count = conn.execute(
                select(func.count()).select_from(t.regions).where(t.regions.c.level == 1)
            ).scalar_one()
        if not count:
            raise RegionStoreError(
                f"the region database at {safe_url(self._engine.url)} is empty; "
                "run `ktp-ocr db init`"
            )

    def close(self) -> None:
        """Release the connection pool (only when this repository created the engine)."""
        if self._owns_engine:
            self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _stored_fingerprint(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(t.dataset_version.c.fingerprint)).scalar_one_or_none()
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def _ensure_sqlite_file(url: str) -> None:
    """Build the SQLite file on first use (atomically), or upgrade it when the data changed."""
    path = Path(str(make_url(url).database))
    if path.exists():
        if _stored_fingerprint(url) != current_fingerprint():
            init_db(url)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        init_db(make_url(url).set(database=str(tmp)).render_as_string(hide_password=False))
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def open_repository(
    url: str, *, schema: str | None = None, preload: bool = False
) -> SqlRegionRepository:
    """A ready repository for ``url``; raises :class:`RegionStoreError` if unusable.

    SQLite files are built on first use (parent folders created) and rebuilt in place when the
    installed data is newer; ``sqlite://`` builds an in-memory copy. Other databases must have
    been loaded with :func:`~ktp_ocr.regions.loader.init_db` (``ktp-ocr db init``).
    ``preload`` fills the caches up front (:meth:`SqlRegionRepository.warm`; for services).
    """
    sa_url = make_url(url)
    sqlite = sa_url.get_backend_name() == "sqlite"
    if sqlite and not is_sqlite_memory(sa_url):
        _ensure_sqlite_file(url)
    engine = make_engine(url, schema=schema)
    repo = SqlRegionRepository(engine, owns_engine=True)
    try:
        if sqlite and is_sqlite_memory(sa_url):
            load_into(engine)
        repo.ping()
        if preload:
            repo.warm()
    except (RegionStoreError, SQLAlchemyError) as exc:
        repo.close()
        if isinstance(exc, RegionStoreError):
            raise
        raise RegionStoreError(f"cannot open the region database at {safe_url(url)}") from exc
    return repo
