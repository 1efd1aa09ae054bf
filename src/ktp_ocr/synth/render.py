"""Draw a flat, upright e-KTP for an identity and record every text line's box.

The layout follows the real card (KTP.md): a centred two-line header, the label column with
``:`` separators aligned in a column, values in capitals (the NIK larger and bold), the photo
on the right with the issuing place, issue date and signature under it. What varies between
print batches varies here: typeface, weight, sizes, spacing, margins, label spellings, ink,
print shift against the background, wrapping of long values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from ktp_ocr.synth import cardface, fonts, portrait
from ktp_ocr.synth.identity import Identity
from ktp_ocr.synth.style import CardStyle
from ktp_ocr.types import BBox, OcrLine, Sex

CORNER_RADIUS = 3.18 / 85.60  # of the card width
HIJAB_STYLES = {"arabic": 0.75, "modern": 0.5, "sundanese": 0.6, "javanese": 0.5, "minang": 0.8}
#: The card fields each printed text holds (the place and date of birth share one text).
PRINTED_FIELDS: dict[str, tuple[str, ...]] = {
    "header_province": ("provinsi",),
    "header_regency": ("kabupaten_kota",),
    "ttl": ("tempat_lahir", "tanggal_lahir"),
}
# (printed key, label key, indented) for the rows under the NIK, top to bottom.
ROWS: tuple[tuple[str, str, bool], ...] = (
    ("nama", "nama", False),
    ("ttl", "tempat_tgl_lahir", False),
    ("jenis_kelamin", "jenis_kelamin", False),
    ("alamat", "alamat", False),
    ("rt_rw", "rt_rw", True),
    ("kelurahan_desa", "kelurahan_desa", True),
    ("kecamatan", "kecamatan", True),
    ("agama", "agama", False),
    ("status_perkawinan", "status_perkawinan", False),
    ("pekerjaan", "pekerjaan", False),
    ("kewarganegaraan", "kewarganegaraan", False),
    ("berlaku_hingga", "berlaku_hingga", False),
)
_LONGEST_SEX = "PEREMPUAN"


@dataclass(frozen=True)
class RenderedCard:
    """A flat card: BGR pixels, its rounded-corner alpha, the ground-truth text lines.

    ``value_boxes`` holds, for each card field, the boxes its printed value covers (two or
    more when a long value wraps).
    """

    image: NDArray[np.uint8]
    alpha: NDArray[np.float32]
    lines: tuple[OcrLine, ...]
    meta: dict[str, Any]
    value_boxes: dict[str, tuple[BBox, ...]] = field(default_factory=dict)


@dataclass
class _Text:
    """Drawing state: the ink layer, its drawer, the lines drawn so far and each field's boxes."""

    ink: Image.Image
    draw: ImageDraw.ImageDraw
    dx: float
    dy: float
    lines: list[OcrLine] = field(default_factory=list)
    values: dict[str, list[BBox]] = field(default_factory=dict)

    def value(self, key: str, box: BBox) -> None:
        """Record that ``box`` holds (part of) the printed text ``key``."""
        for name in PRINTED_FIELDS.get(key, (key,)):
            self.values.setdefault(name, []).append(box)

    def put(
        self,
        x: float,
        y: float,
        text: str,
        font: fonts.Font,
        *,
        bold: int = 0,
        anchor: str = "ls",
        record: bool = True,
        prefix: str = "",
    ) -> BBox:
        """Draw ``text`` with its baseline at ``y``; record ``prefix + text`` as one line."""
        x, y = x + self.dx, y + self.dy
        self.draw.text(
            (x, y), text, font=font, fill=255, anchor=anchor, stroke_width=bold, stroke_fill=255
        )
        x0, y0, x1, y1 = font.getbbox(text, anchor=anchor, stroke_width=bold)
        box = BBox(x + x0, y + y0, x + x1, y + y1)
        if record:
            self.lines.append(OcrLine(prefix + text, box, 1.0))
        return box

    def merge_last(self, text: str, box: BBox) -> None:
        """Replace the last line with ``text`` over the union of its box and ``box``."""
        last = self.lines.pop()
        self.lines.append(OcrLine(text, last.box.union(box), 1.0))


def _font(name: str, bold: bool, size: float) -> fonts.Font:
    fam = fonts.family(name)
    return fonts.load(fam.bold if bold else fam.regular, round(size))


def _wrap(text: str, font: fonts.Font, width: float) -> list[str]:
    """Greedy word wrap to ``width`` pixels (a single word never breaks)."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def render_card(identity: Identity, style: CardStyle, rng: np.random.Generator) -> RenderedCard:
    """Draw the card for ``identity`` in ``style``."""
    w, h = style.width, style.height
    image = cardface.card_background(rng, w, h, guilloche=style.guilloche)
    ink = Image.new("L", (w, h), 0)
    text = _Text(ink, ImageDraw.Draw(ink), style.shift[0] * w, style.shift[1] * h)
    layout = _draw_text(identity, style, text)
    photo_box = layout["photo"]
    _paste_photo(rng, image, identity, style, photo_box, text)
    mask = np.asarray(ink, dtype=np.float32) / 255.0
    mask = _ink_effects(rng, mask, style)
    colour = np.empty_like(image)
    colour[:] = np.array(style.ink, np.float32)
    image = np.asarray(cv2.blendLinear(image, colour, 1.0 - mask, mask), dtype=np.float32)
    if style.hologram > 0:
        image = cardface.hologram(rng, image, strength=style.hologram)
    if style.wear > 0:
        image = cardface.wear(rng, image, amount=style.wear)
    alpha = _rounded_alpha(w, h)
    out = np.clip(image, 0, 255).astype(np.uint8)
    shifted = [photo_box[0] + text.dx, photo_box[1] + text.dy, photo_box[2], photo_box[3]]
    layout["photo"] = [round(v, 1) for v in shifted]  # x, y, w, h as printed
    meta = {"card": asdict(style), "layout": layout}
    boxes = {name: tuple(found) for name, found in text.values.items()}
    return RenderedCard(out, alpha, tuple(text.lines), meta, boxes)


def _draw_text(identity: Identity, style: CardStyle, text: _Text) -> dict[str, Any]:
    """Header, NIK row, the label rows and the text under the photo; returns layout facts."""
    w, h = style.width, style.height
    p = identity.printed
    vs = style.value_size * w
    header_font = _font(style.header_family, True, vs * style.header_scale)
    y = style.header_top * h + header_font.size * 0.8
    for key in ("header_province", "header_regency"):
        size = _fit(style.header_family, True, p[key], vs * style.header_scale, 0.9 * w)
        font = _font(style.header_family, True, size)
        text.value(key, text.put(w / 2, y, p[key], font, anchor="ms"))
        y += header_font.size * style.header_spacing
    pw = style.photo_width * w
    photo = (w - style.photo_right * w - pw, style.photo_top * h, pw, pw * style.photo_aspect)
    right = photo[0] - 0.015 * w
    nik_y = y + style.nik_gap * h
    scale = 1.0
    for _attempt in range(6):
        rows, fits = _row_plan(identity, style, vs * scale, right)
        pitch = _pitch(style.bottom * h - nik_y, len(rows), vs * scale * style.nik_scale)
        if fits and pitch >= 1.12 * vs * scale:
            break
        scale *= 0.92
    pitch = min(pitch, 1.7 * vs * scale)
    _draw_rows(style, text, rows, (nik_y, pitch, right), vs * scale, p["nik"])
    _draw_under_photo(style, text, p, photo, vs)
    return {
        "photo": photo,
        "pitch_px": round(pitch, 1),
        "font_scale": round(scale, 3),
        "wrapped_rows": len(rows) - len(ROWS),
    }


def _pitch(span: float, rows: int, nik_size: float) -> float:
    """Row pitch so that ``rows`` rows after the NIK row end ``span`` below the NIK baseline."""
    pitch = span / (rows + 0.05)
    if 1.05 * pitch < nik_size:
        pitch = (span - nik_size) / max(1, rows - 1)
    return pitch


def _fit(family: str, bold: bool, text: str, size: float, width: float) -> float:
    """The largest size up to ``size`` at which ``text`` fits in ``width``."""
    length = _font(family, bold, size).getlength(text)
    return size if length <= width else size * width / length


@dataclass(frozen=True)
class _Row:
    label: str | None
    value: str
    indented: bool
    key: str
    extra: str = ""


def _row_plan(
    identity: Identity, style: CardStyle, vs: float, right: float
) -> tuple[list[_Row], bool]:
    """The rows under the NIK with long values wrapped (continuation rows have no label).

    The flag says whether every row fits left of ``right`` (a single long word may not).
    """
    w = style.width
    label_font = _font(style.family, style.label_bold, vs * style.label_scale)
    colon_x = _colon_x(style, label_font, vs)
    value_x = colon_x + label_font.getlength(":") + style.value_gap * w
    value_font = _font(style.value_family, style.value_bold, vs)
    rows: list[_Row] = []
    for key, label_key, indented in ROWS:
        parts = _wrap(identity.printed[key], value_font, right - value_x)
        if key == "jenis_kelamin":
            parts = [identity.printed[key]]
        extra = identity.printed["golongan_darah"] if key == "jenis_kelamin" else ""
        rows.append(_Row(style.labels[label_key], parts[0], indented, key, extra))
        rows.extend(_Row(None, part, indented, key) for part in parts[1:])
    fits = all(value_x + value_font.getlength(row.value) <= right for row in rows)
    blood_x = max(style.blood_x * w, value_x + value_font.getlength(_LONGEST_SEX) + 0.03 * w)
    blood = f"{style.labels['golongan_darah']} : {identity.printed['golongan_darah']}"
    return rows, fits and blood_x + label_font.getlength(blood) + 0.01 * w <= right


def _colon_x(style: CardStyle, label_font: fonts.Font, vs: float) -> float:
    w = style.width
    widest = 0.0
    for _key, label_key, indented in ROWS:
        extra = style.indent * w if indented else 0.0
        widest = max(widest, extra + label_font.getlength(style.labels[label_key]))
    return style.margin * w + widest + style.colon_gap * w + 0.1 * vs


def _draw_rows(
    style: CardStyle,
    text: _Text,
    rows: list[_Row],
    place: tuple[float, float, float],
    vs: float,
    nik: str,
) -> None:
    """The NIK row and the label rows; ``place`` is (NIK baseline, row pitch, right limit)."""
    nik_y, pitch, right = place
    w = style.width
    label_font = _font(style.family, style.label_bold, vs * style.label_scale)
    value_font = _font(style.value_family, style.value_bold, vs)
    colon_x = _colon_x(style, label_font, vs)
    value_x = colon_x + label_font.getlength(":") + style.value_gap * w
    x0 = style.margin * w
    nik_bold = style.nik_family != "ocr-a"
    nik_size = _fit(style.nik_family, nik_bold, nik + " ", vs * style.nik_scale, right - value_x)
    nik_font = _font(style.nik_family, nik_bold, nik_size)
    nik_label = _font(style.family, True, nik_size * 0.92)
    _labelled(
        text,
        x0,
        nik_y,
        "NIK",
        nik_label,
        colon_x,
        value_x,
        nik,
        nik_font,
        bold=0 if nik_bold else max(1, round(nik_size / 30)),
        key="nik",
    )
    y = nik_y + max(pitch * 1.05, nik_size)
    for row in rows:
        x = x0 + (style.indent * w if row.indented else 0.0)
        if row.label is None:
            text.value(row.key, text.put(value_x, y, row.value, value_font))
        else:
            cx = x + label_font.getlength(row.label) + 0.2 * vs if style.colon_attached else colon_x
            _labelled(
                text, x, y, row.label, label_font, cx, value_x, row.value, value_font, key=row.key
            )
        if row.key == "jenis_kelamin" and row.label is not None:
            after_sex = value_x + value_font.getlength(_LONGEST_SEX)
            _blood(style, text, y, after_sex, label_font, value_font, row.extra)
        y += pitch


def _labelled(
    text: _Text,
    x: float,
    y: float,
    label: str,
    label_font: fonts.Font,
    colon_x: float,
    value_x: float,
    value: str,
    value_font: fonts.Font,
    *,
    bold: int = 0,
    key: str,
) -> None:
    """A label, its colon and its value (printed text ``key``); the colon joins the nearer line."""
    label_box = text.put(x, y, label, label_font)
    colon_box = text.put(colon_x, y, ":", label_font, record=False)
    value_box = text.put(value_x, y, value, value_font, bold=bold)
    text.value(key, value_box)
    if value_box.x0 - colon_box.x1 <= colon_box.x0 - label_box.x1:
        text.merge_last(f": {value}", colon_box)
    else:
        value_line = text.lines.pop()
        text.merge_last(f"{label} :", colon_box)
        text.lines.append(value_line)


def _blood(
    style: CardStyle,
    text: _Text,
    y: float,
    after_sex: float,
    label_font: fonts.Font,
    value_font: fonts.Font,
    blood: str,
) -> None:
    """``Gol. Darah : O`` on the right of the sex row."""
    w = style.width
    x = max(style.blood_x * w, after_sex + 0.03 * w)
    label = style.labels["golongan_darah"]
    colon_x = x + label_font.getlength(label) + 0.008 * w
    value_x = colon_x + label_font.getlength(":") + style.value_gap * w
    _labelled(
        text, x, y, label, label_font, colon_x, value_x, blood, value_font, key="golongan_darah"
    )


def _draw_under_photo(
    style: CardStyle,
    text: _Text,
    printed: dict[str, str] | Any,
    photo: tuple[float, float, float, float],
    vs: float,
) -> None:
    px, py, pw, ph = photo
    size = vs * 0.88
    cx = px + pw / 2
    y = py + ph + size * 1.3
    for key in ("tempat_terbit", "tanggal_terbit"):
        fitted = _fit(style.family, False, printed[key], size, pw * 1.25)
        font = _font(style.family, False, fitted)
        text.value(key, text.put(cx, y, printed[key], font, anchor="ms"))
        y += size * 1.2


def _paste_photo(
    rng: np.random.Generator,
    image: NDArray[np.float32],
    identity: Identity,
    style: CardStyle,
    photo: tuple[float, float, float, float],
    text: _Text,
) -> None:
    """The portrait into the background and the signature into the ink layer."""
    px, py, pw, ph = (round(v) for v in photo)
    px, py = px + round(text.dx), py + round(text.dy)
    sex = Sex(identity.truth.jenis_kelamin or Sex.MALE.value)
    hijab = HIJAB_STYLES.get(str(identity.meta.get("name_style")), 0.2)
    if identity.truth.agama != "ISLAM":
        hijab = 0.0
    face = portrait.portrait(rng, pw, ph, sex, hijab)
    image[py : py + ph, px : px + pw] = face * 0.95 + image[py : py + ph, px : px + pw] * 0.05
    sig_w, sig_h = round(pw * 0.85), round(style.height * 0.1)
    sig_y = min(style.height - sig_h - 2, round(py + ph + style.value_size * style.width * 2.6))
    sig = portrait.signature(rng, sig_w, sig_h)
    sig_img = Image.fromarray((sig * 255).astype(np.uint8))
    text.ink.paste(255, (round(px + (pw - sig_w) / 2), sig_y), sig_img)


def _ink_effects(
    rng: np.random.Generator, mask: NDArray[np.float32], style: CardStyle
) -> NDArray[np.float32]:
    """Bleed, thinning, fading and dropouts of the printed ink."""
    if style.thin_ink:
        mask = np.clip((mask - 0.3) / 0.7, 0.0, 1.0)  # thinner strokes, same glyphs
    mask = np.asarray(cv2.GaussianBlur(mask, (0, 0), style.ink_blur), dtype=np.float32)
    h, w = mask.shape
    grain = cardface.smooth_noise(rng, h, w, cells=max(8, style.width // 12))
    mask = mask * np.clip(1.0 - 0.12 * grain, 0.0, 1.0) * style.ink_alpha
    return np.asarray(np.clip(mask, 0, 1), dtype=np.float32)


def _rounded_alpha(w: int, h: int) -> NDArray[np.float32]:
    r = max(2, round(CORNER_RADIUS * w))
    alpha = np.zeros((h, w), np.uint8)
    cv2.rectangle(alpha, (r, 0), (w - 1 - r, h - 1), 255, -1)
    cv2.rectangle(alpha, (0, r), (w - 1, h - 1 - r), 255, -1)
    for cx, cy in ((r, r), (w - 1 - r, r), (w - 1 - r, h - 1 - r), (r, h - 1 - r)):
        cv2.circle(alpha, (cx, cy), r, 255, -1, cv2.LINE_AA)
    return np.asarray(alpha, dtype=np.float32) / 255.0
