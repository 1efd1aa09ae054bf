"""The photo and the signature of a synthetic card: drawn shapes, never a real face.

A head-and-shoulders silhouette on the red or blue studio background of KTP photos, with
varied skin tone, hair or hijab, clothes and glasses, softened to look photographic; the
signature is a random cursive scribble.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from numpy.typing import NDArray

from ktp_ocr.types import Sex

FloatImage = NDArray[np.float32]
_RED = (45.0, 40.0, 200.0)  # BGR
_BLUE = (200.0, 115.0, 40.0)
_SKIN = ((150, 185, 225), (120, 160, 205), (95, 130, 180), (75, 105, 150), (60, 85, 120))
_CLOTHES = (
    (245, 245, 245),
    (30, 30, 30),
    (90, 50, 30),
    (60, 60, 70),
    (40, 70, 120),
    (120, 120, 120),
)
_HIJAB = (
    (240, 240, 240),
    (25, 25, 25),
    (90, 40, 20),
    (140, 110, 200),
    (60, 110, 60),
    (70, 90, 140),
)


def _pt(x: float, y: float) -> tuple[int, int]:
    return round(x), round(y)


def _jitter(
    rng: np.random.Generator, colour: tuple[float, ...], amount: float
) -> tuple[float, ...]:
    return tuple(float(np.clip(c + rng.uniform(-amount, amount), 0, 255)) for c in colour)


def _backdrop(rng: np.random.Generator, w: int, h: int) -> FloatImage:
    base = np.array(_jitter(rng, _RED if rng.random() < 0.55 else _BLUE, 18), np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r = np.sqrt(((xx - w / 2) / w) ** 2 + ((yy - h * 0.4) / h) ** 2)
    light = 1.08 - 0.35 * r
    return np.asarray(base[None, None, :] * light[..., None], dtype=np.float32)


def _body(rng: np.random.Generator, img: FloatImage, skin: tuple[float, ...], female: bool) -> None:
    h, w = img.shape[:2]
    cx = w / 2 + rng.uniform(-0.03, 0.03) * w
    clothes = _jitter(rng, _CLOTHES[int(rng.integers(len(_CLOTHES)))], 10)
    neck_w = w * rng.uniform(0.11, 0.13)
    dark = tuple(c * 0.78 for c in skin)
    cv2.rectangle(img, _pt(cx - neck_w, h * 0.5), _pt(cx + neck_w, h * 0.75), dark, -1)
    top = h * rng.uniform(0.66, 0.71)
    shoulders = np.array(
        [
            [cx - w * 0.62, h * 1.05],
            [cx - w * 0.5, top + h * 0.06],
            [cx - w * 0.3, top],
            [cx + w * 0.3, top],
            [cx + w * 0.5, top + h * 0.06],
            [cx + w * 0.62, h * 1.05],
        ]
    )
    cv2.fillPoly(img, [shoulders.astype(np.int32)], clothes, cv2.LINE_AA)
    if not female and rng.random() < 0.7:
        collar = np.array(
            [[cx - w * 0.13, top - h * 0.01], [cx, top + h * 0.12], [cx + w * 0.13, top - h * 0.01]]
        )
        cv2.fillPoly(img, [collar.astype(np.int32)], (235, 235, 235), cv2.LINE_AA)
        cv2.fillPoly(
            img,
            [
                np.array(
                    [
                        [cx - neck_w, top - h * 0.01],
                        [cx, top + h * 0.08],
                        [cx + neck_w, top - h * 0.01],
                    ]
                ).astype(np.int32)
            ],
            dark,
            cv2.LINE_AA,
        )
        if rng.random() < 0.35:
            tie = np.array(
                [[cx - w * 0.025, top + h * 0.09], [cx + w * 0.025, top + h * 0.09], [cx, h]]
            )
            cv2.fillPoly(img, [tie.astype(np.int32)], _jitter(rng, (60, 30, 120), 40), cv2.LINE_AA)


def _hair_mask(
    rng: np.random.Generator,
    h: int,
    w: int,
    centre: tuple[float, float],
    axes: tuple[float, float],
    style: str,
) -> NDArray[np.float32]:
    cx, cy = centre
    ax, ay = axes
    mask = np.zeros((h, w), np.float32)
    if style == "long":
        cv2.ellipse(mask, _pt(cx, cy + ay * 0.45), _pt(ax * 1.3, ay * 1.5), 0, 0, 360, 1.0, -1)
        x0, x1 = round(cx - ax * 0.8), round(cx + ax * 0.8)
        mask[round(cy + ay * 0.7) :, max(0, x0) : max(0, x1)] = 0
    if style in ("short", "long"):
        cv2.ellipse(mask, _pt(cx, cy - ay * 0.15), _pt(ax * 1.08, ay * 0.98), 0, 180, 360, 1.0, -1)
        cv2.ellipse(mask, _pt(cx, cy - ay * 0.15), _pt(ax * 1.08, ay * 0.35), 0, 0, 180, 1.0, -1)
    return np.asarray(cv2.GaussianBlur(mask, (0, 0), max(0.8, w / 150)), dtype=np.float32)


def _head(rng: np.random.Generator, img: FloatImage, skin: tuple[float, ...], style: str) -> None:
    h, w = img.shape[:2]
    cx, cy = w / 2 + rng.uniform(-0.03, 0.03) * w, h * rng.uniform(0.37, 0.41)
    ax, ay = w * rng.uniform(0.19, 0.22), h * rng.uniform(0.165, 0.19)
    grain = 0.75 + 0.5 * cv2.GaussianBlur(rng.random((h, w)).astype(np.float32), (0, 0), 1.2)
    hair = np.array(_jitter(rng, (22, 24, 28), 10), np.float32)[None, None, :] * grain[..., None]
    if style == "hijab":
        cloth = _jitter(rng, _HIJAB[int(rng.integers(len(_HIJAB)))], 15)
        drape = np.array(
            [
                [cx - ax * 1.45, cy],
                [cx - w * 0.52, h * 1.02],
                [cx + w * 0.52, h * 1.02],
                [cx + ax * 1.45, cy],
            ]
        )
        cv2.fillPoly(img, [drape.astype(np.int32)], cloth, cv2.LINE_AA)
        cv2.ellipse(img, _pt(cx, cy + ay * 0.1), _pt(ax * 1.4, ay * 1.4), 0, 0, 360, cloth, -1)
    elif style == "long":
        mask = _hair_mask(rng, h, w, (cx, cy), (ax, ay), style)[..., None]
        img[:] = img * (1 - mask) + hair * mask
    if style != "hijab":
        for side in (-1, 1):
            ear = _pt(cx + side * ax * 0.97, cy + ay * 0.12)
            cv2.ellipse(img, ear, _pt(ax * 0.15, ay * 0.22), 0, 0, 360, skin, -1)
    face = np.zeros((h, w), np.float32)
    scale = 0.92 if style == "hijab" else 1.0
    cv2.ellipse(
        face,
        _pt(cx, cy + ay * 0.08),
        _pt(ax * scale, ay * 1.08 * scale),
        0,
        0,
        360,
        1.0,
        -1,
        cv2.LINE_AA,
    )
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xx - cx) / ax) ** 2 + ((yy - cy) / (ay * 1.1)) ** 2
    volume = np.clip(1.08 - 0.3 * r2, 0.6, 1.1)
    tone = np.array(skin, np.float32)[None, None, :] * volume[..., None]
    img[:] = img * (1 - face[..., None]) + tone * face[..., None]
    if style == "short":
        mask = _hair_mask(rng, h, w, (cx, cy), (ax, ay), style)
        mask[int(cy - ay * 0.25) :] = 0
        img[:] = img * (1 - mask[..., None]) + hair * mask[..., None]
    _face(rng, img, (cx, cy + ay * 0.05), (ax, ay), skin)


def _face(
    rng: np.random.Generator,
    img: FloatImage,
    centre: tuple[float, float],
    axes: tuple[float, float],
    skin: tuple[float, ...],
) -> None:
    cx, cy = centre
    ax, ay = axes
    dark = tuple(c * 0.3 for c in skin)
    brow = tuple(c * 0.45 for c in skin)
    eye_y = cy - ay * rng.uniform(0.0, 0.08)
    for side in (-1, 1):
        ex = cx + side * ax * 0.38
        cv2.ellipse(img, _pt(ex, eye_y), _pt(ax * 0.12, ay * 0.05), 0, 0, 360, (225, 225, 225), -1)
        cv2.circle(img, _pt(ex, eye_y), max(1, round(ay * 0.045)), dark, -1)
        cv2.ellipse(
            img,
            _pt(ex, eye_y - ay * 0.2),
            _pt(ax * 0.17, ay * 0.05),
            0,
            200,
            340,
            brow,
            max(1, round(ay * 0.04)),
        )
    nose = tuple(c * 0.72 for c in skin)
    cv2.ellipse(
        img,
        _pt(cx, cy + ay * 0.33),
        _pt(ax * 0.12, ay * 0.05),
        0,
        0,
        180,
        nose,
        max(1, round(ay * 0.03)),
    )
    lips = (skin[0] * 0.6, skin[1] * 0.58, skin[2] * 0.8)
    cv2.ellipse(
        img, _pt(cx, cy + ay * 0.6), _pt(ax * 0.27, ay * 0.055), 0, 0, 360, lips, -1, cv2.LINE_AA
    )
    if rng.random() < 0.15:
        for side in (-1, 1):
            cv2.ellipse(
                img,
                _pt(cx + side * ax * 0.38, eye_y),
                _pt(ax * 0.25, ay * 0.16),
                0,
                0,
                360,
                (25, 25, 25),
                max(1, round(ay * 0.03)),
                cv2.LINE_AA,
            )


def portrait(rng: np.random.Generator, w: int, h: int, sex: Sex, hijab_rate: float) -> FloatImage:
    """A ``w`` x ``h`` BGR float photo; women wear a hijab with probability ``hijab_rate``."""
    img = _backdrop(rng, w, h)
    skin = _jitter(rng, _SKIN[int(rng.integers(len(_SKIN)))], 12)
    female = sex is Sex.FEMALE
    if female:
        style = "hijab" if rng.random() < hijab_rate else "long"
    else:
        style = "bald" if rng.random() < 0.05 else "short"
    _body(rng, img, skin, female)
    _head(rng, img, skin, style)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    side = rng.uniform(-1, 1)
    shade = 1 + 0.12 * side * (xx / w - 0.5) - 0.08 * (yy / h)
    img = img * shade[..., None]
    img = cv2.GaussianBlur(img, (0, 0), max(0.8, w / 160))
    img += rng.normal(0, 2.5, img.shape).astype(np.float32)
    return np.asarray(np.clip(img, 0, 255), dtype=np.float32)


def signature(rng: np.random.Generator, w: int, h: int) -> NDArray[np.float32]:
    """A ``w`` x ``h`` ink mask (0..1) of a cursive scribble."""
    mask = np.zeros((h, w), np.uint8)
    strokes = int(rng.integers(1, 4))
    x = w * rng.uniform(0.05, 0.2)
    thickness = max(1, round(h / rng.uniform(18, 30)))
    for _ in range(strokes):
        length = w * rng.uniform(0.25, 0.6)
        n = 160
        t = np.linspace(0, 1, n)
        loops = rng.uniform(2, 7)
        amp = h * rng.uniform(0.15, 0.35)
        xs = x + t * length + (length / loops) * 0.35 * np.sin(2 * math.pi * loops * t)
        envelope = 0.6 + 0.4 * np.sin(math.pi * t + rng.uniform(0, 1))
        ys = h * rng.uniform(0.4, 0.6) + amp * envelope * np.cos(
            2 * math.pi * loops * t + rng.uniform(0, 6)
        )
        ys += h * 0.15 * np.sin(2 * math.pi * rng.uniform(0.3, 1.2) * t)
        pts = np.stack([xs, ys], axis=1).round().astype(np.int32)
        cv2.polylines(mask, [pts], False, 255, thickness, cv2.LINE_AA)
        x = float(xs[-1]) + w * rng.uniform(-0.1, 0.05)
        if x > w * 0.85:
            break
    if rng.random() < 0.5:
        y = h * rng.uniform(0.7, 0.9)
        cv2.line(
            mask,
            _pt(w * 0.1, y),
            _pt(w * rng.uniform(0.6, 0.95), y - h * 0.1),
            255,
            thickness,
            cv2.LINE_AA,
        )
    return np.asarray(mask, dtype=np.float32) / 255.0
