"""The printed security background of an e-KTP: tint gradient, guilloche, watermark, hologram.

Everything is drawn procedurally with numpy/OpenCV from a seeded ``numpy.random.Generator``;
images are float32 BGR in 0..255 until the card is finished.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from numpy.typing import NDArray

FloatImage = NDArray[np.float32]
_REF_WIDTH = 1200.0
# Light blue top, pale middle, pale green bottom (BGR), each jittered per card.
_TOP = np.array([236.0, 205.0, 150.0])
_MID = np.array([228.0, 238.0, 220.0])
_BOTTOM = np.array([185.0, 230.0, 200.0])


def smooth_noise(rng: np.random.Generator, h: int, w: int, cells: int) -> FloatImage:
    """Low-frequency noise in about -1..1, ``cells`` blobs across the longer side."""
    gh = max(2, round(cells * h / max(h, w)))
    gw = max(2, round(cells * w / max(h, w)))
    grid = rng.standard_normal((gh, gw)).astype(np.float32)
    return np.asarray(cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC), dtype=np.float32)


def _gradient(rng: np.random.Generator, w: int, h: int) -> FloatImage:
    top, mid, bottom = (c + rng.uniform(-10, 10, 3) for c in (_TOP, _MID, _BOTTOM))
    knee = rng.uniform(0.25, 0.5)
    fw, fh = w // 4, h // 4
    t = np.linspace(0.0, 1.0, fh, dtype=np.float32)[:, None]
    t = np.clip(t + 0.08 * smooth_noise(rng, fh, fw, 4), 0.0, 1.0)
    upper = np.clip(t / knee, 0, 1)[..., None]
    lower = np.clip((t - knee) / (1 - knee), 0, 1)[..., None]
    base = np.where(
        t[..., None] < knee,
        top * (1 - upper) + mid * upper,
        mid * (1 - lower) + bottom * lower,
    ).astype(np.float32)
    base += 3.0 * smooth_noise(rng, fh, fw, 12)[..., None]
    return np.asarray(cv2.resize(base, (w, h), interpolation=cv2.INTER_LINEAR), dtype=np.float32)


def _waves(rng: np.random.Generator, mask: NDArray[np.uint8], scale: float) -> None:
    h, w = mask.shape
    xs = np.arange(-8, w + 8, 3, dtype=np.float64)
    for _family in range(int(rng.integers(1, 3)) + 1):
        spacing = rng.uniform(7, 14) * scale
        amp1, amp2 = rng.uniform(4, 22) * scale, rng.uniform(1, 8) * scale
        lam1, lam2 = rng.uniform(0.25, 0.8) * w, rng.uniform(0.05, 0.15) * w
        drift1, drift2 = rng.uniform(0.05, 0.4), rng.uniform(0.1, 0.9)
        slope = rng.uniform(-0.15, 0.15)
        count = int((h + 2 * abs(slope) * w) / spacing) + 4
        for i in range(count):
            y0 = (i - 2) * spacing - abs(slope) * w
            ys = (
                y0
                + slope * xs
                + amp1 * np.sin(2 * math.pi * xs / lam1 + i * drift1)
                + amp2 * np.sin(2 * math.pi * xs / lam2 + i * drift2)
            )
            pts = np.stack([xs, ys], axis=1).round().astype(np.int32)
            cv2.polylines(mask, [pts], False, 255, 1, cv2.LINE_AA)


def _rosette(rng: np.random.Generator, mask: NDArray[np.uint8], scale: float) -> None:
    h, w = mask.shape
    cx, cy = rng.uniform(0.1, 0.9) * w, rng.uniform(0.2, 0.9) * h
    radius = rng.uniform(0.12, 0.3) * h
    petals = int(rng.integers(9, 24))
    depth = rng.uniform(0.15, 0.45)
    t = np.linspace(0, 2 * math.pi, 1400)
    for ring in range(int(rng.integers(3, 8))):
        r0 = radius * (1 - 0.11 * ring)
        phase = ring * math.pi / petals
        r = r0 * (1 - depth * 0.5 * (1 + np.cos(petals * t + phase)))
        wobble = 1 + 0.04 * np.sin(3 * petals * t)
        pts = np.stack([cx + r * wobble * np.cos(t), cy + r * wobble * np.sin(t)], axis=1)
        cv2.polylines(mask, [pts.round().astype(np.int32)], True, 255, 1, cv2.LINE_AA)
    del scale


def _garuda(size: int) -> NDArray[np.uint8]:
    """A stylised eagle: body, head, fanned wings and tail, a shield on the chest."""
    m = np.zeros((size, size), np.uint8)
    s = float(size)
    c = int(s / 2)
    cv2.ellipse(m, (c, int(0.56 * s)), (int(0.11 * s), int(0.2 * s)), 0, 0, 360, 255, -1)
    cv2.circle(m, (c, int(0.27 * s)), int(0.07 * s), 255, -1)
    for side in (-1, 1):
        for k in range(9):
            angle = math.radians(100 + k * 9)
            length = s * (0.42 - 0.018 * k)
            x0, y0 = c + side * 0.08 * s, 0.42 * s
            x1 = x0 + side * length * -math.cos(angle)
            y1 = y0 - length * math.sin(angle) * 0.8
            cv2.line(m, (int(x0), int(y0)), (int(x1), int(y1)), 255, max(2, size // 40))
        for k in range(7):
            angle = math.radians(-60 + k * 20)
            x1 = c + side * 0.02 * s + 0.25 * s * math.sin(angle)
            y1 = 0.75 * s + 0.2 * s * math.cos(angle)
            cv2.line(m, (c, int(0.72 * s)), (int(x1), int(y1)), 255, max(2, size // 45))
    shield = np.array([[0.42, 0.45], [0.58, 0.45], [0.58, 0.6], [0.5, 0.68], [0.42, 0.6]])
    cv2.polylines(m, [(shield * s).astype(np.int32)], True, 0, max(1, size // 60))
    return m


def _archipelago(rng: np.random.Generator, w: int, h: int) -> NDArray[np.uint8]:
    """A faint map-like chain of irregular islands from west to east."""
    field = smooth_noise(rng, h, w, 14) + 0.6 * smooth_noise(rng, h, w, 30)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    spine = 0.5 + 0.25 * np.sin(xx / w * 2 * math.pi * rng.uniform(0.6, 1.2) + rng.uniform(0, 6))
    band = np.exp(-(((yy / h - spine) / 0.28) ** 2))
    land = (field * band) > rng.uniform(0.35, 0.6)
    return np.asarray(land * 255, dtype=np.uint8)


def _watermark(rng: np.random.Generator, w: int, h: int) -> FloatImage:
    canvas = np.zeros((h, w), np.float32)
    if rng.random() < 0.8:
        size = int(h * rng.uniform(0.45, 0.7))
        bird = _garuda(size).astype(np.float32) / 255
        x0 = int(rng.uniform(0.3, 0.55) * w - size / 2)
        y0 = int(rng.uniform(0.45, 0.6) * h - size / 2)
        xs, ys = max(0, x0), max(0, y0)
        xe, ye = min(w, x0 + size), min(h, y0 + size)
        canvas[ys:ye, xs:xe] = bird[ys - y0 : ye - y0, xs - x0 : xe - x0]
    if rng.random() < 0.7:
        mw, mh = int(w * rng.uniform(0.6, 0.9)), int(h * rng.uniform(0.3, 0.5))
        chain = _archipelago(rng, mw, mh).astype(np.float32) / 255
        x0, y0 = int(rng.uniform(0.02, 0.3) * w), int(rng.uniform(0.3, 0.55) * h)
        xe, ye = min(w, x0 + mw), min(h, y0 + mh)
        canvas[y0:ye, x0:xe] = np.maximum(canvas[y0:ye, x0:xe], chain[: ye - y0, : xe - x0])
    sigma = max(1.0, w / 500)
    return np.asarray(cv2.GaussianBlur(canvas, (0, 0), sigma), dtype=np.float32)


def card_background(rng: np.random.Generator, w: int, h: int, *, guilloche: float) -> FloatImage:
    """The printed background of a card ``w`` x ``h``; ``guilloche`` is the line opacity 0..1."""
    scale = w / _REF_WIDTH
    base = _gradient(rng, w, h)
    lines = np.zeros((h, w), np.uint8)
    _waves(rng, lines, scale)
    for _ in range(int(rng.integers(1, 4))):
        _rosette(rng, lines, scale)
    line_mask = lines.astype(np.float32)[..., None] / 255.0
    tint = np.array([rng.uniform(0.55, 0.8), rng.uniform(0.6, 0.85), rng.uniform(0.5, 0.8)])
    base *= 1 - (guilloche * line_mask) * (1 - tint).astype(np.float32)
    mark = _watermark(rng, w, h)[..., None]
    mark_tint = np.array([rng.uniform(0.8, 0.95), rng.uniform(0.82, 0.95), rng.uniform(0.75, 0.9)])
    strength = rng.uniform(0.15, 0.4)
    base *= 1 - (strength * mark) * (1 - mark_tint).astype(np.float32)
    return base


def hologram(rng: np.random.Generator, image: FloatImage, *, strength: float) -> FloatImage:
    """A rainbow sheen patch over part of the card (the laminate hologram)."""
    h, w = image.shape[:2]
    cx, cy = rng.uniform(0.1, 0.75) * w, rng.uniform(0.3, 0.9) * h
    ax, ay = rng.uniform(0.1, 0.22) * w, rng.uniform(0.12, 0.3) * h
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = ((xx - cx) / ax) ** 2 + ((yy - cy) / ay) ** 2
    patch = np.clip(1.2 - d, 0, 1) ** 1.5
    angle = rng.uniform(0, math.pi)
    period = rng.uniform(0.08, 0.2) * w
    hue = (xx * math.cos(angle) + yy * math.sin(angle)) / period
    hue += 0.3 * np.sin(np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / (period * 0.15))
    rainbow = np.stack(
        [0.5 + 0.5 * np.cos(2 * math.pi * (hue - k / 3)) for k in (2, 1, 0)], axis=-1
    ).astype(np.float32)
    sheen = (150 + 105 * rainbow) * (strength * patch)[..., None]
    return np.asarray(image * (1 - 0.6 * strength * patch[..., None]) + sheen, dtype=np.float32)


def wear(rng: np.random.Generator, image: FloatImage, *, amount: float) -> FloatImage:
    """Use marks on the laminate: fine scratches, grime smudges and an aged yellow cast."""
    h, w = image.shape[:2]
    scratches = np.zeros((h, w), np.float32)
    for _ in range(int(rng.integers(3, 25) * amount) + 1):
        p0 = rng.uniform(0, 1, 2) * (w, h)
        d = rng.normal(0, 1, 2)
        d *= rng.uniform(0.03, 0.3) * w / max(float(np.linalg.norm(d)), 1e-6)
        q0, q1 = p0.round().astype(int), (p0 + d).round().astype(int)
        cv2.line(scratches, (int(q0[0]), int(q0[1])), (int(q1[0]), int(q1[1])), 1.0, 1, cv2.LINE_AA)
    grime = np.clip(smooth_noise(rng, h, w, 10) - 1.0, 0, 1) * amount
    yellow = np.array([1 - 0.12 * amount * rng.random(), 1.0, 1.0], np.float32)
    image *= (1 - 0.12 * grime)[..., None] * yellow
    image += (255 - image) * (0.35 * scratches)[..., None]
    return image
