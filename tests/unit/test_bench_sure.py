"""How trustworthy "sure" values are: scoring, summing, reporting, and reading them from readers."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
from benchkit import TRUTH

from ktp_ocr.bench.output import extract_fields, extract_sure
from ktp_ocr.bench.report import compare_markdown, summary_text, to_markdown
from ktp_ocr.bench.run import run_command, run_reader, sure_fields
from ktp_ocr.bench.score import FIELD_NAMES, Prediction, Truth, score_card
from ktp_ocr.bench.summary import BenchReport, SureStats, build_report, summarize, sure_stats
from ktp_ocr.types import FieldName, FieldValue, KtpCard, QualityVerdict, ReadResult

WRONG_NIK = "3273011205900007"


def truth(card_id: str, condition: str, **label: object) -> Truth:
    return Truth.from_json({"id": card_id, "condition": condition, "fields": TRUTH, **label})


def read(card_id: str, sure: set[str] | None, **changes: str | None) -> Prediction:
    values = {**TRUTH, **changes}
    return Prediction(card_id, fields=values, sure=None if sure is None else frozenset(sure))


def cases(*, reported: bool = True) -> list[tuple[Truth | None, Prediction]]:
    def vouched(*names: str) -> set[str] | None:
        return set(names) if reported else None

    return [
        # a: all right, three values vouched for
        (truth("a", "scan"), read("a", vouched("nik", "nama", "agama"))),
        # b: NIK and name wrong, blood type missing; a "sure" null and an unscored field ignored
        (
            truth("b", "photo"),
            read(
                "b",
                vouched("nik", "golongan_darah", "agama", "tempat_terbit"),
                nik=WRONG_NIK,
                nama="BUDI SANT0SO",
                golongan_darah=None,
            ),
        ),
        # c: undeserved refusal: scored, but nothing was read to vouch for
        (truth("c", "photo"), Prediction("c", refusal="too_blurred")),
        # d: unlabelled: not scored
        (None, read("d", vouched("nik"))),
        # e: deserved refusal (unreadable condition)
        (truth("e", "unreadable"), Prediction("e", refusal="too_dark")),
        # f: scored and read, but this reading did not say which values are sure
        (truth("f", "hard"), read("f", None)),
        # g: expect_reject read anyway with a vouched-for, invented NIK: not scored
        (truth("g", "hard", expect_reject="not_ktp"), read("g", vouched("nik"), nik=WRONG_NIK)),
    ]


def make_report(source: str = "ours", *, reported: bool = True) -> BenchReport:
    cards = [score_card(t, p) for t, p in cases(reported=reported)]
    return build_report(cards, source=source)


# --- scoring one card -------------------------------------------------------------------------


def test_score_card_sure_right_and_wrong() -> None:
    by_id = {c.card_id: c for c in make_report().cards}
    a, b = by_id["a"], by_id["b"]
    assert a.sure_reported is True
    assert a.given == FIELD_NAMES
    assert a.sure == ("nik", "nama", "agama") and a.sure_wrong == ()
    assert b.sure_reported is True
    assert len(b.given) == 16 and "golongan_darah" not in b.given
    assert b.sure == ("nik", "agama")  # card order; the null and tempat_terbit are not counted
    assert b.sure_wrong == ("nik",)
    data = b.to_dict()
    assert data["sure"] == ["nik", "agama"] and data["sure_wrong"] == ["nik"]
    assert data["sure_reported"] is True and len(data["given"]) == 16


def test_score_card_without_sure_figures() -> None:
    by_id = {c.card_id: c for c in make_report().cards}
    c, d, e, f, g = (by_id[k] for k in "cdefg")
    # refused (undeserved, scored): nothing was read, so nothing to report
    assert c.scored and c.sure_reported is None and (c.given, c.sure, c.sure_wrong) == ((), (), ())
    # unlabelled: the reader said, but there is nothing to score against
    assert d.sure_reported is True and (d.given, d.sure, d.sure_wrong) == ((), (), ())
    assert e.sure_reported is None and e.sure == ()
    # read and scored, but the reading did not say: values given, no sure ones
    assert f.scored and f.sure_reported is False
    assert len(f.given) == 17 and (f.sure, f.sure_wrong) == ((), ())
    assert g.sure_reported is True and not g.scored and g.sure == ()


def test_a_sure_value_out_of_the_photo() -> None:
    t = truth("o", "hard", outside=["provinsi"])
    misread = score_card(t, read("o", {"provinsi"}, provinsi="JAWA TENGAH"))
    assert misread.sure == ("provinsi",) and misread.sure_wrong == ("provinsi",)
    right = score_card(t, read("o", {"provinsi"}))
    assert right.sure == ("provinsi",) and right.sure_wrong == ()


# --- summing ----------------------------------------------------------------------------------


def test_summary_arithmetic() -> None:
    report = make_report()
    overall = report.overall.sure
    assert overall == SureStats(cards=2, values=33, sure=5, sure_wrong=1)
    assert overall.sure_share == pytest.approx(5 / 33)
    assert overall.sure_wrong_rate == pytest.approx(0.2)
    conditions = report.conditions
    assert conditions["scan"].sure == SureStats(cards=1, values=17, sure=3, sure_wrong=0)
    assert conditions["scan"].sure.sure_wrong_rate == 0.0
    assert conditions["photo"].sure == SureStats(cards=1, values=16, sure=2, sure_wrong=1)
    photo = conditions["photo"].sure
    assert (photo.sure_share, photo.sure_wrong_rate) == (0.125, 0.5)
    # the reader reports sureness, so groups with nothing to count have zeros, not None
    for name in ("hard", "unreadable", "unlabelled"):
        empty = conditions[name].sure
        assert empty == SureStats(cards=0, values=0, sure=0, sure_wrong=0)
        assert empty.sure_share is None and empty.sure_wrong_rate is None
    data = report.to_dict()["overall"]["sure"]
    assert data == {
        "cards": 2,
        "values": 33,
        "sure": 5,
        "sure_wrong": 1,
        "sure_share": pytest.approx(5 / 33),
        "sure_wrong_rate": pytest.approx(0.2),
    }


def test_summary_when_the_reader_does_not_say() -> None:
    report = make_report(reported=False)
    assert report.overall.sure is None
    assert all(g.sure is None for g in report.conditions.values())
    assert report.to_dict()["overall"]["sure"] is None
    assert report.overall.nik.silently_wrong == 1  # the rest is scored as before


def test_sure_stats_infers_reporting_from_its_cards() -> None:
    cards = [score_card(t, p) for t, p in cases()]
    refused_only = [c for c in cards if c.card_id in {"c", "e"}]
    assert sure_stats(refused_only) is None
    assert sure_stats(refused_only, reported=True) == SureStats(0, 0, 0, 0)
    assert summarize(cards, name="all").sure == SureStats(2, 33, 5, 1)


# --- reporting --------------------------------------------------------------------------------


def _render(report: BenchReport) -> str:
    return to_markdown(report, title="t", command="ktp-ocr bench x", machine="m")


def test_markdown_table_of_sure_values() -> None:
    md = _render(make_report())
    assert "### Values the reader vouched for" in md
    assert md.index("### Summary") < md.index("### Values the reader vouched for")
    assert md.index("### Values the reader vouched for") < md.index("### Exact match per field")
    table = md.split("### Values the reader vouched for\n\n", 1)[1].split("\n\n", 1)[0]
    assert table.splitlines() == [
        "| group | values given | sure | sure share | sure but wrong | wrong rate |",
        "|---|---|---|---|---|---|",
        "| all | 33 | 5 | 15.2% | 1 | 20.0% |",
        "| scan | 17 | 3 | 17.6% | 0 | 0.0% |",
        "| photo | 16 | 2 | 12.5% | 1 | 50.0% |",
        "| hard | 0 | 0 | – | 0 | – |",
    ]
    assert "*Sure* = the reader vouched for the value" in md
    assert "confidence ≥ 0.9" in md


def test_markdown_table_not_reported() -> None:
    md = _render(make_report(reported=False))
    assert "| all | n/a | n/a | n/a | n/a | n/a |" in md
    assert "| photo | n/a | n/a | n/a | n/a | n/a |" in md


def test_compare_and_console_summary() -> None:
    ours, other = make_report(), make_report("prog {image}", reported=False)
    md = compare_markdown({"ours": ours, "other": other})
    assert "| sure values wrong | 20.0% (1/5) | n/a |" in md
    lines = summary_text(ours).splitlines()
    assert lines[1].startswith("  all ") and lines[1].endswith("sure but wrong 20.0% (1/5)")
    photo = next(line for line in lines if line.startswith("  photo "))
    assert photo.endswith("sure but wrong 50.0% (1/2)")
    hard = next(line for line in lines if line.startswith("  hard "))
    assert hard.endswith("sure but wrong –")
    assert summary_text(other).splitlines()[1].endswith("sure but wrong n/a")


# --- reading sureness from readers ------------------------------------------------------------


def _ours(sure: dict[str, object], **extra: object) -> dict[str, object]:
    fields: dict[str, object] = {}
    for name, value in TRUTH.items():
        fields[name] = {"value": value, "confidence": 0.95}
        if name in sure:
            fields[name]["sure"] = sure[name]  # type: ignore[index]
    return {"fields": {**fields, **extra}}


def test_extract_sure_from_our_shape() -> None:
    every = dict.fromkeys(FIELD_NAMES, False) | {"nik": True, "agama": True}
    assert extract_sure(_ours(every)) == frozenset({"nik", "agama"})
    assert extract_sure(_ours(dict.fromkeys(FIELD_NAMES, False))) == frozenset()
    # unscored fields are not looked at, with or without "sure"
    assert extract_sure(_ours(every, tempat_terbit={"value": "X"})) == {"nik", "agama"}
    # only some fields present, each with a boolean: fine
    assert extract_sure({"fields": {"nik": {"value": "1", "sure": True}}}) == {"nik"}


@pytest.mark.parametrize(
    "data",
    [
        _ours({}),  # an older output: no "sure" at all
        _ours(dict.fromkeys(FIELD_NAMES[1:], True)),  # one field without it
        _ours(dict.fromkeys(FIELD_NAMES, True) | {"nik": "yes"}),  # not a boolean
        {"fields": {"nik": "3273011205900001"}},  # a bare value
        {"fields": {"tempat_terbit": {"value": "X", "sure": True}}},  # no scored field
        {"card": TRUTH},
        TRUTH,
    ],
)
def test_extract_sure_is_none_when_the_program_does_not_say(data: dict[str, object]) -> None:
    assert extract_sure(data) is None


def test_extract_fields_ignores_sure() -> None:
    data = _ours(dict.fromkeys(FIELD_NAMES, True))
    assert extract_fields(data) == TRUTH


SCRIPT = """
import json, sys
from pathlib import Path

truth = json.loads({truth!r})
stem = Path(sys.argv[1]).stem
fields = {{k: {{"value": v, "confidence": 0.95}} for k, v in truth.items()}}
if stem == "wrong":
    fields["nik"]["value"] = {wrong!r}
if stem != "silent":
    for name, entry in fields.items():
        entry["sure"] = name in ("nik", "nama")
print(json.dumps({{"fields": fields}}))
"""


def test_run_command_reads_sure(tmp_path: Path) -> None:
    script = tmp_path / "prog.py"
    script.write_text(SCRIPT.format(truth=json.dumps(TRUTH), wrong=WRONG_NIK))
    command = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} {{image}}"
    root = tmp_path / "set"
    root.mkdir()
    for stem in ("right", "wrong"):
        (root / f"{stem}.jpg").write_bytes(b"x")
        label = {"id": stem, "condition": "photo", "fields": TRUTH}
        (root / f"{stem}.json").write_text(json.dumps(label))
    report = run_command(root, command, timeout=30)
    assert report.overall.sure == SureStats(cards=2, values=34, sure=4, sure_wrong=1)
    (root / "right.jpg").rename(root / "silent.jpg")
    (root / "right.json").rename(root / "silent.json")
    (root / "wrong.jpg").unlink()
    silent = run_command(root, command, timeout=30)
    assert silent.overall.sure is None and silent.cards[0].sure_reported is False


def _value(value: str, confidence: float = 0.95, *issues: str) -> FieldValue[str]:
    return FieldValue(value, value, confidence, issues)


class SureReader:
    """Reads the truth back; vouches for NIK (wrong on c2) and kecamatan only."""

    def read(self, image: bytes) -> ReadResult:
        card_id = image.decode()
        values = dict(TRUTH, nik=WRONG_NIK if card_id == "c2" else TRUTH["nik"])
        fields = {
            FieldName.NIK: _value(str(values["nik"])),
            FieldName.NAMA: _value("BUDI SANTOSO", 0.5),  # not confident enough
            FieldName.AGAMA: _value("ISLAM", 0.99, "agama_guessed"),  # has an issue
            FieldName.ALAMAT: _value("JL. MERDEKA NO. 10"),  # under glare
            FieldName.KECAMATAN: _value("COBLONG"),
            FieldName.TEMPAT_TERBIT: _value("BANDUNG"),  # sure, but not scored
        }
        glare = QualityVerdict("glare", "glare over the address", "warning", field=FieldName.ALAMAT)
        return ReadResult(
            card=KtpCard.from_dict(values), fields=fields, score=90.0, quality=(glare,)
        )


def test_sure_fields_of_our_reading() -> None:
    result = SureReader().read(b"c1")
    assert sure_fields(result) == frozenset({"nik", "kecamatan"})


def test_run_reader_measures_sure(tmp_path: Path) -> None:
    for card_id in ("c1", "c2"):
        (tmp_path / f"{card_id}.jpg").write_bytes(card_id.encode())
        label = {"id": card_id, "condition": "scan", "fields": TRUTH}
        (tmp_path / f"{card_id}.json").write_text(json.dumps(label))
    report = run_reader(tmp_path, SureReader(), warmup=0)
    assert report.overall.sure == SureStats(cards=2, values=34, sure=4, sure_wrong=1)
    assert report.cards[1].sure_wrong == ("nik",)
