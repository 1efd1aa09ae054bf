"""The repository Protocol the rest of the package sees."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from ktp_ocr.types import Region


@runtime_checkable
class RegionRepository(Protocol):
    """Read access to regions by Kemendagri code (no dots: ``"31"``, ``"3174"``, ``"317405"``)."""

    def get(self, code: str) -> Region | None:
        """The region with this current code, or None."""
        ...

    def children(self, code: str) -> Sequence[Region]:
        """Direct children of ``code`` sorted by code (``""`` lists the provinces)."""
        ...
