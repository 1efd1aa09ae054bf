"""The ``ktp-ocr`` command: thin glue from arguments to library calls.

Errors are translated to exit codes in one place, :func:`main`.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shlex
import sys
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from ktp_ocr.config import Settings
from ktp_ocr.errors import KtpError
from ktp_ocr.heap import return_large_blocks
from ktp_ocr.types import CARD_FIELDS, FieldName, ReadResult, result_to_dict

log = logging.getLogger("ktp_ocr.cli")

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif"})


def _images(paths: Sequence[str]) -> Iterator[Path]:
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
            )
        else:
            yield path


def _error_dict(image: Path, error: KtpError) -> dict[str, Any]:
    return {"image": str(image), "error": {"code": error.code, "message": error.message}}


#: A value read with less confidence than this is marked ``!`` in the table (``?``: not sure).
LOW_CONFIDENCE = 0.8


def _print_table(image: Path, result: ReadResult, out: TextIO) -> None:
    out.write(f"{image}  (score {result.score:.0f}/100)\n")
    for name in (*CARD_FIELDS, FieldName.TEMPAT_TERBIT, FieldName.TANGGAL_TERBIT):
        fv = result.fields.get(name)
        if fv is None:
            continue
        value = "-- unreadable --" if fv.value is None else str(fv.value)
        flag = ""
        if fv.value is not None and not result.is_sure(name):
            flag = "  !" if fv.confidence < LOW_CONFIDENCE else "  ?"
        out.write(f"  {name.value:<18} {value:<40} {fv.confidence:5.2f}{flag}\n")
    out.write("  (? not sure: an issue or a quality verdict on it; ! low confidence)\n")
    for check in result.checks:
        if check.passed is False:
            out.write(f"  check {check.code}: {check.message}\n")
    for verdict in result.quality:
        out.write(f"  quality {verdict.code}: {verdict.message}\n")
    out.write("\n")


def _cmd_scan(args: argparse.Namespace, settings: Settings) -> int:
    from ktp_ocr.pipeline import build_reader

    if args.engine:
        settings = settings.model_copy(update={"ocr_engine": args.engine})
    if args.ensemble:
        settings = settings.model_copy(update={"ensemble": True})
    images = list(_images(args.images))
    reader = build_reader(settings)
    sink = Path(args.jsonl).open("w", encoding="utf-8") if args.jsonl else None  # noqa: SIM115
    status = 0
    progress = _progress(images, enabled=sys.stderr.isatty() and (len(images) > 1))
    try:
        for image in progress:
            try:
                result = reader.read(image)
            except KtpError as error:
                status = status or error.exit_code
                obj = _error_dict(image, error)
                if not (args.json or sink):
                    sys.stdout.write(f"{image}: {error.code}: {error.message}\n\n")
            else:
                obj = {"image": str(image), **result_to_dict(result)}
                if not (args.json or sink):
                    _print_table(image, result, sys.stdout)
            if args.json:
                sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")
            if sink:
                sink.write(json.dumps(obj, ensure_ascii=False) + "\n")
    finally:
        if sink:
            sink.close()
    return status


def _progress(items: list[Path], *, enabled: bool) -> Any:
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, unit="card", file=sys.stderr)


def _cmd_synth(args: argparse.Namespace, settings: Settings) -> int:
    from ktp_ocr.regions.sql import open_repository
    from ktp_ocr.synth import write_dataset

    conditions = [c.strip() for c in args.conditions.split(",") if c.strip()]
    manifest = write_dataset(
        Path(args.out),
        args.n,
        seed=args.seed,
        regions=open_repository(settings.database_url),
        conditions=conditions,
    )
    sys.stdout.write(f"wrote {args.n} cards; manifest: {manifest}\n")
    return 0


def _section_name(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9._-]+", text):
        raise argparse.ArgumentTypeError("use letters, digits, '.', '_' and '-'")
    return text


def _cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from ktp_ocr import bench

    if args.ensemble:
        settings = settings.model_copy(update={"ensemble": True})
    engines = [e.strip() for e in args.engine.split(",")] if args.engine else [None]
    reports: dict[str, bench.BenchReport] = {}
    for engine in engines if not args.command else [None]:
        report = bench.run_bench(
            args.folder, engine=engine, command=args.command, limit=args.limit, settings=settings
        )
        reports[report.source] = report
        if args.json:
            sys.stdout.write(json.dumps(bench.to_json(report), ensure_ascii=False, indent=2) + "\n")
        else:
            sys.stdout.write(bench.summary_text(report) + "\n")
        if args.report:
            section = bench.section_name(report)
            if args.section:  # one section per engine under the caller's name
                section = args.section if len(engines) == 1 else f"{args.section}-{section}"
            title = f"Benchmark: {report.source}" + (f" ({args.section})" if args.section else "")
            markdown = bench.to_markdown(
                report,
                title=title,
                command=shlex.join(["ktp-ocr", "bench", *sys.argv[2:]]),
                machine=bench.describe_machine(),
            )
            bench.write_report(args.report, markdown, section=section)
    if args.report and len(reports) > 1:
        name = f"{args.section}-comparison" if args.section else "comparison"
        bench.write_report(args.report, bench.compare_markdown(reports), section=name)
    return 0


def _cmd_db_init(args: argparse.Namespace, settings: Settings) -> int:
    from ktp_ocr.regions.sql import init_db

    report = init_db(args.url or settings.database_url)
    sys.stdout.write(f"{report}\n")
    return 0


def _cmd_nik(args: argparse.Namespace, settings: Settings) -> int:
    from ktp_ocr.nik_info import describe_nik
    from ktp_ocr.regions.sql import open_repository

    info = describe_nik(args.nik, open_repository(settings.database_url), today=date.today())
    if args.json:
        sys.stdout.write(json.dumps(info.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        for key, value in info.to_dict().items():
            sys.stdout.write(f"{key:<16} {value}\n")
    return 0 if info.valid else 2


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from ktp_ocr.api.server import serve

    return serve(settings, host=args.host, port=args.port, workers=args.workers)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ktp-ocr", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    scan = sub.add_parser("scan", help="read KTP images (files or folders)")
    scan.add_argument("images", nargs="+", metavar="IMAGE_OR_DIR")
    mode = scan.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="one JSON object per image on stdout")
    mode.add_argument("--jsonl", metavar="OUT", help="write one JSON object per line to OUT")
    scan.add_argument("--engine", help="OCR engine (rapidocr, tesseract)")
    scan.add_argument(
        "--ensemble", action="store_true", help="re-read an unsure NIK with the second engine"
    )
    scan.set_defaults(func=_cmd_scan)

    synth = sub.add_parser("synth", help="generate labelled synthetic KTP images")
    synth.add_argument("--out", required=True)
    synth.add_argument("--n", type=int, default=30, help="number of cards in all")
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--conditions", default="scan,photo,hard")
    synth.set_defaults(func=_cmd_synth)

    bench = sub.add_parser("bench", help="measure accuracy and speed on a labelled folder")
    bench.add_argument("folder")
    bench.add_argument("--report", help="write/update a Markdown report (e.g. docs/benchmarks.md)")
    bench.add_argument("--json", action="store_true", help="machine-readable report on stdout")
    bench.add_argument("--engine", help="engine, or several separated by commas to compare")
    bench.add_argument("--command", help="score another program: 'prog --flag {image}'")
    bench.add_argument("--limit", type=int, help="read only the first N images")
    bench.add_argument(
        "--ensemble", action="store_true", help="re-read an unsure NIK with the second engine"
    )
    bench.add_argument(
        "--section",
        type=_section_name,
        help="name of the report's section (default: the engine's), e.g. for another card set",
    )
    bench.set_defaults(func=_cmd_bench)

    db = sub.add_parser("db", help="region database")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    init = db_sub.add_parser("init", help="create the tables and load the region data")
    init.add_argument("--url", help="SQLAlchemy URL (default: KTP_DATABASE_URL / DATABASE_URL)")
    init.set_defaults(func=_cmd_db_init)

    nik = sub.add_parser("nik", help="decode and validate a NIK")
    nik.add_argument("nik")
    nik.add_argument("--json", action="store_true")
    nik.set_defaults(func=_cmd_nik)

    serve = sub.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2)
    serve.set_defaults(func=_cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code (see ``docs/errors.md``)."""
    args = _parser().parse_args(argv)
    return_large_blocks()
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        settings = Settings()
        code: int = args.func(args, settings)
    except KtpError as error:
        sys.stderr.write(f"ktp-ocr: {error.code}: {error.message}\n")
        return error.exit_code
    except (OSError, ValueError) as error:
        sys.stderr.write(f"ktp-ocr: {error}\n")
        return 2
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
