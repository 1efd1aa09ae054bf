"""The whole pipeline on generated card images, with the OCR replaced by the card's true lines.

This checks everything but the OCR itself: decoding, finding and flattening the card, layout,
parsers, region matching and checks must give back the ground truth exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from ktp_ocr.errors import (
    CardNotFound,
    CorruptImage,
    InputError,
    UnreadableCard,
    UnsupportedImage,
)
from ktp_ocr.ocr import ScriptedEngine
from ktp_ocr.pipeline import Reader
from ktp_ocr.synth import SynthCard, make_card
from ktp_ocr.types import CARD_FIELDS, SEUMUR_HIDUP, BBox, FieldName, OcrLine

TODAY = date(2026, 1, 1)


def _true_lines(card: SynthCard) -> ScriptedEngine:
    """An engine that 'reads' the card's true lines, scaled to the image it is given."""

    def script(image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        sx = image.shape[1] / card.card_size[0]
        sy = image.shape[0] / card.card_size[1]
        return [OcrLine(ln.text, ln.box.scaled(sx, sy), 0.99) for ln in card.lines]

    return ScriptedEngine(script)


@pytest.fixture(scope="module")
def scan_cards(region_repo) -> list[SynthCard]:  # type: ignore[no-untyped-def]
    return [make_card(11, "scan", i, regions=region_repo) for i in range(1, 7)]


def test_true_lines_give_back_the_truth(scan_cards, region_repo) -> None:  # type: ignore[no-untyped-def]
    for card in scan_cards:
        engine = _true_lines(card)
        result = Reader(engine, region_repo, today=TODAY).read(card.jpeg)
        got, want = result.card.to_dict(), card.truth.to_dict()
        wrong = {k: (want[k], got[k]) for k in (f.value for f in CARD_FIELDS) if want[k] != got[k]}
        assert not wrong, f"{card.id}: {wrong}"
        assert result.nik is not None
        assert result.score > 80
        failed = [c.code for c in result.checks if c.passed is False and c.severity == "error"]
        assert failed == []
        assert set(result.timings) >= {"decode", "detect", "ocr", "layout", "fields"}


def test_engine_is_reused_and_inputs_of_every_kind(scan_cards, region_repo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    card = scan_cards[0]
    engine = _true_lines(card)
    reader = Reader(engine, region_repo, today=TODAY)
    path = tmp_path / "card.jpg"
    path.write_bytes(card.jpeg)
    rgb = Image.fromarray(cv2.cvtColor(card.image, cv2.COLOR_BGR2RGB))
    results = [reader.read(x) for x in (card.jpeg, str(path), path, card.image, rgb)]
    assert {r.card.nik for r in results} == {card.truth.nik}
    assert engine.calls >= len(results)


def test_upside_down_card_is_turned_upright(scan_cards, region_repo) -> None:  # type: ignore[no-untyped-def]
    card = scan_cards[1]
    flipped = np.ascontiguousarray(card.image[::-1, ::-1])
    seen: list[NDArray[np.uint8]] = []

    def script(image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        seen.append(image)
        # Only an upright card (photo block on the right) shows its labels.
        right = image[:, int(image.shape[1] * 0.72) :].std()
        left = image[:, : int(image.shape[1] * 0.28)].std()
        return _true_lines(card).recognize(image) if right > left * 0.5 else []

    result = Reader(ScriptedEngine(script), region_repo, today=TODAY).read(flipped)
    assert result.card.nik == card.truth.nik
    assert len(seen) <= 4  # a bounded number of tries, never a loop


def test_keep_card_image(scan_cards, region_repo) -> None:  # type: ignore[no-untyped-def]
    card = scan_cards[2]
    reader = Reader(_true_lines(card), region_repo, today=TODAY)
    assert reader.read(card.jpeg).card_image is None
    image = reader.read(card.jpeg, keep_card_image=True).card_image
    assert image is not None and image.shape[1] > image.shape[0]


@pytest.mark.parametrize(
    ("data", "error", "code"),
    [
        (b"", CorruptImage, "empty_file"),
        (b"hello, this is not an image at all" * 10, UnsupportedImage, "not_an_image"),
        (b"%PDF-1.4\n" + b"0" * 400, UnsupportedImage, None),
    ],
)
def test_bad_bytes_get_a_clear_error(
    region_repo, data: bytes, error: type, code: str | None
) -> None:  # type: ignore[no-untyped-def]
    reader = Reader(ScriptedEngine(), region_repo, today=TODAY)
    with pytest.raises(error) as info:
        reader.read(data)
    assert isinstance(info.value, InputError)
    assert info.value.message
    if code:
        assert info.value.code == code


def test_truncated_jpeg(scan_cards, region_repo) -> None:  # type: ignore[no-untyped-def]
    reader = Reader(ScriptedEngine(), region_repo, today=TODAY)
    with pytest.raises(CorruptImage):
        reader.read(scan_cards[0].jpeg[: len(scan_cards[0].jpeg) // 2])


@pytest.mark.parametrize("kind", ["blank", "noise", "text"])
def test_picture_without_a_card_is_refused(region_repo, kind: str) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(1)
    image = np.full((900, 1200, 3), 235, np.uint8)
    if kind == "noise":
        image = rng.integers(0, 256, (900, 1200, 3), dtype=np.uint8)
    lines = [OcrLine("TOTAL BELANJA 25.000", BBox(100, 100, 600, 140), 0.95)] * 4
    engine = ScriptedEngine(lines if kind == "text" else [])
    with pytest.raises(CardNotFound) as info:
        Reader(engine, region_repo, today=TODAY).read(image)
    assert info.value.code in {"no_card", "not_ktp"}
    assert "KTP" in info.value.message or "card" in info.value.message


def test_missing_file(region_repo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as info:
        Reader(ScriptedEngine(), region_repo).read(tmp_path / "nope.jpg")
    assert info.value.code == "file_unreadable"


def test_fields_without_regions(scan_cards) -> None:  # type: ignore[no-untyped-def]
    card = scan_cards[3]
    result = Reader(_true_lines(card), None, today=TODAY).read(card.jpeg)
    assert result.card.nik == card.truth.nik
    assert result.regions == ()
    assert result.fields[FieldName.NAMA].box is not None


@pytest.mark.parametrize(
    ("printed", "expected", "issue"),
    [
        ("ACEHJAYA", "ACEH JAYA", "tempat_lahir_respaced"),
        ("TANGERAN G", "TANGERANG", "tempat_lahir_respaced"),
        ("KEDIRL", "KEDIRI", "tempat_lahir_snapped"),
        ("AHIR BANDUNG", "BANDUNG", "tempat_lahir_snapped"),
        # Regression: a regency's name read right was respaced to a district's (KOTA BARU).
        ("KOTABARU", "KOTABARU", None),
    ],
)
def test_birthplace_follows_the_region_name(
    scan_cards, region_repo, printed: str, expected: str, issue: str | None
) -> None:  # type: ignore[no-untyped-def]
    card = scan_cards[4]
    place = card.truth.tempat_lahir
    assert place is not None

    def script(image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        lines = _true_lines(card).recognize(image)
        return [OcrLine(ln.text.replace(place, printed), ln.box, ln.confidence) for ln in lines]

    result = Reader(ScriptedEngine(script), region_repo, today=TODAY).read(card.jpeg)
    assert result.card.tempat_lahir == expected
    issues = result.fields[FieldName.TEMPAT_LAHIR].issues
    assert (issue in issues) if issue else not issues


def _regency_read_as(card: SynthCard, text: str) -> ScriptedEngine:
    """The card's true lines, its header's regency read as ``text``."""
    official = str(card.truth.kabupaten_kota)

    def script(image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        lines = _true_lines(card).recognize(image)
        return [
            OcrLine(text if ln.text == official else ln.text, ln.box, ln.confidence) for ln in lines
        ]

    return ScriptedEngine(script)


@pytest.mark.parametrize(
    ("printed", "snapped"),
    [
        # Regression: the wording glued to the name or broken up kept the official spelling out.
        ("KOTA{}", True),  # glued: KOTATEGAL
        ("K O T A {}", True),
        ("KOTA {}", False),  # as printed already
        ("{}", False),  # no wording on the card: none is added
    ],
)
def test_regency_takes_the_official_spelling_with_the_cards_wording(
    scan_cards, region_repo, printed: str, snapped: bool
) -> None:  # type: ignore[no-untyped-def]
    card = next(c for c in scan_cards if str(c.truth.kabupaten_kota).startswith("KOTA "))
    official = str(card.truth.kabupaten_kota)
    body = official.removeprefix("KOTA ")
    text = printed.format(body)
    result = Reader(_regency_read_as(card, text), region_repo, today=TODAY).read(card.jpeg)
    got = result.fields[FieldName.KABUPATEN_KOTA]
    assert got.value == (official if snapped else text)
    assert ("snapped_to_region" in got.issues) is snapped


@pytest.mark.parametrize("letters", [0, 3, 6])
def test_a_regency_glare_cut_short_is_given_from_the_nik_and_said_so(
    scan_cards, region_repo, letters: int
) -> None:  # type: ignore[no-untyped-def]
    """Regression: glare left `KOTA PEKANE` of KOTA PEKANBARU; the NIK and the district read
    under it name the regency, which is given, less surely, as taken from the NIK."""
    card = next(
        c
        for c in scan_cards
        if len(str(c.truth.kabupaten_kota).split(" ", 1)[-1].replace(" ", "")) > letters + 1
    )
    official = str(card.truth.kabupaten_kota)
    kind = official.split(" ")[0]
    stub = official[: len(kind) + 1 + letters].strip()  # the wording, the name's first letters
    result = Reader(_regency_read_as(card, stub), region_repo, today=TODAY).read(card.jpeg)
    got = result.fields[FieldName.KABUPATEN_KOTA]
    assert got.value == official
    assert "kabupaten_kota_from_nik" in got.issues
    assert got.confidence < result.fields[FieldName.KECAMATAN].confidence


@pytest.mark.parametrize(
    ("read", "given"),
    [
        ("SLSXQZKWVCHE", True),  # garbled past matching: the NIK and the village name it
        ("", False),  # not read at all: nothing was seen, nothing given
    ],
)
def test_a_garbled_district_is_given_from_the_nik_and_the_village_and_said_so(
    scan_cards, region_repo, read: str, given: bool
) -> None:  # type: ignore[no-untyped-def]
    """Regression: `SLSBALDCCHE` (BALOCCI) and `IENATAN AHLU` (AFULU) matched no district,
    though the NIK and the village read surely under them named it; it is given, less surely,
    as taken from the NIK."""
    card = scan_cards[0]
    official = str(card.truth.kecamatan)

    def script(image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        lines = _true_lines(card).recognize(image)
        return [
            OcrLine(f": {read}" if ln.text == f": {official}" else ln.text, ln.box, ln.confidence)
            for ln in lines
        ]

    result = Reader(ScriptedEngine(script), region_repo, today=TODAY).read(card.jpeg)
    got = result.fields[FieldName.KECAMATAN]
    district = next(m for m in result.regions if m.level == "kecamatan")
    if given:
        assert got.value == official
        assert "kecamatan_from_nik" in got.issues
        assert got.confidence < result.fields[FieldName.KELURAHAN_DESA].confidence
        assert district.from_nik and district.agrees_with_nik
    else:
        assert got.value is None
        assert district.region is None and not district.from_nik


def test_a_regency_read_as_no_region_is_kept_as_read_less_surely(scan_cards, region_repo) -> None:  # type: ignore[no-untyped-def]
    """Regression: glare left `KAI` of KABUPATEN PATI; it matched no region and was still
    given at 0.97, as sure as a name read whole."""
    card = scan_cards[0]
    result = Reader(_regency_read_as(card, "KAI"), region_repo, today=TODAY).read(card.jpeg)
    got = result.fields[FieldName.KABUPATEN_KOTA]
    assert got.value == "KAI"
    assert "region_not_found" in got.issues
    assert got.confidence < 0.6
    assert "region_not_found" not in result.fields[FieldName.KECAMATAN].issues


class _FakeNikReader:
    """A second engine that reads the NIK row as given, counting calls."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.calls = 0

    def read_nik_region(self, card, *, box=None, accept=None):  # type: ignore[no-untyped-def]
        self.calls += 1
        if accept is not None and not accept(self.text):
            return None
        return OcrLine(self.text, box or BBox(0, 0, 10, 10), 0.93)


def _garble_nik(card: SynthCard, garbled: str) -> ScriptedEngine:
    nik = card.truth.nik
    assert nik is not None

    def script(image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        lines = _true_lines(card).recognize(image)
        return [OcrLine(ln.text.replace(nik, garbled), ln.box, ln.confidence) for ln in lines]

    return ScriptedEngine(script)


def test_second_engine_rescues_an_unreadable_nik(scan_cards, region_repo) -> None:  # type: ignore[no-untyped-def]
    card = scan_cards[5]
    nik = str(card.truth.nik)
    second = _FakeNikReader(nik)
    engine = _garble_nik(card, nik[:6] + "##" + nik[8:])
    result = Reader(engine, region_repo, today=TODAY, nik_reader=second).read(card.jpeg)
    assert second.calls == 1
    assert result.card.nik == nik
    assert "nik_second_opinion" in result.fields[FieldName.NIK].issues


def test_second_engine_is_not_asked_about_a_sure_nik(scan_cards, region_repo) -> None:  # type: ignore[no-untyped-def]
    card = scan_cards[5]
    second = _FakeNikReader("0000000000000000")
    result = Reader(_true_lines(card), region_repo, today=TODAY, nik_reader=second).read(card.jpeg)
    assert second.calls == 0
    assert result.card.nik == card.truth.nik


def test_second_reading_that_disagrees_with_the_card_is_not_taken(scan_cards, region_repo) -> None:  # type: ignore[no-untyped-def]
    card = scan_cards[5]
    nik = str(card.truth.nik)
    wrong_day = nik[:6] + f"{(int(nik[6:8]) % 28) + 1:02d}" + nik[8:]
    second = _FakeNikReader(wrong_day)  # a well-formed NIK whose date is not the printed one
    engine = _garble_nik(card, nik[:6] + "##" + nik[8:])
    result = Reader(engine, region_repo, today=TODAY, nik_reader=second).read(card.jpeg)
    assert result.card.nik is None  # never a guess


def test_nik_contradicting_the_printed_birth_date_is_withheld(scan_cards, region_repo) -> None:  # type: ignore[no-untyped-def]
    """Regression: a well-formed but misread NIK (8 read as 4 in its date) was returned as read."""
    card = scan_cards[0]
    nik = str(card.truth.nik)
    day = int(nik[6:8])
    other_day = day - 1 if day % 40 > 1 else day + 1
    misread = nik[:6] + f"{other_day:02d}" + nik[8:]
    result = Reader(_garble_nik(card, misread), region_repo, today=TODAY).read(card.jpeg)
    assert result.card.nik is None
    assert result.nik is None
    assert "nik_contradicts_card" in result.fields[FieldName.NIK].issues
    assert misread in result.fields[FieldName.NIK].raw
    failed = {c.code for c in result.checks if c.passed is False}
    assert "nik_birthdate_match" in failed


@pytest.mark.parametrize(
    ("text", "seen", "code"),
    [
        ("3319062810570120", False, "text_unreadable"),  # a NIK: too small to read, but there
        ("PROVINSI JAWA TENGAH", False, "text_unreadable"),
        ("TOTAL BELANJA", True, "text_unreadable"),  # the locating pass saw the NIK
        ("HUBUNGI 081234567890", False, "not_ktp"),  # a phone number is no NIK
        ("berita provinsi hari ini", False, "not_ktp"),  # news prints the word in lower case
    ],
)
def test_a_ktp_too_small_to_read_is_not_called_no_ktp(text: str, seen: bool, code: str) -> None:
    """Regression: a photo with the card a few hundred pixels wide, whose NIK or header could
    be read but no label, was refused as "not a KTP"."""
    from ktp_ocr.pipeline.reading import Reading
    from ktp_ocr.pipeline.refusal import refusal

    card = np.full((630, 1000, 3), 235, np.uint8)
    lines = [OcrLine("TOTAL BELANJA 25.000", BBox(100, 100, 600, 140), 0.95)] * 3
    lines.append(OcrLine(text, BBox(100, 300, 600, 340), 0.9))
    error = refusal(Reading(card, lines, 0), None, seen_ktp=seen)
    assert isinstance(error, (CardNotFound, UnreadableCard)) and error.code == code


def _misread_birth_date(card: SynthCard, rereads: Sequence[str]) -> ScriptedEngine:
    """The whole card read with a wrong birth year; the lines read again give ``rereads``."""
    born = card.truth.tanggal_lahir
    assert born is not None
    printed = born.strftime("%d-%m-%Y")
    wrong = born.replace(year=born.year - 1 if born.year > 1950 else born.year + 1)
    misread = wrong.strftime("%d-%m-%Y")
    again = iter(rereads)

    def script(image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        if image.shape[0] < card.card_size[1] / 3:  # a crop of one line, read again
            text = next(again)
            return [OcrLine(text, BBox(0, 0, image.shape[1], image.shape[0]), 0.9)]
        lines = _true_lines(card).recognize(image)
        return [OcrLine(ln.text.replace(printed, misread), ln.box, ln.confidence) for ln in lines]

    return ScriptedEngine(script)


def test_a_misread_birth_date_is_read_again(scan_cards, region_repo) -> None:  # type: ignore[no-untyped-def]
    """Regression: a NIK read right was withheld because a blurred birth-date digit was not."""
    card = scan_cards[1]
    nik, born = str(card.truth.nik), card.truth.tanggal_lahir
    assert born is not None
    rereads = [nik] * 3 + ["KOTA 01-01-1900", born.strftime("%d-%m-%Y")]
    result = Reader(_misread_birth_date(card, rereads), region_repo, today=TODAY).read(card.jpeg)
    assert result.card.nik == nik
    assert result.card.tanggal_lahir == born
    assert "tanggal_lahir_reread" in result.fields[FieldName.TANGGAL_LAHIR].issues
    assert "nik_birthdate_match" not in {c.code for c in result.checks if c.passed is False}
    assert "reread" in result.timings


@pytest.mark.parametrize("case", ["nik_unsteady", "date_never_agrees"])
def test_without_two_readings_agreeing_the_nik_is_withheld(
    scan_cards, region_repo, case: str
) -> None:  # type: ignore[no-untyped-def]
    card = scan_cards[1]
    nik, born = str(card.truth.nik), card.truth.tanggal_lahir
    assert born is not None
    printed = born.strftime("%d-%m-%Y")
    if case == "nik_unsteady":  # one reading of the NIK gives other digits
        rereads = [nik, nik[:-1] + str((int(nik[-1]) + 1) % 10), nik] + [printed] * 3
    else:
        rereads = [nik] * 3 + ["KOTA 31-02-1990", "", "KOTA"]
    result = Reader(_misread_birth_date(card, rereads), region_repo, today=TODAY).read(card.jpeg)
    assert result.card.nik is None
    assert "nik_contradicts_card" in result.fields[FieldName.NIK].issues


def _whole_and_crops(
    card: SynthCard,
    rereads: Sequence[str],
    whole: Callable[[Sequence[OcrLine]], Sequence[OcrLine]],
) -> ScriptedEngine:
    """The whole card's true lines as ``whole`` changes them; crops of one line read ``rereads``."""
    again = iter(rereads)
    lines = _true_lines(card)

    def script(image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        if image.shape[0] < card.card_size[1] / 3:
            text = next(again, "")
            return [OcrLine(text, BBox(0, 0, image.shape[1], image.shape[0]), 0.9)] if text else []
        return whole(lines.recognize(image))

    return ScriptedEngine(script)


def _value_unseen(card: SynthCard, value: str, rereads: Sequence[str]) -> ScriptedEngine:
    """The whole card read without the line of ``value``; crops of one line read ``rereads``."""
    return _whole_and_crops(
        card, rereads, lambda lines: [ln for ln in lines if ln.text.strip(": ") != value]
    )


def _value_misread(
    card: SynthCard, value: str, misread: str, confidence: float, rereads: Sequence[str]
) -> ScriptedEngine:
    """The whole card with the line of ``value`` read as ``misread`` at ``confidence``; crops
    of one line read ``rereads``."""
    return _whole_and_crops(
        card,
        rereads,
        lambda lines: [
            OcrLine(": " + misread, ln.box, confidence) if ln.text.strip(": ") == value else ln
            for ln in lines
        ],
    )


@pytest.mark.parametrize(
    ("confidence", "rereads", "expected"),
    [
        (0.7, ["PETANI/PEKEBUN", "PETAN/PEKEBUN", "PETANI/PEKEBUN"], "PETANI/PEKEBUN"),
        (0.98, ["PETANI/PEKEBUN"] * 3, "PFTAN/PFKRBN"),  # read surely: kept as read
        (0.7, ["PFTAN/PFKRBN", "", "XQ"] * 2, "PFTAN/PFKRBN"),  # no registry entry agreed on
    ],
)
def test_an_unsure_free_text_occupation_is_read_again(  # type: ignore[no-untyped-def]
    scan_cards, region_repo, confidence: float, rereads: list[str], expected: str
) -> None:
    """Regression: a blurred ``WIRASWASTA`` read as ``VASWASTA`` (confidence 0.78), too far
    from the registry's spelling to snap, was given as a free-text occupation."""
    card = next(c for c in scan_cards if c.truth.pekerjaan == "PETANI/PEKEBUN")
    engine = _value_misread(card, "PETANI/PEKEBUN", "PFTAN/PFKRBN", confidence, rereads)
    result = Reader(engine, region_repo, today=TODAY).read(card.jpeg)
    occupation = result.fields[FieldName.PEKERJAAN]
    assert occupation.value == expected
    assert ("pekerjaan_reread" in occupation.issues) is (expected == "PETANI/PEKEBUN")


def test_a_value_the_detector_missed_is_read_again_where_its_row_is(
    scan_cards, region_repo
) -> None:  # type: ignore[no-untyped-def]
    """Regression: a faint ``WNI`` the detector did not see on a dim photo was left unread."""
    card = scan_cards[2]
    assert card.truth.kewarganegaraan == "WNI"
    engine = _value_unseen(card, "WNI", ["WN1", "VVNI", "WNI"])
    result = Reader(engine, region_repo, today=TODAY).read(card.jpeg)
    citizenship = result.fields[FieldName.KEWARGANEGARAAN]
    assert citizenship.value == "WNI"
    assert "kewarganegaraan_reread" in citizenship.issues
    assert citizenship.confidence < 0.9
    assert citizenship.box is not None
    # The place looked at is the Kewarganegaraan row's, right of its label.
    label = next(ln for ln in card.lines if ln.text.startswith("Kewarganegaraan"))
    scale = result.card_size[0] / card.card_size[0]
    assert abs(citizenship.box.cy - label.box.cy * scale) < label.box.height * scale
    assert citizenship.box.x0 > label.box.x1 * scale * 0.9


def test_a_reread_that_never_parses_leaves_the_value_unread(scan_cards, region_repo) -> None:  # type: ignore[no-untyped-def]
    card = scan_cards[2]
    engine = _value_unseen(card, "WNI", ["XQ", "", "ZZZ"] * 2)
    result = Reader(engine, region_repo, today=TODAY).read(card.jpeg)
    read = result.fields[FieldName.KEWARGANEGARAAN]
    assert "kewarganegaraan_reread" not in read.issues
    if card.truth.berlaku_hingga == SEUMUR_HIDUP:  # a card valid for life is a citizen's
        assert read.value == "WNI"
        assert "kewarganegaraan_from_validity" in read.issues
    else:
        assert read.value is None


def test_an_unread_citizenship_on_a_card_valid_for_life_is_wni(scan_cards, region_repo) -> None:  # type: ignore[no-untyped-def]
    card = next(c for c in scan_cards if c.truth.berlaku_hingga == SEUMUR_HIDUP)
    engine = _value_unseen(card, "WNI", ["~~"] * 6)
    result = Reader(engine, region_repo, today=TODAY).read(card.jpeg)
    read = result.fields[FieldName.KEWARGANEGARAAN]
    assert read.value == "WNI"
    assert "kewarganegaraan_from_validity" in read.issues
    assert read.confidence < result.fields[FieldName.BERLAKU_HINGGA].confidence


def test_an_unreadable_sex_is_the_nik_s_when_the_birth_date_bears_it_out(
    scan_cards, region_repo
) -> None:  # type: ignore[no-untyped-def]
    card = scan_cards[3]
    sex = card.truth.jenis_kelamin
    assert sex is not None
    engine = _value_unseen(card, sex, ["~~"] * 6)  # nothing parses at the sex's place
    result = Reader(engine, region_repo, today=TODAY).read(card.jpeg)
    read = result.fields[FieldName.JENIS_KELAMIN]
    assert read.value == sex
    assert "jenis_kelamin_from_nik" in read.issues
    assert read.confidence < result.fields[FieldName.NIK].confidence
    assert result.card.nik == card.truth.nik


def test_a_reread_sex_against_the_nik_is_not_taken(scan_cards, region_repo) -> None:  # type: ignore[no-untyped-def]
    """A second look must not outvote the NIK: a re-read sex that contradicts it is dropped."""
    card = scan_cards[3]
    sex = card.truth.jenis_kelamin
    assert sex is not None
    other = "PEREMPUAN" if sex == "LAKI-LAKI" else "LAKI-LAKI"
    engine = _value_unseen(card, sex, [other] * 6)
    result = Reader(engine, region_repo, today=TODAY).read(card.jpeg)
    read = result.fields[FieldName.JENIS_KELAMIN]
    assert read.value == sex and "jenis_kelamin_reread" not in read.issues
    assert result.card.nik == card.truth.nik


class _CropReader(ScriptedEngine):
    """A scripted engine that can also read a pre-cut line without detecting it."""

    def __init__(self, script: ScriptedEngine, crop_text: str) -> None:
        super().__init__(script.recognize)
        self.crop_text = crop_text
        self.crops: list[tuple[int, int]] = []

    def recognize_crops(self, crops: Sequence[NDArray[np.uint8]]) -> list[tuple[str, float]]:
        self.crops.extend(c.shape[:2] for c in crops)
        return [(self.crop_text, 0.8) for _ in crops]


def test_a_value_too_faint_to_detect_is_read_as_one_line(scan_cards, region_repo) -> None:  # type: ignore[no-untyped-def]
    card = scan_cards[2]
    engine = _CropReader(_value_unseen(card, "WNI", []), ": WNI")  # crops: nothing detected
    result = Reader(engine, region_repo, today=TODAY).read(card.jpeg)
    citizenship = result.fields[FieldName.KEWARGANEGARAAN]
    assert citizenship.value == "WNI" and "kewarganegaraan_reread" in citizenship.issues
    assert len(engine.crops) == 1  # one band, the row's own height
    band_height, _ = engine.crops[0]
    assert citizenship.box is not None and band_height <= citizenship.box.height + 2


def test_stretched_crops_span_the_full_range_and_blank_ones_stay() -> None:
    from ktp_ocr.pipeline.frames import stretched

    dim = np.full((20, 40, 3), 60, np.uint8)
    dim[5:15, 10:30] = 30  # faint ink on dark paper
    out = stretched(dim)
    assert out.min() == 0 and out.max() == 255
    assert out[10, 20, 0] < out[0, 0, 0]  # ink stays darker than paper
    blank = np.full((20, 40, 3), 200, np.uint8)
    assert np.array_equal(stretched(blank), blank)


def test_a_nik_whose_province_was_misread_is_mended_by_the_header(scan_cards, region_repo) -> None:  # type: ignore[no-untyped-def]
    """Regression: a NIK read ``0211074906800318`` (6 read as 0) was withheld as having no
    province, though the header named its regency (62.11) one digit away."""
    card = scan_cards[3]
    nik = str(card.truth.nik)
    wrong = ("0" if nik[0] != "0" else "9") + nik[1:]
    engine = _true_lines(card)

    def script(image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        return [
            OcrLine(ln.text.replace(nik, wrong), ln.box, ln.confidence)
            for ln in engine.recognize(image)
        ]

    result = Reader(ScriptedEngine(script), region_repo, today=TODAY).read(card.jpeg)
    got = result.fields[FieldName.NIK]
    assert got.value == nik and got.issues == ("nik_region_from_header",)
    assert got.raw.replace(" ", "").endswith(wrong)
    assert result.nik is not None and result.nik.birth_date == card.truth.tanggal_lahir
    # two digits wrong in the regency: nothing ties the reading to the header, so no NIK
    twice = wrong[:2] + ("0" if nik[2] != "0" else "9") + wrong[3:]

    def worse(image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        return [
            OcrLine(ln.text.replace(nik, twice), ln.box, ln.confidence)
            for ln in engine.recognize(image)
        ]

    other = Reader(ScriptedEngine(worse), region_repo, today=TODAY).read(card.jpeg)
    assert other.fields[FieldName.NIK].value is None


def test_every_recognition_of_a_read_shares_one_photo_scope(scan_cards, region_repo) -> None:  # type: ignore[no-untyped-def]
    """The recogniser's doubt about a photo (``one_photo``) lasts one read, no more."""
    from ktp_ocr.ocr import recognisers

    card = scan_cards[0]
    truth = _true_lines(card)
    scopes: list[object] = []

    def script(image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        scopes.append(recognisers._PHOTO.get())
        return truth.recognize(image)

    reader = Reader(ScriptedEngine(script), region_repo, today=TODAY)
    reader.read(card.jpeg)
    first = list(scopes)
    reader.read(card.jpeg)
    second = scopes[len(first) :]
    assert first and second and None not in scopes
    assert len({id(s) for s in first}) == 1 and len({id(s) for s in second}) == 1
    assert first[0] is not second[0]
    assert recognisers._PHOTO.get() is None
