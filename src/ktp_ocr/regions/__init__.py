"""Indonesian regions (Kemendagri codes) and matching of printed place names."""

from ktp_ocr.regions.base import RegionRepository

__all__ = ["RegionRepository"]
