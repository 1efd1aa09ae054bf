"""OCR lines -> raw text per field, by geometry.

Labels anchor the rows (``labels``; a line's start is matched against the label spellings in
``matching``, and ``column`` finds which lines are the labels); when the labels cannot be read,
the content of the values does (``content``); ``frame`` finds the card from its text when its
outline cannot be seen.
"""

from ktp_ocr.layout.content import assign_by_content, is_card_value
from ktp_ocr.layout.frame import (
    CARD_ASPECT,
    card_from_text,
    card_quad_from_text,
    reading_angle,
    rotate_point,
    text_angle,
)
from ktp_ocr.layout.labels import (
    PHOTO_COLUMN_X,
    ROW_ORDER,
    assign,
    label_count,
    label_spellings,
    last_row,
    match_label,
    row_places,
    rows_labelled,
)
from ktp_ocr.layout.matching import is_nik_label

__all__ = [
    "CARD_ASPECT",
    "PHOTO_COLUMN_X",
    "ROW_ORDER",
    "assign",
    "assign_by_content",
    "card_from_text",
    "card_quad_from_text",
    "is_card_value",
    "is_nik_label",
    "label_count",
    "label_spellings",
    "last_row",
    "match_label",
    "reading_angle",
    "rotate_point",
    "row_places",
    "rows_labelled",
    "text_angle",
]
