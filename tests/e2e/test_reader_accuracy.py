"""The real reader on seeded generated cards: aggregate accuracy against kept thresholds.

The thresholds live in ``thresholds.json``, one block per engine; both engines run the same
cards through the same pipeline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ktp_ocr.bench import BenchReport, run_reader
from ktp_ocr.ocr import create_engine
from ktp_ocr.pipeline import Reader

THRESHOLDS = json.loads((Path(__file__).parent / "thresholds.json").read_text(encoding="utf-8"))
ENGINES = ("rapidocr", "tesseract")

pytestmark = [pytest.mark.engine, pytest.mark.slow]


@pytest.fixture(scope="module", params=ENGINES)
def report(request, synth_dir: Path, rapid_engine, region_repo) -> tuple[str, BenchReport]:  # type: ignore[no-untyped-def]
    name = request.param
    engine = rapid_engine if name == "rapidocr" else create_engine(name)
    reader = Reader(engine, region_repo)
    return name, run_reader(synth_dir, reader, warmup=0)


@pytest.mark.parametrize("condition", ["scan", "photo", "hard"])
def test_accuracy(report: tuple[str, BenchReport], condition: str) -> None:
    name, result = report
    limits = THRESHOLDS[name][condition]
    group = result.conditions[condition]
    assert group.cards > 0
    assert (group.exact_mean or 0.0) >= limits["fields_exact"], group.to_dict()
    assert (group.nik.right_rate or 0.0) >= limits["nik_right"], group.to_dict()
    assert (group.nik.silently_wrong_rate or 0.0) <= limits["nik_silently_wrong_max"]
