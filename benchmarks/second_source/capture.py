"""From a flat card face to a scan or a phone photo: pose, scene, light, optics, sensor."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import cv2
import degrade
import numpy as np
import surfaces
from card_face import CARD_MM, PX_PER_MM, corner_mask

_CAP_MM = 1.45  # rough capital height of the row text, to scale blur to the print
_MIN_CARD_PX = 880  # the card's long side in a photo: small enough to be hard, large enough to read


@dataclass(frozen=True, slots=True)
class Sprite:
    """Card (plus hand or paper) ready to warp: RGB, alpha, and the card's corners in it."""

    rgb: np.ndarray
    alpha: np.ndarray
    corners: np.ndarray
    card_alpha: np.ndarray


@dataclass(frozen=True, slots=True)
class Shot:
    """A finished frame and the JPEG quality to store it with."""

    image: np.ndarray
    quality: int


def _scaled_face(face: np.ndarray, ppm: float) -> np.ndarray:
    if ppm >= PX_PER_MM:
        return face
    size = (round(CARD_MM[0] * ppm), round(CARD_MM[1] * ppm))
    return cv2.resize(face, size, interpolation=cv2.INTER_AREA)


def _sprite(face: np.ndarray, ppm: float, mode: str, rng: random.Random) -> Sprite:
    """Lay the (already scaled) face on a padded canvas, with a hand or a copy sheet around it."""
    h, w = face.shape[:2]
    pad = round((rng.uniform(12, 25) if mode == "copy" else 34 if mode == "hand" else 0.3) * ppm)
    pad_x = pad + (round(rng.uniform(0, 20) * ppm) if mode == "copy" else 0)
    rgb = np.zeros((h + 2 * pad, w + 2 * pad_x, 3), np.float32)
    alpha = np.zeros(rgb.shape[:2], np.float32)
    box = (pad_x, pad, pad_x + w, pad + h)
    card = cv2.resize(corner_mask(), (w, h), interpolation=cv2.INTER_AREA)
    if mode == "copy":
        rgb[:] = (238, 237, 232)
        alpha[:] = 1.0
        cv2.rectangle(
            rgb, box[:2], (box[2] - 1, box[3] - 1), (90, 90, 90), max(1, round(ppm * 0.2))
        )
        card = np.ones_like(card)
    skin, mirror = (0, 0, 0), False
    if mode == "hand":
        skin, mirror = surfaces.hand_under(rgb, alpha, box, ppm, rng)
    region = rgb[pad : pad + h, pad_x : pad_x + w]
    region *= 1 - card[..., None]
    region += face.astype(np.float32) * card[..., None]
    np.maximum(
        alpha[pad : pad + h, pad_x : pad_x + w], card, out=alpha[pad : pad + h, pad_x : pad_x + w]
    )
    card_alpha = np.zeros_like(alpha)
    card_alpha[pad : pad + h, pad_x : pad_x + w] = card
    if mode == "hand":
        surfaces.thumb_over(rgb, alpha, box, ppm, skin, mirror)
    corners = np.array([[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]]])
    return Sprite(rgb, alpha, corners.astype(np.float32), card_alpha)


def _angle(rng: random.Random) -> float:
    roll = rng.random()
    if roll < 0.5:
        return max(-15.0, min(15.0, rng.gauss(0, 6)))
    if roll < 0.85:
        return rng.choice([90, 180, 270]) + rng.uniform(-10, 10)
    return rng.uniform(0, 360)


def _projected(rng: random.Random, angle: float) -> np.ndarray:
    """Card corners seen through a pinhole after tilting the card in 3D; card width is 1."""
    half_h = 0.5 * CARD_MM[1] / CARD_MM[0]
    pts = np.array([[-0.5, -half_h, 0], [0.5, -half_h, 0], [0.5, half_h, 0], [-0.5, half_h, 0]])
    pitch, yaw = math.radians(rng.uniform(-22, 22)), math.radians(rng.uniform(-18, 18))
    rx = np.array(
        [[1, 0, 0], [0, math.cos(pitch), -math.sin(pitch)], [0, math.sin(pitch), math.cos(pitch)]]
    )
    ry = np.array(
        [[math.cos(yaw), 0, math.sin(yaw)], [0, 1, 0], [-math.sin(yaw), 0, math.cos(yaw)]]
    )
    p = pts @ (ry @ rx).T
    dist = rng.uniform(1.6, 3.5)
    xy = p[:, :2] * dist / (dist + p[:, 2:3])
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return xy @ np.array([[c, s], [-s, c]])


def _place(rng: random.Random, frame: tuple[int, int], fraction: float, angle: float) -> np.ndarray:
    """Corners in the frame: the card's long side spans ``fraction`` of the frame along it."""
    fw, fh = frame
    xy = _projected(rng, angle)
    long_side = float(np.linalg.norm((xy[1] + xy[2] - xy[0] - xy[3]) / 2))
    along = fw if abs(math.cos(math.radians(angle))) >= abs(math.sin(math.radians(angle))) else fh
    scale = fraction * along / long_side
    span = xy.max(axis=0) - xy.min(axis=0)
    scale = min(scale, 0.97 * fw / span[0], 0.97 * fh / span[1])
    xy = (xy - xy.min(axis=0)) * scale
    room = np.array([fw, fh]) - (xy.max(axis=0))
    return xy + np.array([rng.uniform(0.2, 0.8) * room[0], rng.uniform(0.2, 0.8) * room[1]])


def _frame(rng: random.Random, small: bool, angle: float) -> tuple[tuple[int, int], float]:
    """Frame size and the share of it the card's long side spans (never below readable size)."""
    fraction = rng.uniform(0.35, 0.5) if small else rng.uniform(0.5, 0.9)
    longest = rng.randint(2400, 3000) if small else rng.randint(1600, 3000)
    shortest = round(longest / rng.choice([4 / 3, 4 / 3, 16 / 9, 3 / 2]))
    upright = abs(math.sin(math.radians(angle))) > abs(math.cos(math.radians(angle)))
    along_long = small or rng.random() < 0.8
    portrait = upright if along_long else not upright
    along = longest if along_long else shortest
    fraction = max(fraction, _MIN_CARD_PX / along)
    return ((shortest, longest) if portrait else (longest, shortest)), fraction


def _warp(sprite: Sprite, corners: np.ndarray, frame: tuple[int, int]) -> tuple[np.ndarray, ...]:
    homography = cv2.getPerspectiveTransform(sprite.corners, corners.astype(np.float32))
    args = {"dsize": frame, "flags": cv2.INTER_LINEAR, "borderValue": 0}
    rgb = cv2.warpPerspective(sprite.rgb, homography, **args)
    alpha = cv2.warpPerspective(sprite.alpha, homography, **args)
    card = cv2.warpPerspective(sprite.card_alpha, homography, **args)
    return rgb, alpha, card


def _scrap(bg: np.ndarray, ppm: float, rng: random.Random) -> None:
    """In place: a receipt or newspaper cutting somewhere in the frame (often under the card)."""
    rgb, a = surfaces.paper_scrap(ppm, rng)
    fh, fw = bg.shape[:2]
    x, y = (
        rng.randint(-rgb.shape[1] // 2, fw - rgb.shape[1] // 2),
        rng.randint(-rgb.shape[0] // 2, fh - rgb.shape[0] // 2),
    )
    x0, y0, x1, y1 = max(0, x), max(0, y), min(fw, x + rgb.shape[1]), min(fh, y + rgb.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    tile, ta = rgb[y0 - y : y1 - y, x0 - x : x1 - x], a[y0 - y : y1 - y, x0 - x : x1 - x, None]
    bg[y0:y1, x0:x1] = bg[y0:y1, x0:x1] * (1 - ta) + tile * ta


def _drop_shadow(
    bg: np.ndarray, alpha: np.ndarray, size: float, rng: random.Random, held: bool
) -> None:
    blur = size * (0.04 if held else 0.012)
    shift = size * rng.uniform(0.005, 0.03) * (3 if held else 1)
    direction = rng.uniform(0, 2 * math.pi)
    move = np.float32([[1, 0, shift * math.cos(direction)], [0, 1, shift * math.sin(direction)]])
    shadow = cv2.warpAffine(alpha, move, alpha.shape[::-1])
    shadow = cv2.GaussianBlur(shadow, (0, 0), blur)
    bg *= 1 - shadow[..., None] * rng.uniform(0.25, 0.5)


def _lighting(img: np.ndarray, rng: random.Random, strength: float) -> None:
    """In place: a light gradient, vignette, colour cast and sometimes a soft cast shadow."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    theta = rng.uniform(0, 2 * math.pi)
    ramp = (xx * math.cos(theta) + yy * math.sin(theta)) / math.hypot(w, h) + 0.5
    field = 1.0 - strength * rng.uniform(0.1, 0.3) * ramp
    r2 = ((xx - w / 2) / w) ** 2 + ((yy - h / 2) / h) ** 2
    field *= 1.0 - rng.uniform(0.1, 0.4) * r2
    if rng.random() < 0.4 * strength:
        field *= _cast_shadow(h, w, rng)
    warm = rng.uniform(-0.08, 0.08)
    gains = np.array([1 + warm, 1.0, 1 - warm], np.float32) * rng.uniform(0.95, 1.12)
    img *= field[..., None] * gains


def _cast_shadow(h: int, w: int, rng: random.Random) -> np.ndarray:
    """A phone or hand shadow: a soft dark polygon entering from one side."""
    mask = np.zeros((h, w), np.float32)
    side = rng.randrange(4)
    depth = rng.uniform(0.2, 0.45)
    cuts = [rng.uniform(0, 1) for _ in range(2)]
    if side in (0, 1):
        x = (0 if side == 0 else w) + (depth * w if side == 0 else -depth * w)
        edge = 0 if side == 0 else w
        pts = [(edge, 0), (x + cuts[0] * w * 0.2, 0), (x - cuts[1] * w * 0.2, h), (edge, h)]
    else:
        y = (0 if side == 2 else h) + (depth * h if side == 2 else -depth * h)
        edge = 0 if side == 2 else h
        pts = [(0, edge), (0, y + cuts[0] * h * 0.2), (w, y - cuts[1] * h * 0.2), (w, edge)]
    cv2.fillPoly(mask, [np.array(pts, np.int32)], 1.0)
    mask = cv2.GaussianBlur(mask, (0, 0), max(h, w) * 0.03)
    return 1.0 - mask * rng.uniform(0.22, 0.4)


def _sleeve(img: np.ndarray, card: np.ndarray, size: float, rng: random.Random) -> None:
    """In place: a plastic sleeve a little larger than the card: haze, yellowing, streaks."""
    grow = max(3, round(size * 0.03))
    sleeve = cv2.dilate(card, np.ones((grow, grow), np.uint8))
    haze = rng.uniform(0.06, 0.15) * sleeve[..., None]
    tint = np.array([240, 236, rng.uniform(200, 230)], np.float32)
    img *= 1 - haze
    img += haze * tint
    streaks = np.zeros_like(card)
    h, w = card.shape
    for _ in range(rng.randint(2, 6)):
        x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
        ang = rng.uniform(0, math.pi)
        length = size * rng.uniform(0.2, 0.8)
        end = (round(x0 + length * math.cos(ang)), round(y0 + length * math.sin(ang)))
        cv2.line(
            streaks, (round(x0), round(y0)), end, 1.0, max(1, round(size * 0.002)), cv2.LINE_AA
        )
    streaks = cv2.GaussianBlur(streaks, (0, 0), 1.0) * sleeve * rng.uniform(0.2, 0.35)
    img += (255 - img) * streaks[..., None]


def _reflection(img: np.ndarray, card: np.ndarray, size: float, rng: random.Random) -> None:
    """In place: a broad soft band of reflected light across the card."""
    h, w = card.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ys, xs = np.nonzero(card > 0.5)
    pick = rng.randrange(len(ys))
    theta = rng.uniform(0, math.pi)
    dist = (xx - xs[pick]) * math.cos(theta) + (yy - ys[pick]) * math.sin(theta)
    band = np.exp(-((dist / (size * rng.uniform(0.04, 0.1))) ** 2)) * rng.uniform(0.15, 0.3) * card
    img += (255 - img) * band[..., None]


def _optics(
    img: np.ndarray, cap_px: float, rng: random.Random, nrng: np.random.Generator, amount: float
) -> np.ndarray:
    """Defocus, sensor noise, sometimes noise reduction smearing and over-sharpening."""
    sigma = max(0.5, cap_px * rng.uniform(0.02, 0.07) * amount)
    img = cv2.GaussianBlur(img, (0, 0), sigma)
    level = rng.uniform(1.5, 5.0) * amount
    img = img + nrng.normal(0, level, img.shape[:2])[..., None].astype(np.float32)
    h, w = img.shape[:2]
    chroma = nrng.normal(0, level * 0.8, (h // 4 + 1, w // 4 + 1, 3)).astype(np.float32)
    img += cv2.resize(chroma, (w, h), interpolation=cv2.INTER_LINEAR)
    out = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.3:
        out = cv2.bilateralFilter(out, 5, 25, 5)
    if rng.random() < 0.5:
        soft = cv2.GaussianBlur(out, (0, 0), rng.uniform(1.5, 3.0))
        amount = rng.uniform(0.3, 0.8)
        out = cv2.addWeighted(out, 1 + amount, soft, -amount, 0)
    return out


def scan(face: np.ndarray, rng: random.Random, nrng: np.random.Generator) -> Shot:
    """A flat-bed scan: near axis-aligned card on white or grey, mild blur, JPEG."""
    out_w = rng.randint(1000, 1600)
    ppm = rng.uniform(0.72, 0.92) * out_w / CARD_MM[0]
    small = _scaled_face(face, ppm).astype(np.float32)
    h, w = small.shape[:2]
    margin_x, margin_y = (out_w - w) / 2, rng.uniform(0.04, 0.14) * out_w
    size = (out_w, round(h + 2 * margin_y))
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-1.5, 1.5), 1.0)
    turn[:, 2] += (margin_x + rng.uniform(-0.6, 0.6) * margin_x, margin_y * rng.uniform(0.5, 1.5))
    alpha = cv2.resize(corner_mask(), (w, h), interpolation=cv2.INTER_AREA)
    card = cv2.warpAffine(small, turn, size)
    a = cv2.warpAffine(alpha, turn, size)[..., None]
    bed = rng.choice([rng.uniform(238, 255), rng.uniform(190, 225)])
    img = np.full((size[1], size[0], 3), bed, np.float32) * (1 - 0.12 * np.roll(a, 2, axis=1))
    img = img * (1 - a) + card * a
    img = img * rng.uniform(1.0, 1.08) + rng.uniform(0, 8)
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.35, 0.8))
    img += nrng.normal(0, rng.uniform(0.8, 2.5), img.shape).astype(np.float32)
    return Shot(np.clip(img, 0, 255).astype(np.uint8), rng.randint(70, 92))


def photo(
    face: np.ndarray, rng: random.Random, nrng: np.random.Generator, faults: tuple[str, ...] = ()
) -> Shot:
    """A phone photo of the card; ``faults`` adds the ``hard`` set's degradations."""
    angle = _angle(rng)
    frame, fraction = _frame(rng, "small" in faults, angle)
    corners = _place(rng, frame, fraction, angle)
    card_px = float(np.linalg.norm(corners[1] - corners[0]))
    ppm = card_px / CARD_MM[0]
    kind = _scene(rng, faults)
    if kind == "copy":
        face = degrade.photocopy(face, rng, nrng)
    work_ppm = min(PX_PER_MM, ppm * 1.3)
    sprite = _sprite(_scaled_face(face, work_ppm), work_ppm, kind, rng)
    rgb, alpha, card = _warp(sprite, corners, frame)
    ground = {"copy": "desk", "screen": "screen"}.get(kind, kind)
    bg = surfaces.surface(ground, frame[1], frame[0], rng, nrng)
    if kind != "screen" and rng.random() < 0.3:
        _scrap(bg, ppm, rng)
    if kind != "screen":
        _drop_shadow(bg, alpha, card_px, rng, held=kind == "hand")
    img = bg * (1 - alpha[..., None]) + rgb * alpha[..., None]
    return _finish(img, card, card_px, rng, nrng, faults)


def _scene(rng: random.Random, faults: tuple[str, ...]) -> str:
    """What surrounds the card: a copy sheet, a screen, or a surface (maybe a hand)."""
    if "photocopy" in faults:
        return "copy"
    if "moire" in faults:
        return "screen"
    return rng.choice(surfaces.SURFACES)


def _finish(
    img: np.ndarray,
    card: np.ndarray,
    card_px: float,
    rng: random.Random,
    nrng: np.random.Generator,
    faults: tuple[str, ...],
) -> Shot:
    _lighting(img, rng, 1.0)
    if rng.random() < 0.25:
        _sleeve(img, card, card_px, rng)
    if rng.random() < 0.25 and "glare" not in faults:
        _reflection(img, card, card_px, rng)
    if "glare" in faults:
        degrade.glare(img, card, card_px, rng)
    cap_px = _CAP_MM * card_px / CARD_MM[0]
    if "motion" in faults:
        img = degrade.motion_blur(img, cap_px, rng)
    if "moire" in faults:
        img = degrade.moire(img, rng)
    if "dim" in faults:
        img = degrade.dim(img, rng, nrng)
    out = _optics(np.clip(img, 0, 255), cap_px, rng, nrng, 0.6 if faults else 1.0)
    quality = rng.randint(18, 32) if "heavy_jpeg" in faults else rng.randint(60, 90)
    return Shot(out, quality)
