"""Seeded synthetic cards with exact ground truth, and writing them to disk.

Card ``k`` of a run gets its own seed from ``(seed, condition, index within condition)``, so
it is the same card whatever ``n`` is and whichever machine draws it: nothing reads a global
random state, fonts and word lists ship with the package, JPEG quality is drawn per card.
"""

from __future__ import annotations

import json
import random
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ktp_ocr.regions.base import RegionRepository
from ktp_ocr.synth.augment import CONDITIONS, capture
from ktp_ocr.synth.identity import Identity, make_identity
from ktp_ocr.synth.render import RenderedCard, render_card
from ktp_ocr.synth.style import sample_style
from ktp_ocr.types import CARD_FIELDS, BBox, KtpCard, OcrLine

GENERATOR_VERSION = "1.0.0"
DEFAULT_TODAY = date(2026, 1, 1)
#: A card may be refused (a refusal is deserved, a reading is still scored) when its NIK or at
#: least this many of its 17 values are not wholly inside the photo.
MAY_REFUSE_OUTSIDE = 9
_FLOAT_DIGITS = 4


@dataclass(frozen=True)
class SynthCard:
    """One generated card: the captured image and everything true about it.

    ``lines`` and ``card_size`` refer to the flat upright card before capture; ``corners`` are
    that card's TL, TR, BR, BL corners in ``image``. ``jpeg`` holds the exact bytes ``image``
    was decoded from. ``outside`` names the card fields whose printed value is not wholly
    inside ``image`` (a corner of the card out of frame): no reader can read them from it.
    """

    id: str
    image: NDArray[np.uint8]
    truth: KtpCard
    condition: str
    corners: tuple[tuple[float, float], ...]
    lines: tuple[OcrLine, ...]
    card_size: tuple[int, int]
    meta: dict[str, Any]
    jpeg: bytes = field(default=b"", repr=False, compare=False)
    outside: tuple[str, ...] = ()

    @property
    def may_refuse(self) -> bool:
        """Whether a refusal is a true answer: too much of what the card prints is not shown."""
        scored = {f.value for f in CARD_FIELDS}
        hidden = scored.intersection(self.outside)
        return "nik" in hidden or len(hidden) >= MAY_REFUSE_OUTSIDE


def card_id(condition: str, index: int) -> str:
    """``scan-0001``: the condition and the 1-based index within it."""
    return f"{condition}-{index:04d}"


def _generators(seed: int, condition: str, index: int) -> tuple[random.Random, np.random.Generator]:
    entropy = [seed % 2**63, zlib.crc32(condition.encode("ascii")), index]
    sequence = np.random.SeedSequence(entropy)
    words = sequence.generate_state(4, dtype=np.uint32)
    python_seed = int.from_bytes(words.astype("<u4").tobytes(), "little")
    return random.Random(python_seed), np.random.default_rng(sequence.spawn(1)[0])


def _schedule(n: int, conditions: Sequence[str]) -> Iterator[tuple[str, int]]:
    """``(condition, index)`` for cards 0..n-1, conditions interleaved in the given order."""
    if not conditions:
        raise ValueError("at least one condition is needed")
    unknown = [c for c in conditions if c not in CONDITIONS]
    if unknown:
        raise ValueError(f"unknown conditions {unknown}; expected some of {CONDITIONS}")
    for k in range(n):
        yield conditions[k % len(conditions)], k // len(conditions) + 1


def _render(
    seed: int, condition: str, index: int, regions: RegionRepository, today: date
) -> tuple[Identity, RenderedCard, random.Random, np.random.Generator]:
    prng, rng = _generators(seed, condition, index)
    identity = make_identity(prng, regions, today)
    style = sample_style(prng, hard=condition == "hard")
    return identity, render_card(identity, style, rng), prng, rng


def make_card(
    seed: int, condition: str, index: int, *, regions: RegionRepository, today: date = DEFAULT_TODAY
) -> SynthCard:
    """Card ``index`` (1-based) of ``condition`` for ``seed``."""
    identity, rendered, prng, rng = _render(seed, condition, index, regions, today)
    shot = capture(rendered, condition, rng, prng)
    h, w = rendered.image.shape[:2]
    meta = {"identity": dict(identity.meta), **rendered.meta, "capture": shot.meta}
    return SynthCard(
        id=card_id(condition, index),
        image=shot.image,
        truth=identity.truth,
        condition=condition,
        corners=shot.corners,
        lines=rendered.lines,
        card_size=(w, h),
        meta=_jsonable(meta),
        jpeg=shot.jpeg,
        outside=outside_fields(rendered.value_boxes, (w, h), shot.corners, shot.image.shape),
    )


def outside_fields(
    boxes: dict[str, tuple[BBox, ...]],
    card_size: tuple[int, int],
    corners: Sequence[tuple[float, float]],
    image_shape: tuple[int, ...],
) -> tuple[str, ...]:
    """The fields of ``boxes`` (flat card pixels) not wholly inside the captured image.

    ``corners`` are where the flat card's TL, TR, BR, BL corners (``card_size`` = w, h) lie in
    the image of ``image_shape``; a field is outside when a corner of one of its boxes is.
    """
    w, h = card_size
    flat = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    homography = cv2.getPerspectiveTransform(flat, np.array(corners, np.float32))
    ih, iw = image_shape[:2]
    out = []
    for name, found in boxes.items():
        points = np.array(
            [[(b.x0, b.y0), (b.x1, b.y0), (b.x1, b.y1), (b.x0, b.y1)] for b in found], np.float32
        ).reshape(-1, 1, 2)
        placed = cv2.perspectiveTransform(points, homography).reshape(-1, 2)
        inside = (placed[:, 0] >= 0) & (placed[:, 0] < iw) & (placed[:, 1] >= 0)
        if not bool(np.all(inside & (placed[:, 1] < ih))):
            out.append(name)
    return tuple(sorted(out))


def generate(
    n: int,
    *,
    seed: int,
    regions: RegionRepository,
    conditions: Sequence[str] = CONDITIONS,
    today: date = DEFAULT_TODAY,
) -> Iterator[SynthCard]:
    """``n`` cards in total, split evenly across ``conditions`` in interleaved order."""
    for condition, index in _schedule(n, conditions):
        yield make_card(seed, condition, index, regions=regions, today=today)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, _FLOAT_DIGITS)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _lines_json(lines: Sequence[OcrLine]) -> list[dict[str, Any]]:
    return [
        {"text": line.text, "box": line.box.as_list(), "confidence": line.confidence}
        for line in lines
    ]


def card_record(card: SynthCard) -> dict[str, Any]:
    """The ``<id>.json`` content of a card."""
    h, w = card.image.shape[:2]
    return {
        "id": card.id,
        "condition": card.condition,
        "fields": card.truth.to_dict(),
        "corners": [list(c) for c in card.corners],
        "image_size": [w, h],
        "card_size": list(card.card_size),
        "lines": _lines_json(card.lines),
        "outside": list(card.outside),
        **({"may_refuse": True} if card.may_refuse else {}),
        "meta": card.meta,
    }


def _dump(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_dataset(
    out: Path,
    n: int,
    *,
    seed: int,
    regions: RegionRepository,
    conditions: Sequence[str] = CONDITIONS,
    today: date = DEFAULT_TODAY,
) -> Path:
    """Write ``<id>.jpg``, ``<id>.json`` and ``manifest.json`` into ``out``.

    Returns:
        The path of ``manifest.json``.
    """
    out.mkdir(parents=True, exist_ok=True)
    cards = []
    for card in generate(n, seed=seed, regions=regions, conditions=conditions, today=today):
        (out / f"{card.id}.jpg").write_bytes(card.jpeg)
        _dump(out / f"{card.id}.json", card_record(card))
        cards.append({"id": card.id, "condition": card.condition})
    manifest = out / "manifest.json"
    _dump(
        manifest,
        {
            "generator": "ktp_ocr.synth",
            "version": GENERATOR_VERSION,
            "seed": seed,
            "n": n,
            "conditions": list(conditions),
            "today": today.isoformat(),
            "cards": cards,
        },
    )
    return manifest


def write_golden(
    out: Path,
    n: int,
    *,
    seed: int,
    regions: RegionRepository,
    conditions: Sequence[str] = CONDITIONS,
    today: date = DEFAULT_TODAY,
) -> list[Path]:
    """Layout fixtures ``synth-<id>.json``: the flat card's OCR lines and the expected fields.

    The lines are those of the same cards :func:`write_dataset` draws (no image is written).
    """
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for condition, index in _schedule(n, conditions):
        identity, rendered, _, _ = _render(seed, condition, index, regions, today)
        h, w = rendered.image.shape[:2]
        path = out / f"synth-{card_id(condition, index)}.json"
        _dump(
            path,
            {
                "id": card_id(condition, index),
                "source": f"ktp_ocr.synth {GENERATOR_VERSION} seed={seed}",
                "card_size": [w, h],
                "lines": _lines_json(rendered.lines),
                "fields": identity.truth.to_dict(),
            },
        )
        paths.append(path)
    return paths
