"""Refusals: why a card cannot be read, in words a person can act on, with a stable code."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ktp_ocr.errors import CardNotFound, UnreadableCard
from ktp_ocr.imaging.quality import assess
from ktp_ocr.pipeline.inference import UNSURE_TEXT
from ktp_ocr.pipeline.reading import Reading
from ktp_ocr.types import CARD_FIELDS, FieldName, FieldValue, OcrLine, QualityVerdict

#: A reading with fewer distinct labels than this is not taken to be an upright KTP.
MIN_LABELS = 3


def refuse_if_hopeless(
    fields: Mapping[FieldName, FieldValue[Any]], quality: Sequence[QualityVerdict]
) -> None:
    """Refuse with the quality reason when the image is bad and almost nothing was read."""
    rejects = [v for v in quality if v.severity == "reject"]
    if not rejects:
        return
    read = sum(1 for name in CARD_FIELDS if (fv := fields.get(name)) and fv.value is not None)
    nik = fields.get(FieldName.NIK)
    if nik is None or nik.value is None or read < len(CARD_FIELDS) // 2:
        worst = rejects[0]
        error = CardNotFound if worst.code == "card_too_small" else UnreadableCard
        raise error(worst.message, code=worst.code)


def refusal(reading: Reading, fraction: float | None, *, seen_ktp: bool = False) -> Exception:
    """Why a card cannot be read, in words a person can act on, with a stable code."""
    if fraction is not None:
        verdicts = [
            v for v in assess(reading.card, card_fraction=fraction) if v.severity == "reject"
        ]
        if verdicts:
            error = CardNotFound if verdicts[0].code == "card_too_small" else UnreadableCard
            return error(verdicts[0].message, code=verdicts[0].code)
    if seen_ktp or ktp_evidence(reading.lines):
        return UnreadableCard(
            "A KTP is in the picture but too little of it could be read: move closer so the "
            "card fills most of the frame, in even light, and hold the phone still.",
            code="text_unreadable",
        )
    if len(reading.lines) < MIN_LABELS:
        return CardNotFound(
            "No identity card was found in the image: photograph the whole card, flat, filling "
            "most of the frame.",
            code="no_card",
        )
    mean_confidence = sum(ln.confidence for ln in reading.lines) / len(reading.lines)
    if fraction is not None and mean_confidence < UNSURE_TEXT:
        return UnreadableCard(
            "A card was found but its text could not be read: retake the photo in even light, "
            "hold the phone still and let the card fill most of the frame.",
            code="text_unreadable",
        )
    return CardNotFound(
        "The image has text but it is not a KTP: photograph the front of an Indonesian "
        "identity card.",
        code="not_ktp",
    )


#: A NIK's sixteen digits in one run, or a line starting with the card's header word in
#: capitals: text only a KTP prints (phone numbers are shorter, news prints ``provinsi`` lower).
KTP_TEXT = re.compile(r"\d{16}|^:?PROVINSI")


def ktp_evidence(lines: Sequence[OcrLine]) -> bool:
    """Whether the text read shows a KTP is there, too small or blurred to read as one."""
    return any(KTP_TEXT.search(line.text.replace(" ", "")) for line in lines)
