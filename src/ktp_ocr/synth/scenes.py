"""Procedural surfaces a card gets photographed on.

Wood, fabric, bedsheets, desks with paper clutter (newspaper columns, receipts, notes whose
words are not the card's), keyboards, marble, scanner beds. Textures are made at a reduced
scale and resized, so a 4000 px frame stays cheap.
"""

from __future__ import annotations

import math
import random

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from ktp_ocr.synth import fonts, vocab
from ktp_ocr.synth.cardface import smooth_noise

FloatImage = NDArray[np.float32]
SCENES: dict[str, float] = {
    "wood": 3.0,
    "fabric": 2.0,
    "bedsheet": 2.0,
    "desk": 3.0,
    "newspaper": 1.2,
    "keyboard": 1.0,
    "marble": 1.0,
}
_WORK = 900  # long side of the texture work canvas
_PAPER = 1400  # long side at which paper text is drawn (then resized)


def _work_size(w: int, h: int) -> tuple[int, int]:
    k = min(1.0, _WORK / max(w, h))
    return max(8, round(w * k)), max(8, round(h * k))


def _colour(
    rng: np.random.Generator, base: tuple[float, float, float], spread: float
) -> FloatImage:
    return np.clip(np.array(base) + rng.uniform(-spread, spread, 3), 0, 255).astype(np.float32)


def _rotate(img: FloatImage, angle: float) -> FloatImage:
    """``img`` rotated about its centre, edges reflected (textures have no preferred frame)."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return np.asarray(
        cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT),
        dtype=np.float32,
    )


def _wood(rng: np.random.Generator, w: int, h: int) -> FloatImage:
    """Planks with flame figure, fine fibres and seams, in a random wood tone."""
    light = _colour(rng, (95.0, 150.0, 200.0), 25) * rng.uniform(0.55, 1.1)
    dark = light * rng.uniform(0.45, 0.7)
    side = max(w, h)
    yy, xx = np.mgrid[0:side, 0:side].astype(np.float32)
    plank = rng.uniform(0.12, 0.3) * side
    index = np.floor((yy + rng.uniform(0, plank)) / plank)
    offset = (index * 7919.0) % 997.0  # a different figure per plank
    warp = smooth_noise(rng, side, side, 4) * rng.uniform(20, 60) + 0.02 * offset * xx / side * 40
    period = rng.uniform(5, 14)
    figure = 0.5 + 0.5 * np.sin((yy + warp + offset) / period)
    figure = figure ** rng.uniform(1.5, 4.0)
    fibres = cv2.resize(
        rng.standard_normal((side, max(2, side // 30))).astype(np.float32), (side, side)
    )
    t = np.clip(0.55 * figure + 0.12 * fibres + 0.2 * smooth_noise(rng, side, side, 3) + 0.2, 0, 1)
    plank_tone = 1 + 0.08 * np.sin(index * 2.3 + rng.uniform(0, 6))
    img = (light * (1 - t[..., None]) + dark * t[..., None]) * plank_tone[..., None]
    seam = np.abs((yy + rng.uniform(0, plank)) % plank) < 1.3
    img[seam] *= 0.5
    img = _rotate(img, rng.choice([0.0, 90.0]) + rng.uniform(-25, 25))
    y0, x0 = (side - h) // 2, (side - w) // 2
    return np.ascontiguousarray(img[y0 : y0 + h, x0 : x0 + w])


def _folds(rng: np.random.Generator, h: int, w: int) -> FloatImage:
    """Shading of cloth folds: soft ridges of a warped noise field, about 0.7..1.1."""
    n = smooth_noise(rng, h, w, int(rng.integers(3, 6))) * rng.uniform(0.8, 1.6)
    ridges = 1 - np.abs(np.tanh(n * 1.5))
    soft = smooth_noise(rng, h, w, 2)
    return np.asarray(
        0.8 + 0.22 * ridges + 0.08 * soft + 0.03 * smooth_noise(rng, h, w, 12), np.float32
    )


def _fabric(rng: np.random.Generator, w: int, h: int, pattern: bool) -> FloatImage:
    """Plain cloth or a printed bedsheet, both draped in folds."""
    base = _colour(rng, (175.0, 175.0, 175.0), 75)
    folds = _folds(rng, h, w)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    weave = 1 + 0.03 * np.sin(xx * 1.7) * np.sin(yy * 1.9)
    img = base[None, None, :] * np.ones((h, w, 1), np.float32)
    if pattern:
        second = _colour(rng, (120.0, 110.0, 170.0), 100)
        size = rng.uniform(12, 45)
        shift = smooth_noise(rng, h, w, 3) * size * 0.8
        u, v = xx + shift, yy - shift
        kind = int(rng.integers(4))
        if kind == 0:
            motif = (np.sin(u / size * 6.28) > 0.7) | (np.sin(v / size * 6.28) > 0.7)
        elif kind == 1:
            motif = np.sin((u + v * rng.uniform(-1, 1)) / size * 6.28) > 0.2
        elif kind == 2:
            cu, cv = (u % (2 * size)) - size, (v % (2 * size)) - size
            motif = cu**2 + cv**2 < (size * rng.uniform(0.3, 0.7)) ** 2
        else:
            petals = np.cos(
                5 * np.arctan2((v % (3 * size)) - 1.5 * size, (u % (3 * size)) - 1.5 * size)
            )
            radius = np.hypot((u % (3 * size)) - 1.5 * size, (v % (3 * size)) - 1.5 * size)
            motif = radius < size * (0.7 + 0.3 * petals)
        img[motif] = second
    img = img * (folds * weave)[..., None]
    return np.asarray(img, dtype=np.float32)


def _marble(rng: np.random.Generator, w: int, h: int) -> FloatImage:
    base = _colour(rng, (225.0, 225.0, 222.0), 20)
    n = smooth_noise(rng, h, w, 4) * 1.2 + 0.35 * smooth_noise(rng, h, w, 18)
    veins = np.exp(-np.abs(n) * rng.uniform(10, 25))
    cloud = 0.04 * smooth_noise(rng, h, w, 8)
    img = base[None, None, :] * (1 - 0.3 * veins + cloud)[..., None]
    return np.asarray(img, dtype=np.float32)


def _keyboard(rng: np.random.Generator, w: int, h: int) -> FloatImage:
    dark = rng.random() < 0.6
    img = np.empty((h, w, 3), np.uint8)
    img[:] = _colour(rng, (40.0, 40.0, 42.0) if dark else (200.0, 200.0, 205.0), 12).astype(
        np.uint8
    )
    key = rng.uniform(0.05, 0.09) * max(w, h)
    cap = np.array([60.0, 60.0, 62.0] if dark else [235.0, 235.0, 238.0], np.float32)
    letter = (220, 220, 220) if dark else (40, 40, 40)
    gap = key * 0.15
    for row, y in enumerate(np.arange(-key * rng.uniform(0, 1), h, key + gap)):
        offset = (row % 4) * key * 0.25
        for x in np.arange(-offset, w, key + gap):
            p0, p1 = (int(x), int(y)), (int(x + key), int(y + key))
            cv2.rectangle(img, p0, p1, cap.tolist(), -1)
            char = chr(int(rng.integers(65, 91)))
            org = (int(x + key * 0.2), int(y + key * 0.45))
            cv2.putText(img, char, org, cv2.FONT_HERSHEY_SIMPLEX, key / 90, letter, 1, cv2.LINE_AA)
    shade = 1 + 0.06 * smooth_noise(rng, h, w, 3)
    return np.asarray(img.astype(np.float32) * shade[..., None], dtype=np.float32)


def _paper_text(rng: random.Random, kind: str, pw: int, ph: int) -> Image.Image:
    """A sheet of newspaper, a receipt or a note with unrelated words."""
    paper = Image.new("RGB", (pw, ph), (238, 236, 230) if kind == "news" else (250, 250, 246))
    draw = ImageDraw.Draw(paper)
    family = fonts.family(rng.choice([f.name for f in fonts.FAMILIES]))
    size = max(6, round(pw / rng.uniform(22, 38)))
    font = fonts.load(family.regular, size)
    if kind == "receipt":
        _receipt(rng, draw, font, pw, ph)
        return paper
    source = vocab.words("clutter.txt", "news" if kind == "news" else "note")
    columns = 2 if kind == "news" and pw > 200 else 1
    col_w = pw / columns
    if kind == "news":
        head = fonts.load(family.bold, size * 2)
        title = " ".join(rng.choice(source) for _ in range(3)).title()
        draw.text((size, size), title, font=head, fill=(20, 20, 20))
    for c in range(columns):
        y = size * (4.5 if kind == "news" else 1.5)
        while y < ph - size:
            line = ""
            while font.getlength(line) < col_w - size * 3:
                line += rng.choice(source) + " "
            draw.text((c * col_w + size, y), line.strip(), font=font, fill=(35, 35, 45))
            y += size * 1.35
    return paper


def _receipt(
    rng: random.Random, draw: ImageDraw.ImageDraw, font: fonts.Font, pw: int, ph: int
) -> None:
    size = font.size
    items = vocab.words("clutter.txt", "item")
    draw.text(
        (size, size), rng.choice(vocab.words("clutter.txt", "shop")), font=font, fill=(30, 30, 30)
    )
    y = size * 3.0
    total = 0
    while y < ph - size * 4:
        price = rng.randrange(2, 120) * 500
        total += price
        draw.text(
            (size, y), f"{rng.choice(items)} x{rng.randint(1, 4)}", font=font, fill=(40, 40, 40)
        )
        draw.text((pw - size * 6, y), f"{price:,}".replace(",", "."), font=font, fill=(40, 40, 40))
        y += size * 1.3
    word = rng.choice(vocab.words("clutter.txt", "receipt"))
    draw.text((size, y + size), f"{word} {total:,}".replace(",", "."), font=font, fill=(20, 20, 20))


def _place_patch(rng: np.random.Generator, img: FloatImage, patch: FloatImage) -> None:
    """Paste ``patch`` rotated at a random spot, with a soft shadow (only its region is touched)."""
    h, w = img.shape[:2]
    ph, pw = patch.shape[:2]
    angle = rng.uniform(-40, 40)
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    m = cv2.getRotationMatrix2D((pw / 2, ph / 2), angle, 1.0)
    m[:, 2] += (cx - pw / 2, cy - ph / 2)
    corners = np.array([[0, 0, 1], [pw, 0, 1], [pw, ph, 1], [0, ph, 1]], np.float64) @ m.T
    pad = 12
    x0, y0 = (max(0, int(v) - pad) for v in corners.min(axis=0))
    x1, y1 = (min(n, int(v) + pad) for v, n in zip(corners.max(axis=0), (w, h), strict=True))
    if x1 <= x0 or y1 <= y0:
        return
    m[:, 2] -= (x0, y0)
    size = (x1 - x0, y1 - y0)
    warped = cv2.warpAffine(patch, m, size, flags=cv2.INTER_LINEAR)
    alpha = cv2.warpAffine(np.ones((ph, pw), np.float32), m, size)
    shadow = cv2.GaussianBlur(np.roll(alpha, (4, 4), axis=(0, 1)), (0, 0), 4)
    region = img[y0:y1, x0:x1] * (1 - 0.35 * shadow)[..., None]
    img[y0:y1, x0:x1] = cv2.blendLinear(region, warped, 1.0 - alpha, alpha)


def _desk_surface(rng: np.random.Generator, w: int, h: int) -> FloatImage:
    tone = float(rng.choice([235.0, 200.0, 150.0, 70.0, 35.0]))
    img = np.empty((h, w, 3), np.float32)
    img[:] = _colour(rng, (tone, tone, tone), 20)
    return np.asarray(img * (1 + 0.05 * smooth_noise(rng, h, w, 8))[..., None], dtype=np.float32)


def _clutter(rng: np.random.Generator, prng: random.Random, img: FloatImage) -> None:
    """Newspaper cuttings, receipts, notes and pens around (and under) the card."""
    h, w = img.shape[:2]
    for _ in range(int(rng.integers(1, 4))):
        kind = prng.choice(["news", "receipt", "note"])
        pw = int(w * (rng.uniform(0.15, 0.3) if kind == "receipt" else rng.uniform(0.3, 0.6)))
        ph = int(pw * (rng.uniform(1.8, 3.0) if kind == "receipt" else rng.uniform(0.8, 1.4)))
        k = min(1.0, _PAPER / max(pw, ph))
        sheet = np.asarray(_paper_text(prng, kind, round(pw * k), round(ph * k)), dtype=np.float32)
        resized = cv2.resize(sheet[..., ::-1], (pw, ph), interpolation=cv2.INTER_LINEAR)
        _place_patch(rng, img, np.ascontiguousarray(resized, dtype=np.float32))
    for _ in range(int(rng.integers(0, 3))):  # pens
        p0 = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
        a = rng.uniform(0, math.pi)
        p1 = (int(p0[0] + math.cos(a) * w * 0.3), int(p0[1] + math.sin(a) * w * 0.3))
        cv2.line(img, p0, p1, _colour(rng, (80.0, 80.0, 80.0), 80).tolist(), max(3, w // 60))


def _newspaper(prng: random.Random, w: int, h: int) -> FloatImage:
    k = min(1.0, _PAPER / max(w, h))
    sheet = np.asarray(_paper_text(prng, "news", round(w * k), round(h * k)), dtype=np.float32)
    return np.asarray(cv2.resize(sheet[..., ::-1], (w, h)), dtype=np.float32)


def scene(rng: np.random.Generator, prng: random.Random, kind: str, w: int, h: int) -> FloatImage:
    """A ``w`` x ``h`` BGR float surface of the given ``kind`` (a key of :data:`SCENES`)."""
    if kind == "newspaper":
        return _newspaper(prng, w, h)
    sw, sh = _work_size(w, h)
    if kind == "wood":
        img = _wood(rng, sw, sh)
    elif kind in ("fabric", "bedsheet"):
        img = _fabric(rng, sw, sh, pattern=kind == "bedsheet")
    elif kind == "marble":
        img = _marble(rng, sw, sh)
    elif kind == "keyboard":
        img = _keyboard(rng, sw, sh)
    else:
        img = _desk_surface(rng, sw, sh)
    img = np.asarray(cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR), dtype=np.float32)
    if kind == "desk" or (kind in ("wood", "marble") and rng.random() < 0.3):
        _clutter(rng, prng, img)
    return img


def scanner_bed(rng: np.random.Generator, w: int, h: int) -> FloatImage:
    """The white or light grey glass/lid of a flatbed scanner."""
    tone = rng.uniform(205, 252)
    sw, sh = _work_size(w, h)
    img = np.full((sh, sw), tone, np.float32) + 3 * smooth_noise(rng, sh, sw, 4)
    specks = rng.random((sh, sw)) < 0.0004
    img[specks] -= rng.uniform(40, 120)
    full = np.asarray(cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)
    out = np.repeat(full[..., None], 3, axis=2) * rng.uniform(0.97, 1.0, 3).astype(np.float32)
    return np.asarray(out, dtype=np.float32)
