"""The real reader on seeded generated cards: aggregate accuracy against kept thresholds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ktp_ocr.bench import run_reader
from ktp_ocr.pipeline import Reader

THRESHOLDS = json.loads((Path(__file__).parent / "thresholds.json").read_text(encoding="utf-8"))

pytestmark = [pytest.mark.engine, pytest.mark.slow]


@pytest.fixture(scope="module")
def rapid_report(synth_dir: Path, rapid_engine, region_repo):  # type: ignore[no-untyped-def]
    reader = Reader(rapid_engine, region_repo)
    return run_reader(synth_dir, reader, warmup=0)


@pytest.mark.parametrize("condition", ["scan", "photo", "hard"])
def test_rapidocr_accuracy(rapid_report, condition: str) -> None:  # type: ignore[no-untyped-def]
    limits = THRESHOLDS["rapidocr"][condition]
    group = rapid_report.conditions[condition]
    assert group.cards > 0
    assert (group.exact_mean or 0.0) >= limits["fields_exact"], group.to_dict()
    assert (group.nik.right_rate or 0.0) >= limits["nik_right"], group.to_dict()
    assert (group.nik.silently_wrong_rate or 0.0) <= limits["nik_silently_wrong_max"]
