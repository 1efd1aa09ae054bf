"""Harsh but readable capture faults for the ``hard`` set, and the photocopy look."""

from __future__ import annotations

import math
import random

import cv2
import numpy as np

#: Faults a hard card may get; ``small`` and ``faded`` act before the frame is composed.
HARD_FAULTS = ("glare", "motion", "dim", "small", "photocopy", "moire", "heavy_jpeg", "faded")


def pick_faults(rng: random.Random) -> tuple[str, ...]:
    """One to three faults; a small card gets at most one more, photocopy excludes moire."""
    count = rng.choice([1, 2, 2, 3])
    faults = rng.sample(HARD_FAULTS, count)
    if "small" in faults:
        faults = ["small", *[f for f in faults if f != "small"][:1]]
    if "photocopy" in faults and "moire" in faults:
        faults.remove("moire")
    return tuple(sorted(faults))


def photocopy(face: np.ndarray, rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    """A grey toner copy: background mostly dropped, text black, speckles, slight softness."""
    gray = cv2.cvtColor(face, cv2.COLOR_RGB2GRAY).astype(np.float32)
    low, high = rng.uniform(50, 80), rng.uniform(226, 246)
    out = np.clip((gray - low) / (high - low), 0, 1) ** rng.uniform(1.1, 1.6) * 245 + 5
    out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.8, 1.6))
    specks = nrng.random(out.shape) < 0.0015
    out[specks] *= 0.3
    out += nrng.normal(0, 4, out.shape)
    rgb = np.repeat(np.clip(out, 0, 255)[..., None], 3, axis=2)
    return (rgb * np.array([1.0, 0.99, 0.96])).astype(np.uint8)


def glare(img: np.ndarray, card: np.ndarray, size: float, rng: random.Random) -> None:
    """In place: a flash spot over the card that washes text toward white without erasing it."""
    ys, xs = np.nonzero(card > 0.9)
    pick = rng.randrange(len(ys))
    cy, cx = float(ys[pick]), float(xs[pick])
    rx, ry = size * rng.uniform(0.12, 0.25), size * rng.uniform(0.06, 0.14)
    angle = rng.uniform(0, math.pi)
    h, w = card.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    u = (xx - cx) * math.cos(angle) + (yy - cy) * math.sin(angle)
    v = -(xx - cx) * math.sin(angle) + (yy - cy) * math.cos(angle)
    spot = np.exp(-((u / rx) ** 2 + (v / ry) ** 2) * 1.5)
    strength = (spot * rng.uniform(0.45, 0.6) * card)[..., None]
    img *= 1 - strength
    img += strength * np.array([255, 253, 246], np.float32)


def motion_blur(img: np.ndarray, cap_px: float, rng: random.Random) -> np.ndarray:
    """A straight smear about a fifth to a third of a capital letter's height."""
    length = max(3, round(cap_px * rng.uniform(0.18, 0.32)))
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1.0
    turn = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), rng.uniform(0, 180), 1.0)
    kernel = cv2.warpAffine(kernel, turn, (length, length))
    return cv2.filter2D(img, -1, kernel / kernel.sum())


def dim(img: np.ndarray, rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    """Too little light, then the phone's gain: a darker, noisier frame."""
    exposure = rng.uniform(0.28, 0.42)
    dark = img * exposure + nrng.normal(0, rng.uniform(3.0, 5.5), img.shape).astype(np.float32)
    gain = rng.uniform(1.0, 1.6)
    return dark * gain


def moire(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """The card shown on a screen: pixel-grid beats, a cool tint and flatter contrast."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    period, angle = rng.uniform(2.6, 4.5), rng.uniform(-0.2, 0.2)
    beat = angle + math.radians(rng.uniform(2, 6))
    u1 = xx * math.cos(angle) + yy * math.sin(angle)
    u2 = xx * math.cos(beat) + yy * math.sin(beat)
    wave = np.sin(2 * np.pi * u1 / period) * np.sin(2 * np.pi * u2 / period * 1.03)
    depth = rng.uniform(0.16, 0.26)
    shifts = np.array([0.0, 2.1, 4.2], np.float32)
    stripes = np.stack([np.sin(2 * np.pi * xx / period + s) for s in shifts], axis=-1)
    out = img * (1 + depth * wave[..., None]) * (1 + 0.04 * stripes)
    return out * 0.86 + np.array([18, 22, 30], np.float32)
