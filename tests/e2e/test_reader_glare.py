"""The real reader on a card whose reflection washes out the first letters of a value."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ktp_ocr.pipeline.reader import Reader
from ktp_ocr.synth import make_card
from ktp_ocr.types import FieldName

pytestmark = [pytest.mark.engine, pytest.mark.slow]


def _glare_over_start(image: np.ndarray, card, text: str) -> None:  # type: ignore[no-untyped-def]
    """Paint a clipped white reflection over the first letters of the line printing ``text``."""
    line = next(x for x in card.lines if x.text.removeprefix(":").strip() == text)
    w, h = card.card_size
    flat = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    homography = cv2.getPerspectiveTransform(flat, np.float32(card.corners))
    box = line.box
    start = box.x1 - (box.x1 - box.x0) * 0.99  # past the colon, at the value's first letter
    point = np.float32([[[start + box.height * 1.2, box.cy]]])
    x, y = cv2.perspectiveTransform(point, homography)[0, 0]
    scale = float(np.linalg.norm(np.float32(card.corners[1]) - np.float32(card.corners[0]))) / w
    radius = round(box.height * 1.6 * scale)
    cv2.circle(image, (round(x), round(y)), radius, (255, 255, 255), -1)


def test_a_value_cut_by_glare_is_not_given_as_sure(rapid_engine, region_repo) -> None:  # type: ignore[no-untyped-def]
    """Regression: a reflection over the first letters of a value (``GUGUAK PANJANG``) left a
    clean reading of the rest (``ANJANG``) with confidence 0.99 and no issue."""
    card = make_card(5, "scan", 2, regions=region_repo)
    image = cv2.imdecode(np.frombuffer(card.jpeg, np.uint8), cv2.IMREAD_COLOR)
    truth = str(card.truth.kecamatan)
    _glare_over_start(image, card, truth)
    result = Reader(rapid_engine, region_repo).read(image)
    kecamatan = result.fields[FieldName.KECAMATAN]
    assert "glare_over_value" in kecamatan.issues, kecamatan
    assert kecamatan.confidence <= 0.5
    # the rows above and below, away from the reflection, read as they do without it
    assert result.fields[FieldName.AGAMA].value == card.truth.agama
    assert "glare_over_value" not in result.fields[FieldName.AGAMA].issues
