"""Building and upgrading the region database: ``init_db`` and the engine factory.

``init_db(url)`` creates the tables and loads the dataset in one transaction. It is idempotent:
when the stored fingerprint equals the data this installation would load, it does nothing.
When the data changed it replaces the rows in place (one transaction, so readers see the old
or the new data, never a mix); when the table layout changed it rebuilds the tables.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    create_engine,
    delete,
    inspect,
    make_url,
    select,
    text,
)
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from ktp_ocr.errors import RegionStoreError
from ktp_ocr.regions import schema as t
from ktp_ocr.regions.base import LEVEL_DEPTH, SCHEMA_VERSION
from ktp_ocr.regions.dataset import Dataset, current_fingerprint, load_dataset
from ktp_ocr.regions.names import normalize_name
from ktp_ocr.types import RegionLevel

InitAction = Literal["created", "upgraded", "rebuilt", "unchanged"]
#: Key of the PostgreSQL advisory lock that serializes concurrent loaders.
_PG_LOCK_KEY = 0x4B5450  # "KTP"


@dataclass(frozen=True, slots=True)
class InitReport:
    """What ``init_db`` did."""

    url: str
    action: InitAction
    fingerprint: str
    previous_fingerprint: str | None
    counts: Mapping[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "url": self.url,
            "action": self.action,
            "fingerprint": self.fingerprint,
            "previous_fingerprint": self.previous_fingerprint,
            "counts": dict(self.counts),
            "seconds": round(self.seconds, 3),
        }

    def __str__(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.counts.items())
        detail = f" ({counts})" if counts else ""
        took = f"{self.seconds:.1f} s"
        return f"{self.url}: {self.action}, dataset {self.fingerprint}{detail} in {took}"


def safe_url(url: str | URL) -> str:
    """The URL with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def is_sqlite_memory(url: URL) -> bool:
    """True for ``sqlite://`` and ``sqlite:///:memory:``."""
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def make_engine(url: str, *, schema: str | None = None) -> Engine:
    """An engine for ``url``; with ``schema``, every table lives in that PostgreSQL schema."""
    sa_url = make_url(url)
    if is_sqlite_memory(sa_url):
        engine = create_engine(
            sa_url, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    else:
        engine = create_engine(sa_url, pool_pre_ping=sa_url.get_backend_name() != "sqlite")
    if schema is not None:
        if sa_url.get_backend_name() == "sqlite":
            engine.dispose()
            raise ValueError("a schema is only supported on PostgreSQL")
        return engine.execution_options(schema_translate_map={None: schema})
    return engine


def _schema_of(conn: Connection) -> str | None:
    translate = conn.get_execution_options().get("schema_translate_map") or {}
    schema: str | None = translate.get(None)
    return schema


def _stored_state(conn: Connection) -> tuple[str, int] | None:
    """(fingerprint, schema version) of the loaded data, or None when there is none."""
    if not inspect(conn).has_table(t.dataset_version.name, schema=_schema_of(conn)):
        return None
    row = conn.execute(
        select(t.dataset_version.c.fingerprint, t.dataset_version.c.schema_version)
    ).first()
    return (row.fingerprint, row.schema_version) if row is not None else None


def _region_rows(dataset: Dataset) -> Iterator[dict[str, Any]]:
    for r in dataset.regions:
        yield {
            "code": r.code,
            "parent": r.parent,
            "level": LEVEL_DEPTH[r.level],
            "kind": r.kind,
            "name": r.name,
            "name_normalized": normalize_name(r.name, r.level),
            "postal_code": r.postal_code,
        }


def _alias_rows(dataset: Dataset) -> Iterator[dict[str, Any]]:
    levels: dict[str, RegionLevel] = {r.code: r.level for r in dataset.regions}
    for a in dataset.aliases:
        level = levels[a.code]
        yield {
            "code": a.code,
            "name": a.name,
            "name_normalized": normalize_name(a.name, level),
            "level": LEVEL_DEPTH[level],
            "source": a.source,
        }


def _check_lookup_ids(conn: Connection, dataset: Dataset) -> None:
    """Ids are promised to clients: an upgrade may add values, never renumber them."""
    new = {(v.vocabulary, v.id): v.value for v in dataset.lookups}
    for row in conn.execute(select(t.lookup_values)):
        value = new.get((row.vocabulary, row.id))
        if value is not None and value != row.value:
            raise RegionStoreError(
                f"lookup id {row.id} of {row.vocabulary} would change from {row.value!r} to "
                f"{value!r}; ids are stable: add new values at the end of the list",
                code="lookup_ids_changed",
            )


def _insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany (bulk) insert; nothing to do for no rows."""
    if rows:
        conn.execute(table.insert(), rows)


def _insert(conn: Connection, dataset: Dataset) -> dict[str, int]:
    _insert_rows(conn, t.regions, list(_region_rows(dataset)))
    _insert_rows(conn, t.region_aliases, list(_alias_rows(dataset)))
    _insert_rows(
        conn,
        t.region_history,
        [
            {
                "old_code": c.old_code, "old_name": c.old_name, "new_code": c.new_code,
                "level": c.level, "new_name": c.new_name, "change_year": c.change_year,
                "basis": c.basis, "source": c.source, "confidence": c.confidence,
            }
            for c in dataset.history
        ],
    )  # fmt: skip
    _insert_rows(
        conn,
        t.lookup_values,
        [{"vocabulary": v.vocabulary, "id": v.id, "value": v.value} for v in dataset.lookups],
    )
    _insert_rows(
        conn,
        t.lookup_spellings,
        [
            {"vocabulary": v.vocabulary, "spelling": s, "value_id": v.id}
            for v in dataset.lookups
            for s in dict.fromkeys((v.value, *v.spellings))
        ],
    )
    _insert_rows(
        conn,
        t.dataset_sources,
        [
            {"name": s.name, "version": s.version, "licence": s.licence,
             "attribution": s.attribution, "sha256": s.sha256}
            for s in dataset.sources
        ],
    )  # fmt: skip
    conn.execute(
        t.dataset_version.insert(),
        {
            "id": 1,
            "fingerprint": dataset.fingerprint,
            "schema_version": SCHEMA_VERSION,
            "loaded_at": datetime.now(UTC),
        },
    )
    counts: dict[str, int] = {level: dataset.count(level) for level in LEVEL_DEPTH}
    counts.update(aliases=len(dataset.aliases), history=len(dataset.history))
    counts["lookups"] = len(dataset.lookups)
    return counts


def _prepare(conn: Connection) -> None:
    """Serialize loaders on PostgreSQL and create the target schema if needed."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    schema = _schema_of(conn)
    if schema is not None:
        quoted = conn.dialect.identifier_preparer.quote_identifier(schema)
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {quoted}"))


def load_into(engine: Engine, dataset: Dataset | None = None) -> InitReport:
    """Create the tables and load ``dataset`` (default: the installed data) unless current."""
    start = time.perf_counter()
    url = safe_url(engine.url)
    with engine.begin() as conn:
        _prepare(conn)
        state = _stored_state(conn)
        target = dataset.fingerprint if dataset is not None else current_fingerprint()
        if state == (target, SCHEMA_VERSION):
            return InitReport(url, "unchanged", target, target)
        data = dataset if dataset is not None else load_dataset()
        action: InitAction = "created"
        if state is not None and state[1] != SCHEMA_VERSION:
            t.metadata.drop_all(conn)
            action = "rebuilt"
        t.metadata.create_all(conn)
        if action == "created" and state is not None:
            _check_lookup_ids(conn, data)
            for table in t.DATA_TABLES:
                conn.execute(delete(table))
            action = "upgraded"
        counts = _insert(conn, data)
    previous = state[0] if state is not None else None
    return InitReport(url, action, data.fingerprint, previous, counts, time.perf_counter() - start)


def init_db(url: str, *, schema: str | None = None, dataset: Dataset | None = None) -> InitReport:
    """Build the region database at ``url`` (idempotent; upgrades in place when data changed).

    ``sqlite:///path/regions.db`` (parent folders are created) or
    ``postgresql+psycopg://user@host/db``; ``schema`` puts the tables in a PostgreSQL schema.
    Raises :class:`~ktp_ocr.errors.RegionStoreError` when the database cannot be reached.
    """
    sa_url = make_url(url)
    if sa_url.get_backend_name() == "sqlite" and not is_sqlite_memory(sa_url):
        Path(str(sa_url.database)).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url, schema=schema)
    try:
        return load_into(engine, dataset)
    except SQLAlchemyError as exc:
        raise RegionStoreError(
            f"cannot build the region database at {safe_url(url)}: {type(exc).__name__}"
        ) from exc
    finally:
        engine.dispose()
