"""imaging.quality: each finding fires on its own trouble, and a clean card gets none."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ktp_ocr.imaging import quality
from ktp_ocr.imaging.quality import assess, blur_score, find_glare
from ktp_ocr.types import FieldName, QualityVerdict

try:
    from test_imaging_scenes import make_card
except ImportError:  # tests/unit collected as a package
    from tests.unit.test_imaging_scenes import make_card  # type: ignore[no-redef]

W, H = 1200, 757


@pytest.fixture(scope="module")
def card() -> np.ndarray:
    return cv2.resize(make_card(np.random.default_rng(21)), (W, H), interpolation=cv2.INTER_CUBIC)


def codes(verdicts: tuple[QualityVerdict, ...]) -> dict[str, QualityVerdict]:
    return {v.code: v for v in verdicts}


def test_clean_card_has_no_findings(card: np.ndarray) -> None:
    assert assess(card, card_fraction=0.35, source_width=900) == ()
    assert assess(card, card_fraction=None) == ()


@pytest.mark.parametrize(("sigma", "severity"), [(3.5, "warning"), (9.0, "reject")])
def test_blur(card: np.ndarray, sigma: float, severity: str) -> None:
    blurred = cv2.GaussianBlur(card, (0, 0), sigma * W / 1000)
    found = codes(assess(blurred, card_fraction=0.35))
    assert found["too_blurred"].severity == severity
    assert "blurred" in found["too_blurred"].message


def test_mild_blur_and_noise_pass(card: np.ndarray) -> None:
    rng = np.random.default_rng(0)
    soft = cv2.GaussianBlur(card, (0, 0), 1.0)
    noisy = np.clip(soft + rng.normal(0, 6, soft.shape), 0, 255).astype(np.uint8)
    assert "too_blurred" not in codes(assess(noisy, card_fraction=0.35))


def test_blur_score_orders_sharpness(card: np.ndarray) -> None:
    grey = cv2.cvtColor(card, cv2.COLOR_BGR2GRAY)
    scores = [blur_score(cv2.GaussianBlur(grey, (0, 0), s) if s else grey) for s in (0, 2, 5)]
    assert scores == sorted(scores)
    assert blur_score(np.full((40, 60), 128, np.uint8)) == 1.0


@pytest.mark.parametrize(("factor", "severity"), [(0.22, "warning"), (0.05, "reject")])
def test_dark(card: np.ndarray, factor: float, severity: str) -> None:
    dark = (card.astype(np.float32) * factor).astype(np.uint8)
    found = codes(assess(dark, card_fraction=0.35))
    assert found["too_dark"].severity == severity


def test_glare_over_the_nik(card: np.ndarray) -> None:
    shiny = card.copy()
    cv2.ellipse(shiny, (round(0.3 * W), round(0.27 * H)), (260, 70), 0, 0, 360, (255, 255, 255), -1)
    found = codes(assess(shiny, card_fraction=0.35))
    g = found["glare"]
    assert g.field == FieldName.NIK
    assert g.severity == "reject"  # most of the NIK row is gone
    assert "NIK" in g.message
    blobs = find_glare(shiny)
    assert blobs and blobs[0].box.x0 < 0.3 * W < blobs[0].box.x1


def test_glare_elsewhere_is_a_warning(card: np.ndarray) -> None:
    shiny = card.copy()
    cv2.circle(shiny, (round(0.55 * W), round(0.85 * H)), 45, (252, 252, 252), -1)
    g = codes(assess(shiny, card_fraction=0.35))["glare"]
    assert g.severity == "warning" and g.field is None
    assert "bottom" in g.message


def test_light_card_background_is_not_glare(card: np.ndarray) -> None:
    bright = np.clip(card.astype(np.int16) + 15, 0, 255).astype(np.uint8)
    assert "glare" not in codes(assess(bright, card_fraction=0.35))


def test_small_in_frame(card: np.ndarray) -> None:
    v = codes(assess(card, card_fraction=0.04, source_width=800))["card_too_small"]
    assert v.severity == "warning" and "closer" in v.message
    v = codes(assess(card, card_fraction=0.04, source_width=200))["card_too_small"]
    assert v.severity == "reject"


def test_low_resolution(card: np.ndarray) -> None:
    found = codes(assess(card, card_fraction=0.6, source_width=450))
    assert found["low_resolution"].severity == "warning"
    assert "card_too_small" not in found
    found = codes(assess(card, card_fraction=0.6, source_width=180))
    assert found["low_resolution"].severity == "reject"


def test_messages_are_actionable_sentences(card: np.ndarray) -> None:
    dark = (cv2.GaussianBlur(card, (0, 0), 9) * 0.2).astype(np.uint8)
    verdicts = assess(dark, card_fraction=0.03, source_width=700)
    assert {v.code for v in verdicts} >= {"too_dark", "too_blurred", "card_too_small"}
    verdicts = assess(dark, card_fraction=0.03, source_width=200)
    assert verdicts[0].severity == "reject"  # rejects first
    assert [v.severity for v in verdicts] == sorted(
        (v.severity for v in verdicts), key=lambda s: s != "reject"
    )
    for v in verdicts:
        assert v.message[0].isupper() and v.message.endswith(".")
        assert ":" in v.message or ";" in v.message  # what is wrong: what to do


def test_thresholds_are_named_and_ordered() -> None:
    assert quality.BLUR_WARN < quality.BLUR_REJECT
    assert quality.DARK_REJECT < quality.DARK_WARN
    assert quality.MIN_SOURCE_WIDTH < quality.LOW_SOURCE_WIDTH
