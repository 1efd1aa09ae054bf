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


def test_the_next_outline_is_read_when_the_best_reads_as_no_card(  # type: ignore[no-untyped-def]
    rapid_engine, region_repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a patch of a checked bedsheet outscored a dim card beside it; the patch was
    read, held no label, and the card was refused as "no card" though its outline was the
    detector's runner-up."""
    from ktp_ocr.imaging.detect import CardDetection
    from ktp_ocr.pipeline import reader as reader_module
    from ktp_ocr.types import FieldName

    card = make_card(11, "scan", 1, regions=region_repo)
    scan = cv2.imdecode(np.frombuffer(card.jpeg, np.uint8), cv2.IMREAD_COLOR)
    sheet = scenes.scene(np.random.default_rng(7), random.Random(7), "bedsheet", 2000, 1200)
    photo = np.clip(sheet, 0, 255).astype(np.uint8)
    width = 900
    small = cv2.resize(scan, (width, round(width * scan.shape[0] / scan.shape[1])))
    x, y = 1000, 300
    photo[y : y + small.shape[0], x : x + small.shape[1]] = small
    h = small.shape[0]
    right = np.array([[x, y], [x + width, y], [x + width, y + h], [x, y + h]], np.float32)
    wrong = np.array([[40, 40], [840, 40], [840, 545], [40, 545]], np.float32)
    found = CardDetection(wrong, 0.64, "colour", others=(right,))
    monkeypatch.setattr(reader_module, "find_card", lambda pixels: found)

    result = Reader(rapid_engine, region_repo).read(photo)
    assert result.fields[FieldName.NIK].value == card.truth.nik
    assert result.card_quad is not None
    assert np.allclose(np.asarray(result.card_quad), right, atol=2.0)
