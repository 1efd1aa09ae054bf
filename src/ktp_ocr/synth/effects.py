"""Pixel effects of capturing a card, vectorised numpy/OpenCV on float32 BGR 0..255.

Light, shadow, glare, sleeve, thumb, blur, noise, phone processing, photocopy, screen moire.

Smooth fields (light, shadow) are computed on a small grid and resized, so the cost does not
grow with the frame beyond a few full-size multiplications.
"""

from __future__ import annotations

import math
from functools import cache

import cv2
import numpy as np
from numpy.typing import NDArray

from ktp_ocr.synth.cardface import smooth_noise

FloatImage = NDArray[np.float32]
Mask = NDArray[np.float32]
Quad = NDArray[np.float64]  # 4 x 2 points in image coordinates
_TILE = 509
_TILE_SEED = 20260101
_SKIN = ((120, 160, 215), (100, 140, 195), (80, 115, 165), (65, 95, 140))


def _small(h: int, w: int, long_side: int = 256) -> tuple[int, int]:
    k = min(1.0, long_side / max(h, w))
    return max(4, round(h * k)), max(4, round(w * k))


def _upsize(field: Mask, h: int, w: int) -> Mask:
    return np.asarray(cv2.resize(field, (w, h), interpolation=cv2.INTER_CUBIC), dtype=np.float32)


def uneven_light(rng: np.random.Generator, img: FloatImage, *, depth: float) -> FloatImage:
    """A linear light gradient, a vignette and a soft cast shadow (a hand or a phone)."""
    h, w = img.shape[:2]
    sh, sw = _small(h, w)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    xx, yy = xx / sw - 0.5, yy / sh - 0.5
    angle = rng.uniform(0, 2 * math.pi)
    light = 1 + depth * (xx * math.cos(angle) + yy * math.sin(angle))
    light *= 1 - rng.uniform(0.05, 0.3) * (xx**2 + yy**2) * 2
    if rng.random() < 0.5:
        shadow = np.zeros((sh, sw), np.float32)
        pts = rng.uniform(-0.2, 1.2, (int(rng.integers(3, 6)), 2)) * (sw, sh)
        edge = int(rng.integers(4))
        pts[0] = (
            (0, 0) if edge == 0 else (sw, 0) if edge == 1 else (sw, sh) if edge == 2 else (0, sh)
        )
        cv2.fillPoly(shadow, [pts.astype(np.int32)], 1.0)
        blurred = np.asarray(cv2.GaussianBlur(shadow, (0, 0), rng.uniform(4, 16)), np.float32)
        light *= 1 - rng.uniform(0.15, 0.45) * blurred
    light *= 1 + 0.05 * smooth_noise(rng, sh, sw, 4)
    return np.multiply(img, _upsize(light, h, w)[..., None], out=img)


def colour_cast(rng: np.random.Generator, img: FloatImage) -> FloatImage:
    """White balance off: warm, cool or green-ish gains per channel."""
    kind = int(rng.integers(4))
    gains = [
        np.array([0.86, 0.97, 1.07]),
        np.array([1.07, 1.0, 0.91]),
        np.array([0.97, 1.03, 0.97]),
    ]
    gain = gains[kind] if kind < 3 else np.ones(3)
    gain = gain * rng.uniform(0.95, 1.05, 3)
    return np.multiply(img, gain.astype(np.float32), out=img)


def drop_shadow(rng: np.random.Generator, img: FloatImage, alpha: Mask, scale: float) -> FloatImage:
    """The soft shadow a card lifted off the surface casts (computed at a reduced size)."""
    h, w = img.shape[:2]
    sh, sw = _small(h, w, 512)
    k = sw / w
    small = cv2.resize(alpha, (sw, sh), interpolation=cv2.INTER_AREA)
    dx, dy = rng.uniform(-6, 6) * scale * k, rng.uniform(1, 10) * scale * k
    m = np.array([[1, 0, dx], [0, 1, dy]], np.float32)
    small = cv2.warpAffine(small, m, (sw, sh))
    small = cv2.GaussianBlur(small, (0, 0), max(0.8, 6 * scale * k))
    shadow = 1 - rng.uniform(0.2, 0.5) * _upsize(np.asarray(small, dtype=np.float32), h, w)
    img *= shadow[..., None]
    return img


def composite(base: FloatImage, top: FloatImage, alpha: Mask) -> FloatImage:
    """``top`` over ``base`` through ``alpha`` (0..1)."""
    return np.asarray(cv2.blendLinear(base, top, 1.0 - alpha, alpha), dtype=np.float32)


def glare(
    rng: np.random.Generator, img: FloatImage, quad: Quad, alpha: Mask, *, count: int
) -> FloatImage:
    """Specular highlights of a flash or a lamp on the laminate: a saturated core, a soft halo."""
    h, w = img.shape[:2]
    side = float(np.linalg.norm(quad[1] - quad[0]))
    sh, sw = _small(h, w, 384)
    k = sw / w
    spots = np.zeros((sh, sw), np.float32)
    for _ in range(count):
        u, v = rng.uniform(0.05, 0.95, 2)
        top = quad[0] + (quad[1] - quad[0]) * u
        bottom = quad[3] + (quad[2] - quad[3]) * u
        cx, cy = (top + (bottom - top) * v) * k
        axes = (
            max(1, round(side * k * rng.uniform(0.03, 0.12))),
            max(1, round(side * k * rng.uniform(0.015, 0.05))),
        )
        cv2.ellipse(spots, (round(cx), round(cy)), axes, rng.uniform(0, 180), 0, 360, 1.0, -1)
    blur = max(1.0, side * k * rng.uniform(0.02, 0.05))
    field = np.asarray(cv2.GaussianBlur(spots, (0, 0), blur), dtype=np.float32)
    field /= max(float(field.max()), 1e-6)
    strength = np.clip(_upsize(np.asarray(field, np.float32), h, w) * rng.uniform(1.3, 2.2), 0, 1)
    strength = strength * (0.35 + 0.65 * alpha)
    return np.asarray(img + (262 - img) * strength[..., None], dtype=np.float32)


def _soft(mask: Mask, sigma: float) -> Mask:
    """A Gaussian blur of ``mask`` computed at a reduced size when ``sigma`` is large."""
    h, w = mask.shape
    k = min(1.0, 4.0 / max(sigma, 1e-6))
    if k >= 1.0:
        return np.asarray(cv2.GaussianBlur(mask, (0, 0), sigma), dtype=np.float32)
    small = cv2.resize(
        mask, (max(2, round(w * k)), max(2, round(h * k))), interpolation=cv2.INTER_AREA
    )
    small = cv2.GaussianBlur(small, (0, 0), sigma * k)
    return _upsize(np.asarray(small, dtype=np.float32), h, w)


def _roi(
    poly: NDArray[np.float64] | NDArray[np.int32], h: int, w: int, pad: int
) -> tuple[int, int, int, int] | None:
    x0, y0 = (int(v) - pad for v in np.floor(poly.min(axis=0)))
    x1, y1 = (int(v) + pad for v in np.ceil(poly.max(axis=0)))
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def sleeve(rng: np.random.Generator, img: FloatImage, outline: Quad, quad: Quad) -> FloatImage:
    """A plastic sleeve (``outline``, image coordinates): haze, yellowing, a streak, scratches."""
    h, w = img.shape[:2]
    roi = _roi(outline, h, w, 2)
    if roi is None:
        return img
    x0, y0, x1, y1 = roi
    mask = np.zeros((y1 - y0, x1 - x0), np.float32)
    cv2.fillPoly(mask, [(outline - (x0, y0)).round().astype(np.int32)], 1.0, cv2.LINE_AA)
    side = float(np.linalg.norm(quad[1] - quad[0]))
    yy, xx = np.mgrid[y0:y1:8, x0:x1:8].astype(np.float32)
    angle = rng.uniform(0, math.pi)
    centre = quad.mean(axis=0) + rng.uniform(-0.3, 0.3, 2) * (quad[2] - quad[0])
    dist = (xx - centre[0]) * math.cos(angle) + (yy - centre[1]) * math.sin(angle)
    width = side * rng.uniform(0.02, 0.1)
    streak = _upsize(np.exp(-((dist / width) ** 2)).astype(np.float32), y1 - y0, x1 - x0)
    scratches = np.zeros_like(mask)
    for _ in range(int(rng.integers(0, 8))):
        p0 = quad[0] + (quad[2] - quad[0]) * rng.uniform(0, 1, 2) - (x0, y0)
        p1 = p0 + rng.uniform(-1, 1, 2) * side * 0.15
        cv2.line(scratches, (int(p0[0]), int(p0[1])), (int(p1[0]), int(p1[1])), 1.0, 1, cv2.LINE_AA)
    haze = rng.uniform(0.04, 0.16)
    whiten = mask * (haze + (streak * rng.uniform(0.15, 0.45) + 0.25 * scratches) * (1 - haze))
    region = img[y0:y1, x0:x1]
    region *= (1 - whiten)[..., None]
    region += (240 * whiten)[..., None]
    region[..., 0] *= 1 - mask * rng.uniform(0.0, 0.08)  # a little yellowing (less blue)
    return img


def thumb(
    rng: np.random.Generator, img: FloatImage, finger: NDArray[np.int32], nail: NDArray[np.int32]
) -> FloatImage:
    """A thumb: a shaded skin-coloured finger polygon with a lighter nail (image coordinates)."""
    h, w = img.shape[:2]
    size = float(min(np.ptp(finger[:, 0]), np.ptp(finger[:, 1]))) + 2
    roi = _roi(finger, h, w, round(size * 0.3) + 2)
    if roi is None:
        return img
    x0, y0, x1, y1 = roi
    mask = np.zeros((y1 - y0, x1 - x0), np.float32)
    cv2.fillPoly(mask, [finger - (x0, y0)], 1.0, cv2.LINE_AA)
    nail_mask = np.zeros_like(mask)
    cv2.fillPoly(nail_mask, [nail - (x0, y0)], 1.0, cv2.LINE_AA)
    soft = _soft(mask, max(1.0, size * 0.02))
    shade = _soft(mask, max(2.0, size * 0.18))
    nail_mask = _soft(nail_mask, max(1.0, size * 0.02))
    skin = np.array(_SKIN[int(rng.integers(len(_SKIN)))], np.float32) * rng.uniform(0.85, 1.1)
    body = skin[None, None, :] * (0.45 + 0.65 * shade[..., None])
    body = body * (1 - 0.6 * nail_mask[..., None]) + (skin * 1.25 + 25) * 0.6 * nail_mask[..., None]
    region = img[y0:y1, x0:x1]
    img[y0:y1, x0:x1] = composite(region, np.asarray(body, np.float32), soft)
    return img


def defocus(img: FloatImage, sigma: float) -> FloatImage:
    """Gaussian defocus."""
    if sigma < 0.3:
        return img
    return np.asarray(cv2.GaussianBlur(img, (0, 0), sigma), dtype=np.float32)


def motion_blur(rng: np.random.Generator, img: FloatImage, length: int) -> FloatImage:
    """Camera shake: a line kernel of ``length`` pixels at a random angle."""
    k = np.zeros((length, length), np.float32)
    k[length // 2, :] = 1.0
    m = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), rng.uniform(0, 180), 1.0)
    k = np.asarray(cv2.warpAffine(k, m, (length, length)), dtype=np.float32)
    k /= max(float(k.sum()), 1e-6)
    return np.asarray(cv2.filter2D(img, -1, k), dtype=np.float32)


@cache
def _noise_tile() -> NDArray[np.float32]:
    """A fixed tile of white noise (same on every machine), shifted per card."""
    tile = np.random.default_rng(_TILE_SEED).standard_normal((_TILE, _TILE, 1))
    return tile.astype(np.float32)


def sensor_noise(rng: np.random.Generator, img: FloatImage, sigma: float) -> FloatImage:
    """Luma and chroma noise, partly smeared the way phone noise reduction leaves it."""
    h, w = img.shape[:2]
    oy, ox = (int(v) for v in rng.integers(0, _TILE, 2))
    reps = (-(-(h + oy) // _TILE), -(-(w + ox) // _TILE), 1)
    fine = np.tile(_noise_tile(), reps)[oy : oy + h, ox : ox + w]
    img += (0.8 * sigma) * fine
    coarse = rng.standard_normal((max(2, h // 4), max(2, w // 4), 3), dtype=np.float32)
    img += cv2.resize(coarse * (0.6 * sigma), (w, h), interpolation=cv2.INTER_LINEAR)
    return img


def sharpen(img: FloatImage, amount: float, sigma: float) -> FloatImage:
    """Unsharp masking as phones overdo it (halos around text)."""
    blurred = cv2.GaussianBlur(img, (0, 0), sigma)
    return np.asarray(img + amount * (img - blurred), dtype=np.float32)


def dim(img: FloatImage, factor: float) -> FloatImage:
    """Dim light: less signal, lifted blacks."""
    img *= factor
    img += 6.0
    return img


def photocopy(rng: np.random.Generator, card: FloatImage) -> FloatImage:
    """The card as a black-and-white photocopy: black text, the tint gone, toner specks."""
    grey = cv2.cvtColor(np.clip(card, 0, 255).astype(np.uint8), cv2.COLOR_BGR2GRAY).astype(
        np.float32
    )
    paper_level = float(np.percentile(grey, 60))
    low = paper_level - rng.uniform(70, 110)
    high = paper_level - rng.uniform(5, 25)
    grey = np.clip((grey - low) / max(high - low, 1.0), 0, 1) ** rng.uniform(1.0, 1.6) * 250
    h, w = grey.shape
    specks = (rng.random((h, w)) < rng.uniform(0.0003, 0.002)).astype(np.float32)
    grey = grey * (1 - 0.7 * specks) + 5 * smooth_noise(rng, h, w, 30)
    paper = np.array([rng.uniform(0.9, 0.98), rng.uniform(0.96, 1.0), 1.0], np.float32)
    return np.asarray(grey[..., None] * paper, dtype=np.float32)


def moire(rng: np.random.Generator, img: FloatImage) -> FloatImage:
    """A photo of a screen: curved coloured interference bands, RGB stripes, lifted blacks."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, math.pi)
    period = rng.uniform(8, 40)
    bend = rng.uniform(-1, 1) / max(h, w)
    phase = (xx * math.cos(angle) + yy * math.sin(angle) + bend * (xx**2 + yy**2)) / period
    amp = rng.uniform(0.04, 0.1)
    bands = np.stack([np.cos(2 * math.pi * (phase + k / 3)) for k in range(3)], axis=-1)
    stripes = np.cos(2 * math.pi * xx / rng.uniform(2.5, 3.5))[..., None]
    out = img * (1 + amp * bands) * (1 + 0.03 * stripes)
    out = out * rng.uniform(0.8, 0.9) + np.array([28, 18, 12], np.float32)
    return np.asarray(out, dtype=np.float32)


def to_uint8(img: FloatImage) -> NDArray[np.uint8]:
    """Clip to 0..255 and round to bytes."""
    return np.asarray(cv2.convertScaleAbs(np.maximum(img, 0.0)), dtype=np.uint8)


def jpeg(img: FloatImage | NDArray[np.uint8], quality: int) -> bytes:
    """JPEG bytes of ``img`` at ``quality`` (OpenCV's bundled libjpeg)."""
    data = img if img.dtype == np.uint8 else to_uint8(img.astype(np.float32))
    ok, buf = cv2.imencode(".jpg", data, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:  # pragma: no cover - OpenCV always encodes a valid uint8 image
        raise RuntimeError("JPEG encoding failed")
    return bytes(buf.tobytes())
