"""The region database's tables (SQLAlchemy Core). Codes are stored without dots.

Tables: ``regions`` (four levels), ``region_aliases``, ``region_history``, ``lookup_values``
and ``lookup_spellings`` (card vocabularies with stable ids), ``dataset_version`` (one row:
fingerprint, schema version ``base.SCHEMA_VERSION``, load time) and ``dataset_sources``
(version, licence, hash of each source). A dedicated PostgreSQL schema can be chosen at run
time with ``schema_translate_map`` (see :func:`ktp_ocr.regions.loader.make_engine`).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

regions = Table(
    "regions",
    metadata,
    Column("code", String(10), primary_key=True),
    Column("parent", String(10), nullable=True),
    Column("level", SmallInteger, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("name", String(100), nullable=False),
    Column("name_normalized", String(100), nullable=False),
    Column("postal_code", String(5), nullable=True),
    Index("ix_regions_parent_code", "parent", "code"),
    Index("ix_regions_level_name", "level", "name_normalized"),
    Index("ix_regions_level_code", "level", "code"),
    Index("ix_regions_postal_code", "postal_code"),
)

region_aliases = Table(
    "region_aliases",
    metadata,
    Column("code", String(10), nullable=False),
    Column("name", String(120), nullable=False),
    Column("name_normalized", String(120), nullable=False),
    Column("level", SmallInteger, nullable=False),
    Column("source", String(16), nullable=False),
    PrimaryKeyConstraint("code", "name"),
    Index("ix_region_aliases_level_name", "level", "name_normalized"),
)

region_history = Table(
    "region_history",
    metadata,
    Column("old_code", String(10), nullable=False),
    Column("old_name", String(120), nullable=False),
    Column("new_code", String(10), nullable=False),
    Column("level", String(16), nullable=False),
    Column("new_name", String(120), nullable=False),
    Column("change_year", SmallInteger, nullable=False),
    Column("basis", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("confidence", String(8), nullable=False),
    PrimaryKeyConstraint("old_code", "old_name"),
    Index("ix_region_history_new_code", "new_code"),
)

lookup_values = Table(
    "lookup_values",
    metadata,
    Column("vocabulary", String(20), nullable=False),
    Column("id", Integer, nullable=False, autoincrement=False),
    Column("value", String(100), nullable=False),
    PrimaryKeyConstraint("vocabulary", "id"),
    UniqueConstraint("vocabulary", "value", name="uq_lookup_values_value"),
)

lookup_spellings = Table(
    "lookup_spellings",
    metadata,
    Column("vocabulary", String(20), nullable=False),
    Column("spelling", String(100), nullable=False),
    Column("value_id", Integer, nullable=False),
    PrimaryKeyConstraint("vocabulary", "spelling"),
)

dataset_version = Table(
    "dataset_version",
    metadata,
    Column("id", SmallInteger, primary_key=True, autoincrement=False),
    Column("fingerprint", String(64), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

dataset_sources = Table(
    "dataset_sources",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("version", String(64), nullable=False),
    Column("licence", String(32), nullable=False),
    Column("attribution", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
)

#: Tables emptied and refilled on a dataset upgrade (children first).
DATA_TABLES = (
    dataset_sources,
    dataset_version,
    lookup_spellings,
    lookup_values,
    region_history,
    region_aliases,
    regions,
)
