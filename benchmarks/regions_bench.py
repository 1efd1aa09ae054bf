"""Region database benchmark: load time (SQLite, PostgreSQL) and card-matching latency.

    .venv/bin/python benchmarks/regions_bench.py [--cards 500] [--runs 5] [--seed 7]
        [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test] [--no-pg] [--json]

Cards are drawn (seeded) from the region data: every level's name as the card prints it, with
OCR noise on half of them (glyph confusions, glued words, one typo). Latency is per card, all
four levels, measured over ``--runs`` passes: the first pass is reported apart (cold caches).
PostgreSQL tables go to a throwaway schema that is dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from ktp_ocr.regions import MemoryRegionRepository, RegionCatalog, card_name, load_dataset
from ktp_ocr.regions.loader import init_db
from ktp_ocr.regions.match import match_card
from ktp_ocr.regions.sql import open_repository
from ktp_ocr.types import Region

SWAPS = {"O": "0", "I": "1", "L": "1", "S": "5", "B": "8"}


@dataclass(frozen=True)
class Card:
    nik_district: str
    names: tuple[str, str, str, str]
    truth: tuple[str, str, str, str]


def noisy(name: str, rng: random.Random) -> str:
    chars = [SWAPS.get(c, c) if rng.random() < 0.3 else c for c in name]
    out = "".join(chars)
    if " " in out and rng.random() < 0.3:
        out = out.replace(" ", "", 1)
    letters = [i for i, c in enumerate(out) if c.isalpha()]
    if len(out) >= 8 and letters and rng.random() < 0.3:
        i = rng.choice(letters)
        out = out[:i] + rng.choice("ABCDEFGHJKMNPQRTUVWXYZ") + out[i + 1 :]
    return out


def make_cards(n: int, seed: int) -> list[Card]:
    rng = random.Random(seed)
    data = load_dataset()
    by_code = {r.code: r for r in data.regions}
    villages = [r for r in data.regions if r.level == "kelurahan_desa"]
    cards = []
    for _ in range(n):
        village = rng.choice(villages)
        district = by_code[village.parent or ""]
        regency = by_code[district.parent or ""]
        province = by_code[regency.parent or ""]
        chain: tuple[Region, ...] = (province, regency, district, village)
        names = tuple(card_name(r) for r in chain)
        if rng.random() < 0.5:
            names = tuple(noisy(name, rng) for name in names)
        truth = tuple(r.code for r in chain)
        cards.append(Card(district.code, names, truth))  # type: ignore[arg-type]
    return cards


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(repo: RegionCatalog, cards: list[Card], runs: int, *, with_nik: bool) -> dict[str, Any]:
    cold: list[float] = []
    warm: list[float] = []
    correct = 0
    for i in range(runs):
        for c in cards:
            start = time.perf_counter()
            result = match_card(
                repo,
                nik_district=c.nik_district if with_nik else None,
                provinsi=c.names[0],
                kabupaten_kota=c.names[1],
                kecamatan=c.names[2],
                kelurahan_desa=c.names[3],
            )
            (cold if i == 0 else warm).append((time.perf_counter() - start) * 1000)
            if i == 0:
                got = tuple(m.region.code if m.region else None for m in result)
                correct += got == c.truth
    return {
        "cold_p50_ms": round(percentile(cold, 0.5), 3),
        "cold_p99_ms": round(percentile(cold, 0.99), 3),
        "p50_ms": round(percentile(warm or cold, 0.5), 3),
        "p99_ms": round(percentile(warm or cold, 0.99), 3),
        "mean_ms": round(statistics.fmean(warm or cold), 3),
        "all_four_levels_right": round(correct / len(cards), 4),
    }


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    report: dict[str, Any] = {"cards": args.cards, "runs": args.runs, "seed": args.seed}
    seconds, dataset = timed(load_dataset)
    report["dataset_build_s"] = round(seconds, 2)
    cards = make_cards(args.cards, args.seed)

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'regions.db'}"
        seconds, _ = timed(lambda: init_db(url))
        report["load_sqlite_s"] = round(seconds, 2)
        factories: dict[str, Callable[[], RegionCatalog]] = {
            "memory": lambda: MemoryRegionRepository(dataset),
            "sqlite": lambda: open_repository(url),
        }
        schema = None
        if not args.no_pg:
            schema = f"ktp_bench_{uuid.uuid4().hex[:8]}"
            seconds, _ = timed(lambda: init_db(args.pg, schema=schema))
            report["load_postgres_s"] = round(seconds, 2)
            factories["postgres"] = lambda: open_repository(args.pg, schema=schema)
        try:
            for name, factory in factories.items():
                for with_nik in (True, False):
                    repo = factory()  # fresh caches, so the first pass is really cold
                    key = f"match_{name}_{'nik' if with_nik else 'no_nik'}"
                    report[key] = run(repo, cards, args.runs, with_nik=with_nik)
                    close = getattr(repo, "close", None)
                    if close is not None:
                        close()
        finally:
            if schema is not None:
                engine = create_engine(args.pg)
                with engine.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                engine.dispose()

    if args.json:
        print(json.dumps(report, indent=2))
        return
    for key, value in report.items():
        print(f"{key:28} {value}")


if __name__ == "__main__":
    main()
