"""ktp-ocr: read Indonesian identity cards (KTP / e-KTP) into validated, structured data."""

from typing import TYPE_CHECKING, Any

from ktp_ocr.errors import (
    CardNotFound,
    CorruptImage,
    EngineUnavailable,
    ImageTooLarge,
    InputError,
    KtpError,
    RateLimited,
    RegionStoreError,
    UnreadableCard,
    UnsupportedImage,
)
from ktp_ocr.types import (
    CARD_FIELDS,
    BBox,
    FieldName,
    FieldValue,
    KtpCard,
    Nik,
    OcrLine,
    ReadResult,
    Region,
    RegionMatch,
    Sex,
)

__version__ = "0.1.0"

if TYPE_CHECKING:
    from ktp_ocr.pipeline import Reader, build_reader, read_ktp

_LAZY = frozenset({"Reader", "build_reader", "read_ktp"})


def __getattr__(name: str) -> Any:
    """Import the pipeline (and its heavy dependencies) only when it is first used."""
    if name in _LAZY:
        from ktp_ocr import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'ktp_ocr' has no attribute {name!r}")


__all__ = [
    "CARD_FIELDS",
    "BBox",
    "CardNotFound",
    "CorruptImage",
    "EngineUnavailable",
    "FieldName",
    "FieldValue",
    "ImageTooLarge",
    "InputError",
    "KtpCard",
    "KtpError",
    "Nik",
    "OcrLine",
    "RateLimited",
    "ReadResult",
    "Reader",
    "Region",
    "RegionMatch",
    "RegionStoreError",
    "Sex",
    "UnreadableCard",
    "UnsupportedImage",
    "__version__",
    "build_reader",
    "read_ktp",
]
