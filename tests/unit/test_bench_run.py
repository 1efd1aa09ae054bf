"""Running the benchmark over a folder: a fake reader, and tiny scripts as "other programs"."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from ktp_ocr.bench.output import extract_fields
from ktp_ocr.bench.run import (
    COMMAND_FAILED,
    COMMAND_TIMEOUT,
    load_folder,
    run_bench,
    run_command,
    run_reader,
)
from ktp_ocr.errors import CardNotFound
from ktp_ocr.types import KtpCard, ReadResult

TRUTH: dict[str, str] = {
    "nik": "3273014205900001",
    "nama": "SITI AMINAH",
    "tempat_lahir": "BANDUNG",
    "tanggal_lahir": "1990-05-02",
    "jenis_kelamin": "PEREMPUAN",
    "golongan_darah": "AB",
    "alamat": "JL. MERDEKA NO. 10",
    "rt_rw": "003/005",
    "kelurahan_desa": "BABAKAN",
    "kecamatan": "COBLONG",
    "agama": "ISLAM",
    "status_perkawinan": "BELUM KAWIN",
    "pekerjaan": "PELAJAR/MAHASISWA",
    "kewarganegaraan": "WNI",
    "berlaku_hingga": "2027-05-02",
    "provinsi": "JAWA BARAT",
    "kabupaten_kota": "KOTA BANDUNG",
}

CAMEL = {
    "nik": TRUTH["nik"],
    "name": "SITI AMINAH",
    "birthPlace": "BANDUNG",
    "birthDate": "02-05-1990",
    "gender": "PEREMPUAN",
    "bloodType": "AB",
    "address": "JL. MERDEKA NO. 10",
    "rt": "003",
    "rw": "005",
    "subDistrict": "BABAKAN",
    "districts": "COBLONG",
    "religion": "ISLAM",
    "maritalStatus": "BELUM KAWIN",
    "job": "PELAJAR/MAHASISWA",
    "nationality": "WNI",
    "validUntil": "02-05-2027",
    "province": "PROVINSI JAWA BARAT",
    "city": "KOTA BANDUNG",
}


def write_card(folder: Path, card_id: str, condition: str | None, **label: object) -> None:
    (folder / f"{card_id}.jpg").write_bytes(f"image:{card_id}".encode())
    if condition is not None:
        data = {"id": card_id, "condition": condition, "fields": TRUTH, **label}
        (folder / f"{card_id}.json").write_text(json.dumps(data))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "set"
    root.mkdir()
    write_card(root, "c1", "scan")
    write_card(root, "c2", "photo")
    write_card(root, "c3", "hard", expect_reject="not_ktp")
    write_card(root, "c4", None)  # unlabelled
    (root / "manifest.json").write_text(json.dumps({"cards": 4}))
    return root


class FakeReader:
    """Reads the truth back (c2 with a wrong NIK) and refuses c3 as not a KTP."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def read(self, image: bytes) -> ReadResult:
        card_id = image.decode().removeprefix("image:")
        self.calls.append(card_id)
        if card_id == "c3":
            raise CardNotFound("this is not a KTP", code="not_ktp")
        values = dict(TRUTH)
        if card_id == "c2":
            values["nik"] = "3273014205900009"
        return ReadResult(
            card=KtpCard.from_dict(values),
            fields={},
            score=90.0,
            timings={"detect": 2.0, "ocr": 10.0 if card_id == "c1" else 20.0},
            engine="fake-engine",
        )


def test_load_folder_pairs_labels_and_skips_manifest(folder: Path) -> None:
    items = load_folder(folder)
    assert [i.card_id for i in items] == ["c1", "c2", "c3", "c4"]
    assert items[0].truth is not None and items[0].truth.condition == "scan"
    assert items[2].truth is not None and items[2].truth.expect_reject == "not_ktp"
    assert items[3].truth is None
    assert [i.card_id for i in load_folder(folder, limit=2)] == ["c1", "c2"]
    with pytest.raises(NotADirectoryError):
        load_folder(folder / "missing")


def test_run_reader_scores_times_and_warms_up(folder: Path) -> None:
    reader = FakeReader()
    seen: list[tuple[int, int, str]] = []
    report = run_reader(
        folder, reader, warmup=2, progress=lambda done, total, cid: seen.append((done, total, cid))
    )
    assert reader.calls == ["c1", "c2", "c1", "c2", "c3", "c4"]  # 2 warm-up reads first
    assert seen == [(1, 4, "c1"), (2, 4, "c2"), (3, 4, "c3"), (4, 4, "c4")]
    assert report.source == "fake-engine" and report.kind == "reader" and report.warmup == 2
    o = report.overall
    assert (o.cards, o.scored) == (4, 2)
    assert o.nik.right == 1 and o.nik.silently_wrong == 1
    assert o.refusals.codes == {"not_ktp": 1} and o.refusals.deserved == 1
    assert o.refusals.expected_code_match == 1
    assert report.conditions["scan"].card_right_rate == 1.0
    speed = report.speed
    assert speed.timed == 4 and speed.p50_ms is not None and speed.p50_ms >= 0
    assert speed.stage_ms == {"detect": 2.0, "ocr": pytest.approx(50 / 3)}  # c1, c2, c4
    assert speed.peak_rss_mb is not None and speed.peak_rss_mb > 0


def test_run_reader_limit_and_source(folder: Path) -> None:
    reader = FakeReader()
    report = run_reader(folder, reader, warmup=0, limit=1, source="mine")
    assert reader.calls == ["c1"]
    assert report.source == "mine" and report.overall.cards == 1


SCRIPT = """
import json, sys, time
from pathlib import Path

stem = Path(sys.argv[1]).stem
truth = json.loads({truth!r})
camel = json.loads({camel!r})
if stem == "ours":
    print(json.dumps({{"fields": {{k: {{"value": v, "confidence": 0.9}} for k, v in truth.items()}},
                      "timings": {{"ocr": 12.5}}}}))
elif stem == "flat":
    print(json.dumps(dict(truth, nama="SITI  AMINA")))
elif stem == "camel":
    print(json.dumps({{"dataOcrKtp": camel}}))
elif stem == "fail":
    print("boom", file=sys.stderr)
    sys.exit(1)
elif stem == "coded":
    print(json.dumps({{"error": {{"code": "not_ktp", "message": "not a KTP"}}}}))
    sys.exit(2)
elif stem == "garbage":
    print("this is not json")
elif stem == "slow":
    time.sleep(10)
"""


@pytest.fixture
def program(tmp_path: Path) -> str:
    script = tmp_path / "other_program.py"
    script.write_text(SCRIPT.format(truth=json.dumps(TRUTH), camel=json.dumps(CAMEL)))
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} {{image}}"


def test_run_command_parses_every_shape_and_failure(tmp_path: Path, program: str) -> None:
    root = tmp_path / "cmd set"  # a space in the path: no shell is involved
    root.mkdir()
    for stem in ("ours", "flat", "camel", "fail", "coded", "garbage"):
        write_card(root, stem, "photo")
    report = run_command(root, program, timeout=30)
    cards = {c.card_id: c for c in report.cards}
    assert cards["ours"].card_right
    assert cards["camel"].card_right
    assert not cards["flat"].card_right and cards["flat"].exact["nama"] is False
    assert cards["flat"].cer["nama"] == pytest.approx(1 / 11)
    assert cards["fail"].refusal == COMMAND_FAILED
    assert cards["garbage"].refusal == COMMAND_FAILED
    assert cards["coded"].refusal == "not_ktp"
    assert all(c.deserved is False for c in report.cards if c.refused)
    assert report.overall.refusals.undeserved == 3
    assert report.kind == "command" and report.source == program
    assert report.speed.timed == 6 and report.speed.stage_ms == {"ocr": 12.5}
    assert report.speed.peak_rss_mb is not None and report.speed.peak_rss_mb > 0


def test_run_command_timeout(tmp_path: Path, program: str) -> None:
    write_card(tmp_path, "slow", "scan")
    report = run_command(tmp_path, program, timeout=0.5)
    assert report.cards[0].refusal == COMMAND_TIMEOUT


def test_run_command_needs_placeholder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="image"):
        run_command(tmp_path, "prog --json")


def test_run_bench_command_path(tmp_path: Path, program: str) -> None:
    write_card(tmp_path, "ours", "scan")
    report = run_bench(tmp_path, command=program)
    assert report.overall.card_right == 1 and report.warmup == 0
    with pytest.raises(ValueError, match="not both"):
        run_bench(tmp_path, command=program, engine="rapidocr")


def test_extract_fields_shapes() -> None:
    assert extract_fields({"dataOcrKtp": CAMEL}) == TRUTH
    assert extract_fields({"data": {"dataOcrKtp": CAMEL}}) == TRUTH
    assert extract_fields(CAMEL) == TRUTH
    assert extract_fields({"card": TRUTH}) == TRUTH
    odd = extract_fields(
        {"gender": "LAKI - LAKI", "rt": "3", "rw": "12", "validUntil": "SEUMUR HIDUP", "nik": ""}
    )
    assert odd["jenis_kelamin"] == "LAKI-LAKI"
    assert odd["rt_rw"] == "003/012"
    assert odd["berlaku_hingga"] == "SEUMUR HIDUP"
    assert odd["nik"] is None and odd["nama"] is None
    assert extract_fields({"rt": "003"})["rt_rw"] is None
    with pytest.raises(ValueError, match="no KTP fields"):
        extract_fields({"message": "IMAGE_INVALID"})
