"""The benchmark's arithmetic on hand-made predictions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from benchkit import TRUTH
from hypothesis import given
from hypothesis import strategies as st

from ktp_ocr.bench.score import (
    FIELD_NAMES,
    Prediction,
    Truth,
    char_error_rate,
    normalise,
    score_card,
)
from ktp_ocr.bench.summary import build_report, percentile


def truth(card_id: str, condition: str, expect_reject: str | None = None) -> Truth:
    data: dict[str, object] = {
        "id": card_id,
        "condition": condition,
        "fields": {} if expect_reject == "not_ktp" else {**TRUTH, "tempat_terbit": "BANDUNG"},
    }
    if expect_reject:
        data["expect_reject"] = expect_reject
    return Truth.from_json(data)


def read(card_id: str, latency: float, **changes: str | None) -> Prediction:
    return Prediction(card_id, fields={**TRUTH, **changes}, latency_ms=latency)


def refuse(card_id: str, code: str, latency: float) -> Prediction:
    return Prediction(card_id, refusal=code, latency_ms=latency)


CASES: list[tuple[Truth | None, Prediction]] = [
    # a: all right (whitespace differences only)
    (truth("a", "scan"), read("a", 10.0, nama="  BUDI   SANTOSO ")),
    # b: NIK silently wrong (1 digit), name 1 char off, blood type missing
    (
        truth("b", "photo"),
        read("b", 20.0, nik="3273011205900007", nama="BUDI SANT0SO", golongan_darah=None),
    ),
    # c: undeserved refusal
    (truth("c", "photo"), refuse("c", "too_blurred", 30.0)),
    # d: deserved refusal (expect_reject) with the expected code
    (truth("d", "hard", "not_ktp"), refuse("d", "not_ktp", 40.0)),
    # e: deserved refusal (unreadable condition) with another code
    (truth("e", "unreadable"), refuse("e", "too_dark", 50.0)),
    # f: NIK abstained, everything else right
    (truth("f", "hard"), read("f", 60.0, nik=None)),
    # g, h: unlabelled, speed only
    (None, refuse("g", "no_card", 70.0)),
    (None, read("h", 80.0, nik="0000000000000000")),
    # i: should have been refused, was read and invented a NIK
    (truth("i", "hard", "not_ktp"), read("i", 90.0, nik="1234567890123456")),
]


@pytest.fixture(scope="module")
def report():
    cards = [score_card(t, p) for t, p in CASES]
    return build_report(cards, source="fake", folder="set", peak_rss_mb=123.0, wall_seconds=1.5)


def test_normalise_is_whitespace_only() -> None:
    assert normalise("  JL.  MERDEKA\tNO. 10 ") == "JL. MERDEKA NO. 10"
    assert normalise("   ") is None
    assert normalise(None) is None
    assert normalise("budi") == "budi"  # case is not normalised


def test_char_error_rate() -> None:
    assert char_error_rate("BUDI", "BUDI") == 0.0
    assert char_error_rate("BUDI", "BUD1") == 0.25
    assert char_error_rate("BUDI", None) == 1.0
    assert char_error_rate(None, None) == 0.0
    assert char_error_rate(None, "X") == 1.0
    assert char_error_rate("AB", "ABCDEF") == 2.0  # not capped


def test_card_level_verdicts(report) -> None:
    by_id = {c.card_id: c for c in report.cards}
    a, b, c, d, e, f, g, h, i = (by_id[k] for k in "abcdefghi")
    assert a.card_right and a.nik == "right" and a.scored
    assert b.nik == "silently_wrong" and not b.card_right
    assert sum(b.exact.values()) == 14
    assert b.cer["nama"] == pytest.approx(1 / 12)
    assert b.cer["nik"] == pytest.approx(1 / 16)
    assert b.cer["golongan_darah"] == 1.0
    assert c.scored and c.deserved is False and c.nik == "refused"
    assert not any(c.exact.values()) and set(c.cer.values()) == {1.0}
    assert not d.scored and d.deserved is True and d.refusal == "not_ktp"
    assert not e.scored and e.deserved is True
    assert f.nik == "abstained" and sum(f.exact.values()) == 16
    assert not g.labelled and g.deserved is None and g.condition == "unlabelled"
    assert not h.scored and h.nik is None
    assert i.missed_reject and i.nik_invented_on_reject and not i.scored


def test_overall_accuracy(report) -> None:
    o = report.overall
    assert (o.cards, o.labelled, o.scored) == (9, 7, 4)  # a, b, c, f are scored
    assert o.fields["nik"].exact == 0.25
    assert o.fields["nama"].exact == 0.5
    assert o.fields["golongan_darah"].exact == 0.5
    assert o.fields["agama"].exact == 0.75
    assert o.exact_mean == pytest.approx((0.25 + 0.5 + 0.5 + 14 * 0.75) / 17)
    assert o.fields["nik"].cer == pytest.approx((0 + 1 / 16 + 1 + 1) / 4)
    assert o.fields["nama"].cer == pytest.approx((0 + 1 / 12 + 1 + 0) / 4)
    assert o.fields["golongan_darah"].cer == 0.5
    assert o.fields["agama"].cer == 0.25
    assert o.card_right == 1 and o.card_right_rate == 0.25
    nik = o.nik
    assert (nik.right, nik.silently_wrong, nik.abstained, nik.refused) == (1, 1, 1, 1)
    assert nik.right_rate == nik.silently_wrong_rate == nik.abstained_rate == 0.25
    assert nik.invented_on_reject == 1


def test_overall_refusals(report) -> None:
    r = report.overall.refusals
    assert (r.cards, r.refused, r.deserved, r.undeserved, r.unlabelled) == (9, 4, 2, 1, 1)
    assert r.share == pytest.approx(4 / 9)
    assert dict(r.codes) == {"no_card": 1, "not_ktp": 1, "too_blurred": 1, "too_dark": 1}
    assert (r.expected, r.expected_code_match, r.missed) == (2, 1, 1)


def test_per_condition_split(report) -> None:
    assert list(report.conditions) == ["scan", "photo", "hard", "unreadable", "unlabelled"]
    scan, photo, hard, unreadable, unlabelled = report.conditions.values()
    assert scan.exact_mean == 1.0 and scan.nik.right_rate == 1.0 and scan.card_right_rate == 1.0
    assert photo.scored == 2
    assert photo.nik.silently_wrong_rate == 0.5 and photo.nik.right_rate == 0.0
    assert photo.fields["nama"].exact == 0.0 and photo.fields["agama"].exact == 0.5
    assert photo.exact_mean == pytest.approx((0 + 0 + 0 + 14 * 0.5) / 17)
    assert (photo.refusals.refused, photo.refusals.undeserved, photo.refusals.share) == (1, 1, 0.5)
    assert hard.scored == 1 and hard.nik.abstained_rate == 1.0
    assert hard.exact_mean == pytest.approx(16 / 17)
    assert (hard.refusals.deserved, hard.refusals.expected, hard.refusals.missed) == (1, 2, 1)
    assert unreadable.scored == 0 and unreadable.exact_mean is None and unreadable.fields == {}
    assert unreadable.nik.right_rate is None and unreadable.refusals.deserved == 1
    assert unlabelled.cards == 2 and unlabelled.refusals.unlabelled == 1
    assert photo.latency_p50_ms == 25.0


def test_speed(report) -> None:
    s = report.speed
    assert s.timed == 9
    assert s.p50_ms == 50.0
    assert s.p90_ms == pytest.approx(82.0)  # rank 7.2 between 80 and 90
    assert s.mean_ms == 50.0 and s.max_ms == 90.0
    assert s.cards_per_second == 20.0
    assert (s.peak_rss_mb, s.wall_seconds) == (123.0, 1.5)


def test_unreadable_conditions_are_configurable() -> None:
    card = score_card(
        truth("x", "photo"), refuse("x", "glare", 1.0), unreadable_conditions={"photo"}
    )
    assert card.deserved is True and not card.scored


def test_truth_none_and_prediction_none_count_as_right() -> None:
    fields = {**TRUTH, "golongan_darah": None}
    t = Truth.from_json({"id": "n", "condition": "scan", "fields": fields})
    card = score_card(t, Prediction("n", fields={**fields, "golongan_darah": "  "}))
    assert card.card_right and card.cer["golongan_darah"] == 0.0


def _outside(*names: str, may_refuse: bool = False) -> Truth:
    data: dict[str, object] = {"id": "o", "condition": "hard", "fields": TRUTH}
    data["outside"] = list(names)
    if may_refuse:
        data["may_refuse"] = True
    return Truth.from_json(data)


def test_a_value_out_of_the_photo_is_right_when_not_read() -> None:
    t = _outside("berlaku_hingga", "provinsi")
    card = score_card(t, read("o", 1.0, berlaku_hingga=None, provinsi=None))
    assert card.card_right
    assert card.cer["berlaku_hingga"] == 0.0 and card.cer["provinsi"] == 0.0


def test_a_value_out_of_the_photo_is_still_wrong_when_misread() -> None:
    card = score_card(_outside("provinsi"), read("o", 1.0, provinsi="JAWA TENGAH"))
    assert not card.exact["provinsi"] and card.cer["provinsi"] > 0.0
    assert score_card(_outside("provinsi"), read("o", 1.0)).exact["provinsi"]


def test_a_value_in_the_photo_must_be_read() -> None:
    card = score_card(_outside("provinsi"), read("o", 1.0, berlaku_hingga=None))
    assert not card.exact["berlaku_hingga"] and card.cer["berlaku_hingga"] == 1.0


def test_a_card_that_may_be_refused() -> None:
    t = _outside("nik", "nama", may_refuse=True)
    refused = score_card(t, refuse("o", "no_card", 1.0))
    assert refused.deserved is True and not refused.scored
    read_anyway = score_card(t, read("o", 1.0, nik=None, nama=None))
    assert read_anyway.scored and read_anyway.exact["nik"] and read_anyway.exact["nama"]
    # an unseen NIK left out is not a NIK read right
    assert read_anyway.nik == "abstained"


def test_outside_must_be_a_list() -> None:
    with pytest.raises(ValueError, match="outside"):
        Truth.from_json({"id": "o", "fields": TRUTH, "outside": "nik"})


def test_to_dict_is_plain(report) -> None:
    data = report.to_dict()
    assert data["overall"]["nik"]["silently_wrong"] == 1
    assert data["conditions"]["photo"]["refusals"]["codes"] == {"too_blurred": 1}
    assert len(data["cards"]) == 9 and data["cards"][0]["id"] == "a"
    assert set(data["overall"]["fields"]) == set(FIELD_NAMES)


def test_percentile_known_values() -> None:
    assert percentile([], 50) is None
    assert percentile([7.0], 90) == 7.0
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0], 90) == pytest.approx(3.7)
    assert percentile([1.0, 2.0, 3.0, 4.0], 0) == 1.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 100) == 4.0
    with pytest.raises(ValueError, match=r"0\.\.100"):
        percentile([1.0], 101)


@given(
    st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=50),
    st.floats(0, 100),
)
def test_percentile_matches_numpy(values: list[float], q: float) -> None:
    got = percentile(values, q)
    assert got is not None
    assert math.isclose(got, float(np.percentile(values, q)), rel_tol=1e-9, abs_tol=1e-6)
