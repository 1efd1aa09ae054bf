"""One contract for every :class:`OcrEngine`: the fake, RapidOCR and Tesseract.

The real engines carry the ``engine`` marker (select with ``-m engine``; nothing is skipped).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from ktp_ocr.errors import EngineUnavailable
from ktp_ocr.ocr import OcrEngine, ScriptedEngine, create_engine
from ktp_ocr.types import BBox, OcrLine

NIK = "3273015205900001"
NAME = "SITI AMINAH"
#: Light blue-green card colour (RGB) and the text lines drawn on it: (x, y, text, size).
BACKGROUND = (214, 236, 232)
TEXT = (
    (30, 40, "NIK", 34),
    (200, 40, f": {NIK}", 38),
    (30, 120, "Nama", 30),
    (200, 120, f": {NAME}", 30),
)


def render(
    size: tuple[int, int] = (1000, 630), rows: tuple[tuple[int, int, str, int], ...] = TEXT
) -> NDArray[np.uint8]:
    """A BGR image with ``rows`` in black on the card colour (Pillow's bundled font)."""
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    for x, y, text, px in rows:
        draw.text((x, y), text, font=ImageFont.load_default(px), fill=(0, 0, 0))
    return np.ascontiguousarray(np.asarray(image)[:, :, ::-1])


def blank(size: tuple[int, int] = (1000, 630)) -> NDArray[np.uint8]:
    return np.ascontiguousarray(np.asarray(Image.new("RGB", size, BACKGROUND))[:, :, ::-1])


def _scripted_reading(image: NDArray[np.uint8]) -> list[OcrLine]:
    """What a perfect engine returns for :func:`render`'s image, and nothing for a blank one."""
    if bool((image == image[0, 0]).all()):
        return []
    return [
        OcrLine("NIK", BBox(30, 45, 90, 75), 0.99),
        OcrLine(f": {NIK}", BBox(200, 45, 560, 78), 0.98),
        OcrLine("Nama", BBox(30, 125, 100, 150), 0.99),
        OcrLine(f": {NAME}", BBox(200, 125, 420, 150), 0.97),
    ]


ENGINES = [
    "scripted",
    pytest.param("rapidocr", marks=pytest.mark.engine),
    pytest.param("tesseract", marks=pytest.mark.engine),
]


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> OcrEngine:
    if request.param == "scripted":
        return ScriptedEngine(_scripted_reading)
    if request.param == "rapidocr":
        shared: OcrEngine = request.getfixturevalue("rapid_engine")
        return shared
    return create_engine(str(request.param))


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_engine_follows_the_protocol(engine: OcrEngine) -> None:
    assert isinstance(engine, OcrEngine)
    assert engine.name and isinstance(engine.name, str)


def test_lines_have_boxes_inside_the_image_and_confidences_in_range(engine: OcrEngine) -> None:
    image = render()
    h, w = image.shape[:2]
    lines = engine.recognize(image)
    assert lines
    for line in lines:
        assert isinstance(line, OcrLine) and line.text.strip()
        assert 0 <= line.box.x0 < line.box.x1 <= w
        assert 0 <= line.box.y0 < line.box.y1 <= h
        assert 0.0 <= line.confidence <= 1.0


def test_reads_a_nik_and_a_name(engine: OcrEngine) -> None:
    lines = engine.recognize(render())
    assert any(_digits(line.text) == NIK for line in lines)
    nik_line = next(line for line in lines if _digits(line.text) == NIK)
    assert nik_line.box.x1 >= 150 and nik_line.box.y0 < 90 < nik_line.box.y1 + 20
    assert any(NAME in line.text.upper() for line in lines)


def test_reads_text_in_a_small_image(engine: OcrEngine) -> None:
    """Boxes stay in the pixel coordinates of the image given, whatever its size."""
    rows = ((10, 10, f"NIK : {NIK}", 22),)
    image = render((420, 60), rows)
    lines = engine.recognize(image)
    if isinstance(engine, ScriptedEngine):
        return  # the fake's script is for the card-sized image
    hit = [line for line in lines if _digits(line.text) == NIK]
    assert hit and all(line.box.x1 <= 420 and line.box.y1 <= 60 for line in hit)


def test_blank_image_gives_no_lines(engine: OcrEngine) -> None:
    assert list(engine.recognize(blank())) == []


def test_engine_is_reusable(engine: OcrEngine) -> None:
    image = render()
    first = [line.text for line in engine.recognize(image)]
    assert list(engine.recognize(blank())) == []
    second = [line.text for line in engine.recognize(image)]
    assert first == second and first


# -- RapidOCR ------------------------------------------------------------------------------------


@pytest.mark.engine
def test_rapidocr_recognize_still_works_after_recognize_crops(rapid_engine: OcrEngine) -> None:
    image = render()
    before = [line.text for line in rapid_engine.recognize(image)]
    rapid_engine.recognize_crops([image[30:90, 190:600]])  # type: ignore[attr-defined]
    assert [line.text for line in rapid_engine.recognize(image)] == before


# -- Tesseract -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tesseract() -> Iterator[OcrEngine]:
    yield create_engine("tesseract")


@pytest.mark.engine
def test_tesseract_without_trained_data_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(EngineUnavailable) as err:
        create_engine("tesseract", tessdata=str(tmp_path))
    assert err.value.engine == "tesseract"
    assert "tesseract-ocr-ind" in err.value.hint and str(tmp_path) in err.value.hint
    assert err.value.exit_code == 3 and err.value.http_status == 503


@pytest.mark.engine
def test_tesseract_honours_tessdata_prefix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    with pytest.raises(EngineUnavailable, match="no trained data for 'ind'"):
        create_engine("tesseract")


@pytest.mark.engine
def test_tesseract_unknown_language_is_unavailable() -> None:
    with pytest.raises(EngineUnavailable, match="'xyz'"):
        create_engine("tesseract", lang="xyz")


@pytest.mark.engine
def test_tesseract_falls_back_to_lang_for_the_nik(tmp_path: Path) -> None:
    """Without ``eng`` data the NIK is re-read with the body's language."""
    from ktp_ocr.ocr.tesseract import find_tessdata

    (tmp_path / "ind.traineddata").symlink_to(find_tessdata("ind") / "ind.traineddata")
    engine = create_engine("tesseract", tessdata=tmp_path)
    assert engine.nik_lang == "ind"  # type: ignore[attr-defined]
    assert any(_digits(line.text) == NIK for line in engine.recognize(render()))


@pytest.mark.engine
def test_tesseract_reads_the_nik_region(tesseract: OcrEngine) -> None:
    image = render()
    box = BBox(215, 42, 560, 82)
    line = tesseract.read_nik_region(image, box=box)  # type: ignore[attr-defined]
    assert line is not None and line.text == NIK and 0 < line.confidence <= 1
    assert line.box.x0 <= box.x0 and line.box.x1 >= box.x1


@pytest.mark.engine
def test_tesseract_nik_search_is_bounded_and_uses_accept(tesseract: OcrEngine) -> None:
    image = render()
    box = BBox(215, 42, 560, 82)
    seen: list[str] = []

    def reject(text: str) -> bool:
        seen.append(text)
        return False

    readings = tesseract.nik_candidates(image, box=box, accept=reject)  # type: ignore[attr-defined]
    assert len(readings) == 3 and not any(r.accepted for r in readings)
    assert readings[0].text == NIK and seen[0] == NIK
    assert tesseract.read_nik_region(image, box=box, accept=reject) is None  # type: ignore[attr-defined]
    first = tesseract.nik_candidates(image, box=box, accept=lambda s: s == NIK)  # type: ignore[attr-defined]
    assert len(first) == 1 and first[0].accepted


@pytest.mark.engine
def test_tesseract_nik_region_defaults_to_the_card_band(tesseract: OcrEngine) -> None:
    rows = ((26, 100, "NIK", 28), (200, 98, f": {NIK}", 32))
    line = tesseract.read_nik_region(render((1000, 630), rows))  # type: ignore[attr-defined]
    assert line is not None and line.text == NIK


@pytest.mark.engine
def test_tesseract_threads_build_a_pool_that_reads_in_parallel() -> None:
    from concurrent.futures import ThreadPoolExecutor

    engine = create_engine("tesseract", threads=2)
    image = render()

    def read(_: int) -> list[str]:
        return [line.text for line in engine.recognize(image)]

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(read, range(4)))
    assert all(r == results[0] for r in results) and results[0]
    assert engine._pool.qsize() == 2  # type: ignore[attr-defined]  # every instance came back


# -- Engine pool ---------------------------------------------------------------------------------


def test_pool_lends_each_copy_to_one_thread_at_a_time() -> None:
    """Concurrent calls never share a copy, and both copies really work in parallel."""
    import threading
    import time

    from ktp_ocr.ocr.pool import EnginePool

    lock = threading.Lock()
    in_use: set[int] = set()
    clashes: list[int] = []
    peak = [0]

    def make() -> OcrEngine:
        def read(image: NDArray[np.uint8]) -> list[OcrLine]:
            with lock:
                if id(engine) in in_use:
                    clashes.append(id(engine))
                in_use.add(id(engine))
                peak[0] = max(peak[0], len(in_use))
            time.sleep(0.02)
            with lock:
                in_use.discard(id(engine))
            return _scripted_reading(image)

        engine = ScriptedEngine(read)
        return engine

    pool = EnginePool(make, 2)
    image = render()
    threads = [threading.Thread(target=pool.recognize, args=(image,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert clashes == []
    assert peak[0] == 2
    assert isinstance(pool, OcrEngine) and pool.name == "scripted" and pool.size == 2
    assert [line.text for line in pool.recognize(image)] == [
        line.text for line in _scripted_reading(image)
    ]


def test_pool_needs_an_engine() -> None:
    from ktp_ocr.ocr.pool import EnginePool

    with pytest.raises(ValueError, match="at least one"):
        EnginePool(lambda: ScriptedEngine(_scripted_reading), 0)


# -- The Latin recogniser --------------------------------------------------------------------------


def _shipped(name: str) -> Path:
    import rapidocr

    return Path(rapidocr.__file__).parent / "models" / name


@pytest.mark.engine
def test_latin_model_keeps_only_latin_classes(tmp_path: Path) -> None:
    import onnx

    from ktp_ocr.ocr.latin import KEPT_CHARACTERS, latin_model
    from ktp_ocr.ocr.rapid import REC_MODEL

    derived = latin_model(_shipped(REC_MODEL), tmp_path)
    assert derived is not None and derived.parent == tmp_path
    model = onnx.load(str(derived))
    chars = next(p.value for p in model.metadata_props if p.key == "character").splitlines()
    assert set(chars) <= KEPT_CHARACTERS
    assert set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ:/.,-") <= set(chars)
    weights = {i.name: list(i.dims) for i in model.graph.initializer}
    assert [len(chars) + 2] in weights.values()  # the sliced bias: blank + characters + space
    # Made once: the second call finds the file and does not rewrite it.
    stamp = derived.stat().st_mtime_ns
    assert latin_model(_shipped(REC_MODEL), tmp_path) == derived
    assert derived.stat().st_mtime_ns == stamp


@pytest.mark.engine
def test_latin_model_refuses_a_model_it_does_not_know(tmp_path: Path) -> None:
    """The detector has no classifier to slice: the caller is told to keep the model whole."""
    from ktp_ocr.ocr.latin import latin_model

    assert latin_model(_shipped("PP-OCRv6_det_small.onnx"), tmp_path) is None
    assert latin_model(tmp_path / "missing.onnx", tmp_path) is None
    assert not list(tmp_path.glob("*.onnx"))


@pytest.mark.engine
def test_latin_model_falls_back_to_the_temp_folder(tmp_path: Path) -> None:
    from ktp_ocr.ocr.latin import latin_model
    from ktp_ocr.ocr.rapid import REC_MODEL

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    derived = latin_model(_shipped(REC_MODEL), blocked / "models")
    assert derived is not None and derived.is_file() and blocked not in derived.parents


@pytest.mark.engine
def test_latin_recogniser_reads_like_the_whole_one(rapid_engine: OcrEngine) -> None:
    from ktp_ocr.ocr.rapid import RapidOcrEngine

    whole = RapidOcrEngine(latin_only=False)
    assert rapid_engine.latin_only and not whole.latin_only  # type: ignore[attr-defined]
    image = render()
    assert [line.text for line in rapid_engine.recognize(image)] == [
        line.text for line in whole.recognize(image)
    ]


@pytest.mark.engine
@pytest.mark.parametrize("turns", [0, -1])
def test_rapidocr_outline_starts_where_the_text_starts(rapid_engine: OcrEngine, turns: int) -> None:
    """The outline's first edge runs the way the line was read, level or turned a quarter
    clockwise (the text then reads downwards and RapidOCR turns the crop back to read it)."""
    image = np.ascontiguousarray(np.rot90(render(), turns))
    lines = rapid_engine.recognize(image)
    nik = next(line for line in lines if _digits(line.text) == NIK)
    assert nik.quad is not None
    (x0, y0), (x1, y1) = nik.quad[0], nik.quad[1]
    dx, dy = (x1 - x0, y1 - y0) if turns == 0 else (y1 - y0, x0 - x1)
    assert dx > 3 * abs(dy)  # in the text's own frame the first edge points right


@pytest.mark.engine
def test_rapidocr_character_boxes_are_in_the_line_frame(rapid_engine: OcrEngine) -> None:
    """The space repair reads character spans from the line's own start, not the image's."""
    image = render((1000, 130), ((400, 40, "CITRA AYU LESTARI", 40),))
    out = rapid_engine._ocr(  # type: ignore[attr-defined]
        image, use_det=True, use_cls=False, use_rec=True,
        return_word_box=True, return_single_char_box=True,
    )  # fmt: skip
    chars = out.word_results[0]
    assert "".join(c[0] for c in chars) == "CITRAAYULESTARI"
    starts = [float(np.min(np.asarray(c[2])[:, 0])) for c in chars]
    width = out.boxes[0][:, 0].max() - out.boxes[0][:, 0].min()
    assert starts == sorted(starts) and 0 <= starts[0] < 20 and starts[-1] < width


def test_pool_reads_crops_as_its_engine_does() -> None:
    """Regression: the service's pool hid ``recognize_crops``, so a missed value's row was
    never read as one line there, though it was by the library's single engine."""
    from ktp_ocr.ocr.pool import EnginePool

    class _Crops(ScriptedEngine):
        def recognize_crops(self, crops: list[NDArray[np.uint8]]) -> list[tuple[str, float]]:
            return [("WNI", 0.9) for _ in crops]

    crop = np.zeros((20, 60, 3), np.uint8)
    assert EnginePool(lambda: _Crops(_scripted_reading), 2).recognize_crops([crop]) == [
        ("WNI", 0.9)
    ]
    plain = EnginePool(lambda: ScriptedEngine(_scripted_reading), 2)
    assert plain.recognize_crops([crop]) == []


@pytest.mark.engine
def test_the_engine_decodes_with_stops_and_spaces_nearly_chosen(rapid_engine) -> None:  # type: ignore[no-untyped-def]
    """Wired into RapidOCR's own CTC decoder: ``JL`` + faint stop + dropped space + ``MA``."""
    decoder = rapid_engine._ocr._load_rec_model().postprocess_op
    alphabet = list(decoder.character)
    steps = ["J", "", "L", "", "", "", "M", "", "A"]
    preds = np.full((1, len(steps), len(alphabet)), 1e-5, np.float32)
    for t, ch in enumerate(steps):
        preds[0, t, alphabet.index(ch) if ch else 0] = 0.9
    preds[0, 3, alphabet.index(".")] = 0.02  # the stop, nearly chosen
    preds[0, 4, alphabet.index(" ")] = 0.3  # the word space, nearly chosen
    (text, _confidence), *_ = decoder(preds)[0]
    assert text == "JL. MA"


@pytest.mark.engine
def test_lines_read_side_by_side_read_as_one_copy_alone(rapid_engine) -> None:  # type: ignore[no-untyped-def]
    """Several single-threaded recogniser copies, each given a share of the lines, give the
    same lines, texts and confidences as one copy reading them all."""
    from ktp_ocr.ocr.rapid import RapidOcrEngine

    one = RapidOcrEngine(threads=1, quantized=False)
    three = RapidOcrEngine(threads=3, quantized=False)
    rows = (*TEXT, (30, 200, "Alamat", 30), (200, 200, ": JL. MERDEKA NO. 10", 30))
    image = render(rows=rows)
    alone = [(line.text, line.box, round(line.confidence, 4)) for line in one.recognize(image)]
    shared = [(line.text, line.box, round(line.confidence, 4)) for line in three.recognize(image)]
    assert len(alone) == 6 and shared == alone
    assert len(three._ocr.text_rec.sure) == 3  # type: ignore[attr-defined]
    assert type(one._ocr.text_rec).__name__ == "TextRecognizer"  # type: ignore[attr-defined]
    quick = RapidOcrEngine(threads=3, quantized=True)._ocr.text_rec  # type: ignore[attr-defined]
    assert len(quick.fast) == 3 and len(quick.sure) == 1  # float only behind int8: one copy


@pytest.mark.engine
@pytest.mark.parametrize("weights", ["s8", "s7"])
def test_int8_recogniser_is_derived_once_from_the_latin_one(tmp_path: Path, weights: str) -> None:
    import onnx

    from ktp_ocr.ocr.latin import latin_model
    from ktp_ocr.ocr.quantized import int8_model
    from ktp_ocr.ocr.rapid import REC_MODEL

    latin = latin_model(_shipped(REC_MODEL), tmp_path)
    assert latin is not None
    first = int8_model(latin, cache_dir=tmp_path, weights=weights)  # type: ignore[arg-type]
    assert first is not None and first.parent == tmp_path and f".int8{weights}-" in first.name
    assert first.stat().st_size < latin.stat().st_size / 2  # 8-bit weights
    quantized = [
        t
        for t in onnx.load(str(first)).graph.initializer
        if t.name.endswith("_quantized") and len(t.dims) == 4
    ]
    assert {t.data_type for t in quantized} == {onnx.TensorProto.INT8}
    largest = max(int(np.abs(onnx.numpy_helper.to_array(t).astype(int)).max()) for t in quantized)
    assert largest == (127 if weights == "s8" else 64)  # 7 bits: no 16-bit sum saturates
    mtime = first.stat().st_mtime_ns
    again = int8_model(latin, cache_dir=tmp_path, weights=weights)  # type: ignore[arg-type]
    assert again == first and first.stat().st_mtime_ns == mtime
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.engine
def test_ranges_that_do_not_fit_leave_the_float_recogniser(tmp_path: Path) -> None:
    from ktp_ocr.ocr.latin import latin_model
    from ktp_ocr.ocr.quantized import int8_model
    from ktp_ocr.ocr.rapid import REC_MODEL

    latin = latin_model(_shipped(REC_MODEL), tmp_path)
    assert latin is not None
    assert int8_model(latin, tmp_path / "missing.json", cache_dir=tmp_path) is None
    broken = tmp_path / "broken.json"
    broken.write_text('{"CLS": "nothing"}')
    assert int8_model(latin, broken, cache_dir=tmp_path) is None
    assert not list(tmp_path.glob("*.int8*"))


@pytest.mark.engine
def test_the_int8_engine_reads_the_card_as_the_float_one() -> None:
    from ktp_ocr.ocr.rapid import RapidOcrEngine

    fast = RapidOcrEngine(quantized=True)
    plain = RapidOcrEngine(quantized=False)
    assert fast.quantized and not plain.quantized
    image = render()
    assert [line.text for line in fast.recognize(image)] == [
        line.text for line in plain.recognize(image)
    ]
    assert fast.recognize_crops([image[40:80, 190:580]])[0][0].endswith(NIK)


@pytest.mark.engine
def test_rapidocr_detector_keeps_no_arena(rapid_engine: OcrEngine) -> None:
    """The detector's large, image-shaped tensors are freed after each look; the recognisers,
    reading many lines of like shapes, keep their arena."""
    ocr = rapid_engine._ocr  # type: ignore[attr-defined]
    detector = ocr.text_det.session.session.get_session_options()
    assert detector.enable_cpu_mem_arena is False
    recogniser = ocr.text_rec
    first = getattr(recogniser, "sure", [recogniser])[0]
    assert first.session.session.get_session_options().enable_cpu_mem_arena is True


@pytest.mark.engine
def test_rapidocr_detects_with_the_copy_without_subnormal_weights(
    rapid_engine: OcrEngine, tmp_path: Path
) -> None:
    """The shipped detector's subnormal weights are zero in the copy it runs, and its output is
    the shipped detector's, bit for bit, on a card and on a photo-like scene."""
    import onnx
    import onnxruntime as ort

    from ktp_ocr.ocr.rapid import DET_MODEL
    from ktp_ocr.ocr.subnormal import detector_model, flush_subnormals

    ocr = rapid_engine._ocr  # type: ignore[attr-defined]
    running = Path(ocr.cfg.Det.model_path)
    assert running == detector_model(_shipped(DET_MODEL))
    assert flush_subnormals(onnx.load(str(running))) == 0
    assert flush_subnormals(onnx.load(str(_shipped(DET_MODEL)))) > 0

    shipped = ort.InferenceSession(str(_shipped(DET_MODEL)), providers=["CPUExecutionProvider"])
    flushed = ort.InferenceSession(str(running), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(5)
    noisy = np.clip(render().astype(np.int16) + rng.integers(-40, 40, (630, 1000, 3)), 0, 255)
    for image in (render(), noisy.astype(np.uint8)):
        small = np.asarray(Image.fromarray(image).resize((736, 448)), dtype=np.float32)
        x = ((small / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)[None].copy()
        assert np.array_equal(flushed.run(None, {"x": x})[0], shipped.run(None, {"x": x})[0])
