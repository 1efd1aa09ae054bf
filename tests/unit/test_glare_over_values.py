"""pipeline.inference.glare_over_values: a value glare may have cut is said to be unsure."""

from __future__ import annotations

import cv2
import numpy as np

from ktp_ocr.pipeline.inference import GLARE_CONFIDENCE, glare_over_values
from ktp_ocr.types import BBox, FieldName, FieldValue, RawField

W, H = 1000, 630
#: A pale blue-green card face (no channel clipped), with dark print.
FACE = (215, 225, 190)


def _card(*spots: tuple[int, int, int]) -> np.ndarray:
    card = np.zeros((H, W, 3), np.uint8)
    card[:] = FACE
    for y in range(160, 600, 36):
        cv2.putText(card, "KECAMATAN", (230, y), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (40, 40, 40), 2)
    for x, y, r in spots:
        cv2.circle(card, (x, y), r, (255, 255, 255), -1)
    return card


def _fields(*boxes: tuple[FieldName, BBox]) -> tuple[dict, dict]:
    raw = {name: RawField("X", box, 0.99) for name, box in boxes}
    fields = {name: FieldValue("X", "X", 0.99, (), box) for name, box in boxes}
    return raw, fields


KEC = BBox(350, 415, 450, 448)  # "ANJANG": the read part of the value
KEL = BBox(240, 380, 460, 412)
AGAMA = BBox(240, 540, 330, 570)


def test_no_glare_changes_nothing() -> None:
    raw, fields = _fields((FieldName.KECAMATAN, KEC))
    assert glare_over_values(_card(), raw, fields) is fields


def test_glare_just_before_a_value_flags_it() -> None:
    raw, fields = _fields((FieldName.KECAMATAN, KEC), (FieldName.AGAMA, AGAMA))
    out = glare_over_values(_card((300, 430, 45)), raw, fields)
    kec = out[FieldName.KECAMATAN]
    assert kec.issues == ("glare_over_value",) and kec.value == "X"
    assert kec.confidence == round(0.99 * GLARE_CONFIDENCE, 4)
    # a value rows away from the reflection is left as read
    assert out[FieldName.AGAMA] == fields[FieldName.AGAMA]


def test_glare_over_or_after_a_value_flags_it() -> None:
    raw, fields = _fields((FieldName.KELURAHAN_DESA, KEL))
    assert (
        "glare_over_value"
        in glare_over_values(_card((350, 396, 30)), raw, fields)[FieldName.KELURAHAN_DESA].issues
    )
    assert (
        "glare_over_value"
        in glare_over_values(_card((500, 396, 30)), raw, fields)[FieldName.KELURAHAN_DESA].issues
    )


def test_glare_far_from_a_value_or_a_value_not_read() -> None:
    raw, fields = _fields((FieldName.KELURAHAN_DESA, KEL))
    # more than two text heights after the value's end: not its letters
    assert glare_over_values(_card((640, 396, 30)), raw, fields) == fields
    # a field with no value or no box is not flagged
    fields[FieldName.KELURAHAN_DESA] = FieldValue(None, "", 0.0, (), KEL)
    raw[FieldName.AGAMA] = RawField("ISLAM", None, 0.9)
    fields[FieldName.AGAMA] = FieldValue("ISLAM", "ISLAM", 0.9)
    assert glare_over_values(_card((350, 396, 30), (290, 555, 30)), raw, fields) == fields


def test_a_white_but_coloured_patch_is_not_glare() -> None:
    raw, fields = _fields((FieldName.KECAMATAN, KEC))
    card = _card()
    cv2.circle(card, (300, 430), 45, (250, 250, 120), -1)  # bright, saturated: print, not glare
    assert glare_over_values(card, raw, fields) == fields
