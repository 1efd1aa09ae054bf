"""The ``ktp-ocr`` command, run in-process: real engine, real region database, real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ktp_ocr.cli import main


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, region_db_url: str) -> None:
    monkeypatch.setenv("KTP_DATABASE_URL", region_db_url)


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory, region_repo) -> Path:  # type: ignore[no-untyped-def]
    from ktp_ocr.synth import write_dataset

    out = tmp_path_factory.mktemp("cli-cards")
    write_dataset(out, 2, seed=5, regions=region_repo, conditions=("scan",))
    return out


@pytest.mark.engine
def test_scan_json_folder(env, cards: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    assert main(["scan", str(cards), "--json"]) == 0
    out = capsys.readouterr().out
    objects = [json.loads(chunk) for chunk in _split_objects(out)]
    assert len(objects) == 2
    for obj in objects:
        truth = json.loads(Path(obj["image"]).with_suffix(".json").read_text(encoding="utf-8"))
        assert obj["fields"]["nik"]["value"] == truth["fields"]["nik"]
        assert obj["fields"]["tanggal_lahir"]["value"] == truth["fields"]["tanggal_lahir"]
        assert set(obj["fields"]) >= {"nik", "nama", "berlaku_hingga", "kabupaten_kota"}


@pytest.mark.engine
def test_scan_table_and_jsonl(env, cards: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    image = sorted(cards.glob("*.jpg"))[0]
    assert main(["scan", str(image)]) == 0
    table = capsys.readouterr().out
    assert "nik" in table and "berlaku_hingga" in table
    assert main(["scan", str(image), "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    for line in table.splitlines():  # a value is marked in the table exactly when not sure
        words = line.split()
        if words and words[0] in obj["fields"] and obj["fields"][words[0]]["value"] is not None:
            assert (words[-1] in "?!") is (not obj["fields"][words[0]]["sure"]), line
    out = tmp_path / "out.jsonl"
    assert main(["scan", str(image), "--jsonl", str(out)]) == 0
    rows = out.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 and json.loads(rows[0])["image"] == str(image)


def test_bad_inputs_exit_2_without_traceback(env, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    text = tmp_path / "notes.jpg"
    text.write_text("not an image", encoding="utf-8")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    assert main(["scan", str(text), str(empty), str(tmp_path / "missing.jpg"), "--json"]) == 2
    captured = capsys.readouterr()
    objects = [json.loads(chunk) for chunk in _split_objects(captured.out)]
    assert [o["error"]["code"] for o in objects] == [
        "not_an_image",
        "empty_file",
        "file_unreadable",
    ]
    assert "Traceback" not in captured.err + captured.out


def test_unknown_engine_exits_3(env, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    image = tmp_path / "x.jpg"
    image.write_bytes(b"\xff\xd8\xff")
    assert main(["scan", str(image), "--engine", "nonesuch"]) == 3
    assert "nonesuch" in capsys.readouterr().err


def test_nik_command(env, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["nik", "3273015205900001", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["valid"] is True
    assert info["birth_date"] == "1990-05-12"
    assert main(["nik", "327301520590000"]) == 2


def test_synth_and_bench(env, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "set"
    assert main(["synth", "--out", str(out), "--n", "3", "--seed", "9"]) == 0
    assert len(list(out.glob("*.jpg"))) == 3
    assert (out / "manifest.json").exists()
    # Score a stand-in "other program" that prints the truth: arithmetic, not OCR.
    script = tmp_path / "oracle.py"
    script.write_text(
        "import json, pathlib, sys\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "print(json.dumps(json.loads(p.with_suffix('.json').read_text())['fields']))\n",
        encoding="utf-8",
    )
    report = tmp_path / "bench.md"
    import sys

    command = f"{sys.executable} {script} {{image}}"
    assert main(["bench", str(out), "--command", command, "--report", str(report), "--json"]) == 0
    captured = capsys.readouterr().out
    data = json.loads(captured[captured.index("{") :])
    assert data["overall"]["exact_mean"] == 1.0
    assert data["overall"]["nik"]["right"] == 3
    assert report.exists() and "100.0" in report.read_text(encoding="utf-8")
    # Another card set gets its own section beside the first, which it leaves as it was.
    before = report.read_text(encoding="utf-8")
    args = ["bench", str(out), "--command", command, "--report", str(report)]
    assert main([*args, "--section", "second-source"]) == 0
    after = report.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))
    assert "<!-- bench:second-source:start -->" in after and "(second-source)" in after
    with pytest.raises(SystemExit):
        main([*args, "--section", "no spaces"])


def test_db_init_is_idempotent(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'r.db'}"
    assert main(["db", "init", "--url", url]) == 0
    first = capsys.readouterr().out
    assert main(["db", "init", "--url", url]) == 0
    second = capsys.readouterr().out
    assert "created" in first and "unchanged" in second


def _split_objects(text: str) -> list[str]:
    """Split a stream of pretty-printed JSON objects."""
    decoder = json.JSONDecoder()
    chunks, i = [], 0
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        _, end = decoder.raw_decode(text, i)
        chunks.append(text[i:end])
        i = end
    return chunks
