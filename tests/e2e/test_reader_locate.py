"""The real engine finding a small card in a large photo: the tiled look before a refusal."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from ktp_ocr.pipeline.reader import Reader
from ktp_ocr.pipeline.reading import Timer
from ktp_ocr.synth import make_card, scenes

pytestmark = [pytest.mark.engine, pytest.mark.slow]


def test_a_small_card_in_a_large_photo_is_found_in_its_quarter(rapid_engine, region_repo) -> None:  # type: ignore[no-untyped-def]
    """Regression: a card about 500 px wide in a 3200 px photo was refused as "no card": in one
    look at the whole photo its text was too small for the detector."""
    card = make_card(11, "scan", 1, regions=region_repo)
    scan = cv2.imdecode(np.frombuffer(card.jpeg, np.uint8), cv2.IMREAD_COLOR)
    wood = scenes.scene(np.random.default_rng(5), random.Random(5), "wood", 3200, 2400)
    photo = np.clip(wood, 0, 255).astype(np.uint8)
    width = 650
    small = cv2.resize(scan, (width, round(width * scan.shape[0] / scan.shape[1])))
    x, y = 2400, 1700
    photo[y : y + small.shape[0], x : x + small.shape[1]] = small
    reader = Reader(rapid_engine, region_repo)

    located, _ = reader._locate_by_text(photo, Timer())
    assert located is None  # one look at the whole photo does not see it

    corners, seen = reader._locate_in_tiles(photo, Timer())
    assert seen
    assert corners is not None
    quad = np.asarray(corners)
    centre = quad.mean(axis=0)
    assert x < centre[0] < x + small.shape[1] and y < centre[1] < y + small.shape[0]
    found_width = float(np.linalg.norm(quad[1] - quad[0]))
    assert 0.6 * width < found_width < 1.1 * width
