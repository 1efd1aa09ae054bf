"""The recogniser wrapper: lines side by side, int8 first and float where it is unsure."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from rapidocr.ch_ppocr_rec.typings import TextRecInput, TextRecOutput

from ktp_ocr.ocr import quantized
from ktp_ocr.ocr.recognisers import DOUBTFUL_SHARE, UNSURE_LINE, Recogniser, one_photo


class _Copy:
    """A recogniser copy that reads a line as its width, with the confidence ``scores`` gives."""

    def __init__(self, tag: str, scores: dict[int, float] | None = None) -> None:
        self.tag = tag
        self.scores = scores or {}
        self.seen: list[int] = []
        self.threads: set[str] = set()

    def __call__(self, args: TextRecInput) -> TextRecOutput:
        imgs = args.img if isinstance(args.img, list) else [args.img]
        widths = [im.shape[1] for im in imgs]
        self.seen.extend(widths)
        self.threads.add(threading.current_thread().name)
        txts = tuple(f"{self.tag}{w}" for w in widths)
        scores = [self.scores.get(w, 0.99) for w in widths]
        words = tuple((self.tag, w) for w in widths)
        return TextRecOutput(imgs, txts, scores, words, 0.001)


def _lines(*widths: int) -> TextRecInput:
    return TextRecInput(img=[np.zeros((48, w, 3), np.uint8) for w in widths])


def test_float_copies_share_the_lines_and_keep_their_order() -> None:
    a, b = _Copy("f"), _Copy("f")
    out = Recogniser([a, b], [], 160)(_lines(900, 200, 300, 700))
    assert out.txts == ("f900", "f200", "f300", "f700")
    assert out.word_results == (("f", 900), ("f", 200), ("f", 300), ("f", 700))
    assert sorted(a.seen + b.seen) == [200, 300, 700, 900] and a.seen and b.seen
    assert len(a.threads | b.threads) == 2  # one share in this thread, one in the pool


def test_int8_readings_stand_where_they_are_sure() -> None:
    sure, fast = _Copy("f"), _Copy("q")
    out = Recogniser([sure], [fast], 160)(_lines(*range(200, 220)))
    assert all(t.startswith("q") for t in out.txts) and not sure.seen


def test_an_unsure_line_is_read_again_by_the_float_copy() -> None:
    sure, fast = _Copy("f"), _Copy("q", {205: UNSURE_LINE - 0.01})
    out = Recogniser([sure], [fast], 160)(_lines(*range(200, 220)))
    assert sure.seen == [205]
    assert out.txts[5] == "f205" and out.word_results[5] == ("f", 205)
    assert [t for i, t in enumerate(out.txts) if i != 5] == [
        f"q{w}" for w in range(200, 220) if w != 205
    ]


def test_a_doubtful_image_is_read_again_whole() -> None:
    widths = list(range(200, 220))
    unsure = widths[: int(DOUBTFUL_SHARE * len(widths)) + 1]
    sure, fast = _Copy("f"), _Copy("q", dict.fromkeys(unsure, 0.5))
    out = Recogniser([sure], [fast], 160)(_lines(*widths))
    assert out.txts == tuple(f"f{w}" for w in widths) and sorted(sure.seen) == widths


def test_a_single_unsure_crop_is_read_by_the_float_copy() -> None:
    sure, fast = _Copy("f"), _Copy("q", {300: 0.4})
    out = Recogniser([sure], [fast], 160)(TextRecInput(img=np.zeros((48, 300, 3), np.uint8)))
    assert out.txts == ("f300",)


def _doubtful_then_clear() -> tuple[_Copy, _Copy, Recogniser]:
    """A recogniser whose int8 copy is unsure of width 300 (alone, a doubtful image)."""
    sure, fast = _Copy("f"), _Copy("q", {300: 0.4})
    return sure, fast, Recogniser([sure], [fast], 160)


def test_after_a_doubtful_image_the_photo_is_read_in_float() -> None:
    sure, fast, rec = _doubtful_then_clear()
    with one_photo():
        assert rec(_lines(300)).txts == ("f300",)  # doubtful: read again in float
        assert fast.seen == [300]
        out = rec(_lines(*range(200, 220)))  # int8 would be sure of these: not asked
    assert out.txts == tuple(f"f{w}" for w in range(200, 220))
    assert (
        fast.seen == [300]
        and sure.seen[0] == 300
        and sorted(sure.seen[1:]) == list(range(200, 220))
    )


def test_each_photo_starts_with_int8() -> None:
    *_, rec = _doubtful_then_clear()
    with one_photo():
        rec(_lines(300))
    with one_photo():
        out = rec(_lines(200, 210))
    assert out.txts == ("q200", "q210")
    # Outside a photo's scope nothing carries over either.
    rec(_lines(300))
    assert rec(_lines(220)).txts == ("q220",)


def test_a_sure_image_keeps_the_photo_on_int8() -> None:
    sure, _, rec = _doubtful_then_clear()
    with one_photo():
        rec(_lines(*range(200, 220), 300))  # one unsure line in 21: not doubtful
        out = rec(_lines(250))
    assert out.txts == ("q250",) and sure.seen == [300]


def test_photos_read_in_other_threads_keep_their_own_doubt() -> None:
    *_, rec = _doubtful_then_clear()
    doubted, other = threading.Event(), threading.Event()
    seen: dict[str, tuple[str, ...]] = {}

    def doubtful_photo() -> None:
        with one_photo():
            rec(_lines(300))
            doubted.set()
            other.wait(5)

    def clear_photo() -> None:
        with one_photo():
            doubted.wait(5)
            seen["clear"] = rec(_lines(240)).txts
            other.set()

    threads = [threading.Thread(target=doubtful_photo), threading.Thread(target=clear_photo)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen["clear"] == ("q240",)


@pytest.mark.parametrize(
    ("machine", "flags", "weights"),
    [
        ("x86_64", "fpu avx2 avx512f avx512_vnni", "s8"),
        ("x86_64", "fpu avx2 avx_vnni", "s8"),
        ("x86_64", "fpu sse4_2 avx avx2 avx512f", "s7"),  # no VNNI: 7-bit, never saturating
        ("x86_64", "fpu sse4_2 avx", None),
        ("aarch64", "fp asimd asimddp", None),
    ],
)
def test_int8_weights_by_the_cpu(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, machine: str, flags: str, weights: str | None
) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(
        f"processor\t: 0\nflags\t\t: {flags}\n\nprocessor\t: 1\nflags\t\t: {flags}\n"
    )
    monkeypatch.setattr(quantized.platform, "machine", lambda: machine)
    assert quantized.int8_weights(cpuinfo) == weights


def test_no_cpuinfo_means_no_int8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quantized.platform, "machine", lambda: "x86_64")
    assert quantized.int8_weights(tmp_path / "missing") is None


@pytest.mark.parametrize(
    ("env", "engine", "options"),
    [
        ({}, "rapidocr", {}),
        ({"KTP_OCR_QUANTIZED": "false"}, "rapidocr", {"quantized": False}),
        (
            {"KTP_OCR_QUANTIZED": "true", "KTP_OCR_THREADS": "1"},
            "rapidocr",
            {"quantized": True, "threads": 1},
        ),
        ({"KTP_OCR_QUANTIZED": "true"}, "tesseract", {}),  # not an option of Tesseract's
    ],
)
def test_engine_options_from_the_settings(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], engine: str, options: dict[str, object]
) -> None:
    from ktp_ocr.config import Settings
    from ktp_ocr.pipeline import engine_options

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert engine_options(Settings(ocr_engine=engine)) == options
