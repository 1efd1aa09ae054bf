"""Indonesian regions (Kemendagri codes) and matching of printed place names.

Repositories: :class:`MemoryRegionRepository` (the dataset in memory) and
:class:`~ktp_ocr.regions.sql.SqlRegionRepository` (SQLite / PostgreSQL, built by
:func:`init_db`, opened by :func:`open_repository`). The SQL names are imported on first use,
so importing this package does not import SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ktp_ocr.regions.base import (
    Alias,
    CodeChange,
    DatasetVersion,
    DataSource,
    LookupValue,
    RegionCatalog,
    RegionRepository,
    Vocabulary,
)
from ktp_ocr.regions.catalog import as_catalog
from ktp_ocr.regions.dataset import Dataset, load_dataset
from ktp_ocr.regions.match import MATCH_THRESHOLD, match_card, match_level, score
from ktp_ocr.regions.memory import MemoryRegionRepository, memory_repository
from ktp_ocr.regions.names import card_name, normalize_name

if TYPE_CHECKING:
    from ktp_ocr.regions.loader import InitReport, init_db
    from ktp_ocr.regions.sql import SqlRegionRepository, open_repository

__all__ = [
    "MATCH_THRESHOLD",
    "Alias",
    "CodeChange",
    "DataSource",
    "Dataset",
    "DatasetVersion",
    "InitReport",
    "LookupValue",
    "MemoryRegionRepository",
    "RegionCatalog",
    "RegionRepository",
    "SqlRegionRepository",
    "Vocabulary",
    "as_catalog",
    "card_name",
    "init_db",
    "load_dataset",
    "match_card",
    "match_level",
    "memory_repository",
    "normalize_name",
    "open_repository",
    "score",
]

_LAZY = {
    "InitReport": "ktp_ocr.regions.loader",
    "init_db": "ktp_ocr.regions.loader",
    "SqlRegionRepository": "ktp_ocr.regions.sql",
    "open_repository": "ktp_ocr.regions.sql",
}


def __getattr__(name: str) -> Any:
    """Import the SQL layer on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
