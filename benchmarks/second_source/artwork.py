"""Pictorial parts of the card: security print, watermark, photo, signature and hologram."""

from __future__ import annotations

import math
import random

import cv2
import numpy as np
from PIL import Image, ImageDraw

Color = tuple[int, int, int]


def _jitter(rng: random.Random, color: Color, amount: int) -> Color:
    r, g, b = (min(255, max(0, c + rng.randint(-amount, amount))) for c in color)
    return (r, g, b)


def _blend(img: np.ndarray, mask: np.ndarray, color: Color, alpha: float) -> None:
    """In place: ``img`` toward ``color`` where the uint8 ``mask`` is set."""
    a = mask.astype(np.float32)[..., None] * (alpha / 255.0)
    img *= 1.0 - a
    img += a * np.array(color, np.float32)


def _gradient(w: int, h: int, rng: random.Random) -> np.ndarray:
    blue = _jitter(rng, (198, 224, 242), 8)
    green = _jitter(rng, (204, 236, 212), 8)
    angle = rng.uniform(0.2, 1.1)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    t = xs * math.cos(angle) + ys * math.sin(angle)
    t = (t - t.min()) / (t.max() - t.min())
    t = np.clip(t * rng.uniform(0.9, 1.3) + rng.uniform(-0.2, 0.1), 0, 1)[..., None]
    return np.array(blue, np.float32) * (1 - t) + np.array(green, np.float32) * t


def _wave_family(mask: np.ndarray, ppm: float, rng: random.Random) -> None:
    """Parallel sine curves whose phase drifts line to line: the guilloche mesh."""
    h, w = mask.shape
    spacing = rng.uniform(0.7, 1.3) * ppm
    amp1, amp2 = rng.uniform(0.6, 2.5) * ppm, rng.uniform(0.2, 1.0) * ppm
    lam1, lam2 = rng.uniform(8, 22) * ppm, rng.uniform(3, 7) * ppm
    drift, phase = rng.uniform(0.05, 0.4), rng.uniform(0, 6.3)
    xs = np.arange(0, w + 8, 6, dtype=np.float32)
    thick = rng.choice([1, 1, 2])
    for k in range(-4, int(h / spacing) + 5):
        ys = k * spacing + amp1 * np.sin(2 * np.pi * xs / lam1 + phase + k * drift)
        ys += amp2 * np.sin(2 * np.pi * xs / lam2 + k * drift * 2.1)
        pts = np.stack([xs, ys], axis=1).round().astype(np.int32)
        cv2.polylines(mask, [pts], False, 255, thick, cv2.LINE_AA)


def _rosette(mask: np.ndarray, ppm: float, rng: random.Random) -> None:
    h, w = mask.shape
    cx, cy = rng.uniform(0.25, 0.75) * w, rng.uniform(0.35, 0.8) * h
    radius, amp = rng.uniform(7, 14) * ppm, rng.uniform(1.2, 3.0) * ppm
    lobes, turns = rng.randint(9, 18), rng.randint(12, 20)
    theta = np.linspace(0, 2 * np.pi, 1440, dtype=np.float32)
    for k in range(turns):
        r = radius + amp * np.sin(lobes * theta + k * 2 * np.pi / turns)
        pts = np.stack([cx + r * np.cos(theta), cy + r * np.sin(theta)], axis=1)
        cv2.polylines(mask, [pts.round().astype(np.int32)], True, 255, 1, cv2.LINE_AA)


def _blob(
    mask: np.ndarray,
    center: tuple[float, float],
    axes: tuple[float, float],
    tilt: float,
    rng: random.Random,
) -> None:
    theta = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    wobble = 1 + 0.22 * np.sin(theta * rng.randint(2, 5) + rng.uniform(0, 6))
    wobble += np.array([rng.uniform(-0.12, 0.12) for _ in theta])
    x = axes[0] * wobble * np.cos(theta)
    y = axes[1] * wobble * np.sin(theta)
    c, s = math.cos(tilt), math.sin(tilt)
    pts = np.stack([center[0] + c * x - s * y, center[1] + s * x + c * y], axis=1)
    cv2.fillPoly(mask, [pts.round().astype(np.int32)], 255, cv2.LINE_AA)


def _watermark(mask: np.ndarray, ppm: float, rng: random.Random) -> None:
    """A faint archipelago across the middle and a round emblem with a star."""
    islands = (  # x, y, half-length, half-width (mm), tilt
        (14, 26, 10, 2.6, 0.75), (34, 23, 7, 6, 0.1), (30, 36, 9, 1.3, 0.08),
        (47, 29, 3, 4.5, 0.3), (45, 39, 4, 0.9, 0.0), (56, 33, 2, 1.4, 0.4),
        (72, 33, 9, 3.5, 0.15), (53, 40, 3, 0.8, 0.1),
    )  # fmt: skip
    ox, oy = rng.uniform(-3, 3), rng.uniform(-3, 3)
    for x, y, a, b, tilt in islands:
        _blob(mask, ((x + ox) * ppm, (y + oy) * ppm), (a * ppm, b * ppm), tilt, rng)
    cx, cy, r = (42 + ox) * ppm, (30 + oy) * ppm, rng.uniform(8, 11) * ppm
    cv2.circle(mask, (round(cx), round(cy)), round(r), 255, max(2, round(0.5 * ppm)), cv2.LINE_AA)
    star = [
        (cx + (r * 0.7 if i % 2 == 0 else r * 0.28) * math.sin(i * math.pi / 5),
         cy - (r * 0.7 if i % 2 == 0 else r * 0.28) * math.cos(i * math.pi / 5))
        for i in range(10)
    ]  # fmt: skip
    cv2.fillPoly(mask, [np.array(star).round().astype(np.int32)], 255, cv2.LINE_AA)


def background(
    size: tuple[int, int], ppm: float, rng: random.Random, nrng: np.random.Generator
) -> np.ndarray:
    """The pre-printed security background, float32 RGB."""
    w, h = size
    img = _gradient(w, h, rng)
    for _ in range(2):
        lines = np.zeros((h, w), np.uint8)
        _wave_family(lines, ppm, rng)
        _blend(img, lines, _jitter(rng, (120, 170, 200), 20), rng.uniform(0.22, 0.42))
    for _ in range(rng.randint(1, 2)):
        ring = np.zeros((h, w), np.uint8)
        _rosette(ring, ppm, rng)
        _blend(img, ring, _jitter(rng, (110, 175, 170), 20), rng.uniform(0.14, 0.26))
    mark = np.zeros((h, w), np.uint8)
    _watermark(mark, ppm, rng)
    mark = cv2.GaussianBlur(mark, (0, 0), 0.4 * ppm)
    _blend(img, mark, _jitter(rng, (150, 190, 205), 15), rng.uniform(0.12, 0.22))
    img += nrng.normal(0, 2.0, img.shape).astype(np.float32)
    return img


def _person_colors(rng: random.Random) -> tuple[Color, Color, Color]:
    skin = rng.choice([(225, 184, 150), (200, 150, 112), (170, 120, 85), (140, 98, 70)])
    shirt = rng.choice(
        [(245, 245, 240), (30, 35, 50), (60, 80, 120), (120, 40, 40), (200, 200, 190)]
    )
    hair = _jitter(rng, (25, 20, 18), 8)
    return _jitter(rng, skin, 10), shirt, hair


def portrait(w: int, h: int, red: bool, female: bool, rng: random.Random) -> np.ndarray:
    """A plain head-and-shoulders figure on the red or blue photo background."""
    base = (196, 38, 44) if red else (38, 96, 196)
    img = Image.new("RGB", (w, h), _jitter(rng, base, 12))
    draw = ImageDraw.Draw(img)
    skin, shirt, hair = _person_colors(rng)
    cx = w / 2 + rng.uniform(-0.03, 0.03) * w
    draw.ellipse((cx - 0.56 * w, 0.74 * h, cx + 0.56 * w, 1.35 * h), fill=shirt)
    draw.rectangle((cx - 0.1 * w, 0.55 * h, cx + 0.1 * w, 0.8 * h), fill=skin)
    if female and rng.random() < 0.55:
        veil = rng.choice([(30, 30, 35), (235, 235, 228), (90, 60, 90), (40, 70, 60)])
        draw.ellipse((cx - 0.32 * w, 0.14 * h, cx + 0.32 * w, 0.72 * h), fill=veil)
        draw.polygon([(cx - 0.3 * w, 0.5 * h), (cx + 0.3 * w, 0.5 * h),
                      (cx + 0.5 * w, 0.9 * h), (cx - 0.5 * w, 0.9 * h)], fill=veil)  # fmt: skip
    else:
        draw.ellipse((cx - 0.25 * w, 0.15 * h, cx + 0.25 * w, 0.52 * h), fill=hair)
    draw.ellipse((cx - 0.2 * w, 0.24 * h, cx + 0.2 * w, 0.62 * h), fill=skin)
    for side in (-1, 1):
        ex = cx + side * 0.085 * w
        draw.ellipse((ex - 0.03 * w, 0.4 * h, ex + 0.03 * w, 0.42 * h), fill=(30, 25, 25))
    draw.line((cx - 0.06 * w, 0.535 * h, cx + 0.06 * w, 0.535 * h), fill=(120, 60, 60), width=3)
    arr = np.asarray(img).astype(np.float32)
    return np.clip(cv2.GaussianBlur(arr, (0, 0), 1.6), 0, 255).astype(np.uint8)


def signature(
    mask: Image.Image, box_mm: tuple[float, float, float, float], ppm: float, rng: random.Random
) -> None:
    """A looping scribble inside ``box_mm`` (x, y, width, height), drawn as ink."""
    x0, y0, bw, bh = (v * ppm for v in box_mm)
    loops, waves = rng.randint(3, 8), rng.uniform(1.0, 3.0)
    phase, radius = rng.uniform(0, 6.3), rng.uniform(0.12, 0.25) * bh
    t = np.linspace(0, 1, 260)
    xs = x0 + bw * (0.08 + 0.84 * t) + radius * np.cos(2 * np.pi * loops * t + phase)
    ys = y0 + bh * (0.5 + 0.3 * np.sin(2 * np.pi * waves * t + phase))
    ys += radius * np.sin(2 * np.pi * loops * t + phase)
    width = max(2, round(rng.uniform(0.16, 0.28) * ppm))
    draw = ImageDraw.Draw(mask)
    draw.line(
        list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=255, width=width, joint="curve"
    )
    if rng.random() < 0.5:
        y = y0 + bh * rng.uniform(0.75, 0.95)
        draw.line((x0 + 0.1 * bw, y, x0 + 0.9 * bw, y - 0.1 * bh), fill=255, width=width)


def hologram(img: np.ndarray, ppm: float, rng: random.Random) -> np.ndarray:
    """A faint rainbow disc laminated over part of the card (text stays readable under it)."""
    h, w = img.shape[:2]
    r = rng.uniform(5, 8) * ppm
    cx, cy = rng.uniform(0.35, 0.8) * w, rng.uniform(0.45, 0.85) * h
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    d = np.hypot(xs - cx, ys - cy) / r
    hue = ((np.arctan2(ys - cy, xs - cx) / np.pi + 1) * 90 + d * 60) % 180
    hsv = np.stack([hue, np.full_like(hue, 120), np.full_like(hue, 255)], axis=-1)
    rainbow = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2RGB).astype(np.float32)
    alpha = (np.clip(1 - d, 0, 1) ** 0.5 * rng.uniform(0.1, 0.18))[..., None]
    return img * (1 - alpha) + rainbow * alpha
