"""The real detector on a card whose lower rows are printed faint and lit dimly."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ktp_ocr import layout
from ktp_ocr.pipeline.faint import with_faint_lines
from ktp_ocr.pipeline.reading import Reading
from ktp_ocr.synth import make_card

pytestmark = [pytest.mark.engine, pytest.mark.slow]

#: Share of the print's contrast left in the faded rows: the detector misses them whole at
#: this level, and finds them on the flattened card (it does so from 0.25 to 0.3 here).
FADE = 0.28


def _faded_card(region_repo):  # type: ignore[no-untyped-def]
    """A scan's flat card, its rows from Kel/Desa down faded, the light falling off below."""
    card = make_card(3, "scan", 1, regions=region_repo)
    image = cv2.imdecode(np.frombuffer(card.jpeg, np.uint8), cv2.IMREAD_COLOR)
    w, h = card.card_size
    to_flat = cv2.getPerspectiveTransform(
        np.float32(card.corners), np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    )
    pixels = cv2.warpPerspective(image, to_flat, (w, h)).astype(np.float32)
    paper = cv2.GaussianBlur(pixels, (0, 0), 25)
    top = int(h * 0.55)
    pixels[top:] = paper[top:] + (pixels[top:] - paper[top:]) * FADE
    pixels *= np.linspace(1.0, 0.45, h, dtype=np.float32)[:, None, None]
    return card, np.clip(pixels, 0, 255).astype(np.uint8)


def test_rows_too_faint_for_the_detector_are_found_on_the_flattened_card(
    rapid_engine, region_repo
) -> None:  # type: ignore[no-untyped-def]
    card, faded = _faded_card(region_repo)
    lines = rapid_engine.recognize(faded)
    first = Reading(faded, lines, layout.label_count(lines))
    faint = [str(card.truth.agama), str(card.truth.status_perkawinan), "WIRASWASTA"]
    assert str(card.truth.pekerjaan) == "WIRASWASTA"
    assert not any(value in line.text for line in first.lines for value in faint)

    again = with_faint_lines(rapid_engine, first)
    texts = [line.text.lstrip(": ") for line in again.lines]
    for value in faint:
        assert value in texts
    assert again.labels >= first.labels + 5  # Agama, Status Perkawinan, Pekerjaan, ...
    # the rows the first look read are not read twice
    for line in first.lines:
        assert sum(t == line.text.lstrip(": ") for t in texts) == 1
