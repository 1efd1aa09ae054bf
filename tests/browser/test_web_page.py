"""The try-it page at ``/`` in a real headless Chromium against the real service on loopback.

The fast tests read with a scripted engine (the card's true lines, one of them misread with a
low confidence); one test reads with the real RapidOCR engine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pagekit import PHONE, PageWatch, screenshot, serve, true_lines, web_settings

from ktp_ocr.api.app import create_app
from ktp_ocr.pipeline import Reader
from ktp_ocr.synth import SynthCard, make_card

pytestmark = pytest.mark.browser

MISREAD = (": KAT0LIK", 0.62)  # the religion line comes back with a zero and low confidence


@pytest.fixture(scope="module")
def scripted_url(photo_card: SynthCard, memory_regions: Any) -> Iterator[str]:
    engine = true_lines(photo_card, {": KATOLIK": MISREAD})
    app = create_app(web_settings(), reader=Reader(engine, memory_regions))
    with serve(app) as url:
        yield url


def upload(watch: PageWatch, path: Path) -> None:
    """Choose ``path`` in the page's file input and wait for the answer to be drawn."""
    watch.page.set_input_files("#file", str(path))


def wait_for_result(watch: PageWatch) -> None:
    watch.page.wait_for_selector("#result:not([hidden]) #boxes rect", timeout=90_000)


def test_reading_is_shown_with_boxes_linked_to_rows(
    scripted_url: str,
    photo_card: SynthCard,
    photo_path: Path,
    open_page: Callable[..., PageWatch],
) -> None:
    watch = open_page(scripted_url)
    page = watch.page
    assert page.title().startswith("ktp-ocr")
    screenshot(page, "web-start.png")
    upload(watch, photo_path)
    wait_for_result(watch)
    truth = photo_card.truth

    assert page.inner_text(".who-nik") == truth.nik
    assert page.inner_text(".who-name") == truth.nama
    assert page.inner_text('#fields-body tr[data-field="nik"] .v') == truth.nik
    assert page.inner_text('#fields-body tr[data-field="nama"] .v') == truth.nama
    assert page.locator("#boxes rect").count() >= 10

    # The misread field stands out: low confidence, and the raw text is shown beside the value.
    religion = page.locator('#fields-body tr[data-field="agama"]')
    assert "lvl-low" in (religion.get_attribute("class") or "")
    pct = int(religion.locator(".pct").inner_text().rstrip("%"))
    assert pct < 80
    assert "KAT0LIK" in religion.locator(".raw").inner_text()
    assert page.locator('#boxes rect.lvl-low[data-fields~="agama"]').count() == 1

    # Row -> box and box -> row.
    page.hover('#fields-body tr[data-field="nik"]')
    nik_box = page.locator('#boxes rect[data-fields~="nik"]')
    assert "hl" in (nik_box.get_attribute("class") or "")
    assert page.locator("#boxes rect.hl").count() == 1
    page.hover('#boxes rect[data-fields~="nama"]')
    assert "hl" in (page.get_attribute('#fields-body tr[data-field="nama"]', "class") or "")
    assert "hl" not in (page.get_attribute('#fields-body tr[data-field="nik"]', "class") or "")

    # The NIK's facts, checks, regions, quality and timings.
    assert truth.nik[:2] in page.inner_text("#nik-body")
    checks = page.locator("#checks li")
    assert checks.count() >= 5
    assert page.locator('#checks li.pass[data-code="nik_birthdate_match"]').count() == 1
    regions = page.inner_text("#regions")
    assert "912004" in regions and "98693" in regions
    assert page.inner_text("#timings").count("ms") >= 1

    # The boxes sit on the card: the drawn overlay has the image's size.
    img = page.locator("#card-img").bounding_box()
    svg = page.locator("#boxes").bounding_box()
    assert img and svg
    assert abs(img["width"] - svg["width"]) < 1 and abs(img["height"] - svg["height"]) < 1

    screenshot(page, "web-page.png")
    nothing_leaves_and_nothing_is_stored(watch, scripted_url)


def nothing_leaves_and_nothing_is_stored(watch: PageWatch, base: str) -> None:
    outside = [u for u in watch.requests if not u.startswith((base, "data:", "blob:"))]
    assert outside == []
    stored = watch.page.evaluate("localStorage.length + sessionStorage.length")
    assert stored == 0
    assert watch.errors == []  # no script error, no CSP violation


def test_copy_json_copies_the_raw_answer(
    scripted_url: str, photo_path: Path, open_page: Callable[..., PageWatch]
) -> None:
    watch = open_page(scripted_url)
    page = watch.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    upload(watch, photo_path)
    wait_for_result(watch)
    page.click("#copy-json")
    page.wait_for_selector("#copied:text('Copied')")
    copied = json.loads(page.evaluate("navigator.clipboard.readText()"))
    assert copied["dataOcrKtp"]["nik"] == page.inner_text(".who-nik")
    assert copied["card_image"].startswith("data:image/jpeg;base64,")


def test_indonesian_labels_and_phone_layout(
    scripted_url: str, photo_path: Path, open_page: Callable[..., PageWatch]
) -> None:
    watch = open_page(scripted_url, viewport=PHONE, locale="id-ID", phone=True)
    page = watch.page
    assert page.get_attribute("html", "lang") == "id"
    assert page.inner_text(".drop-title") == "Letakkan foto KTP di sini"
    assert page.is_visible("text=Ambil foto")  # the phone's camera, through the file input
    assert page.get_attribute("#camera", "capture") == "environment"
    upload(watch, photo_path)
    wait_for_result(watch)
    labels = page.locator("#fields-body th .lbl").all_inner_texts()
    assert labels[:4] == ["Provinsi", "Kabupaten/Kota", "NIK", "Nama"]
    assert "Tgl Lahir" in labels
    assert "sesuai" in page.inner_text("#checks")
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "web-page-phone.png")
    # Tapping a row pins its box; the card stays in view above the table while scrolling.
    page.tap('#fields-body tr[data-field="pekerjaan"]')
    assert "hl" in (page.get_attribute('#boxes rect[data-fields~="pekerjaan"]', "class") or "")
    card_top = page.locator("#card-stage").bounding_box()
    assert card_top and 0 <= card_top["y"] < PHONE["height"] / 2
    screenshot(page, "web-page-phone-tap.png", full_page=False)
    page.click('[data-lang="en"]')
    assert page.inner_text(".drop-title") == "Drop a photo of a KTP here"
    assert page.inner_text("#fields-body tr[data-field='nama'] .gloss") == "Name"
    assert watch.errors == []


def test_not_an_image_gets_a_sentence(
    scripted_url: str, tmp_path: Path, open_page: Callable[..., PageWatch]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a photo\n" * 200)
    watch = open_page(scripted_url)
    watch.page.set_input_files("#file", str(notes))
    watch.page.wait_for_selector("#error:not([hidden])")
    text = watch.page.inner_text("#error-text")
    assert text.startswith("That file is not a photo")
    assert "not_an_image" in watch.page.inner_text("#error-meta")
    assert "415" in watch.page.inner_text("#error-meta")
    screenshot(watch.page, "web-error.png")
    watch.page.click('[data-lang="id"]')
    assert watch.page.inner_text("#error-text").startswith("Berkas itu bukan foto")


def test_too_large_and_unreadable_get_sentences(
    photo_path: Path, tmp_path: Path, memory_regions: Any, open_page: Callable[..., PageWatch]
) -> None:
    from PIL import Image

    from ktp_ocr.ocr import ScriptedEngine

    blank = tmp_path / "wall.png"
    Image.new("RGB", (800, 600), (200, 200, 190)).save(blank)
    app = create_app(
        web_settings(max_upload_bytes=200_000), reader=Reader(ScriptedEngine([]), memory_regions)
    )
    with serve(app) as url:
        watch = open_page(url)
        watch.page.set_input_files("#file", str(photo_path))  # 328 KB: refused before sending
        watch.page.wait_for_selector("#error:not([hidden])")
        text = watch.page.inner_text("#error-text")
        assert re.match(r"The photo is \d+ KB and this service takes at most 196 KB", text), text
        assert not any("/ocr-ktp" in u for u in watch.requests)
        watch.page.set_input_files("#file", str(blank))
        watch.page.wait_for_selector("#error-meta:has-text('HTTP 422')")
        text = watch.page.inner_text("#error-text")
        assert re.match(r"(No card was found|The card is too small)", text), text
        assert watch.errors == [] or all("422" in e or "413" in e for e in watch.errors)


def test_rate_limited_says_when_to_try_again(
    photo_card: SynthCard,
    photo_path: Path,
    memory_regions: Any,
    open_page: Callable[..., PageWatch],
) -> None:
    app = create_app(
        web_settings(rate_limit="1/minute"), reader=Reader(true_lines(photo_card), memory_regions)
    )
    with serve(app) as url:
        watch = open_page(url)
        upload(watch, photo_path)
        wait_for_result(watch)
        upload(watch, photo_path)
        watch.page.wait_for_selector("#error-retry:not([hidden])")
        assert watch.page.inner_text("#error-text").startswith("Too many photos")
        retry = watch.page.inner_text("#error-retry")
        seconds = int(re.search(r"in (\d+) s", retry).group(1))  # type: ignore[union-attr]
        assert 50 <= seconds <= 60, retry
        screenshot(watch.page, "web-rate-limited.png")


def test_api_key_is_asked_for_and_sent(
    photo_card: SynthCard,
    photo_path: Path,
    memory_regions: Any,
    open_page: Callable[..., PageWatch],
) -> None:
    app = create_app(
        web_settings(api_keys=["k-test-1"]), reader=Reader(true_lines(photo_card), memory_regions)
    )
    with serve(app) as url:
        watch = open_page(url)
        page = watch.page
        assert page.is_visible("#api-key")
        upload(watch, photo_path)
        page.wait_for_selector("#error:not([hidden])")
        assert "API key" in page.inner_text("#error-text")
        page.fill("#api-key", "k-test-1")
        upload(watch, photo_path)
        wait_for_result(watch)
        assert page.inner_text(".who-nik") == photo_card.truth.nik
        assert page.evaluate("localStorage.length + sessionStorage.length") == 0


@pytest.mark.engine
def test_real_engine_reading(
    rapid_engine: Any,
    region_db_url: str,
    memory_regions: Any,
    tmp_path: Path,
    open_page: Callable[..., PageWatch],
) -> None:
    card = make_card(11, "photo", 3, regions=memory_regions)  # one RapidOCR reads right
    path = tmp_path / "ktp.jpg"
    path.write_bytes(card.jpeg)
    app = create_app(web_settings(database_url=region_db_url), engine=rapid_engine)
    with serve(app) as url:
        watch = open_page(url)
        upload(watch, path)
        wait_for_result(watch)
        page = watch.page
        assert page.inner_text(".who-nik") == card.truth.nik
        assert page.inner_text(".who-name") == card.truth.nama
        assert page.locator("#boxes rect").count() >= 10
        page.hover('#fields-body tr[data-field="nik"]')
        assert "hl" in (page.get_attribute('#boxes rect[data-fields~="nik"]', "class") or "")
        screenshot(page, "web-page-rapidocr.png")
        nothing_leaves_and_nothing_is_stored(watch, url)
