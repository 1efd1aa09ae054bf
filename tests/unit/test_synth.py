"""The synthetic e-KTP generator: consistent identities, faithful ground truth, determinism."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest

from ktp_ocr.fields.nik import parse_nik
from ktp_ocr.synth import (
    CONDITIONS,
    SynthCard,
    dataset,
    generate,
    make_card,
    places,
    vocab,
    write_dataset,
    write_golden,
)
from ktp_ocr.synth import __main__ as cli
from ktp_ocr.synth.identity import LIFETIME_FROM, MIN_AGE, make_identity
from ktp_ocr.types import CARD_FIELDS, SEUMUR_HIDUP, FieldName, KtpCard, Region, Sex

TODAY = date(2026, 1, 1)
SEED = 11

# A few real Kemendagri codes (province -> regency/city -> district -> village).
_REGIONS = (
    Region("31", "Daerah Khusus Ibukota Jakarta", "provinsi"),
    Region("3174", "Kota Administrasi Jakarta Selatan", "kota", "31"),
    Region("317401", "Tebet", "kecamatan", "3174"),
    Region("3174011001", "Tebet Timur", "kelurahan", "317401", "12820"),
    Region("3174011002", "Tebet Barat", "kelurahan", "317401", "12810"),
    Region("32", "Jawa Barat", "provinsi"),
    Region("3204", "Kabupaten Bandung", "kabupaten", "32"),
    Region("320405", "Cileunyi", "kecamatan", "3204"),
    Region("3204052001", "Cileunyi Kulon", "desa", "320405"),
    Region("3204052002", "Cileunyi Wetan", "desa", "320405"),
    Region("3273", "Kota Bandung", "kota", "32"),
    Region("327301", "Sukasari", "kecamatan", "3273"),
    Region("3273011001", "Sukarasa", "kelurahan", "327301"),
    Region("3273011002", "Gegerkalong", "kelurahan", "327301"),
    Region("34", "Daerah Istimewa Yogyakarta", "provinsi"),
    Region("3471", "Kota Yogyakarta", "kota", "34"),
    Region("347101", "Tegalrejo", "kecamatan", "3471"),
    Region("3471011001", "Kricak", "kelurahan", "347101"),
    Region("51", "Bali", "provinsi"),
    Region("5171", "Kota Denpasar", "kota", "51"),
    Region("517101", "Denpasar Selatan", "kecamatan", "5171"),
    Region("5171011001", "Serangan", "kelurahan", "517101"),
)


class FakeRegions:
    """The RegionRepository Protocol over a handful of regions."""

    def __init__(self, regions: Sequence[Region]) -> None:
        self._by_code = {r.code: r for r in regions}

    def get(self, code: str) -> Region | None:
        return self._by_code.get(code)

    def children(self, code: str) -> Sequence[Region]:
        return tuple(
            sorted(
                (r for r in self._by_code.values() if (r.parent or "") == code),
                key=lambda r: r.code,
            )
        )


REGIONS = FakeRegions(_REGIONS)


@pytest.fixture(scope="module")
def batch() -> list[SynthCard]:
    return list(generate(6, seed=SEED, regions=REGIONS, today=TODAY))


# ------------------------------------------------------------------ identities


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _identities(n: int = 300) -> list[KtpCard]:
    return [make_identity(random.Random(k), REGIONS, TODAY).truth for k in range(n)]


def test_nik_agrees_with_birth_date_sex_and_printed_region() -> None:
    for card in _identities():
        assert card.nik is not None and card.tanggal_lahir is not None
        nik = parse_nik(card.nik, today=TODAY)
        assert nik.birth_date == card.tanggal_lahir
        assert nik.sex is Sex(card.jenis_kelamin)
        district = REGIONS.get(nik.district_code)
        assert district is not None
        assert places.upper_name(district.name) == card.kecamatan
        villages = {places.upper_name(v.name) for v in REGIONS.children(district.code)}
        assert card.kelurahan_desa in villages
        province = REGIONS.get(nik.province_code)
        assert province is not None and places.province_print(province) == card.provinsi
        regency = REGIONS.get(nik.regency_code)
        assert regency is not None
        base = places.regency_base(regency)[1]
        assert card.kabupaten_kota in {base, f"KOTA {base}", f"KABUPATEN {base}"}
        assert card.tempat_terbit is not None and card.tempat_terbit.endswith(base)


def test_region_names_print_like_a_card() -> None:
    jakarta = REGIONS.get("31")
    yogya = REGIONS.get("34")
    assert jakarta is not None and yogya is not None
    assert places.province_print(jakarta) == "DKI JAKARTA"
    assert places.province_print(yogya) == "DI YOGYAKARTA"
    rng = random.Random(0)
    selatan, bandung = REGIONS.get("3174"), REGIONS.get("3204")
    assert selatan is not None and bandung is not None
    assert places.regency_print(bandung, rng) == "KABUPATEN BANDUNG"
    assert {places.regency_print(selatan, rng) for _ in range(50)} <= {
        "JAKARTA SELATAN",
        "KOTA JAKARTA SELATAN",
    }


def test_values_come_from_the_vocabularies_and_follow_age() -> None:
    # The card (and so the truth) carries any accepted printed spelling (KATOLIK, BUDDHA, ...).
    religions = {c for row in vocab.field_vocabulary("agama.txt") for c in (row[0], *row[1])}
    statuses = {c for c, _ in vocab.field_vocabulary("status_perkawinan.txt")}
    jobs = {c for c, _ in vocab.field_vocabulary("pekerjaan.txt")}
    bloods = {"-", *(f"{t}{s}" for t in ("A", "B", "AB", "O") for s in ("", "+", "-"))}
    for card in _identities():
        assert card.tanggal_lahir is not None and card.tanggal_terbit is not None
        age = _age(card.tanggal_lahir, card.tanggal_terbit)
        assert age >= MIN_AGE and card.tanggal_terbit < TODAY
        assert card.agama in religions and card.status_perkawinan in statuses
        assert card.pekerjaan in jobs and card.golongan_darah in bloods
        assert card.kewarganegaraan == "WNI"
        assert re.fullmatch(r"\d{3}/\d{3}", card.rt_rw or "")
        if card.pekerjaan == "PELAJAR/MAHASISWA":
            assert age <= 27
        if card.pekerjaan == "PENSIUNAN":
            assert age >= 52
        if card.pekerjaan == "MENGURUS RUMAH TANGGA":
            assert card.jenis_kelamin == Sex.FEMALE.value
        name = (card.nama or "").split(",")[0].split()
        assert 1 <= len(name) <= 5


def test_validity_is_lifetime_or_five_years_after_issue_on_the_birthday() -> None:
    dated = 0
    for card in _identities():
        assert card.tanggal_lahir is not None and card.tanggal_terbit is not None
        if card.berlaku_hingga == SEUMUR_HIDUP:
            continue
        dated += 1
        assert isinstance(card.berlaku_hingga, date)
        assert card.tanggal_terbit < LIFETIME_FROM
        assert card.berlaku_hingga.year == card.tanggal_terbit.year + 5
        assert card.berlaku_hingga.month == card.tanggal_lahir.month
    assert 0 < dated < 150  # mostly SEUMUR HIDUP


# ------------------------------------------------------------------ rendering and capture


def test_every_condition_renders_and_decodes(batch: list[SynthCard]) -> None:
    assert [c.condition for c in batch] == list(CONDITIONS) * 2
    assert [c.id for c in batch[:3]] == ["scan-0001", "photo-0001", "hard-0001"]
    for card in batch:
        decoded = cv2.imdecode(np.frombuffer(card.jpeg, np.uint8), cv2.IMREAD_COLOR)
        assert decoded is not None and decoded.shape == card.image.shape
        assert np.array_equal(decoded, card.image)
        assert card.image.dtype == np.uint8 and card.image.ndim == 3
        assert 1000 <= card.card_size[0] <= 1400
        assert abs(card.card_size[0] / card.card_size[1] - 85.60 / 53.98) < 0.01
        json.dumps(card.meta)  # serialisable


def test_lines_lie_inside_the_card(batch: list[SynthCard]) -> None:
    for card in batch:
        w, h = card.card_size
        for line in card.lines:
            box = line.box
            assert 0 <= box.x0 < box.x1 <= w and 0 <= box.y0 < box.y1 <= h, line
            assert line.confidence == 1.0 and line.text.strip()


def test_lines_do_not_overlap(batch: list[SynthCard]) -> None:
    for card in batch:
        boxes = [line.box for line in card.lines]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                dx = min(a.x1, b.x1) - max(a.x0, b.x0)
                dy = min(a.y1, b.y1) - max(a.y0, b.y0)
                if dx > 0 and dy > 0:
                    smaller = min(a.width * a.height, b.width * b.height)
                    assert dx * dy < 0.15 * smaller, (card.id, a, b)


def _printed(card: KtpCard, name: FieldName) -> set[str]:
    """What may stand on the card for a field (canonical value and accepted spellings)."""
    value = card.get(name)
    if isinstance(value, date):
        return {f"{value.day:02d}-{value.month:02d}-{value.year}"}
    if name is FieldName.PROVINSI:
        return {f"PROVINSI {value}"}
    if name is FieldName.AGAMA:
        return {
            c
            for row in vocab.field_vocabulary("agama.txt")
            if row[0] == value
            for c in (row[0], *row[1])
        }
    return {str(value)}


def test_lines_cover_every_field_value(batch: list[SynthCard]) -> None:
    for card in batch:
        texts = [line.text.removeprefix(":").removesuffix(":").strip() for line in card.lines]
        joined = " ".join(texts)
        for name in (*CARD_FIELDS, FieldName.TEMPAT_TERBIT, FieldName.TANGGAL_TERBIT):
            options = _printed(card.truth, name)
            if name is FieldName.GOLONGAN_DARAH:
                assert options & set(texts), (card.id, name)
            else:
                assert any(o in joined for o in options), (card.id, name, options)
        assert any(t == "NIK" for t in texts)


def test_value_boxes_name_every_field_and_lie_on_its_line() -> None:
    for condition in CONDITIONS:
        _, rendered, _, _ = dataset._render(SEED, condition, 1, REGIONS, TODAY)
        names = {*(f.value for f in CARD_FIELDS), "tempat_terbit", "tanggal_terbit"}
        assert set(rendered.value_boxes) == names
        line_boxes = [line.box for line in rendered.lines]
        for name, boxes in rendered.value_boxes.items():
            for box in boxes:
                # each value box is inside the box of the text line that prints it
                assert any(
                    line.x0 - 1 <= box.x0 and box.x1 <= line.x1 + 1 for line in line_boxes
                ), (name, box)


def test_outside_fields_follow_the_frame() -> None:
    _, rendered, _, _ = dataset._render(SEED, "photo", 1, REGIONS, TODAY)
    h, w = rendered.image.shape[:2]
    boxes = rendered.value_boxes
    whole = ((0.0, 0.0), (w, 0.0), (w, h), (0.0, h))
    assert dataset.outside_fields(boxes, (w, h), whole, (h + 1, w + 1, 3)) == ()
    # the frame ends left of the photo: the text under it is out, the NIK is in
    cut = dataset.outside_fields(boxes, (w, h), whole, (h + 1, int(w * 0.7), 3))
    assert "tempat_terbit" in cut and "nik" not in cut
    # the card slid left by half its width: the label column and the values start are out
    left = tuple((x - w / 2, y) for x, y in whole)
    assert "nik" in dataset.outside_fields(boxes, (w, h), left, (h + 1, w + 1, 3))


def test_a_card_may_be_refused_when_its_nik_is_out() -> None:
    card = make_card(SEED, "scan", 1, regions=REGIONS, today=TODAY)
    assert card.outside == () and not card.may_refuse
    assert dataset.card_record(card)["outside"] == []
    assert "may_refuse" not in dataset.card_record(card)
    from dataclasses import replace

    hidden = replace(card, outside=("nik",))
    assert hidden.may_refuse and dataset.card_record(hidden)["may_refuse"] is True
    few = replace(card, outside=("provinsi", "kabupaten_kota", "tempat_terbit"))
    assert not few.may_refuse
    many = replace(card, outside=tuple(f.value for f in CARD_FIELDS[1:10]))
    assert many.may_refuse


def _rectify(card: SynthCard) -> np.ndarray:
    w, h = card.card_size
    target = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(np.float32(card.corners), target)
    flat = cv2.warpPerspective(card.image, m, (w, h))
    return cv2.cvtColor(flat, cv2.COLOR_BGR2GRAY).astype(np.float32)


def _ncc(a: np.ndarray, b: np.ndarray) -> float:
    a = cv2.resize(a, (200, 126)) - a.mean()
    b = cv2.resize(b, (200, 126)) - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


def test_corners_map_the_upright_card(batch: list[SynthCard]) -> None:
    for card in batch:
        condition, index = card.id.split("-")
        _, rendered, _, _ = dataset._render(SEED, condition, int(index), REGIONS, TODAY)
        reference = cv2.cvtColor(rendered.image, cv2.COLOR_BGR2GRAY).astype(np.float32)
        rectified = _rectify(card)
        upright = _ncc(rectified, reference)
        turned = _ncc(rectified[::-1, ::-1], reference)
        assert upright > 0.4 and upright > turned + 0.2, (card.id, upright, turned)


# ------------------------------------------------------------------ determinism and files


def test_same_seed_same_bytes_and_card_k_independent_of_n(batch: list[SynthCard]) -> None:
    again = list(generate(2, seed=SEED, regions=REGIONS, today=TODAY))
    assert [c.jpeg for c in again] == [c.jpeg for c in batch[:2]]
    alone = make_card(SEED, "photo", 2, regions=REGIONS, today=TODAY)
    assert alone.jpeg == batch[4].jpeg and alone.truth == batch[4].truth
    other = make_card(SEED + 1, "photo", 2, regions=REGIONS, today=TODAY)
    assert other.jpeg != alone.jpeg


def test_schedule_splits_n_evenly_in_interleaved_order() -> None:
    plan = list(dataset._schedule(7, ("scan", "photo")))
    assert plan == [
        ("scan", 1),
        ("photo", 1),
        ("scan", 2),
        ("photo", 2),
        ("scan", 3),
        ("photo", 3),
        ("scan", 4),
    ]
    with pytest.raises(ValueError, match="unknown"):
        list(dataset._schedule(1, ("scan", "x-ray")))
    with pytest.raises(ValueError):
        list(dataset._schedule(1, ()))


def test_write_dataset_round_trips(tmp_path: Path) -> None:
    manifest_path = write_dataset(
        tmp_path, 2, seed=3, regions=REGIONS, conditions=("scan", "hard"), today=TODAY
    )
    manifest = json.loads(manifest_path.read_text())
    assert manifest["seed"] == 3 and manifest["n"] == 2
    assert manifest["cards"] == [
        {"id": "scan-0001", "condition": "scan"},
        {"id": "hard-0001", "condition": "hard"},
    ]
    for entry in manifest["cards"]:
        record = json.loads((tmp_path / f"{entry['id']}.json").read_text())
        card = make_card(3, entry["condition"], 1, regions=REGIONS, today=TODAY)
        assert KtpCard.from_dict(record["fields"]) == card.truth
        assert set(record["fields"]) >= {"tempat_terbit", "tanggal_terbit", "nik"}
        image = cv2.imread(str(tmp_path / f"{entry['id']}.jpg"))
        assert image is not None and [image.shape[1], image.shape[0]] == record["image_size"]
        assert (tmp_path / f"{entry['id']}.jpg").read_bytes() == card.jpeg
        assert len(record["corners"]) == 4 and record["card_size"] == list(card.card_size)
        assert [line["text"] for line in record["lines"]] == [line.text for line in card.lines]


def test_golden_fixtures_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ktp_ocr.regions.memory_repository", lambda: REGIONS)
    code = cli.main(
        [
            "--out",
            str(tmp_path),
            "--n",
            "2",
            "--seed",
            "5",
            "--golden",
            "--conditions",
            "scan,photo",
        ]
    )
    assert code == 0
    paths = sorted(tmp_path.glob("synth-*.json"))
    assert [p.name for p in paths] == ["synth-photo-0001.json", "synth-scan-0001.json"]
    fixture = json.loads(paths[1].read_text())
    card = make_card(5, "scan", 1, regions=REGIONS, today=TODAY)
    assert KtpCard.from_dict(fixture["fields"]) == card.truth
    assert [line["text"] for line in fixture["lines"]] == [line.text for line in card.lines]
    assert write_golden(tmp_path, 1, seed=5, regions=REGIONS, conditions=("scan",)) == [paths[1]]
    assert cli.main(["--out", str(tmp_path), "--conditions", "fax"]) == 2
