"""The reader: decode -> find card -> flatten -> OCR -> layout -> fields -> regions -> checks.

Only this module knows the order of the stages; each stage is a function tested on its own.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ktp_ocr import layout
from ktp_ocr.checks import check_card, score_card
from ktp_ocr.config import Settings
from ktp_ocr.fields.nik import mask_nik
from ktp_ocr.fields.parse import parse_fields
from ktp_ocr.imaging.deskew import (
    card_to_image,
    orientation_hint,
    rotate180,
    turn_upright,
    warp_card,
)
from ktp_ocr.imaging.detect import find_outlines
from ktp_ocr.imaging.load import load_image, read_file, to_bgr
from ktp_ocr.imaging.quality import Glare, assess, find_glare
from ktp_ocr.ocr import OcrEngine, create_engine
from ktp_ocr.ocr.recognisers import one_photo
from ktp_ocr.ocr.regionread import NikRegionReader
from ktp_ocr.pipeline.faint import with_faint_lines
from ktp_ocr.pipeline.frames import (
    card_width,
    full_quad,
    image_size,
    placed,
    quad_area,
    resized,
    to_photo,
)
from ktp_ocr.pipeline.inference import (
    birth_date_from_nik,
    blood_dash,
    citizenship_from_validity,
    contradicted,
    failed_checks,
    glare_over_values,
    less_sure,
    mark_no_letter,
    sex_from_nik,
    validity_from_birthday,
    validity_within_term,
    withhold_nik,
)
from ktp_ocr.pipeline.nik_opinions import (
    decoded_nik,
    nik_by_header,
    region_known,
    second_opinion,
)
from ktp_ocr.pipeline.places import flag_unmatched, match_regions, snap_birthplace
from ktp_ocr.pipeline.reading import Reading, Timer
from ktp_ocr.pipeline.refusal import MIN_LABELS, ktp_evidence, refusal, refuse_if_hopeless
from ktp_ocr.pipeline.rereads import missing_values, needs_reread, settle_birth_date
from ktp_ocr.regions import RegionRepository
from ktp_ocr.types import (
    FieldName,
    FieldValue,
    KtpCard,
    OcrLine,
    QualityVerdict,
    RawField,
    ReadResult,
)

log = logging.getLogger(__name__)

ImageInput = str | Path | bytes | NDArray[np.uint8] | Any  # Any: a PIL image

#: Width of the flattened card handed to the OCR engine (height follows the ID-1 aspect).
CARD_WIDTH = 1000
#: The whole image is searched for the card's text at most this size (longest side, pixels).
LOCATE_SIDE = 1600
#: Text turned further than this from level is read again after turning the picture upright.
TURNED_TEXT_DEGREES = 30.0
#: A reading with at least this many distinct labels (of 14) is taken as the whole card; with
#: fewer, the next candidate (the whole image) is also tried and the better reading kept.
GOOD_LABELS = 9
#: Share of the photo's height and width each of the four tiles of the last locating look
#: covers (they overlap, so a card across the middle is whole in one of them) ...
TILE_SHARE = 0.6
#: ... and the long side each tile is resized to.
LOCATE_TILE_SIDE = 1100
#: A card placed again from its own reading is read again when a corner moves this share of
#: its width.
REFINE_MIN_SHIFT = 0.04
#: On a whole card the NIK row's middle lies a fifth to three tenths of the way down, under
#: the header; higher than this share, the card read has lost its header (an outline found
#: round the print area alone), and it is placed again from its text.
NIK_ROW_MIN_Y = 0.15


@dataclass(frozen=True, slots=True)
class Limits:
    """Input limits enforced before any decoding work."""

    max_bytes: int = 40 * 1024 * 1024
    max_pixels: int = 40_000_000


class Reader:
    """Reads KTP images. Build once (the engine loads once) and call :meth:`read` per image."""

    def __init__(
        self,
        engine: OcrEngine,
        regions: RegionRepository | None = None,
        *,
        limits: Limits = Limits(),
        today: date | None = None,
        nik_reader: NikRegionReader | None = None,
    ) -> None:
        self.engine = engine
        self.regions = regions
        self.limits = limits
        self.nik_reader = nik_reader
        self._today = today

    @property
    def today(self) -> date:
        """The date the NIK century and validity are judged against."""
        return self._today or date.today()

    def _decode(self, image: ImageInput) -> NDArray[np.uint8]:
        if isinstance(image, (str, Path)):
            image = read_file(Path(image), self.limits.max_bytes)
        if isinstance(image, (bytes, bytearray, memoryview)):
            return load_image(
                bytes(image), max_bytes=self.limits.max_bytes, max_pixels=self.limits.max_pixels
            )
        return to_bgr(image)

    def _ocr(self, card: NDArray[np.uint8]) -> Reading:
        lines = self.engine.recognize(card)
        return Reading(card, lines, layout.label_count(lines))

    def _read_upright(self, card: NDArray[np.uint8], timer: Timer, *, hint: bool = True) -> Reading:
        """OCR the card the way up the hint says (when ``hint``).

        When the reading looks partial, the card is read once more turned 180 degrees and the
        reading with more labels is kept.
        """
        turned = hint and orientation_hint(card) < 0
        first = rotate180(card) if turned else card
        with timer.stage("ocr"):
            reading = replace(self._ocr(first), turned=turned)
        if reading.labels >= GOOD_LABELS:
            return reading
        with timer.stage("ocr_retry"):
            other = replace(self._ocr(rotate180(first)), turned=not turned)
        return other if other.labels > reading.labels else reading

    def _locate_by_text(self, image: NDArray[np.uint8], timer: Timer) -> tuple[Any, bool]:
        """The card's corners from its block of text (or None), and whether a KTP was seen.

        A KTP is seen when its NIK or header was read, even if too little to place the card.

        Used when no card outline was found (or its reading looked partial): the direction of
        the text lines gives the card's rotation, the block they form gives its extent.
        """
        h, w = image.shape[:2]
        scale = min(1.0, LOCATE_SIDE / max(h, w))
        small = image if scale == 1.0 else cv2.resize(image, (round(w * scale), round(h * scale)))
        with timer.stage("locate"):
            lines = self.engine.recognize(np.ascontiguousarray(small))
        seen = ktp_evidence(lines)
        found = layout.card_from_text(lines)
        if found is None:
            return None, seen
        corners, angle = found
        located = np.array(corners, dtype=np.float64)
        if abs(angle) > TURNED_TEXT_DEGREES:
            # The card is turned (a quarter or upside down): most of its lines were read from
            # crops the wrong way up, so its extent rests on a few short labels. Turn the
            # picture upright by the angle just found and read it once more.
            upright, forward = turn_upright(np.asarray(small, dtype=np.uint8), angle)
            with timer.stage("locate"):
                again = layout.card_quad_from_text(self.engine.recognize(upright))
            if again is not None:
                back = cv2.invertAffineTransform(forward)
                located = np.array(again, dtype=np.float64) @ back[:, :2].T + back[:, 2]
        return (located / scale).astype(np.float32), seen

    def _refined(
        self, image: NDArray[np.uint8], reading: Reading, quad: Any, timer: Timer
    ) -> tuple[Reading, Any] | None:
        """The card placed again from its own reading, and read there, when that moves it.

        A card placed from the few lines of a look at the whole photo can be cut short (rows
        missing at its bottom). Its reading holds many more lines, read at full size: the card
        they place is truer. One more read, kept when it finds more labels (or as many, when
        it found enough to be a card).
        """
        h, w = reading.card.shape[:2]
        back = card_to_image(np.asarray(quad, np.float64), width=CARD_WIDTH)
        lines = [to_photo(line, back, w, h, reading.turned) for line in reading.lines]
        found = layout.card_from_text([line for line in lines if line is not None])
        if found is None:
            return None
        corners = np.array(found[0], dtype=np.float32)
        old = np.asarray(quad, np.float64).reshape(4, 2)
        side = float(np.linalg.norm(corners[1] - corners[0]))
        shifts = [float(np.min(np.linalg.norm(old - c, axis=1))) for c in corners]
        if side <= 0 or max(shifts) < REFINE_MIN_SHIFT * side:
            return None
        with timer.stage("refine"):
            again = self._read_quad(image, corners, timer, hint=False)
        better = again.labels > reading.labels or again.labels == reading.labels >= MIN_LABELS
        return (again, corners) if better else None

    def _locate_in_tiles(self, image: NDArray[np.uint8], timer: Timer) -> tuple[Any, bool]:
        """The card's corners from its text read in overlapping quarters of the photo, or None.

        The last try before a refusal: a card a few hundred pixels wide in a large photo has
        text too small for the detector once the whole photo is scaled down to one look, so
        each quarter is looked at on its own (a bounded four more looks, on this path only).
        """
        h, w = image.shape[:2]
        th, tw = round(h * TILE_SHARE), round(w * TILE_SHARE)
        lines: list[OcrLine] = []
        with timer.stage("locate_tiles"):
            for y0 in (0, h - th):
                for x0 in (0, w - tw):
                    k = LOCATE_TILE_SIDE / max(th, tw)
                    tile = resized(image[y0 : y0 + th, x0 : x0 + tw], k)
                    lines.extend(placed(line, k, x0, y0) for line in self.engine.recognize(tile))
        found = layout.card_from_text(lines)
        corners = None if found is None else np.array(found[0], dtype=np.float32)
        return corners, ktp_evidence(lines)

    def read(self, image: ImageInput, *, keep_card_image: bool = False) -> ReadResult:
        """Read one card. Raises an :class:`~ktp_ocr.errors.InputError` subclass when it can't."""
        with one_photo():
            return self._read(image, keep_card_image)

    def _read(self, image: ImageInput, keep_card_image: bool) -> ReadResult:
        timer = Timer()
        with timer.stage("decode"):
            pixels = self._decode(image)
        with timer.stage("detect"):
            outlines = find_outlines(pixels)
        found = outlines.card
        best: Reading | None = None
        quad: Any = None
        seen_ktp = False
        by_text = False  # the card was placed from its text, not from its outline
        if found is not None:
            best, quad = self._read_quad(pixels, found.quad, timer), found.quad
            for other_quad in found.others:  # the best outline read as no card: the next
                if best.labels >= GOOD_LABELS:
                    break
                other = self._read_quad(pixels, other_quad, timer)
                if other.labels > best.labels:
                    best, quad = other, other_quad
        if best is None or best.labels < GOOD_LABELS:
            located, seen_ktp = self._locate_by_text(pixels, timer)
            if located is not None:
                other = self._read_quad(pixels, located, timer, hint=False)
                if best is None or other.labels > best.labels:
                    best, quad, by_text = other, located, True
            if best is None or best.labels < MIN_LABELS:
                closer, seen_closer = self._locate_in_tiles(pixels, timer)
                seen_ktp = seen_ktp or seen_closer
                if closer is not None:
                    other = self._read_quad(pixels, closer, timer, hint=False)
                    if best is None or other.labels > best.labels:
                        best, quad, by_text = other, closer, True
            if best is None:
                h, w = pixels.shape[:2]
                whole = pixels if w >= h else np.ascontiguousarray(np.rot90(pixels))
                best = self._read_quad(whole, full_quad(whole), timer)
        if quad is not None and (by_text or _cut_short(best)):
            refined = self._refined(pixels, best, quad, timer)
            if refined is not None:
                best, quad = refined
        if best.labels < MIN_LABELS:
            # Nothing scored as a card and the text placed none: a dim card's print may be too
            # faint for the detector's ink term. Its weak outlines are read, and one is kept
            # when it reads more labels, or shows a KTP where nothing else did.
            for weak in outlines.weak:
                guess = self._read_quad(pixels, weak, timer)
                if _shows_more(guess, best):
                    best, quad = guess, weak
                    break
        if best.labels < GOOD_LABELS:
            with timer.stage("faint"):
                best = with_faint_lines(self.engine, best)
        fraction = (
            None if quad is None else quad_area(quad) / float(pixels.shape[0] * pixels.shape[1])
        )
        by_content = (
            best.labels < MIN_LABELS
            and layout.rows_labelled(best.lines, image_size(best.card)) < MIN_LABELS
        )
        with timer.stage("layout"):
            assign = layout.assign_by_content if by_content else layout.assign
            raw = assign(best.lines, image_size(best.card))
        if by_content and not raw:
            raise refusal(best, fraction, seen_ktp=seen_ktp)
        with timer.stage("quality"):
            glare = find_glare(best.card)
            width = card_width(quad)
            quality = assess(best.card, card_fraction=fraction, source_width=width, glare=glare)
        return self._interpret(
            best, raw, quality, timer, quad, keep_card_image, by_content=by_content, glare=glare
        )

    def _read_quad(
        self, image: NDArray[np.uint8], quad: Any, timer: Timer, *, hint: bool = True
    ) -> Reading:
        with timer.stage("warp"):
            card = warp_card(image, quad, width=CARD_WIDTH)
        return self._read_upright(card, timer, hint=hint)

    def _interpret(
        self,
        reading: Reading,
        raw: dict[FieldName, RawField],
        quality: tuple[QualityVerdict, ...],
        timer: Timer,
        quad: Any,
        keep_card_image: bool,
        *,
        by_content: bool = False,
        glare: tuple[Glare, ...] = (),
    ) -> ReadResult:
        h, w = reading.card.shape[:2]
        known = region_known(self.regions)
        with timer.stage("layout"):
            read_crops = getattr(self.engine, "recognize_crops", None)
            read, raw = raw, blood_dash(reading.card, raw, read_crops, glare)
        with timer.stage("fields"):
            fields = parse_fields(raw, today=self.today, region_known=known)
            fields = mark_no_letter(read, raw, fields)
            fields = glare_over_values(reading.card, raw, fields, glare)
            if by_content:
                fields = {name: less_sure(fv) for name, fv in fields.items()}
        if self.nik_reader is not None:
            with timer.stage("nik_second_opinion"):
                fields = second_opinion(
                    self.nik_reader, reading.card, raw, fields, self.today, known
                )
        nik = decoded_nik(fields.get(FieldName.NIK), self.today)
        if needs_reread(fields):
            with timer.stage("reread"):
                fields = missing_values(self.engine, reading, raw, fields, nik)
        fields = sex_from_nik(birth_date_from_nik(fields, nik), nik)
        fields = validity_within_term(validity_from_birthday(fields), self.today)
        fields = citizenship_from_validity(fields)
        refuse_if_hopeless(fields, quality)
        with timer.stage("regions"):
            matches, fields = match_regions(self.regions, fields, nik)
            mended = None if nik is not None else nik_by_header(fields, matches, self.today, known)
            if mended is not None:
                fields, nik = mended
                fields = sex_from_nik(birth_date_from_nik(fields, nik), nik)
                matches, fields = match_regions(self.regions, fields, nik)
            fields = snap_birthplace(self.regions, flag_unmatched(matches, fields))
        with timer.stage("checks"):
            checks = check_card(fields, nik, matches, today=self.today)
        if contradicted(checks) and nik is not None:
            with timer.stage("reread"):
                settled = settle_birth_date(self.engine, reading.card, raw, fields, nik, checks)
            if settled is not None:
                fields = settled
                checks = check_card(fields, nik, matches, today=self.today)
        with timer.stage("checks"):
            if contradicted(checks):
                fields, nik = withhold_nik(fields), None
            score = score_card(fields, checks)
        issues = tuple(
            sorted(
                {code for fv in fields.values() for code in fv.issues}
                | failed_checks(checks)
                | ({"labels_unreadable"} if by_content else set())
            )
        )
        log.info(
            "read card nik=%s labels=%d score=%.0f",
            mask_nik(str(fields[FieldName.NIK].value or "")),
            reading.labels,
            score,
        )
        return ReadResult(
            card=_card_from_fields(fields),
            fields=fields,
            score=score,
            issues=issues,
            nik=nik,
            checks=checks,
            regions=matches,
            quality=quality,
            timings={k: round(v, 2) for k, v in timer.ms.items()},
            engine=self.engine.name,
            card_quad=None if quad is None else tuple((float(x), float(y)) for x, y in quad),
            card_size=(w, h),
            card_image=reading.card if keep_card_image else None,
        )


def _shows_more(guess: Reading, best: Reading) -> bool:
    """Whether a weak outline's reading is the card rather than ``best``.

    It reads more labels, or as many and the card's NIK or header where ``best`` shows none.
    """
    return guess.labels > best.labels or (
        guess.labels == best.labels and ktp_evidence(guess.lines) and not ktp_evidence(best.lines)
    )


def _cut_short(reading: Reading) -> bool:
    """Whether the flattened card lost its bottom rows or its header.

    The card's last labelled row lies (partly) below it, or the NIK row sits higher than a
    whole card prints it (:data:`NIK_ROW_MIN_Y`): an outline round the print area alone.
    """
    h, w = reading.card.shape[:2]
    last = layout.last_row(reading.lines, (w, h))
    if last is not None and last[0] + last[1] / 2 > h:
        return True
    return any(
        layout.is_nik_label(line.text) and line.box.cy < NIK_ROW_MIN_Y * h for line in reading.lines
    )


def _card_from_fields(fields: Mapping[FieldName, FieldValue[Any]]) -> KtpCard:
    values = {name.value: fv.value for name, fv in fields.items() if fv.value is not None}
    return KtpCard(**values)


def engine_options(settings: Settings) -> dict[str, object]:
    """The OCR engine's options the settings give (only those set, and only its own)."""
    options: dict[str, object] = {}
    if settings.ocr_threads:
        options["threads"] = settings.ocr_threads
    if settings.ocr_quantized is not None and settings.ocr_engine == "rapidocr":
        options["quantized"] = settings.ocr_quantized
    return options


def build_reader(settings: Settings) -> Reader:
    """A reader configured from settings: engine, region repository and limits."""
    from ktp_ocr.regions.sql import open_repository

    engine = create_engine(settings.ocr_engine, **engine_options(settings))
    nik_reader: NikRegionReader | None = None
    if settings.ensemble:
        other = "tesseract" if settings.ocr_engine != "tesseract" else "rapidocr"
        second = create_engine(other)
        nik_reader = second if isinstance(second, NikRegionReader) else None
    regions = open_repository(settings.database_url)
    limits = Limits(settings.max_image_bytes, settings.max_pixels)
    return Reader(engine, regions, limits=limits, nik_reader=nik_reader)


_DEFAULT_READER: Reader | None = None


def read_ktp(image: ImageInput) -> ReadResult:
    """Read one KTP image (path, bytes, NumPy BGR array or PIL image) with the default reader."""
    global _DEFAULT_READER
    if _DEFAULT_READER is None:
        _DEFAULT_READER = build_reader(Settings())
    return _DEFAULT_READER.read(image)
