"""Pure text -> value parsers for every card field (no pixels, no engines)."""

from ktp_ocr.fields.parse import parse_fields, value_to_text

__all__ = ["parse_fields", "value_to_text"]
