"""Region repositories for the contract suite: memory, SQLite (tmp file) and PostgreSQL.

Each backend is loaded once per session. PostgreSQL tables go to a schema of their own that is
dropped at the end, so parallel runs and other suites never see them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from ktp_ocr.regions import MemoryRegionRepository, memory_repository
from ktp_ocr.regions.loader import init_db
from ktp_ocr.regions.sql import SqlRegionRepository, open_repository

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_DSN = "postgresql://postgres@127.0.0.1:5432/test"


def drop_schema(name: str) -> None:
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture(scope="session")
def regions_pg_schemas() -> Iterator[list[str]]:
    """Names of throwaway PostgreSQL schemas, all dropped at the end of the session."""
    created: list[str] = []
    yield created
    for name in created:
        drop_schema(name)


def new_pg_schema(created: list[str]) -> str:
    name = f"ktp_test_{uuid.uuid4().hex[:10]}"
    created.append(name)
    return name


@pytest.fixture(scope="session")
def regions_memory() -> MemoryRegionRepository:
    return memory_repository()


@pytest.fixture(scope="session")
def regions_sqlite_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Nested and missing: open_repository must create the folders and build the file itself.
    return tmp_path_factory.mktemp("regions") / "cache" / "ktp-ocr" / "regions.db"


@pytest.fixture(scope="session")
def regions_sqlite(regions_sqlite_path: Path) -> Iterator[SqlRegionRepository]:
    regions_repo = open_repository(f"sqlite:///{regions_sqlite_path}", preload=True)
    yield regions_repo
    regions_repo.close()


@pytest.fixture(scope="session")
def regions_pg_schema(regions_pg_schemas: list[str]) -> str:
    schema = new_pg_schema(regions_pg_schemas)
    init_db(PG_URL, schema=schema)
    return schema


@pytest.fixture(scope="session")
def regions_postgres(regions_pg_schema: str) -> Iterator[SqlRegionRepository]:
    regions_repo = open_repository(PG_URL, schema=regions_pg_schema)
    yield regions_repo
    regions_repo.close()


BACKENDS = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
SQL_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session", params=BACKENDS)
def regions_repo(request: pytest.FixtureRequest) -> object:
    """Each repository in turn (memory, SQLite, PostgreSQL), same data."""
    return request.getfixturevalue(f"regions_{request.param}")


@pytest.fixture(params=SQL_BACKENDS)
def regions_sql_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, str, str | None]:
    """(name, URL, schema) of an empty database for tests that build their own data."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("own") / "regions.db"
        return "sqlite", f"sqlite:///{path}", None
    created: list[str] = request.getfixturevalue("regions_pg_schemas")
    return "postgres", PG_URL, new_pg_schema(created)
