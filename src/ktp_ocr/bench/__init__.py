"""Accuracy and speed benchmark over a labelled folder of card images.

``score`` is pure arithmetic (labels + predictions -> :class:`BenchReport`), ``run`` drives our
reader or another program over a folder, ``report`` renders Markdown/JSON and updates one named
section of ``docs/benchmarks.md``.

How ``ktp-ocr bench DIR [--report PATH] [--json] [--command "prog {image}"] [--engine NAME]
[--limit N]`` calls it::

    import json, shlex, sys
    from ktp_ocr import bench

    report = bench.run_bench(args.dir, engine=args.engine, command=args.command,
                             limit=args.limit, progress=None)
    if args.json:
        print(json.dumps(bench.to_json(report), ensure_ascii=False, indent=2))
    if args.report:
        markdown = bench.to_markdown(
            report,
            title=f"Benchmark: {report.source}",
            command=shlex.join(["ktp-ocr", *sys.argv[1:]]),
            machine=bench.describe_machine(),
        )
        bench.write_report(args.report, markdown, section=bench.section_name(report))

``run_bench`` raises ``ValueError`` for both ``--engine`` and ``--command`` (or a command without
``{image}``), ``NotADirectoryError`` for a missing folder, ``EngineUnavailable`` for an unknown
engine and ``OSError`` when the command's program cannot start.
"""

from __future__ import annotations

from ktp_ocr.bench.output import extract_fields
from ktp_ocr.bench.report import (
    compare_markdown,
    describe_machine,
    replace_section,
    section_name,
    summary_text,
    to_json,
    to_markdown,
    write_report,
)
from ktp_ocr.bench.run import (
    COMMAND_FAILED,
    COMMAND_TIMEOUT,
    SupportsRead,
    load_folder,
    run_bench,
    run_command,
    run_reader,
)
from ktp_ocr.bench.score import CardScore, Prediction, Truth, score_card
from ktp_ocr.bench.summary import BenchReport, GroupSummary, build_report, percentile

__all__ = [
    "COMMAND_FAILED",
    "COMMAND_TIMEOUT",
    "BenchReport",
    "CardScore",
    "GroupSummary",
    "Prediction",
    "SupportsRead",
    "Truth",
    "build_report",
    "compare_markdown",
    "describe_machine",
    "extract_fields",
    "load_folder",
    "percentile",
    "replace_section",
    "run_bench",
    "run_command",
    "run_reader",
    "score_card",
    "section_name",
    "summary_text",
    "to_json",
    "to_markdown",
    "write_report",
]
