"""Card detection benchmark: corner error, IoU and time per photo, per condition.

    .venv/bin/python benchmarks/detect_bench.py [-n 60] [--seed 7] [--threads 1] [--json out.json]

Cards come from ``ktp_ocr.synth`` (conditions scan / photo / hard, plus the hard effect names in
each card's ``meta``) and, with ``--scenes``, also from the imaging tests' own scene generator
(backgrounds x rotations x troubles). Corner error is the largest corner distance, as a share of
the true card width, after matching the detection's corners to the truth up to a 180-degree turn
(detection does not decide 0 vs 180). A detection "hits" when that error is under 3%. Time is
the CPU time of ``find_card`` alone (decoding excluded), with OpenCV limited to ``--threads``.
Not part of the unit tests.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ktp_ocr.imaging.detect import find_card

HIT = 0.03
ROOT = Path(__file__).resolve().parents[1]


def corner_error(det: np.ndarray, truth: np.ndarray) -> float:
    truth = truth.astype(np.float64)
    width = float(np.linalg.norm(truth[1] - truth[0]))
    best = min(
        float(np.max(np.linalg.norm(np.roll(det, -s, axis=0) - truth, axis=1))) for s in (0, 2)
    )
    # also allow the other diagonal start when the truth's first side is its short side
    best = min(
        best,
        min(
            float(np.max(np.linalg.norm(np.roll(det, -s, axis=0) - truth, axis=1))) for s in (1, 3)
        ),
    )
    return best / width


def iou(a: np.ndarray, b: np.ndarray, shape: tuple[int, int]) -> float:
    h, w = shape
    pad = max(h, w)
    ma = np.zeros((h + 2 * pad, w + 2 * pad), np.uint8)
    mb = np.zeros_like(ma)
    cv2.fillConvexPoly(ma, np.rint(a + pad).astype(np.int32), 1)
    cv2.fillConvexPoly(mb, np.rint(b + pad).astype(np.int32), 1)
    inter = np.count_nonzero(ma & mb)
    union = np.count_nonzero(ma | mb)
    return inter / union if union else 0.0


def synth_cards(n: int, seed: int) -> Iterator[tuple[str, np.ndarray, np.ndarray, list[str]]]:
    from ktp_ocr.regions import memory_repository
    from ktp_ocr.synth import generate

    for card in generate(n, seed=seed, regions=memory_repository()):
        capture = card.meta.get("capture", {})
        effects = list(capture.get("hard_effects", []))
        effects += [k for k in ("sleeve", "thumb") if capture.get(k)]
        yield card.condition, card.image, np.asarray(card.corners, np.float64), effects


def scene_cards(n: int, seed: int) -> Iterator[tuple[str, np.ndarray, np.ndarray, list[str]]]:
    path = ROOT / "tests" / "unit" / "test_imaging_scenes.py"
    spec = importlib.util.spec_from_file_location("imaging_scenes", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    troubles: dict[str, dict[str, Any]] = {
        "scene-clean": {},
        "scene-rotated": {"rotation": "any"},
        "scene-perspective": {"perspective": 0.12, "rotation": "small"},
        "scene-shadow": {"shadow": True, "rotation": "small"},
        "scene-glare": {"glare": True},
        "scene-blur": {"blur": 3.0, "rotation": "small"},
        "scene-noise": {"noise": 12, "jpeg": 40},
        "scene-small": {"card_fraction": 0.1, "rotation": "any"},
        "scene-haze": {"haze": True, "rotation": "small"},
        "scene-lowres": {"size": (480, 360), "rotation": "small"},
    }
    per = max(1, n // len(troubles))
    for k, (name, kw) in enumerate(troubles.items()):
        for i in range(per):
            rng = np.random.default_rng([seed, k, i])
            kw2 = dict(kw)
            r = kw2.pop("rotation", 0)
            rot = rng.uniform(-180, 180) if r == "any" else rng.uniform(-15, 15) if r else 0.0
            bg = mod.BACKGROUNDS[i % len(mod.BACKGROUNDS)]
            s = mod.render_scene(rng, background=bg, rotation=rot, **kw2)
            yield name, s.image, s.corners.astype(np.float64), []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=60, help="synthetic cards (split over conditions)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=1, help="OpenCV threads (0 = default)")
    ap.add_argument("--scenes", action="store_true", help="also the tests' scene generator")
    ap.add_argument("--no-synth", action="store_true", help="skip ktp_ocr.synth cards")
    ap.add_argument("--json", type=Path, help="write the per-condition figures here")
    args = ap.parse_args(argv)
    if args.threads:
        cv2.setNumThreads(args.threads)

    sources: list[Iterator[tuple[str, np.ndarray, np.ndarray, list[str]]]] = []
    if not args.no_synth:
        sources.append(synth_cards(args.n, args.seed))
    if args.scenes:
        sources.append(scene_cards(args.n, args.seed))

    rows: dict[str, list[tuple[float, float, float, bool]]] = defaultdict(list)
    for source in sources:
        for condition, image, truth, tags in source:
            find_card(image[:8, :8])  # keep first-call set-up out of the timing
            t0 = time.thread_time()
            det = find_card(image)
            ms = (time.thread_time() - t0) * 1000
            if det is None:
                err, ov = float("inf"), 0.0
            else:
                q = det.quad.astype(np.float64)
                err, ov = corner_error(q, truth), iou(q, truth, image.shape[:2])
            for key in [condition, *(f"{condition}+{t}" for t in tags)]:
                rows[key].append((err, ov, ms, det is not None))

    report = {}
    print(
        f"{'condition':28s} {'n':>4s} {'found':>6s} {'hit<3%':>7s} {'err med':>8s} "
        f"{'err p90':>8s} {'IoU':>6s} {'ms med':>7s} {'ms p90':>7s}"
    )
    for key in sorted(rows):
        r = rows[key]
        errs = [e for e, _, _, _ in r]
        finite = [e for e in errs if e != float("inf")] or [float("inf")]
        times = [t for _, _, t, _ in r]
        fig = {
            "n": len(r),
            "found": sum(f for *_, f in r) / len(r),
            "hit": sum(e < HIT for e in errs) / len(r),
            "err_median": statistics.median(finite),
            "err_p90": float(np.percentile([min(e, 9.99) for e in errs], 90)),
            "iou_mean": statistics.fmean(o for _, o, _, _ in r),
            "ms_median": statistics.median(times),
            "ms_p90": float(np.percentile(times, 90)),
        }
        report[key] = fig
        print(
            f"{key:28s} {fig['n']:4d} {fig['found']:6.0%} {fig['hit']:7.0%} "
            f"{fig['err_median']:8.2%} {fig['err_p90']:8.2%} {fig['iou_mean']:6.3f} "
            f"{fig['ms_median']:7.1f} {fig['ms_p90']:7.1f}"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
