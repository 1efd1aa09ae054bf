"""The printed e-KTP face, drawn from scratch: security background, personal data, photo."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from pathlib import Path

import artwork
import cv2
import numpy as np
from people import Holder, dmy
from PIL import Image, ImageChops, ImageDraw, ImageFont

PX_PER_MM = 24.0
CARD_MM = (85.6, 53.98)
CARD_PX = (round(CARD_MM[0] * PX_PER_MM), round(CARD_MM[1] * PX_PER_MM))
_SYSTEM = Path("/usr/share/fonts/truetype/dejavu")
_BUNDLED = Path(__file__).resolve().parents[2] / "src/ktp_ocr/synth/data/fonts"
#: (regular, bold, weight): DejaVu first, other sans families for variety.
_FAMILIES = (
    (_SYSTEM / "DejaVuSans.ttf", _SYSTEM / "DejaVuSans-Bold.ttf", 4),
    (_SYSTEM / "DejaVuSansCondensed.ttf", _SYSTEM / "DejaVuSansCondensed-Bold.ttf", 4),
    (_BUNDLED / "LiberationSans-Regular.ttf", _BUNDLED / "LiberationSans-Bold.ttf", 3),
    (_BUNDLED / "FreeSans.ttf", _BUNDLED / "FreeSansBold.ttf", 1),
)
_FIRST_ROW_MM = 18.4  # baseline of the Nama row
_LAST_ROW_MM = 50.6  # lowest baseline the Berlaku Hingga row may take
_PHOTO_MM = (63.2, 15.2, 18.0, 24.0)  # x, y, width, height


@dataclass(frozen=True, slots=True)
class Style:
    """How one print batch and one printer render the card."""

    regular: Path
    bold: Path
    ink: tuple[int, int, int]
    opacity: float
    bleed: float
    pitch_mm: float
    em_ratio: float
    label_x: float
    indent: float
    colon_gap: float
    header_em: float
    nik_em: float
    shift: tuple[float, float]
    tempat_label: str
    desa_label: str
    gol_label: str
    red_photo: bool
    hologram: bool


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled line of the left block (its value may wrap)."""

    label: str
    value: str
    indent: bool = False
    wrap: bool = True


def random_style(rng: random.Random, faded: bool = False) -> Style:
    """Draw a print style; ``faded`` gives thin, pale ink that a careful reader still reads."""
    families = [f for f in _FAMILIES if f[0].exists() and f[1].exists()]
    regular, bold, _ = rng.choices(families, weights=[f[2] for f in families])[0]
    dark = rng.randint(10, 45)
    ink = (dark, dark + rng.randint(0, 8), dark + rng.randint(0, 18))
    opacity = rng.uniform(0.5, 0.62) if faded else rng.uniform(0.84, 1.0)
    return Style(
        regular=regular,
        bold=bold,
        ink=ink,
        opacity=opacity,
        bleed=rng.choice([0.0, 0.0, 0.7, 1.2, -1.0]),
        pitch_mm=rng.uniform(2.55, 2.9),
        em_ratio=rng.uniform(0.74, 0.84),
        label_x=rng.uniform(2.3, 3.6),
        indent=rng.uniform(2.5, 4.2),
        colon_gap=rng.uniform(0.6, 2.2),
        header_em=rng.uniform(2.5, 3.0),
        nik_em=rng.uniform(3.1, 3.6),
        shift=(rng.uniform(-0.6, 0.6), rng.uniform(-0.4, 0.4)),
        tempat_label=rng.choice(["Tempat/Tgl Lahir", "Tempat/Tgl Lahir", "Tempat/TglLahir"]),
        desa_label=rng.choice(["Kel/Desa", "Kel/Desa", "Kel / Desa"]),
        gol_label=rng.choice(["Gol. Darah", "Gol. Darah", "Gol Darah"]),
        red_photo=rng.random() < 0.55,
        hologram=rng.random() < 0.6,
    )


@functools.cache
def _font(path: Path, em_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), em_px)


def font_mm(path: Path, em_mm: float) -> ImageFont.FreeTypeFont:
    """A font whose em is ``em_mm`` on the card."""
    return _font(path, max(8, round(em_mm * PX_PER_MM)))


def _px(mm: float) -> float:
    return mm * PX_PER_MM


def put_text(
    mask: Image.Image,
    x_mm: float,
    y_mm: float,
    text: str,
    font: ImageFont.FreeTypeFont,
    max_mm: float | None = None,
) -> float:
    """Draw ``text`` on its baseline at ``y_mm``, squeezed to ``max_mm``; return its width."""
    width = font.getlength(text)
    x, y = _px(x_mm), _px(y_mm)
    if max_mm is None or width <= _px(max_mm):
        ImageDraw.Draw(mask).text((x, y), text, fill=255, font=font, anchor="ls")
        return width / PX_PER_MM
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    tile = Image.new("L", (right - left + 4, bottom - top + 4))
    ImageDraw.Draw(tile).text((2 - left, 2 - top), text, fill=255, font=font, anchor="ls")
    ratio = _px(max_mm) / width
    tile = tile.resize((max(1, round(tile.width * ratio)), tile.height), Image.Resampling.LANCZOS)
    box = (round(x + left * ratio - 2), round(y + top - 2))
    box4 = (*box, box[0] + tile.width, box[1] + tile.height)
    mask.paste(ImageChops.lighter(mask.crop(box4), tile), box4)
    return max_mm


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_mm: float, allow: bool) -> list[str]:
    """Greedy split into at most two lines at spaces; a too-long line is squeezed later."""
    if not allow or font.getlength(text) <= _px(max_mm):
        return [text]
    words = text.split()
    first, i = words[0], 1
    while i < len(words) and font.getlength(f"{first} {words[i]}") <= _px(max_mm):
        first, i = f"{first} {words[i]}", i + 1
    rest = " ".join(words[i:])
    return [first, rest] if rest else [first]


def _rows(h: Holder, s: Style) -> list[Row]:
    until = dmy(h.valid_until) if h.valid_until else "SEUMUR HIDUP"
    return [
        Row("Nama", h.name),
        Row(s.tempat_label, f"{h.birth_place}, {dmy(h.birth)}", wrap=False),
        Row("Jenis Kelamin", "PEREMPUAN" if h.female else "LAKI-LAKI", wrap=False),
        Row("Alamat", h.address),
        Row("RT/RW", h.rt_rw, indent=True, wrap=False),
        Row(s.desa_label, h.place.village, indent=True),
        Row("Kecamatan", h.place.district, indent=True),
        Row("Agama", h.religion),
        Row("Status Perkawinan", h.marital),
        Row("Pekerjaan", h.job),
        Row("Kewarganegaraan", "WNI", wrap=False),
        Row("Berlaku Hingga", until, wrap=False),
    ]


@dataclass(frozen=True, slots=True)
class Block:
    """The left block laid out: font, columns, pitch and each row's lines."""

    font: ImageFont.FreeTypeFont
    colon_x: float
    value_x: float
    value_w: float
    pitch: float
    lines: list[list[str]]


def _layout(rows: list[Row], s: Style) -> Block:
    """Shrink the row pitch until every wrapped line fits between the first and last baseline."""
    pitch = s.pitch_mm
    for _ in range(4):
        font = font_mm(s.regular, pitch * s.em_ratio)
        widest = max(
            font.getlength(r.label) / PX_PER_MM + (s.indent if r.indent else 0) for r in rows
        )
        colon_x = s.label_x + widest + s.colon_gap
        value_x = colon_x + font.getlength(": ") / PX_PER_MM
        value_w = _PHOTO_MM[0] - 1.6 - value_x
        lines = [_wrap(r.value, font, value_w, r.wrap) for r in rows]
        count = sum(len(x) for x in lines)
        fits = (_LAST_ROW_MM - _FIRST_ROW_MM) / (count - 1)
        if fits >= pitch:
            break
        pitch = fits
    return Block(font, colon_x, value_x, value_w, pitch, lines)


def _draw_block(mask: Image.Image, h: Holder, s: Style, dx: float, dy: float) -> None:
    rows = _rows(h, s)
    b = _layout(rows, s)
    y = _FIRST_ROW_MM + dy
    for row, lines in zip(rows, b.lines, strict=True):
        put_text(mask, s.label_x + dx + (s.indent if row.indent else 0), y, row.label, b.font)
        put_text(mask, b.colon_x + dx, y, ":", b.font)
        for line in lines:
            put_text(mask, b.value_x + dx, y, line, b.font, b.value_w)
            y += b.pitch
        if row.label == "Jenis Kelamin":
            _draw_blood(mask, h, s, b, y - b.pitch, dx)


def _draw_blood(mask: Image.Image, h: Holder, s: Style, b: Block, y: float, dx: float) -> None:
    sex_end = b.value_x + b.font.getlength("PEREMPUAN") / PX_PER_MM
    label_w = b.font.getlength(s.gol_label) / PX_PER_MM
    total = label_w + 0.6 + b.font.getlength(": AB-") / PX_PER_MM
    x = max(sex_end + 1.5, min(max(sex_end + 3.0, 42.0), _PHOTO_MM[0] - 0.8 - total)) + dx
    put_text(mask, x, y, s.gol_label, b.font)
    put_text(mask, x + label_w + 0.6, y, f": {h.blood}", b.font)


def _draw_header(mask: Image.Image, h: Holder, s: Style, dx: float, dy: float) -> None:
    font = font_mm(s.bold, s.header_em)
    for text, base in ((f"PROVINSI {h.place.province}", 5.6), (h.place.regency, 9.7)):
        width = min(font.getlength(text) / PX_PER_MM, 78.0)
        put_text(mask, CARD_MM[0] / 2 - width / 2 + dx, base + dy, text, font, 78.0)


def _draw_nik(mask: Image.Image, h: Holder, s: Style, dx: float, dy: float) -> None:
    b = _layout(_rows(h, s), s)
    label_font = font_mm(s.bold, s.nik_em * 0.86)
    y = 14.3 + dy
    put_text(mask, s.label_x + dx, y, "NIK", label_font)
    put_text(mask, b.colon_x + dx, y, ":", label_font)
    x = b.colon_x + label_font.getlength(": ") / PX_PER_MM
    put_text(mask, x + dx, y, h.nik, font_mm(s.bold, s.nik_em), 83.0 - x)


def _draw_issue(mask: Image.Image, h: Holder, s: Style, dx: float, dy: float) -> None:
    x, y, w, ph = _PHOTO_MM
    font = font_mm(s.regular, 2.0)
    city = h.place.regency.removeprefix("KABUPATEN ").removeprefix("KOTA ")
    for text, base in ((city, y + ph + 2.9), (dmy(h.issued), y + ph + 5.5)):
        width = min(font.getlength(text) / PX_PER_MM, w + 3.5)
        put_text(mask, x + w / 2 - width / 2 + dx, base + dy, text, font, w + 3.5)


def _ink_layer(mask: Image.Image, s: Style, rng: np.random.Generator) -> np.ndarray:
    """Coverage 0..1 of printed ink, with bleed or thinning and a little toner texture."""
    cover = np.asarray(mask, dtype=np.float32) / 255.0
    if s.bleed > 0:
        cover = np.clip(cv2.GaussianBlur(cover, (0, 0), s.bleed) * 1.15, 0, 1)
    elif s.bleed < 0:
        cover = cv2.erode(cover, np.ones((2, 2), np.uint8))
    grain = 1.0 - 0.18 * np.clip(rng.normal(0, 1, cover.shape), 0, 3).astype(np.float32)
    return cover * grain * s.opacity


def render(h: Holder, s: Style, rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    """The card face, RGB uint8, ``CARD_PX`` in size."""
    face = artwork.background(CARD_PX, PX_PER_MM, rng, nrng)
    dx, dy = s.shift
    x, y, w, ph = (v * PX_PER_MM for v in _PHOTO_MM)
    portrait = artwork.portrait(round(w), round(ph), s.red_photo, h.female, rng)
    top, left = round(y + dy * PX_PER_MM), round(x + dx * PX_PER_MM)
    face[top : top + portrait.shape[0], left : left + portrait.shape[1]] = portrait
    mask = Image.new("L", CARD_PX)
    _draw_header(mask, h, s, dx, dy)
    _draw_nik(mask, h, s, dx, dy)
    _draw_block(mask, h, s, dx, dy)
    _draw_issue(mask, h, s, dx, dy)
    sign_box = (x / PX_PER_MM + 1.0 + dx, 46.2 + dy, w / PX_PER_MM - 2.0, 5.0)
    artwork.signature(mask, sign_box, PX_PER_MM, rng)
    cover = _ink_layer(mask, s, nrng)[..., None]
    out = face.astype(np.float32) * (1 - cover) + np.array(s.ink, np.float32) * cover
    if s.hologram:
        out = artwork.hologram(out, PX_PER_MM, rng)
    return np.clip(out, 0, 255).astype(np.uint8)


def corner_mask(radius_mm: float = 3.18) -> np.ndarray:
    """Alpha 0..1 of the card with its rounded ID-1 corners."""
    w, h = CARD_PX
    r = round(radius_mm * PX_PER_MM)
    alpha = np.zeros((h, w), np.uint8)
    cv2.rectangle(alpha, (r, 0), (w - 1 - r, h - 1), 255, -1)
    cv2.rectangle(alpha, (0, r), (w - 1, h - 1 - r), 255, -1)
    for cx, cy in ((r, r), (w - 1 - r, r), (r, h - 1 - r), (w - 1 - r, h - 1 - r)):
        cv2.circle(alpha, (cx, cy), r, 255, -1, cv2.LINE_AA)
    return alpha.astype(np.float32) / 255.0
