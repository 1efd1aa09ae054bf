"""``python -m ktp_ocr.synth --out DIR --n N --seed S --conditions scan,photo,hard [--golden]``.

Writes a seeded synthetic dataset (``<id>.jpg``, ``<id>.json``, ``manifest.json``) or, with
``--golden``, layout fixtures (``synth-<id>.json``: OCR lines plus expected fields). Regions
come from the package's built-in region data.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ktp_ocr.synth.augment import CONDITIONS
from ktp_ocr.synth.dataset import DEFAULT_TODAY, write_dataset, write_golden

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ktp_ocr.synth", description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--n", type=int, default=30, help="number of cards in total")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument(
        "--conditions",
        default=",".join(CONDITIONS),
        help="comma-separated capture conditions, interleaved (default: scan,photo,hard)",
    )
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=DEFAULT_TODAY,
        help="reference date for ages and issue dates (YYYY-MM-DD)",
    )
    parser.add_argument(
        "--golden",
        action="store_true",
        help="write OCR-line fixtures for layout tests instead of images",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    conditions = [c.strip() for c in args.conditions.split(",") if c.strip()]
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from ktp_ocr.regions import memory_repository  # the region data loads on first use

    regions = memory_repository()
    started = time.perf_counter()
    try:
        if args.golden:
            paths = write_golden(
                args.out,
                args.n,
                seed=args.seed,
                regions=regions,
                conditions=conditions,
                today=args.today,
            )
            result = f"{len(paths)} fixtures in {args.out}"
        else:
            manifest = write_dataset(
                args.out,
                args.n,
                seed=args.seed,
                regions=regions,
                conditions=conditions,
                today=args.today,
            )
            result = str(manifest)
    except ValueError as exc:
        log.error("%s", exc)
        return 2
    elapsed = time.perf_counter() - started
    log.info("%d cards in %.1f s (%.1f cards/s)", args.n, elapsed, args.n / max(elapsed, 1e-9))
    sys.stdout.write(result + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
