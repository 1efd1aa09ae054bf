"""Home-made photo scenes for the imaging tests (independent of ``ktp_ocr.synth``).

A light blue-green ID-1 card with text, a NIK row, a red/blue photo block and a signature, warped
onto cluttered backgrounds (wood, fabric, papers with text, keyboard, plain desk) with the usual
phone-photo troubles. Only a sanity test lives here; the other ``test_imaging_*`` modules and
``benchmarks/detect_bench.py`` import the generator.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

CARD_W, CARD_H = 856, 540  # 10 px per mm
U8 = NDArray[np.uint8]
F32 = NDArray[np.float32]


@dataclass
class Scene:
    image: U8
    corners: F32  # TL, TR, BR, BL of the upright card, image coordinates
    background: str


def _text(rng: np.random.Generator, n: int, alphabet: str = string.ascii_uppercase) -> str:
    return "".join(rng.choice(list(alphabet + " " * 3)) for _ in range(n)).strip() or "A"


def make_card(rng: np.random.Generator, *, photo_colour: str | None = None) -> U8:
    """An upright flat e-KTP-like card, ``CARD_H x CARD_W`` BGR."""
    h, w = CARD_H, CARD_W
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    tint = rng.uniform(-10, 10, 3)
    base = np.array([232, 226, 196], np.float32) + tint  # BGR light blue-green
    card = np.empty((h, w, 3), np.float32)
    grad = (xx / w)[..., None] * np.array([-14, 6, 18], np.float32)
    card[:] = base + grad
    guil = 6 * np.sin(xx / 9.0 + 3 * np.sin(yy / 31.0)) * np.sin(yy / 13.0)
    card += guil[..., None]
    card = np.clip(card, 0, 255).astype(np.uint8)
    ink = (int(rng.integers(10, 40)),) * 3
    font = cv2.FONT_HERSHEY_SIMPLEX
    for i, txt in enumerate(("PROVINSI " + _text(rng, 10), "KABUPATEN " + _text(rng, 9))):
        size, _ = cv2.getTextSize(txt, cv2.FONT_HERSHEY_DUPLEX, 0.85, 2)
        cv2.putText(
            card,
            txt,
            ((w - size[0]) // 2, 42 + 34 * i),
            cv2.FONT_HERSHEY_DUPLEX,
            0.85,
            ink,
            2,
            cv2.LINE_AA,
        )
    cv2.putText(card, "NIK", (22, 150), cv2.FONT_HERSHEY_DUPLEX, 1.0, ink, 2, cv2.LINE_AA)
    nik = "".join(rng.choice(list(string.digits)) for _ in range(16))
    cv2.putText(card, ": " + nik, (120, 150), cv2.FONT_HERSHEY_DUPLEX, 1.05, ink, 3, cv2.LINE_AA)
    labels = [
        "Nama",
        "Tempat/Tgl Lahir",
        "Jenis Kelamin",
        "Alamat",
        "RT/RW",
        "Kel/Desa",
        "Kecamatan",
        "Agama",
        "Status Perkawinan",
        "Pekerjaan",
        "Kewarganegaraan",
        "Berlaku Hingga",
    ]
    for i, label in enumerate(labels):
        y = 190 + 27 * i
        cv2.putText(card, label, (22, y), font, 0.5, ink, 1, cv2.LINE_AA)
        cv2.putText(
            card,
            ": " + _text(rng, int(rng.integers(5, 22))),
            (190, y),
            font,
            0.52,
            ink,
            1,
            cv2.LINE_AA,
        )
    colour = photo_colour or str(rng.choice(["red", "blue"]))
    bg = (40, 40, 200) if colour == "red" else (190, 90, 30)
    x0, y0, x1, y1 = 610, 120, 800, 370
    card[y0:y1, x0:x1] = bg
    cv2.ellipse(card, (705, 215), (48, 62), 0, 0, 360, (120, 160, 215), -1)
    cv2.ellipse(card, (705, 390), (95, 75), 0, 180, 360, (50, 50, 60), -1)
    cv2.putText(card, _text(rng, 9), (625, 400), font, 0.5, ink, 1, cv2.LINE_AA)
    cv2.putText(card, "12-05-2017", (640, 425), font, 0.5, ink, 1, cv2.LINE_AA)
    pts = np.array([[630 + 12 * k, 480 + int(15 * np.sin(k * 1.3))] for k in range(12)], np.int32)
    cv2.polylines(card, [pts], False, ink, 2, cv2.LINE_AA)
    return card


def _rounded_mask(h: int, w: int, r: int) -> U8:
    mask = np.full((h, w), 255, np.uint8)
    for cy, cx in ((r, r), (r, w - 1 - r), (h - 1 - r, r), (h - 1 - r, w - 1 - r)):
        ys = slice(0, r) if cy == r else slice(h - r, h)
        xs = slice(0, r) if cx == r else slice(w - r, w)
        mask[ys, xs] = 0
        cv2.circle(mask, (cx, cy), r, 255, -1, cv2.LINE_AA)
    return mask


def make_background(rng: np.random.Generator, kind: str, h: int, w: int) -> U8:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        ang = rng.uniform(0, np.pi)
        u = xx * np.cos(ang) + yy * np.sin(ang)
        v = -xx * np.sin(ang) + yy * np.cos(ang)
        grain = np.sin(u / 7.0 + 4 * np.sin(v / 90.0)) + 0.5 * np.sin(u / 2.3)
        base = np.array([60, 105, 160], np.float32) * rng.uniform(0.6, 1.2)
        img = base + grain[..., None] * np.array([12, 18, 24], np.float32)
    elif kind == "fabric":
        col = rng.uniform(40, 220, 3).astype(np.float32)
        weave = np.sin(xx / 1.7) * np.sin(yy / 1.7) * 18 + rng.normal(0, 6, (h, w))
        img = col + weave[..., None]
    elif kind == "keyboard":
        img = np.full((h, w, 3), 35, np.uint8)
        key = int(min(h, w) / rng.uniform(9, 14))
        for y in range(0, h, key):
            for x in range(0, w, key):
                img[y + 3 : y + key - 3, x + 3 : x + key - 3] = 70
                cv2.putText(
                    img,
                    str(rng.choice(list(string.ascii_uppercase))),
                    (x + key // 3, y + 2 * key // 3),
                    cv2.FONT_HERSHEY_SIMPLEX,
                    key / 60,
                    (220, 220, 220),
                    1,
                    cv2.LINE_AA,
                )
        img = img.astype(np.float32)
    elif kind == "papers":
        img = np.full((h, w, 3), 0, np.float32)
        img[:] = rng.uniform(90, 150, 3)
        for _ in range(3):
            sheet = np.full((int(h * 0.7), int(w * 0.45), 3), rng.uniform(225, 250), np.uint8)
            for ly in range(25, sheet.shape[0] - 10, 18):
                cv2.putText(
                    sheet,
                    _text(rng, 40, string.ascii_letters),
                    (10, ly),
                    cv2.FONT_HERSHEY_SIMPLEX,
                    0.45,
                    (40, 40, 40),
                    1,
                    cv2.LINE_AA,
                )
            ang = rng.uniform(-30, 30)
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            m = cv2.getRotationMatrix2D((sheet.shape[1] / 2, sheet.shape[0] / 2), ang, 1.0)
            m[:, 2] += (cx - sheet.shape[1] / 2, cy - sheet.shape[0] / 2)
            warped = cv2.warpAffine(sheet, m, (w, h))
            sel = cv2.warpAffine(np.full(sheet.shape[:2], 255, np.uint8), m, (w, h)) > 127
            img[sel] = warped[sel]
    else:  # plain desk
        img = np.empty((h, w, 3), np.float32)
        img[:] = rng.uniform(60, 200, 3)
        img += rng.normal(0, 3, (h, w, 1))
    return np.clip(img, 0, 255).astype(np.uint8)


def render_scene(
    rng: np.random.Generator,
    *,
    background: str = "wood",
    size: tuple[int, int] = (1200, 900),
    rotation: float = 0.0,
    card_fraction: float = 0.3,
    perspective: float = 0.0,
    offset: tuple[float, float] = (0.0, 0.0),
    shadow: bool = False,
    glare: bool = False,
    blur: float = 0.0,
    noise: float = 0.0,
    haze: bool = False,
    jpeg: int | None = None,
    card: U8 | None = None,
) -> Scene:
    """The card photographed: rotation in degrees (counter-clockwise), fraction of image area,
    perspective strength (0-0.25), offset of the card centre as fractions of the image size."""
    w, h = size
    card = make_card(rng) if card is None else card
    ch, cw = card.shape[:2]
    src = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], np.float32)
    area = card_fraction * w * h
    sw = np.sqrt(area * cw / ch)
    sh = sw * ch / cw
    rect = np.array([[-sw / 2, -sh / 2], [sw / 2, -sh / 2], [sw / 2, sh / 2], [-sw / 2, sh / 2]])
    if perspective:
        jitter = rng.uniform(-perspective, perspective, (4, 2)) * np.array([sw, sh])
        rect = rect + jitter
    t = np.deg2rad(rotation)
    rot = np.array([[np.cos(t), np.sin(t)], [-np.sin(t), np.cos(t)]])  # CCW on screen (y down)
    centre = np.array([w / 2 + offset[0] * w, h / 2 + offset[1] * h])
    dst = (rect @ rot.T + centre).astype(np.float32)
    hmat = cv2.getPerspectiveTransform(src, dst)
    bg = make_background(rng, background, h, w)
    warped = cv2.warpPerspective(
        card, hmat, (w, h), flags=cv2.INTER_AREA if card_fraction < 0.2 else cv2.INTER_LINEAR
    )
    mask = cv2.warpPerspective(_rounded_mask(ch, cw, 30), hmat, (w, h)).astype(np.float32) / 255
    img = (
        bg.astype(np.float32) * (1 - mask[..., None]) + warped.astype(np.float32) * mask[..., None]
    )
    if haze:
        img = img * 0.8 + 45 + rng.normal(0, 2, img.shape)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if shadow:
        ang = rng.uniform(0, 2 * np.pi)
        ramp = (xx - w / 2) * np.cos(ang) + (yy - h / 2) * np.sin(ang)
        lit = (ramp > rng.uniform(-0.1, 0.1) * w).astype(np.float32)
        img *= (0.5 + 0.5 * cv2.GaussianBlur(lit, (0, 0), 8))[..., None]
    if glare:
        gx, gy = dst.mean(axis=0) + rng.uniform(-0.15, 0.15, 2) * np.array([sw, sh])
        r = 0.12 * sw
        g = np.exp(-(((xx - gx) ** 2 + (yy - gy) ** 2) / (2 * r * r)))
        img = img + 255 * 1.6 * g[..., None]
    if blur:
        img = cv2.GaussianBlur(img, (0, 0), blur)
    if noise:
        img = img + rng.normal(0, noise, img.shape)
    out = np.clip(img, 0, 255).astype(np.uint8)
    if jpeg:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, jpeg])
        assert ok
        out = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return Scene(out, dst, background)


BACKGROUNDS = ("wood", "fabric", "papers", "keyboard", "desk")


def test_scene_renders() -> None:
    rng = np.random.default_rng(1)
    for bg in BACKGROUNDS:
        s = render_scene(rng, background=bg, size=(320, 240), rotation=30)
        assert s.image.shape == (240, 320, 3)
        assert s.corners.shape == (4, 2)
