"""Write synthetic KTP photos with exact labels, from a generator independent of ``ktp_ocr.synth``.

Usage::

    .venv/bin/python benchmarks/second_source/make_cards.py --out bench-out/second --n 90 --seed 7

Each card is ``<condition>-<NNNN>.jpg`` with a ``.json`` label beside it, for ``ktp-ocr bench``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

import capture
import card_face
import degrade
import people

CONDITIONS = ("scan", "photo", "hard")


def _split(n: int) -> list[tuple[str, int]]:
    """A third of ``n`` per condition (the first ones take any remainder), numbered from 1."""
    out: list[tuple[str, int]] = []
    for i, condition in enumerate(CONDITIONS):
        count = n // 3 + (1 if i < n % 3 else 0)
        out += [(condition, k) for k in range(1, count + 1)]
    return out


def make_card(condition: str, number: int, seed: int) -> tuple[capture.Shot, dict[str, object]]:
    """One card: its own random streams derived from the seed, condition and number."""
    rng = random.Random(f"{seed}:{condition}:{number}")
    nrng = np.random.default_rng([seed, CONDITIONS.index(condition), number])
    faults = degrade.pick_faults(rng) if condition == "hard" else ()
    holder = people.random_holder(rng)
    style = card_face.random_style(rng, faded="faded" in faults)
    face = card_face.render(holder, style, rng, nrng)
    if condition == "scan":
        shot = capture.scan(face, rng, nrng)
    else:
        shot = capture.photo(face, rng, nrng, faults)
    card_id = f"{condition}-{number:04d}"
    label = {"id": card_id, "condition": condition, "fields": people.label_fields(holder)}
    return shot, label


def write(out: Path, n: int, seed: int) -> None:
    """Write ``n`` cards and their labels into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for condition, number in _split(n):
        shot, label = make_card(condition, number, seed)
        stem = out / str(label["id"])
        Image.fromarray(shot.image).save(stem.with_suffix(".jpg"), quality=shot.quality)
        text = json.dumps(label, ensure_ascii=False, indent=1)
        stem.with_suffix(".json").write_text(text + "\n", encoding="utf-8")
        print(f"{label['id']}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--n", type=int, default=90, help="number of cards (a third per condition)")
    parser.add_argument("--seed", type=int, default=7, help="random seed")
    args = parser.parse_args(argv)
    write(args.out, args.n, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
