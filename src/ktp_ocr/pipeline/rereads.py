"""Lines of a flattened card read again: a value missing or unreadable, a birth date at odds.

Bounded: each look is one of a few sizes of one crop (:data:`REREAD_SCALES`), and a value is
taken only when the readings that parse agree on it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ktp_ocr import layout
from ktp_ocr.fields.dates import parse_birth_place_date
from ktp_ocr.fields.nik import format_nik
from ktp_ocr.fields.parse import read_field
from ktp_ocr.fields.text import lowered
from ktp_ocr.fields.vocab import load_vocabulary
from ktp_ocr.ocr import OcrEngine
from ktp_ocr.pipeline.frames import (
    band,
    image_size,
    left_edge,
    resized,
    stretched,
)
from ktp_ocr.pipeline.inference import (
    CONTRADICTIONS,
    VALUE_SPAN,
    failed_checks,
)
from ktp_ocr.pipeline.reading import Reading
from ktp_ocr.types import (
    BBox,
    FieldName,
    FieldValue,
    Nik,
    RawField,
)

#: Sizes a line is read again at (the NIK and birth date when they disagree, a missing value) ...
REREAD_SCALES = (0.75, 1.5, 2.0)
#: ... cut with this share of its height around it.
REREAD_PAD = 0.4
#: Values read again from the card when missing or unreadable: each has a closed vocabulary or
#: a strict format, so a reading is taken only when it parses.
REREAD_FIELDS = (
    FieldName.TANGGAL_LAHIR,
    FieldName.JENIS_KELAMIN,
    FieldName.RT_RW,
    FieldName.AGAMA,
    FieldName.STATUS_PERKAWINAN,
    FieldName.PEKERJAAN,
    FieldName.KEWARGANEGARAAN,
    FieldName.BERLAKU_HINGGA,
)


def read_again(
    engine: OcrEngine, card: NDArray[np.uint8], box: BBox, *, stretch: bool = False
) -> Iterator[tuple[str, float]]:
    """The line in ``box`` read again at other sizes: text and confidence per reading.

    Only what lies on the box's line counts (text of the rows above and below is cut into
    the crop's margins). With ``stretch``, each size is also read with the crop's contrast
    stretched (a faint value on a dim card). When nothing was found at any size, the row
    itself is read as one line, without detection, if the engine can.
    """
    pad = box.height * REREAD_PAD
    h, w = card.shape[:2]
    x0, y0 = max(int(box.x0 - pad), 0), max(int(box.y0 - pad), 0)
    x1, y1 = min(int(box.x1 + pad), w), min(int(box.y1 + pad), h)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return
    crop = card[y0:y1, x0:x1]
    looks = [crop, stretched(crop)] if stretch else [crop]
    seen = False
    for look in looks:
        for scale in REREAD_SCALES:
            middle, reach = (box.cy - y0) * scale, box.height * scale / 2
            found = engine.recognize(resized(look, scale))
            row = sorted((ln for ln in found if abs(ln.box.cy - middle) <= reach), key=left_edge)
            if row:
                seen = True
                yield " ".join(ln.text for ln in row), min(ln.confidence for ln in row)
    read_crops = getattr(engine, "recognize_crops", None)
    if not seen and read_crops is not None:
        # Too faint for the detector at any size: the row itself, read as one line.
        row_band = band(card, box, x0, x1)
        if row_band is not None:
            yield from read_crops([row_band])


#: An occupation read as free text with a confidence under this is read again as well: a
#: blurred ``WIRASWASTA`` reads as ``VASWASTA``, too far from the registry's spelling to snap.
UNSURE_OCCUPATION = 0.85


def _to_read_again(name: FieldName, current: FieldValue[Any]) -> bool:
    """Whether ``name``'s value is missing, or an unsure occupation outside the registry."""
    if current.value is None:
        return True
    return (
        name is FieldName.PEKERJAAN
        and current.confidence < UNSURE_OCCUPATION
        and current.value not in load_vocabulary(name.value).values
    )


def needs_reread(fields: Mapping[FieldName, FieldValue[Any]]) -> bool:
    """Whether :func:`missing_values` has anything to read again."""
    return any(_to_read_again(name, fields[name]) for name in REREAD_FIELDS)


def missing_values(
    engine: OcrEngine,
    reading: Reading,
    raw: Mapping[FieldName, RawField],
    fields: dict[FieldName, FieldValue[Any]],
    nik: Nik | None,
) -> dict[FieldName, FieldValue[Any]]:
    """Missing or unreadable values of :data:`REREAD_FIELDS` read again at other sizes.

    So is an occupation read unsurely as free text (:data:`UNSURE_OCCUPATION`); it is
    replaced only by a registry occupation the readings agree on.

    On a dim or blurred card the detector misses short, faint values (``WNI``, ``ISLAM``)
    and a blurred one may read as no word of its vocabulary. Each such value's place (its
    text's box, or where the labels put its row) is read again; the value most readings
    that parse agree on is taken, less sure, marked ``<field>_reread``. With a NIK read,
    a birth date or sex is taken only when it agrees with the NIK's: a second look at a
    blurred date must not outvote the NIK (see :func:`settle_birth_date`).
    """
    out = dict(fields)
    places = _ValuePlaces.of(reading, raw)
    for name in REREAD_FIELDS:
        current = fields[name]
        if not _to_read_again(name, current):
            continue
        # Its text's box first (a value read wrong), then where its row puts it (a value
        # not seen, or its text was only label words).
        boxes = [current.box if current.raw.strip() else None, places.box(name)]
        for box in dict.fromkeys(b for b in boxes if b is not None):
            taken = _agreed(name, read_again(engine, reading.card, box, stretch=True), nik)
            if taken is not None:
                out[name] = replace(
                    taken,
                    confidence=lowered(taken.confidence),
                    issues=(*taken.issues, f"{name.value}_reread"),
                    box=box,
                )
                break
    return out


def settle_birth_date(
    engine: OcrEngine,
    card: NDArray[np.uint8],
    raw: Mapping[FieldName, RawField],
    fields: dict[FieldName, FieldValue[Any]],
    nik: Nik,
    checks: Sequence[Any],
) -> dict[FieldName, FieldValue[Any]] | None:
    """The printed birth date read again when it alone contradicts the NIK, or None.

    Both lines are read again at other sizes. The NIK stands only if every reading of it
    gives the same digits, and the birth date is taken only from a reading that agrees with
    it: two lines read alike, so a blurred date digit does not cost a NIK read right.
    Otherwise nothing says which reading is wrong, and the NIK is withheld.
    """
    born = fields[FieldName.TANGGAL_LAHIR]
    nik_box = raw[FieldName.NIK].box if FieldName.NIK in raw else None
    only_date = failed_checks(checks) & CONTRADICTIONS == {"nik_birthdate_match"}
    if not only_date or born.box is None or nik_box is None:
        return None
    digits = [re.sub(r"\D", "", text) for text, _ in read_again(engine, card, nik_box)]
    if not digits or any(d != format_nik(nik) for d in digits):
        return None
    for text, _ in read_again(engine, card, born.box):
        again = parse_birth_place_date(text, confidence=born.confidence)[1]
        if again.value == nik.birth_date:
            issues = (*born.issues, "tanggal_lahir_reread")
            return {
                **fields,
                FieldName.TANGGAL_LAHIR: replace(
                    born, value=again.value, confidence=lowered(born.confidence), issues=issues
                ),
            }
    return None


@dataclass(frozen=True, slots=True)
class _ValuePlaces:
    """Where the values of a card's rows are printed: each row's line and the value column."""

    rows: Mapping[FieldName, tuple[float, float]]
    left: float | None
    right: float

    @classmethod
    def of(cls, reading: Reading, raw: Mapping[FieldName, RawField]) -> _ValuePlaces:
        size = image_size(reading.card)
        starts = sorted(
            field.box.x0
            for name, field in raw.items()
            if name in layout.ROW_ORDER and field.box is not None and field.text.strip()
        )
        left = starts[len(starts) // 2] if len(starts) >= 2 else None
        return cls(layout.row_places(reading.lines, size), left, size[0])

    def box(self, name: FieldName) -> BBox | None:
        """The place of ``name``'s value (the birth date's is its row's), or None."""
        row = self.rows.get(FieldName.TEMPAT_LAHIR if name is FieldName.TANGGAL_LAHIR else name)
        if row is None or self.left is None:
            return None
        cy, h = row
        right = min(self.left + VALUE_SPAN * self.right, layout.PHOTO_COLUMN_X * self.right)
        if right <= self.left:
            return None
        return BBox(self.left - h / 2, cy - h / 2, right, cy + h / 2)


def _agreed(
    name: FieldName, readings: Iterable[tuple[str, float]], nik: Nik | None
) -> FieldValue[Any] | None:
    """The value most readings of ``name`` that parse agree on (the surest on a tie), or None.

    An occupation counts only when it is one of the registry's (any text parses as free text);
    a birth date or sex only when it is the NIK's, if there is one.
    """
    parsed = [read_field(name, text, confidence=confidence) for text, confidence in readings]
    listed = load_vocabulary(name.value).values if name is FieldName.PEKERJAAN else None
    must: object = None
    if nik is not None:
        must = {FieldName.TANGGAL_LAHIR: nik.birth_date, FieldName.JENIS_KELAMIN: nik.sex}.get(name)
    valid = [
        fv
        for fv in parsed
        if fv.value is not None
        and (listed is None or fv.value in listed)
        and (must is None or fv.value == must)
    ]
    if not valid:
        return None
    votes = Counter(fv.value for fv in valid)
    return max(valid, key=lambda fv: (votes[fv.value], fv.confidence))
