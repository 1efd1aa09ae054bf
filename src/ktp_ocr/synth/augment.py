"""Capture a flat card the way cards really arrive: a scan, a phone photo, or a hard photo.

* ``scan``: flat on a white/grey scanner bed, nearly axis-aligned, mild blur/noise, JPEG 75-95.
* ``photo``: on a procedural surface (wood, fabric, bedsheet, desk with paper clutter,
  keyboard, marble), any rotation and a perspective tilt, 25-80 % of the frame, uneven light,
  colour cast, defocus, noise, phone sharpening, JPEG 60-90, sometimes a sleeve or a thumb.
* ``hard``: photo effects plus two to four of glare, motion blur, dim light with strong noise,
  low resolution, a small card, a corner out of frame, photocopy, screen moire; JPEG 30-50.

The card keeps its exact geometry: ``corners`` are the upright card's TL, TR, BR, BL corners
in the output image (they may lie outside it).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ktp_ocr.synth import effects, scenes, vocab
from ktp_ocr.synth.render import RenderedCard

CONDITIONS = ("scan", "photo", "hard")
# Hard effects and how often each is drawn (a photocopy or a screen is the rarer case).
HARD_EFFECTS: dict[str, float] = {
    "glare": 1.0,
    "motion_blur": 1.0,
    "dim": 1.0,
    "low_res": 1.0,
    "small": 1.0,
    "out_of_frame": 1.0,
    "photocopy": 0.45,
    "moire": 0.55,
}
FloatImage = NDArray[np.float32]
Quad = NDArray[np.float64]


@dataclass(frozen=True)
class Capture:
    """The captured image (decoded JPEG), its JPEG bytes and where the card lies in it."""

    image: NDArray[np.uint8]
    jpeg: bytes
    corners: tuple[tuple[float, float], ...]
    meta: dict[str, Any]


def _card_points(w: int, h: int) -> Quad:
    return np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)


def _quad_area(q: Quad) -> float:
    x, y = q[:, 0], q[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def _roll(rng: random.Random) -> float:
    """In-plane rotation: mostly upright, often 90/180/270, sometimes anything."""
    if rng.random() < 0.12:
        return rng.uniform(0, 360)
    base = rng.choices([0, 90, 180, 270], [55, 15, 15, 15])[0]
    return (base + rng.gauss(0, 6)) % 360


def _project(w: int, h: int, roll: float, pitch: float, yaw: float, focal: float) -> Quad:
    """The card's corners after a 3-D tilt and a pinhole projection (card-width units)."""
    pts = _card_points(w, h) - (w / 2, h / 2)
    pts3 = np.concatenate([pts / w, np.zeros((4, 1))], axis=1)
    a, b, c = math.radians(pitch), math.radians(yaw), math.radians(roll)
    rx = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    ry = np.array([[math.cos(b), 0, math.sin(b)], [0, 1, 0], [-math.sin(b), 0, math.cos(b)]])
    rz = np.array([[math.cos(c), -math.sin(c), 0], [math.sin(c), math.cos(c), 0], [0, 0, 1]])
    p = pts3 @ (rz @ ry @ rx).T
    return np.asarray(focal * p[:, :2] / (focal + p[:, 2:3]), dtype=np.float64)


def _frame_size(rng: random.Random, low: int, high: int) -> tuple[int, int]:
    long_side = int(min(high, low + rng.expovariate(1 / ((high - low) * 0.22))))
    ratio = rng.choices([4 / 3, 16 / 9, 1.0, 3 / 2], [6, 2, 1, 1])[0]
    short = round(long_side / ratio)
    return (long_side, short) if rng.random() < 0.6 else (short, long_side)


def _place(rng: random.Random, quad: Quad, size: tuple[int, int], area: float) -> Quad:
    """Scale ``quad`` to cover ``area`` of the frame and move it to a random spot inside."""
    fw, fh = size
    quad = quad * math.sqrt(area * fw * fh / _quad_area(quad))
    lo, hi = quad.min(axis=0), quad.max(axis=0)
    span = hi - lo
    if span[0] > fw * 0.98 or span[1] > fh * 0.98:
        quad = quad * min(fw * 0.98 / span[0], fh * 0.98 / span[1])
        lo, hi = quad.min(axis=0), quad.max(axis=0)
        span = hi - lo
    x = rng.uniform(0, max(0.0, fw - span[0])) - lo[0]
    y = rng.uniform(0, max(0.0, fh - span[1])) - lo[1]
    return np.asarray(quad + np.array([x, y]), dtype=np.float64)


def _out_of_frame(rng: random.Random, quad: Quad, size: tuple[int, int]) -> Quad:
    """Slide the card so one corner (mostly on the photo side) leaves the frame a little.

    The move is perpendicular to the frame edge nearest that corner, just far enough for the
    corner to cross it by 3-10 % of the card width (2-5 % on the text side).
    """
    corner = rng.choices([0, 1, 2, 3], [1, 3, 3, 1])[0]
    side = float(np.linalg.norm(quad[1] - quad[0]))
    over = side * (rng.uniform(0.03, 0.1) if corner in (1, 2) else rng.uniform(0.02, 0.05))
    fw, fh = size
    x, y = quad[corner]
    gaps = {(-1, 0): x, (1, 0): fw - x, (0, -1): y, (0, 1): fh - y}
    (dx, dy), gap = min(gaps.items(), key=lambda item: item[1])
    return np.asarray(quad + np.array([dx, dy]) * (gap + over), dtype=np.float64)


def _warp(
    card: RenderedCard, quad: Quad, size: tuple[int, int]
) -> tuple[FloatImage, FloatImage, NDArray[np.float64]]:
    """The card image and alpha warped onto ``quad`` in a frame of ``size``; and the homography."""
    h, w = card.image.shape[:2]
    src_img, src_alpha = card.image, card.alpha
    shrink = math.sqrt(_quad_area(quad) / (w * h))
    src = _card_points(w, h)
    if shrink < 0.7:
        sw, sh = max(8, round(w * shrink * 1.2)), max(8, round(h * shrink * 1.2))
        src_img = np.asarray(cv2.resize(src_img, (sw, sh), interpolation=cv2.INTER_AREA), np.uint8)
        src_alpha = np.asarray(
            cv2.resize(src_alpha, (sw, sh), interpolation=cv2.INTER_AREA), np.float32
        )
        src = _card_points(sw, sh)
    m = cv2.getPerspectiveTransform(src.astype(np.float32), quad.astype(np.float32))
    img = cv2.warpPerspective(
        src_img, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT
    )
    alpha = cv2.warpPerspective(src_alpha, m, size, flags=cv2.INTER_LINEAR)
    full = cv2.getPerspectiveTransform(
        _card_points(w, h).astype(np.float32), quad.astype(np.float32)
    )
    return img.astype(np.float32), np.asarray(alpha, dtype=np.float32), np.asarray(full, np.float64)


def _map(m: NDArray[np.float64], pts: NDArray[np.float64]) -> NDArray[np.float64]:
    out = cv2.perspectiveTransform(pts.reshape(-1, 1, 2).astype(np.float64), m)
    return np.asarray(out.reshape(-1, 2), dtype=np.float64)


def _thumb_polygon(
    rng: random.Random, card: RenderedCard, m: NDArray[np.float64]
) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
    """A thumb reaching over one card corner without covering text: finger and nail polygons."""
    h, w = card.image.shape[:2]
    corner = np.array(rng.choice([(0, 0), (w, 0), (w, h), (0, h)]), np.float64)
    inward = np.array([w / 2, h / 2]) - corner
    angle = math.atan2(inward[1], inward[0]) + math.radians(rng.uniform(-25, 25))
    d = np.array([math.cos(angle), math.sin(angle)])
    n = np.array([-d[1], d[0]])
    width = w * rng.uniform(0.09, 0.13)
    for depth in (0.14, 0.11, 0.08, 0.06, 0.04):
        tip = corner + d * w * depth
        base = corner - d * w * 0.5
        arc = [
            tip + (n * math.cos(t) + d * math.sin(t)) * width / 2
            for t in np.linspace(0, math.pi, 12)
        ]
        finger = np.array([base + n * width * 0.6, *arc, base - n * width * 0.6])
        if not any(_hits(finger, line.box) for line in card.lines):
            nail_c = tip - d * width * 0.45
            nail = np.array(
                [
                    nail_c + (n * math.cos(t) * 0.32 + d * math.sin(t) * 0.4) * width
                    for t in np.linspace(0, 2 * math.pi, 16)
                ]
            )
            return (
                np.asarray(_map(m, finger).round(), dtype=np.int32),
                np.asarray(_map(m, nail).round(), dtype=np.int32),
            )
    return np.zeros((0, 2), np.int32), np.zeros((0, 2), np.int32)


def _hits(poly: NDArray[np.float64], box: Any) -> bool:
    pad = 4.0
    xs, ys = poly[:, 0], poly[:, 1]
    inside = (xs > box.x0 - pad) & (xs < box.x1 + pad) & (ys > box.y0 - pad) & (ys < box.y1 + pad)
    if inside.any():
        return True
    corners = np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1], [box.x0, box.y1]])
    contour = poly.astype(np.float32).reshape(-1, 1, 2)
    return any(cv2.pointPolygonTest(contour, (float(x), float(y)), False) >= 0 for x, y in corners)


def capture(
    card: RenderedCard, condition: str, rng: np.random.Generator, prng: random.Random
) -> Capture:
    """Photograph or scan ``card`` under ``condition`` (one of :data:`CONDITIONS`)."""
    if condition == "scan":
        return _scan(card, rng, prng)
    if condition not in ("photo", "hard"):
        raise ValueError(f"unknown condition {condition!r}; expected one of {CONDITIONS}")
    hard = condition == "hard"
    chosen: set[str] = set()
    if hard:
        pool = dict(HARD_EFFECTS)
        for _ in range(prng.randint(2, 4)):
            chosen.add(vocab.weighted(prng, pool))
            pool = {k: v for k, v in pool.items() if k not in chosen}
    return _photo(card, rng, prng, chosen)


def _scan(card: RenderedCard, rng: np.random.Generator, prng: random.Random) -> Capture:
    h, w = card.image.shape[:2]
    scale = prng.uniform(0.85, 1.25)
    margin = [prng.uniform(0.03, 0.2) * w * scale for _ in range(4)]
    size = (round(w * scale + margin[0] + margin[1]), round(h * scale + margin[2] + margin[3]))
    angle = math.radians(prng.uniform(-2, 2))
    pts = (_card_points(w, h) - (w / 2, h / 2)) * scale
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    quad = pts @ rot.T + (margin[0] + w * scale / 2, margin[2] + h * scale / 2)
    bed = scenes.scanner_bed(rng, *size)
    img, alpha, _ = _warp(card, quad, size)
    bed = effects.drop_shadow(rng, bed, alpha, 0.3)
    out = effects.composite(bed, img, alpha)
    out = effects.defocus(out, prng.uniform(0.3, 0.8))
    out = effects.sensor_noise(rng, out, prng.uniform(0.5, 2.5))
    quality = prng.randint(75, 95)
    meta = {
        "scale": round(scale, 3),
        "angle": round(math.degrees(angle), 2),
        "jpeg_quality": quality,
    }
    return _finish(out, quad, quality, meta)


def _finish(out: FloatImage, quad: Quad, quality: int, meta: dict[str, Any]) -> Capture:
    data = effects.jpeg(out, quality)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    corners = tuple((round(float(x), 2), round(float(y), 2)) for x, y in quad)
    return Capture(np.asarray(image, dtype=np.uint8), data, corners, meta)


def _photo(
    card: RenderedCard, rng: np.random.Generator, prng: random.Random, hard: set[str]
) -> Capture:
    meta: dict[str, Any] = {"hard_effects": sorted(hard)}
    if "photocopy" in hard:
        copy = effects.to_uint8(effects.photocopy(rng, card.image.astype(np.float32)))
        card = RenderedCard(copy, card.alpha, card.lines, card.meta)
    size = _frame_size(prng, 1280, 4000)
    area = prng.uniform(0.1, 0.2) if "small" in hard else prng.uniform(0.25, 0.8)
    h, w = card.image.shape[:2]
    roll, pitch, yaw = _roll(prng), prng.gauss(0, 12), prng.gauss(0, 12)
    quad = _place(prng, _project(w, h, roll, pitch, yaw, prng.uniform(1.2, 3.0)) * w, size, area)
    if "out_of_frame" in hard:
        quad = _out_of_frame(prng, quad, size)
    kind = vocab.weighted(prng, scenes.SCENES)
    meta.update(
        scene=kind,
        frame=list(size),
        roll=round(roll, 1),
        pitch=round(pitch, 1),
        yaw=round(yaw, 1),
        area=round(area, 3),
    )
    out = scenes.scene(rng, prng, kind, *size)
    img, alpha, m = _warp(card, quad, size)
    side = float(np.linalg.norm(quad[1] - quad[0]))
    out = effects.drop_shadow(rng, out, alpha, side / 1000)
    out = effects.composite(out, img, alpha)
    out = _photo_extras(card, rng, prng, out, quad, m, meta)
    if "glare" in hard:
        meta["glare_spots"] = prng.randint(1, 3)
        out = effects.glare(rng, out, quad, alpha, count=meta["glare_spots"])
    out = effects.uneven_light(rng, out, depth=prng.uniform(0.1, 0.6))
    out = effects.colour_cast(rng, out)
    if "low_res" in hard:
        k = min(1.0, prng.uniform(350, 550) / side)
        small = (max(16, round(size[0] * k)), max(16, round(size[1] * k)))
        out = np.asarray(cv2.resize(out, small, interpolation=cv2.INTER_AREA), dtype=np.float32)
        quad, side = quad * (small[0] / size[0], small[1] / size[1]), side * small[0] / size[0]
        meta["low_res_card_width"] = round(side)
    out = _lens(rng, prng, out, side / 1000, hard, meta)
    if "moire" in hard:
        out = effects.moire(rng, out)
    if prng.random() < 0.6:
        out = effects.sharpen(out, prng.uniform(0.3, 1.2), prng.uniform(0.8, 2.0))
    quality = prng.randint(30, 50) if hard else prng.randint(60, 90)
    meta["jpeg_quality"] = quality
    return _finish(out, quad, quality, meta)


def _photo_extras(
    card: RenderedCard,
    rng: np.random.Generator,
    prng: random.Random,
    out: FloatImage,
    quad: Quad,
    m: NDArray[np.float64],
    meta: dict[str, Any],
) -> FloatImage:
    """Sometimes a plastic sleeve and sometimes a thumb over a corner."""
    h, w = card.image.shape[:2]
    if prng.random() < 0.25:
        grow = prng.uniform(0.02, 0.07) * w
        outer = _card_points(w, h) + np.array(
            [[-grow, -grow], [grow, -grow], [grow, grow], [-grow, grow]]
        )
        out = effects.sleeve(rng, out, _map(m, outer), quad)
        meta["sleeve"] = True
    if prng.random() < 0.2:
        finger, nail = _thumb_polygon(prng, card, m)
        if len(finger):
            out = effects.thumb(rng, out, finger, nail)
            meta["thumb"] = True
    return out


def _lens(
    rng: np.random.Generator,
    prng: random.Random,
    out: FloatImage,
    unit: float,
    hard: set[str],
    meta: dict[str, Any],
) -> FloatImage:
    """Defocus, shake, dim light and noise; ``unit`` is the card width in the frame / 1000."""
    sigma = prng.uniform(0.2, 1.0) * unit
    out = effects.defocus(out, sigma)
    meta["defocus"] = round(sigma, 2)
    if "motion_blur" in hard:
        length = max(2, round(prng.uniform(3, 8) * unit))
        out = effects.motion_blur(rng, out, length)
        meta["motion_blur"] = length
    noise = prng.uniform(1.5, 5)
    if "dim" in hard:
        factor = prng.uniform(0.35, 0.6)
        out = effects.dim(out, factor)
        noise = prng.uniform(6, 13)
        meta["dim"] = round(factor, 2)
    out = effects.sensor_noise(rng, out, noise)
    meta["noise"] = round(noise, 2)
    return out
