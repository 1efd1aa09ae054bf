"""Benchmark reports: Markdown, JSON, comparison and the shared docs/benchmarks.md sections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ktp_ocr.bench import section_name
from ktp_ocr.bench.report import (
    compare_markdown,
    describe_machine,
    replace_section,
    to_json,
    to_markdown,
    write_report,
)
from ktp_ocr.bench.score import FIELD_NAMES, Prediction, Truth, score_card
from ktp_ocr.bench.summary import BenchReport, build_report

FIELDS = dict.fromkeys(FIELD_NAMES, "X")


def make_report(source: str = "rapidocr", *, kind: str = "reader") -> BenchReport:
    truth = Truth.from_json({"id": "a", "condition": "photo", "fields": FIELDS})
    cards = [
        score_card(truth, Prediction("a", fields=FIELDS, latency_ms=10.0, timings={"ocr": 8.0})),
        score_card(truth, Prediction("b", refusal="too_blurred", latency_ms=5.0)),
    ]
    return build_report(cards, source=source, kind=kind, peak_rss_mb=300.0)  # type: ignore[arg-type]


def test_to_markdown_has_every_table() -> None:
    md = to_markdown(
        make_report(),
        title="Synthetic set v1",
        command="ktp-ocr bench data/synth --report docs/benchmarks.md",
        machine="AMD EPYC, 2 cores",
    )
    assert md.startswith("## Synthetic set v1\n")
    assert "```sh\nktp-ocr bench data/synth --report docs/benchmarks.md\n```" in md
    assert "Machine: AMD EPYC, 2 cores" in md
    for heading in (
        "### Summary",
        "### Exact match per field",
        "### Character error rate",
        "### Refusals",
        "### Speed",
    ):
        assert heading in md
    assert "| all | 2 | 2 | 50.0% |" in md
    assert "too_blurred ×1" in md
    assert "| ocr | 8.0 |" in md
    assert all(f"| {name} |" in md for name in FIELD_NAMES)


def test_to_json_round_trips_through_json() -> None:
    data = json.loads(json.dumps(to_json(make_report())))
    assert data["overall"]["refusals"]["undeserved"] == 1
    assert data["speed"]["stage_ms"] == {"ocr": 8.0}


def test_compare_markdown_side_by_side() -> None:
    md = compare_markdown({"ours": make_report(), "old service": make_report("node x {image}")})
    assert md.splitlines()[0] == "| metric | ours | old service |"
    assert "| NIK right | 50.0% | 50.0% |" in md
    assert "| photo: field exact | 50.0% | 50.0% |" in md
    with pytest.raises(ValueError, match="nothing"):
        compare_markdown({})


def test_describe_machine() -> None:
    text = describe_machine()
    assert "cores" in text and "Python 3." in text and "rapidocr" in text


def test_section_name() -> None:
    assert section_name(make_report("rapidocr")) == "rapidocr"
    cmd = make_report("/usr/bin/node /srv/ocr/cli.js {image}", kind="command")
    assert section_name(cmd) == "command-node-cli.js"


def test_write_report_creates_appends_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "docs" / "benchmarks.md"
    write_report(path, "first A\n", section="rapidocr")
    assert path.read_text() == (
        "# Benchmarks\n\n<!-- bench:rapidocr:start -->\nfirst A\n<!-- bench:rapidocr:end -->\n"
    )
    write_report(path, "first B", section="tesseract")
    text = path.read_text()
    text = text.replace("# Benchmarks\n", "# Benchmarks\n\nHand-written intro.\n")
    path.write_text(text + "\nHand-written footer.\n")
    write_report(path, "second A", section="rapidocr")
    result = path.read_text()
    assert "first A" not in result and "second A" in result
    assert "first B" in result
    assert "Hand-written intro." in result and result.endswith("Hand-written footer.\n")
    assert result.index("bench:rapidocr:start") < result.index("bench:tesseract:start")
    write_report(path, "second A", section="rapidocr")
    assert path.read_text() == result  # idempotent
    assert not list(path.parent.glob(".*.tmp"))


def test_replace_section_appends_to_text_without_newline() -> None:
    out = replace_section("# Title", "body", section="x")
    assert out == "# Title\n\n<!-- bench:x:start -->\nbody\n<!-- bench:x:end -->\n"


@pytest.mark.parametrize(
    "document",
    [
        "<!-- bench:x:start -->\nno end\n",
        "<!-- bench:x:end -->\n<!-- bench:x:start -->\n",
        "<!-- bench:x:start -->\n<!-- bench:x:end -->\n" * 2,
    ],
)
def test_replace_section_refuses_broken_markers(document: str) -> None:
    with pytest.raises(ValueError, match="markers"):
        replace_section(document, "body", section="x")


def test_replace_section_rejects_bad_names() -> None:
    with pytest.raises(ValueError, match="section names"):
        replace_section("", "body", section="a b -->")
