"""Layout: labels found by fuzzy matching, values anchored by geometry, never by line count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ktp_ocr import layout
from ktp_ocr.types import BBox, FieldName, OcrLine

GOLDEN = Path(__file__).parent.parent / "golden"


def _load(name: str) -> tuple[list[OcrLine], tuple[float, float], dict[str, str]]:
    data = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    lines = [OcrLine(d["text"], BBox(*d["box"]), d["confidence"]) for d in data["lines"]]
    size = (float(data["card_size"][0]), float(data["card_size"][1]))
    return lines, size, data["expected_raw"]


def _texts(assigned: dict[FieldName, object]) -> dict[str, str]:
    return {k.value: v.text for k, v in assigned.items()}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "field", "rest"),
    [
        ("NIK", FieldName.NIK, ""),
        ("Nama", FieldName.NAMA, ""),
        ("Tempat/Tgl Lahir: BANDUNG, 12-05-1990", FieldName.TEMPAT_LAHIR, ": BANDUNG, 12-05-1990"),
        ("Tempat/TglLahir", FieldName.TEMPAT_LAHIR, ""),
        ("Status PerkawinarKAWIN", FieldName.STATUS_PERKAWINAN, "KAWIN"),
        ("KewarganegaraanWNI", FieldName.KEWARGANEGARAAN, "WNI"),
        ("Kel / Desa", FieldName.KELURAHAN_DESA, ""),
        ("Gol Darah : O", FieldName.GOLONGAN_DARAH, " : O"),
        ("Gol. Darah", FieldName.GOLONGAN_DARAH, ""),
        ("RT/RW", FieldName.RT_RW, ""),
        ("Berlaku Hingga : SEUMUR HIDUP", FieldName.BERLAKU_HINGGA, " : SEUMUR HIDUP"),
        ("Jenis kelamin", FieldName.JENIS_KELAMIN, ""),
        ("Kecamatan", FieldName.KECAMATAN, ""),
    ],
)
def test_match_label(text: str, field: FieldName, rest: str) -> None:
    hit = layout.match_label(text)
    assert hit is not None
    assert hit[0] is field
    assert hit[2] == rest


@pytest.mark.parametrize(
    "text", ["SITI NURHALIZA", "3273015205900001", ": ISLAM", "", "::", "KAWIN"]
)
def test_values_are_not_labels(text: str) -> None:
    assert layout.match_label(text) is None


def test_golden_rapidocr_lines() -> None:
    lines, size, expected = _load("layout_rapidocr_dejavu.json")
    got = _texts(layout.assign(lines, size))
    assert got == expected
    assert got["nama"] == "SITI NURHALIZA BINTI ABDULLAH RAHMAWATI"  # wrapped line joined
    assert got["golongan_darah"] == "O"  # shares the Jenis Kelamin row
    assert got["jenis_kelamin"] == "PEREMPUAN"
    assert got["tanggal_terbit"] == "20-06-2017"


def test_missing_label_row_is_interpolated_not_shifted() -> None:
    """A label the OCR missed must not shift every value below it (the original's bug)."""
    lines, size, expected = _load("layout_rapidocr_dejavu.json")
    without_agama = [line for line in lines if line.text != "Agama"]
    got = _texts(layout.assign(without_agama, size))
    assert got["agama"] == "ISLAM"
    assert got["status_perkawinan"] == expected["status_perkawinan"]
    assert got["pekerjaan"] == expected["pekerjaan"]


def test_dropped_value_line_leaves_only_that_field_empty() -> None:
    lines, size, expected = _load("layout_rapidocr_dejavu.json")
    got = _texts(layout.assign([ln for ln in lines if ln.text != ": ISLAM"], size))
    assert "agama" not in got
    assert dict(got.items()) == {k: v for k, v in expected.items() if k != "agama"}


def test_row_places_put_an_unread_value_on_its_row() -> None:
    """Where a value no text was read for should be: on its label's line, also when the
    label itself was not read (placed between its neighbours)."""
    lines, size, _ = _load("layout_rapidocr_dejavu.json")
    label = next(ln for ln in lines if ln.text == "Agama")
    value = next(ln for ln in lines if ln.text == ": ISLAM")
    for kept in (
        [ln for ln in lines if ln is not value],
        [ln for ln in lines if ln is not value and ln is not label],
    ):
        cy, h = layout.row_places(kept, size)[FieldName.AGAMA]
        assert abs(cy - value.box.cy) < value.box.height / 2
        assert 0.5 * label.box.height < h < 2 * label.box.height
    assert layout.row_places([], size) == {}


def test_shuffled_lines_give_the_same_result() -> None:
    lines, size, expected = _load("layout_rapidocr_dejavu.json")
    assert _texts(layout.assign(list(reversed(lines)), size)) == expected


def test_empty_input() -> None:
    assert layout.assign([]) == {}
    assert layout.label_count([]) == 0


def test_label_count_counts_distinct_labels() -> None:
    lines, _, _ = _load("layout_rapidocr_dejavu.json")
    assert layout.label_count(lines) >= 12


@settings(max_examples=60, deadline=None)
@given(
    dx=st.floats(-500, 500),
    dy=st.floats(-500, 500),
    scale=st.floats(0.3, 4.0),
)
def test_assign_invariant_under_translation_and_scale(dx: float, dy: float, scale: float) -> None:
    lines, size, expected = _load("layout_rapidocr_dejavu.json")
    moved = [
        OcrLine(ln.text, ln.box.scaled(scale).translated(dx, dy), ln.confidence) for ln in lines
    ]
    # Without a card size the extent of the lines stands in for the card.
    assert _texts(layout.assign(moved)) == _texts(layout.assign(lines))
    assert _texts(layout.assign(lines, size)) == expected


@pytest.mark.parametrize("garbled", ["Agarna", "Ag4rn#", "|||"])
def test_unread_label_text_does_not_leak_into_values(garbled: str) -> None:
    lines, size, expected = _load("layout_rapidocr_dejavu.json")
    changed = [
        OcrLine(garbled, ln.box, ln.confidence) if ln.text == "Agama" else ln for ln in lines
    ]
    assert _texts(layout.assign(changed, size)) == expected


def test_unread_label_glued_to_its_value_keeps_the_value() -> None:
    lines, size, _expected = _load("layout_rapidocr_dejavu.json")
    agama = next(ln for ln in lines if ln.text == "Agama")
    value = next(ln for ln in lines if ln.text == ": ISLAM")
    glued = OcrLine("Agarna : ISLAM", agama.box.union(value.box), 0.9)
    changed = [ln for ln in lines if ln not in (agama, value)] + [glued]
    assert _texts(layout.assign(changed, size))["agama"] == "ISLAM"


@pytest.mark.parametrize("value_first", [True, False])
def test_a_value_that_starts_like_a_label_stays_whole(value_first: bool) -> None:
    """Regression: the village ``KECEMEN`` starts like the label abbreviation ``KEC``; read
    before the real ``Kecamatan`` label, it was cut to ``EMEN``."""
    lines, size, expected = _load("layout_rapidocr_dejavu.json")
    desa = next(ln for ln in lines if ln.text.lstrip(": ") == expected["kelurahan_desa"])
    village = OcrLine(": KECEMEN", desa.box, desa.confidence)
    rest = [ln for ln in lines if ln is not desa]
    changed = [village, *rest] if value_first else [*rest, village]
    got = _texts(layout.assign(changed, size))
    assert got["kelurahan_desa"] == "KECEMEN"
    assert got["kecamatan"] == expected["kecamatan"]


def test_text_in_the_photo_column_is_not_a_value() -> None:
    lines, size, expected = _load("layout_rapidocr_dejavu.json")
    stray = OcrLine("SIGNATURE", BBox(800, 300, 950, 330), 0.9)
    assert _texts(layout.assign([*lines, stray], size)) == expected


def _turned(lines: list[OcrLine], degrees: float) -> list[OcrLine]:
    """The lines with their outlines rotated about the origin (boxes follow the outlines)."""
    out = []
    for ln in lines:
        corners = [(ln.box.x0, ln.box.y0), (ln.box.x1, ln.box.y0), (ln.box.x1, ln.box.y1),
                   (ln.box.x0, ln.box.y1)]  # fmt: skip
        quad = tuple(layout.rotate_point(p, degrees) for p in corners)
        box = BBox(min(p[0] for p in quad), min(p[1] for p in quad),
                   max(p[0] for p in quad), max(p[1] for p in quad))  # fmt: skip
        out.append(OcrLine(ln.text, box, ln.confidence, quad))  # type: ignore[arg-type]
    return out


@settings(max_examples=60, deadline=None)
@given(st.floats(-89, 89))
def test_text_angle_is_the_rotation_of_the_lines(degrees: float) -> None:
    lines, _, _ = _load("layout_rapidocr_dejavu.json")
    angle = layout.text_angle(_turned(lines, degrees))
    assert angle is not None
    assert abs(((angle - degrees) + 90) % 180 - 90) < 0.5


@pytest.mark.parametrize("degrees", [0.0, 12.0, -35.0, 90.0, 180.0])
def test_card_found_from_its_text_block(degrees: float) -> None:
    lines, size, _ = _load("layout_rapidocr_dejavu.json")
    noise = [
        OcrLine("IKLAN", BBox(3000 + 40 * i, 3000, 3030 + 40 * i, 3020), 0.9) for i in range(2)
    ]
    corners = layout.card_quad_from_text(_turned(lines, degrees) + _turned(noise, degrees))
    assert corners is not None
    upright = [layout.rotate_point(p, -degrees) for p in corners]
    xs, ys = [p[0] for p in upright], [p[1] for p in upright]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    assert width / height == pytest.approx(layout.CARD_ASPECT, rel=0.01)
    # The estimate holds the labelled block of text (header, labels, values) and is about
    # the size of the card the lines came from; text under the photo may fall outside it.
    assert min(xs) <= 24 and max(xs) >= 714 and min(ys) <= 13 and max(ys) >= 589
    assert 0.85 < width / size[0] < 1.3


def _read_backwards(lines: list[OcrLine]) -> list[OcrLine]:
    """The same outlines with their corners in the opposite reading order (as a recogniser
    reports a short word it read upside down)."""
    out = []
    for ln in lines:
        assert ln.quad is not None
        a, b, c, d = ln.quad
        out.append(OcrLine(ln.text, ln.box, ln.confidence, (c, d, a, b)))
    return out


@pytest.mark.parametrize("degrees", [0.0, 80.0, -100.0, 175.0])
def test_the_label_column_decides_which_way_up_the_card_is(degrees: float) -> None:
    """Regression: short labels read upside down used to turn the frame, and the crop then
    held the labels at its right edge and lost the values."""
    lines, _, _ = _load("layout_rapidocr_dejavu.json")
    turned = _turned(lines, degrees)
    for reading in (turned, _read_backwards(turned)):
        angle = layout.reading_angle(reading)
        assert angle is not None
        assert abs((angle - degrees + 180) % 360 - 180) < 0.5
        corners = layout.card_quad_from_text(reading)
        assert corners is not None
        left = min(layout.rotate_point(p, -degrees)[0] for p in corners)
        assert left <= 24  # the card's left edge is left of the labels, in the card's frame


def test_a_few_card_lines_outvote_a_newspaper() -> None:
    """Regression: when only three of the card's lines were long enough to give a direction
    (the rest short labels), the direction was given up, though a newspaper beside the card
    gave plenty of its own; the card's lines now decide it."""
    values = [": SITI AMINAH", ": ISLAM KATOLIK", ": PELAJAR MAHASISWA"]
    card = [OcrLine(t, BBox(200, 60 + 50 * i, 500, 90 + 50 * i), 0.9) for i, t in enumerate(values)]
    card += [OcrLine(t, BBox(20, 60 + 50 * i, 70, 90 + 50 * i), 0.9)
             for i, t in enumerate(["NIK", "Nama", "Agama"])]  # fmt: skip
    paper = [OcrLine(f"berita kota hari ini {i}", BBox(0, 900 + 40 * i, 600, 930 + 40 * i), 0.9)
             for i in range(12)]  # fmt: skip
    angle = layout.text_angle(_turned(card, 10.0) + _turned(paper, 0.0))
    assert angle is not None and abs(angle - 10.0) < 1.0


def test_a_card_without_labels_is_told_from_a_newspaper_by_its_values() -> None:
    """Regression (hard photo 84): a small card turned a quarter beside a newspaper lying
    aslant, its labels too faint to read. The mean direction of all the lines fell between
    the two (-37 degrees) and the newspaper's block, which has more lines, was taken for the
    card. Values only a KTP's rows print (a place and date, a religion, a validity) now
    pick the card's block, and that block's own lines give the direction."""
    values = ["DEDEH MARLINA", "PADANG, 25-05-1986", "PEREMPUAN", "DUSUN DAYA", "CIBEBER",
              "CIMAHI SELATAN", "ISLAM", "KAWIN", "PENATA RIAS", "WNI", "SEUMUR HIDUP"]  # fmt: skip
    card = [
        OcrLine(t, BBox(200, 60 + 40 * i, 200 + 16 * len(t), 88 + 40 * i), 0.9)
        for i, t in enumerate(values)
    ]
    paper = [
        OcrLine(f"berita kota hari ini nomor {i}", BBox(900, 40 * i, 1500, 30 + 40 * i), 0.9)
        for i in range(14)
    ]
    lines = _turned(card, 90.0) + _turned(paper, -25.0)
    assert layout.text_angle(lines) is not None  # a mean of both, neither's direction
    found = layout.card_from_text(lines)
    assert found is not None
    corners, angle = found
    assert abs(((angle - 90.0) + 90) % 180 - 90) < 1.0
    upright = [layout.rotate_point(p, -90.0) for p in corners]
    xs, ys = [p[0] for p in upright], [p[1] for p in upright]
    # The card's values lie inside the estimate; the newspaper's lines do not.
    assert min(xs) <= 200 and max(xs) >= 200 + 16 * len("PADANG, 25-05-1986")
    assert min(ys) <= 60 and max(ys) >= 60 + 40 * len(values)
    assert max(xs) - min(xs) < 900


@pytest.mark.parametrize(
    ("text", "card"),
    [
        ("PADANG, 25-05-1986", True),
        ("SEUMUR HIDUP", True),
        ("KRSTEN", True),  # KRISTEN, a letter lost
        ("003/005", True),
        ("pertemuan tickets bola jajanan", False),  # starts like PEREMPUAN
        ("la nilai khusus", False),  # starts like LAKI-LAKI
        ("berita kota hari ini", False),
    ],
)
def test_values_only_a_card_prints(text: str, card: bool) -> None:
    """A sex is no evidence of a card's block: its test takes a line's start, and a
    newspaper's words start like one."""
    assert layout.is_card_value(text) is card


def test_no_direction_without_outlines() -> None:
    lines, _, _ = _load("layout_rapidocr_dejavu.json")
    assert layout.text_angle(lines) is None
    assert layout.card_quad_from_text(lines) is None


def _without_labels(lines: list[OcrLine]) -> list[OcrLine]:
    """What OCR sees when the labels are too faint to read: only the values, from their column."""
    out = []
    for ln in lines:
        hit = layout.match_label(ln.text)
        if hit is None:
            out.append(ln)
            continue
        rest = hit[2].strip().lstrip(":").strip()
        if rest:
            x0 = ln.box.x1 - ln.box.width * len(rest) / len(ln.text)
            out.append(OcrLine(rest, BBox(max(x0, 213.0), ln.box.y0, ln.box.x1, ln.box.y1), 0.9))
    return out


def test_values_anchor_themselves_when_no_label_is_readable() -> None:
    lines, size, expected = _load("layout_rapidocr_dejavu.json")
    got = _texts(layout.assign_by_content(_without_labels(lines), size))
    assert got == expected


def test_rows_no_anchor_reaches_are_placed_by_the_row_pitch() -> None:
    """Regression: on a blurred card with no label read, a sex read as `LAG-LAN` and the rows
    under the RT/RW (a religion read as `30LAM`, nothing after it recognisable) had no anchor
    after them, so no slot: seven values were missing. Two anchors give the row pitch, and a
    row so many pitches under the anchor above it is that many rows further down the card."""
    lines, size, expected = _load("layout_rapidocr_dejavu.json")
    blurred = {": PEREMPUAN": "PFRFMRLAN", ": ISLAM": "30LAM", "KAWIN": "KAVVN",
               "WNI": "M18", "SEUMUR HIDUP": "SERAUR H4DCY"}  # fmt: skip
    faint = [
        OcrLine(blurred.get(ln.text, ln.text), ln.box, ln.confidence)
        for ln in _without_labels(lines)
    ]
    got = _texts(layout.assign_by_content(faint, size))
    for key, text in (("jenis_kelamin", "PFRFMRLAN"), ("agama", "30LAM"),
                      ("status_perkawinan", "KAVVN"), ("kewarganegaraan", "M18"),
                      ("berlaku_hingga", "SERAUR H4DCY")):  # fmt: skip
        assert got[key] == text
    for key in ("alamat", "kelurahan_desa", "kecamatan", "pekerjaan", "rt_rw"):
        assert got[key] == expected[key]


def test_one_anchor_gives_no_row_pitch() -> None:
    """With the birth row the only row read by its content, no pitch is known: the rows under
    it are left unplaced rather than counted."""
    lines, size, _ = _load("layout_rapidocr_dejavu.json")
    garbled = {": PEREMPUAN": "PFRFMRLAN", ": 003/005": "OO3 OO5", ": ISLAM": "30LAM",
               "KAWIN": "KAVVN", "WNI": "M18", "SEUMUR HIDUP": "SERAUR H4DCY"}  # fmt: skip
    faint = [
        OcrLine(garbled.get(ln.text, ln.text), ln.box, ln.confidence)
        for ln in _without_labels(lines)
    ]
    got = _texts(layout.assign_by_content(faint, size))
    assert got["tempat_lahir"] == "BANDUNG, 12-05-1990"
    assert not {"agama", "status_perkawinan", "kewarganegaraan", "berlaku_hingga"} & set(got)


def test_rows_anchor_themselves_through_blurred_dates_and_sex() -> None:
    """Regression: on a dim card with only its NIK label read, the birth row read as
    `20-01 190` (a separator read as a space), the sex as `PEREMPLIAN` (a letter read as two)
    and the validity as `20-012018` (a separator lost) anchored no row, so nothing but the NIK
    and the header was placed; they anchor their rows, and the name and address their slots."""
    lines, size, expected = _load("layout_rapidocr_dejavu.json")
    blurred = {"BANDUNG, 12-05-1990": "BANDUNG, 12-05 199", ": PEREMPUAN": "PEREMPLIAN",
               "SEUMUR HIDUP": "12-052030"}  # fmt: skip
    faint = [
        OcrLine(blurred.get(ln.text, ln.text), ln.box, ln.confidence)
        for ln in _without_labels(lines)
    ]
    got = _texts(layout.assign_by_content(faint, size))
    assert got["tempat_lahir"] == "BANDUNG, 12-05 199"
    assert got["jenis_kelamin"] == "PEREMPLIAN"
    assert got["berlaku_hingga"] == "12-052030"
    for key in ("nama", "alamat", "rt_rw", "agama", "kewarganegaraan"):
        assert got[key] == expected[key]


def test_a_number_is_no_date_anchor() -> None:
    """Digits with one separator (an RT/RW, a house number) anchor no birth row or validity."""
    from ktp_ocr.layout.content import _DATE

    for text in ("003/005", "NO. 12-5", "BLOK A-29 NO. 37", "12345678"):
        assert _DATE.search(text) is None
    for text in ("12-05-1990", "12-05 1990", "12-051990", "12 - 05 - 90"):
        assert _DATE.search(text) is not None


def test_no_nik_line_no_content_layout() -> None:
    lines, size, _ = _load("layout_rapidocr_dejavu.json")
    assert layout.assign_by_content([ln for ln in lines if "3273" not in ln.text], size) == {}
    assert layout.assign_by_content([]) == {}


# -- edge cases of the label layout ----------------------------------------------------------


def _golden() -> tuple[list[OcrLine], tuple[float, float], dict[str, str]]:
    return _load("layout_rapidocr_dejavu.json")


def _replace(lines: list[OcrLine], old: str, new: str) -> list[OcrLine]:
    return [OcrLine(new, ln.box, ln.confidence) if ln.text == old else ln for ln in lines]


def test_header_without_the_word_provinsi_is_the_top_centred_lines() -> None:
    lines, size, expected = _golden()
    got = _texts(layout.assign(_replace(lines, "PROVINSI JAWA BARAT", "JAWA BARAT"), size))
    assert got["provinsi"] == "JAWA BARAT"
    assert got["kabupaten_kota"] == expected["kabupaten_kota"]


def test_no_header_no_header_fields() -> None:
    lines, size, _ = _golden()
    got = _texts(layout.assign([ln for ln in lines if ln.box.y1 > 90], size))
    assert "provinsi" not in got and "kabupaten_kota" not in got
    assert got["nik"] == "3273015205900001"


def test_last_rows_without_labels_are_extrapolated() -> None:
    lines, size, expected = _golden()
    cut = [
        ln for ln in lines if not ln.text.startswith(("Pekerjaan", "Kewarganegaraan", "Berlaku"))
    ]
    got = _texts(layout.assign(cut, size))
    assert got["pekerjaan"] == expected["pekerjaan"]


def test_stray_text_far_right_of_a_value_is_left_out() -> None:
    lines, size, expected = _golden()
    agama = next(ln for ln in lines if ln.text == ": ISLAM")
    stray = OcrLine("IKLAN", BBox(600, agama.box.y0, 660, agama.box.y1), 0.9)
    assert _texts(layout.assign([*lines, stray], size)) == expected


def test_stray_line_under_a_wrapping_value_but_across_the_card_is_left_out() -> None:
    lines, size, expected = _golden()
    stray = OcrLine("IKLAN", BBox(520, 180, 600, 202), 0.9)  # under the name, far right
    assert _texts(layout.assign([*lines, stray], size))["nama"] == expected["nama"]


def test_a_label_read_twice_keeps_the_better_reading() -> None:
    lines, size, expected = _golden()
    nama = next(ln for ln in lines if ln.text == "Nama")
    again = OcrLine("Narna", nama.box.translated(0, 1), 0.5)
    assert _texts(layout.assign([*lines, again], size)) == expected


def test_a_value_that_reads_like_a_label_is_not_a_label() -> None:
    lines, size, expected = _golden()
    got = _texts(layout.assign(_replace(lines, ": BANDUNG WETAN", "KECAMATAN"), size))
    assert got["kecamatan"] == "KECAMATAN"
    assert got["agama"] == expected["agama"]


def test_empty_blood_type_hands_over_its_place() -> None:
    lines, size, _ = _golden()
    raw = layout.assign(_replace(lines, "Gol. Darah : O", "Gol. Darah :"), size)
    blood = raw[FieldName.GOLONGAN_DARAH]
    assert blood.text == "" and blood.box is not None
    assert blood.box.x0 >= 600 and blood.box.x1 > blood.box.x0 + blood.box.height


def test_sex_row_holding_only_the_blood_type() -> None:
    lines, size, _ = _golden()
    raw = layout.assign([ln for ln in lines if ln.text != ": PEREMPUAN"], size)
    assert FieldName.JENIS_KELAMIN not in raw
    assert raw[FieldName.GOLONGAN_DARAH].text == "O"


def test_separator_with_a_stray_dot() -> None:
    lines, size, _ = _golden()
    got = _texts(layout.assign(_replace(lines, ": ISLAM", ":. ISLAM"), size))
    assert got["agama"] == "ISLAM"


def test_blood_label_glued_to_the_sex_hands_over_the_place_after_it() -> None:
    lines, size, _ = _golden()
    sex = next(ln for ln in lines if ln.text == ": PEREMPUAN")
    gol = next(ln for ln in lines if ln.text == "Gol. Darah : O")
    glued = OcrLine(": PEREMPUAN GOL. DARAH :", sex.box.union(gol.box), 0.95)
    raw = layout.assign([ln for ln in lines if ln not in (sex, gol)] + [glued], size)
    assert raw[FieldName.JENIS_KELAMIN].text == "PEREMPUAN"
    place = raw[FieldName.GOLONGAN_DARAH]
    assert place.text == "" and place.box is not None
    assert place.box.x0 < glued.box.x1 < place.box.x1


@pytest.mark.parametrize(
    ("glued", "blood"),
    [
        (": PEREMPUAN GoL Durah A", "A"),
        (": PEREMPUANGoL Daran B", "B"),
        (": PEREMPUAN GolDaran:AB", "AB"),
        (": PEREMPUAN GoL Owrah", ""),
        # blur takes the l for a t and the h for an i
        (": PEREMPUAN Cot Derah", ""),
        (": PEREMPUAN Cot Derati", ""),
        (": PEREMPUAN Cot Derati O", "O"),
        # a short word and a D-word: the label blurred further
        (": PEREMPUAN Gi. Dadr : 0", "0"),
        (": PEREMPUAN Gul Daan", ""),
        (": PEREMPUAN Opl Dacah AB", "AB"),
    ],
)
def test_blurred_blood_label_glued_to_the_sex_is_split_off(glued: str, blood: str) -> None:
    """Regression: ``Durah``/``Daran`` kept the blood group glued to the sex, so neither read."""
    lines, size, _ = _golden()
    sex = next(ln for ln in lines if ln.text == ": PEREMPUAN")
    gol = next(ln for ln in lines if ln.text == "Gol. Darah : O")
    line = OcrLine(glued, sex.box.union(gol.box), 0.9)
    raw = layout.assign([ln for ln in lines if ln not in (sex, gol)] + [line], size)
    assert raw[FieldName.JENIS_KELAMIN].text == "PEREMPUAN"
    assert raw[FieldName.GOLONGAN_DARAH].text == blood


# Labels too blurred to match alone are placed by their row in the label column.
_BLURRED = {
    "Jenis Kelamin": "jume krianin",
    "Alamat": "Aljmal",
    "Kel/Desa": "KoDeaa",
    "Kecamatan": "Nzcamatas",
    "Agama": "Agarna",
    "Pekerjaan": "Peserasn",
}


def _blurred_card() -> tuple[list[OcrLine], tuple[float, float], dict[str, str]]:
    """Only NIK and Nama read in the label column; the rest blurred, or glued to values and gone."""
    lines, size, expected = _load("layout_rapidocr_dejavu.json")
    glued = ("Tempat/Tgl", "Status", "Kewarganegaraan", "Berlaku", "RT/RW")
    kept = [
        OcrLine(_BLURRED.get(ln.text, ln.text), ln.box, ln.confidence)
        for ln in lines
        if not ln.text.startswith(glued)
    ]
    return kept, size, expected


def test_blurred_labels_take_their_rows_by_order() -> None:
    lines, size, expected = _blurred_card()
    assert layout.label_count(lines) == 3  # NIK, Nama and Gol. Darah
    assert layout.rows_labelled(lines, size) == 3 + len(_BLURRED)
    got = _texts(layout.assign(lines, size))
    for field in ("alamat", "rt_rw", "kelurahan_desa", "kecamatan", "agama", "pekerjaan"):
        assert got[field] == expected[field], field


def test_without_blurred_labels_rows_would_be_guessed_from_the_nik() -> None:
    """The NIK row is taller than the others: counting rows from it alone lands between rows."""
    lines, size, expected = _blurred_card()
    bare = [ln for ln in lines if ln.text not in _BLURRED.values()]
    got = _texts(layout.assign(bare, size))
    assert got.get("pekerjaan") != expected["pekerjaan"]


@pytest.mark.parametrize("stray", ["Agarna", "kamis lurah lampir", "pak motor servis"])
def test_text_in_the_label_column_that_does_not_look_like_its_row_is_not_a_label(
    stray: str,
) -> None:
    """A label-like word on another label's row, or a newspaper line, anchors nothing."""
    lines, size, expected = _load("layout_rapidocr_dejavu.json")
    changed = [
        OcrLine(stray, ln.box, ln.confidence) if ln.text == "Pekerjaan" else ln for ln in lines
    ]
    assert layout.rows_labelled(changed, size) == layout.rows_labelled(lines, size) - 1
    assert _texts(layout.assign(changed, size)) == expected


def test_no_rows_counted_from_labels_not_spaced_like_rows() -> None:
    """A crop that squeezed the NIK and Nama together gives no spacing to count rows by."""
    lines, size, _ = _blurred_card()
    nik = next(ln for ln in lines if ln.text == "NIK")
    squeezed = [
        OcrLine(ln.text, ln.box.translated(0, nik.box.cy + 5 - ln.box.cy), ln.confidence)
        if ln.text == "Nama"
        else ln
        for ln in lines
    ]
    assert layout.rows_labelled(squeezed, size) == layout.label_count(squeezed)


@pytest.mark.parametrize("degrees", [0.0, 30.0, -90.0])
def test_a_card_whose_bottom_rows_were_not_read_is_not_cut_short(degrees: float) -> None:
    """Regression: with the last rows unread (blurred, or the first crop cut them off), the
    card placed from its text ended under the last row read, and the next read lost the rest."""
    lines, size, _ = _load("layout_rapidocr_dejavu.json")
    top = [ln for ln in lines if ln.box.cy < 430]  # down to Agama: four rows not read
    corners = layout.card_quad_from_text(_turned(top, degrees))
    assert corners is not None
    upright = [layout.rotate_point(p, -degrees) for p in corners]
    assert max(p[1] for p in upright) >= 581  # the Berlaku Hingga row is inside the card
    assert 0.85 < (max(p[0] for p in upright) - min(p[0] for p in upright)) / size[0] < 1.3


def test_last_row_is_placed_by_the_labels_read() -> None:
    lines, size, _ = _load("layout_rapidocr_dejavu.json")
    last = layout.last_row(lines, size)
    assert last is not None
    centre, pitch = last
    assert 552 <= centre <= 581 and 25 < pitch < 40  # where Berlaku Hingga is printed
    top = [ln for ln in lines if ln.box.cy < 430]
    cut = layout.last_row(top, (size[0], 440.0))
    assert cut is not None and cut[0] > 440  # below the bottom of a card cut short
    assert layout.last_row([ln for ln in lines if ln.text == "NIK"], size) is None
    assert layout.last_row([], size) is None


@pytest.mark.parametrize("degrees", [0.0, 8.0, -90.0])
def test_blurred_labels_under_the_nik_label_place_the_card_beside_a_newspaper(
    degrees: float,
) -> None:
    """Regression: on a blurred card over a newspaper only the NIK, RT/RW and Kecamatan labels
    read as labels, the values lost their colons, and the newspaper's lines joined the card's
    block of text: the card was placed from the whole block, too high and too large, and its
    bottom rows fell out of the crop. The label column's other lines (`Naeve`, `Jane veeban`),
    one under the other from the NIK label, now count as the card's rows."""
    lines, size, _ = _load("layout_rapidocr_dejavu.json")
    garbled = {"Nama": "Naeve", "Jenis Kelamin": "Jane veeban", "Alamat": "AMst",
               "Kel/Desa": "Ke/DUsi", "Agama": "Aqnrs", "Pekerjaan": "Pckwr",
               "Tempat/Tgl Lahir: BANDUNG, 12-05-1990": "Tmpt/Tal Lhr BANDUNG 12-05-1990",
               "Status PerkawinarKAWIN": "Sttus Prkwn KAWIN",
               "KewarganegaraanWNI": "Kwrgngrn WNI",
               "Berlaku Hingga : SEUMUR HIDUP": "Brlku Hngga SEUMUR HIDUP"}  # fmt: skip
    blurred = [
        OcrLine(garbled.get(ln.text, ln.text.lstrip(": ")) if ln.text != "NIK" and
                not ln.text.startswith(":3273") else ln.text, ln.box, ln.confidence)
        for ln in lines
    ]  # fmt: skip
    paper = [
        OcrLine(f"berita kota hari ini nomor {i}", BBox(x, -330 + 40 * i, x + 420, -300 + 40 * i),
                0.9)
        for i in range(8) for x in (30, 520)
    ]  # fmt: skip
    corners = layout.card_quad_from_text(_turned(blurred + paper, degrees))
    assert corners is not None
    upright = [layout.rotate_point(p, -degrees) for p in corners]
    xs, ys = [p[0] for p in upright], [p[1] for p in upright]
    assert min(ys) > -80  # not up into the newspaper (the card's top is at 0)
    assert max(ys) >= 581  # the Berlaku Hingga row is inside the card
    assert 0.85 < (max(xs) - min(xs)) / size[0] < 1.3


def test_the_province_line_is_found_when_its_word_is_glued_to_the_name() -> None:
    """Regression: `PROVINSISUMATERA UTARA` was not taken for the PROVINSI line, so a line of
    a newspaper above the card became the province and the province line the regency."""
    lines, size, expected = _load("layout_rapidocr_dejavu.json")
    glued = _replace(lines, "PROVINSI JAWA BARAT", "PROVINSIJAWA BARAT")
    above = OcrLine("a xrfacnnology", BBox(300, -40, 700, -5), 0.6)
    got = _texts(layout.assign([above, *glued], size))
    assert got["provinsi"] == "PROVINSIJAWA BARAT"
    assert got["kabupaten_kota"] == expected["kabupaten_kota"]


def test_header_lines_parted_by_glare_are_joined() -> None:
    """Regression (hard photo 8): a reflection across the header left `PROVII` and
    `AWA TENGAH`, `KAI` and `TEN PATI`; only the first piece of each was taken, and neither
    named a region. The pieces of one row, a few text heights apart, are one line; text
    further along the row (a newspaper beside the card) is not."""
    lines, size, _ = _load("layout_rapidocr_dejavu.json")
    header = [
        OcrLine("PROVII", BBox(328, 13, 440, 45), 0.91),
        OcrLine("AWA TENGAH", BBox(490, 14, 714, 45), 0.99),
        OcrLine("berita", BBox(900, 14, 990, 45), 0.95),  # 6 heights on
        OcrLine("KAI", BBox(380, 51, 440, 78), 0.97),
        OcrLine("TEN PATI", BBox(500, 52, 650, 78), 0.99),
    ]
    rest = [ln for ln in lines if ln.text not in ("PROVINSI JAWA BARAT", "KOTA BANDUNG")]
    got = layout.assign([*header, *rest], size)
    assert got[FieldName.PROVINSI].text == "PROVII AWA TENGAH"
    assert got[FieldName.PROVINSI].box == BBox(328, 13, 714, 45)
    assert got[FieldName.PROVINSI].confidence == 0.91
    assert got[FieldName.KABUPATEN_KOTA].text == "KAI TEN PATI"


def test_stray_marks_under_a_nik_label_are_not_the_label_column() -> None:
    """Regression: four stray marks under a NIK label (`Y`, `S`, `G`, `A`) were taken for the
    label column, and the card was placed a third of its size, then refused as too small.
    Only lines with a few letters count, and only when a few of the card's own lines were read."""
    from ktp_ocr.layout.frame import _column_mates

    nik = OcrLine("NIK", BBox(26, 100, 96, 133), 0.99)
    marks = [OcrLine(t, BBox(30, 140 + 22 * i, 48, 160 + 22 * i), 0.5)
             for i, t in enumerate("YSGA")]  # fmt: skip
    words = [OcrLine(t, BBox(30, 140 + 30 * i, 120, 165 + 30 * i), 0.5)
             for i, t in enumerate(["Naeve", "Tmpt/Tal", "Jane veeban"])]  # fmt: skip
    far = OcrLine("Agama", BBox(30, 500, 110, 525), 0.5)  # past a gap no wrapped value leaves
    lines = [nik, *marks, *words, far]
    boxes = [ln.box for ln in lines]
    labelled = [ln.text in ("NIK", "Agama") for ln in lines]
    mates = [lines[i].text for i in _column_mates(lines, boxes, labelled)]
    assert mates == ["NIK", "Naeve", "Tmpt/Tal", "Jane veeban"]


@pytest.mark.parametrize("drop", [0, 20])
def test_a_blood_type_on_its_label_s_line_stays_the_blood_type_on_a_slanted_card(
    drop: int,
) -> None:
    """Regression: on a card photographed aslant, `Gol Darah : -` sat nearer the Alamat label
    than the Jenis Kelamin one; its `-` was taken for the address, and the address line
    under it dropped."""
    lines, size, expected = _golden()
    gol = next(ln for ln in lines if ln.text == "Gol. Darah : O")
    b = gol.box
    lowered = OcrLine(gol.text, BBox(b.x0, b.y0 + drop, b.x1, b.y1 + drop), gol.confidence)
    raw = layout.assign([lowered if ln is gol else ln for ln in lines], size)
    assert raw[FieldName.GOLONGAN_DARAH].text == "O"
    assert raw[FieldName.ALAMAT].text == expected["alamat"]
    assert raw[FieldName.JENIS_KELAMIN].text == "PEREMPUAN"
