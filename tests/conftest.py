"""Shared fixtures: a clean environment, one engine and one region database per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Deterministic by construction: the same examples on every run and every machine (a failure
# found while exploring is turned into an explicit example or a fix, not left to chance).
settings.register_profile("deterministic", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("deterministic")

_ENV_PREFIXES = ("KTP_",)
_ENV_NAMES = ("DATABASE_URL", "REDIS_URL", "API_KEYS")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see no KTP_* (or DATABASE_URL, REDIS_URL, API_KEYS) from the calling shell."""
    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES) or name in _ENV_NAMES:
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def region_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A built-in style SQLite region database, built once for the session."""
    from ktp_ocr.regions.sql import init_db

    url = f"sqlite:///{tmp_path_factory.mktemp('regions') / 'regions.db'}"
    init_db(url)
    return url


@pytest.fixture(scope="session")
def region_repo(region_db_url: str):  # type: ignore[no-untyped-def]
    from ktp_ocr.regions.sql import open_repository

    return open_repository(region_db_url)


@pytest.fixture(scope="session")
def rapid_engine():  # type: ignore[no-untyped-def]
    from ktp_ocr.ocr import create_engine

    return create_engine("rapidocr")


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory: pytest.TempPathFactory, region_repo) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """A small seeded set of generated cards (all conditions) with ground truth."""
    from ktp_ocr.synth import write_dataset

    out = tmp_path_factory.mktemp("synth")
    write_dataset(out, 30, seed=7, regions=region_repo, conditions=("scan", "photo", "hard"))
    yield out
