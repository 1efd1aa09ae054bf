"""What the card lies on or is held by: desk, wood, fabric, a hand, a receipt or newspaper."""

from __future__ import annotations

import math
import random

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

SURFACES = ("desk", "wood", "fabric", "bed", "hand")
_WORDS = (
    "TOTAL", "HARGA", "TUNAI", "KEMBALI", "DISKON", "BERITA", "KOTA", "PASAR", "HARI", "INI",
    "PEMERINTAH", "WARGA", "JALAN", "RAPAT", "PAJAK", "BELANJA", "GULA", "BERAS", "MINYAK",
    "SUSU", "KOPI", "NOMOR", "TANGGAL", "KASIR", "TERIMA", "KASIH", "OLAHRAGA", "CUACA",
)  # fmt: skip
_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def low_noise(h: int, w: int, cell: float, nrng: np.random.Generator) -> np.ndarray:
    """Smooth noise in about -1..1 whose features are ``cell`` pixels across."""
    small = nrng.normal(0, 1, (max(2, int(h / cell) + 2), max(2, int(w / cell) + 2)))
    return cv2.resize(small.astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)


def _desk(h: int, w: int, rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    base = rng.choice(
        [(228, 226, 220), (190, 190, 195), (60, 60, 64), (150, 120, 90), (238, 238, 240)]
    )
    img = np.empty((h, w, 3), np.float32)
    img[:] = base
    img += low_noise(h, w, w / 4, nrng)[..., None] * 8
    img += nrng.normal(0, 3, (h, w, 1)).astype(np.float32)
    return img


def _streaks(h: int, w: int, across: float, along: float, nrng: np.random.Generator) -> np.ndarray:
    """Noise stretched along x: the long fibres of wood grain."""
    small = nrng.normal(0, 1, (int(h / across) + 2, int(w / along) + 2)).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def _wood(h: int, w: int, rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    light = np.array(rng.choice([(176, 128, 84), (150, 100, 62), (205, 160, 110), (110, 72, 45)]))
    vertical = rng.random() < 0.5
    rows, cols = (w, h) if vertical else (h, w)
    fibres = _streaks(rows, cols, rng.uniform(2, 6), rng.uniform(60, 200), nrng)
    bands = _streaks(rows, cols, rng.uniform(12, 40), rng.uniform(200, 600), nrng)
    ys = np.arange(rows, dtype=np.float32)[:, None]
    warp = low_noise(rows, cols, cols / 4, nrng) * rng.uniform(8, 30)
    rings = np.sin((ys + warp) * 2 * math.pi / rng.uniform(30, 90))
    shade = 0.86 + 0.035 * fibres + 0.05 * bands + 0.035 * rings
    plank = rng.uniform(0.25, 0.5) * rows
    seam = (np.mod(ys + rng.uniform(0, plank), plank) < 3).astype(np.float32)
    shade = shade * (1 - 0.35 * seam)
    if vertical:
        shade = shade.T
    return shade[..., None] * light.astype(np.float32)


def _fabric(h: int, w: int, rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    color = np.array(rng.choice([(200, 60, 60), (70, 90, 150), (220, 210, 190), (90, 140, 110),
                                 (240, 240, 245), (130, 90, 140)]), np.float32)  # fmt: skip
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    period = rng.uniform(3, 6)
    weave = 0.04 * np.sin(xs * 2 * math.pi / period) * np.sin(ys * 2 * math.pi / period)
    folds = 0.12 * low_noise(h, w, w / 5, nrng) + 0.06 * low_noise(h, w, w / 14, nrng)
    shade = 0.9 + weave + folds
    img = shade[..., None] * color
    if rng.random() < 0.5:  # a printed pattern: stripes or dots
        step = rng.uniform(40, 120)
        pattern = (
            (np.sin(xs * 2 * math.pi / step) > 0.6)
            if rng.random() < 0.5
            else ((np.sin(xs * 2 * math.pi / step) * np.sin(ys * 2 * math.pi / step)) > 0.8)
        )
        accent = np.array(rng.choice([(250, 250, 250), (40, 40, 60), (230, 190, 60)]), np.float32)
        img = np.where(pattern[..., None], img * 0.5 + accent * 0.5 * shade[..., None], img)
    return img


def surface(kind: str, h: int, w: int, rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    """Background of the frame, float32 RGB; a hand-held card gets an out-of-focus room."""
    if kind == "screen":
        img = np.full((h, w, 3), rng.uniform(8, 30), np.float32)
        img += low_noise(h, w, w / 3, nrng)[..., None] * 3
        return img
    if kind == "wood":
        img = _wood(h, w, rng, nrng)
    elif kind in ("fabric", "bed"):
        img = _fabric(h, w, rng, nrng)
    else:
        img = _desk(h, w, rng, nrng)
    if kind == "hand":
        img = cv2.GaussianBlur(img, (0, 0), w / 90) * rng.uniform(0.6, 1.0)
    return img.astype(np.float32)


def _skin(rng: random.Random) -> tuple[int, int, int]:
    base = rng.choice([(224, 180, 148), (198, 146, 108), (165, 116, 82), (128, 88, 62)])
    return (base[0], base[1], base[2])


def hand_under(
    sprite: np.ndarray,
    alpha: np.ndarray,
    card: tuple[int, int, int, int],
    ppm: float,
    rng: random.Random,
) -> tuple[tuple[int, int, int], bool]:
    """Draw a palm and fingers behind the card's left (or mirrored, right) edge, in place."""
    x0, y0, x1, y1 = card
    mirror = rng.random() < 0.5
    skin = _skin(rng)
    mask = np.zeros(alpha.shape, np.uint8)
    side = x1 if mirror else x0
    sign = 1 if mirror else -1
    cx, cy = side + sign * 6 * ppm, y0 + rng.uniform(0.45, 0.75) * (y1 - y0)
    cv2.ellipse(
        mask, (round(cx), round(cy)), (round(24 * ppm), round(30 * ppm)), 15, 0, 360, 255, -1
    )
    for i in range(4):  # finger tips showing past the far side of the card's bottom edge
        fx = side - sign * (8 + 9 * i) * ppm
        cv2.ellipse(mask, (round(fx), round(y1 + 2 * ppm)), (round(4 * ppm), round(9 * ppm)),
                    0, 0, 360, 255, -1)  # fmt: skip
    _paint(sprite, alpha, mask, skin, ppm)
    return skin, mirror


def _paint(
    sprite: np.ndarray,
    alpha: np.ndarray | None,
    mask: np.ndarray,
    skin: tuple[int, int, int],
    ppm: float,
) -> None:
    """In place: skin-coloured ``mask`` with soft edges and a little rounded shading."""
    m = cv2.GaussianBlur(mask, (0, 0), 0.6 * ppm).astype(np.float32) / 255
    shade = 0.8 + 0.2 * cv2.GaussianBlur(mask, (0, 0), 6 * ppm).astype(np.float32) / 255
    color = np.array(skin, np.float32) * shade[..., None]
    sprite *= 1 - m[..., None]
    sprite += color * m[..., None]
    if alpha is not None:
        np.maximum(alpha, m, out=alpha)


def thumb_over(
    sprite: np.ndarray,
    alpha: np.ndarray,
    card: tuple[int, int, int, int],
    ppm: float,
    skin: tuple[int, int, int],
    mirror: bool,
) -> None:
    """A thumb over the top corner on the hand's side, clear of the printed text."""
    x0, y0, x1, _ = card
    corner_x = x1 if mirror else x0
    sign = 1 if mirror else -1
    mask = np.zeros(alpha.shape, np.uint8)
    center = (round(corner_x + sign * 5 * ppm), round(y0 - 1 * ppm))
    cv2.ellipse(mask, center, (round(11 * ppm), round(5 * ppm)), -35 * sign, 0, 360, 255, -1)
    _paint(sprite, alpha, mask, skin, ppm)
    nail = np.zeros_like(mask)
    tip = (round(corner_x - sign * 3.2 * ppm), round(y0 + 2.6 * ppm))
    cv2.ellipse(nail, tip, (round(2.4 * ppm), round(1.7 * ppm)), -35 * sign, 0, 360, 255, -1)
    lighter = (min(255, skin[0] + 30), min(255, skin[1] + 30), min(255, skin[2] + 30))
    _paint(sprite, None, nail & mask, lighter, ppm * 0.3)


def paper_scrap(ppm: float, rng: random.Random) -> tuple[np.ndarray, np.ndarray]:
    """A receipt or newspaper cutting with its own words, as RGB and alpha tiles."""
    receipt = rng.random() < 0.5
    size = (
        (round(rng.uniform(50, 70) * ppm), round(rng.uniform(90, 140) * ppm))
        if receipt
        else (round(rng.uniform(110, 160) * ppm), round(rng.uniform(90, 130) * ppm))
    )
    paper = (246, 244, 236) if receipt else (222, 218, 205)
    tile = Image.new("RGB", size, paper)
    draw = ImageDraw.Draw(tile)
    em = rng.uniform(1.5, 2.4) * ppm
    font = ImageFont.truetype(_FONT, max(6, round(em)))
    y = em
    while y < size[1] - em:
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 7)))
        if receipt:
            words += f"  {rng.randint(1, 99)}.{rng.randint(0, 999):03d}"
        draw.text((em, y), words, fill=(40, 40, 40), font=font)
        y += em * 1.5
    side = math.ceil(math.hypot(*size))
    turn = cv2.getRotationMatrix2D((size[0] / 2, size[1] / 2), rng.uniform(-40, 40), 1.0)
    turn[:, 2] += ((side - size[0]) / 2, (side - size[1]) / 2)
    rgb = cv2.warpAffine(np.asarray(tile, np.float32), turn, (side, side))
    a = cv2.warpAffine(np.ones(size[::-1], np.float32), turn, (side, side))
    return rgb, a
