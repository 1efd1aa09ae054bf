"""The service over the real pipeline: generated cards, ScriptedEngine, and once RapidOCR."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from apikit import client_for, settings

from ktp_ocr.api.app import create_app
from ktp_ocr.ocr import ScriptedEngine
from ktp_ocr.pipeline import Reader
from ktp_ocr.regions import memory_repository
from ktp_ocr.types import OcrLine

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def regions():  # type: ignore[no-untyped-def]
    return memory_repository()


@pytest.fixture(scope="module")
def cards(regions) -> list[Any]:  # type: ignore[no-untyped-def]
    from ktp_ocr.synth import generate

    return list(generate(2, seed=11, regions=regions, conditions=("scan",)))


def _engine_for(card: Any) -> ScriptedEngine:
    """An engine that 'reads' the card's ground-truth lines, scaled to the image it is given."""
    cw, ch = card.card_size

    def script(image: np.ndarray) -> Sequence[OcrLine]:
        h, w = image.shape[:2]
        return [
            OcrLine(line.text, line.box.scaled(w / cw, h / ch), line.confidence)
            for line in card.lines
        ]

    return ScriptedEngine(script)


def _photo(card: Any) -> dict[str, Any]:
    return {"image": (f"{card.id}.jpg", card.jpeg, "image/jpeg")}


async def test_generated_card_through_the_pipeline(cards: list[Any], regions: Any) -> None:
    card = cards[0]
    engine = _engine_for(card)
    app = create_app(settings(), reader=Reader(engine, regions))
    async with client_for(app) as client:
        response = await client.post("/ocr-ktp?include=card_image", files=_photo(card))
    assert response.status_code == 200, response.text
    body = response.json()
    truth = card.truth
    assert body["dataOcrKtp"]["nik"] == truth.nik
    assert body["dataOcrKtp"]["name"] == truth.nama
    assert body["dataOcrKtp"]["birthDate"] == truth.tanggal_lahir.strftime("%d-%m-%Y")
    assert body["dataNikParser"] is not None
    assert body["fields"]["nik"]["box"] is not None
    assert body["card_image"].startswith("data:image/jpeg;base64,")
    assert engine.calls >= 1


async def test_engine_is_built_once_per_worker(cards: list[Any], region_db_url: str) -> None:
    card = cards[1]
    engine = _engine_for(card)
    app = create_app(settings(database_url=region_db_url), engine=engine)
    async with client_for(app) as client:
        for _ in range(2):
            response = await client.post("/ocr-ktp", files=_photo(card))
            assert response.status_code == 200, response.text
        health = (await client.get("/health")).json()
    assert health["database"]["status"] == "ok"
    assert health["engine"]["detail"] == "scripted"
    assert response.json()["lookup_ids"]["gender"] in {1, 2}


async def test_blank_photo_answers_image_invalid(regions: Any) -> None:
    import cv2

    blank = np.full((600, 900, 3), 180, np.uint8)
    _ok, data = cv2.imencode(".jpg", blank)
    app = create_app(settings(), reader=Reader(ScriptedEngine([]), regions))
    async with client_for(app) as client:
        response = await client.post(
            "/ocr-ktp", files={"image": ("blank.jpg", data.tobytes(), "image/jpeg")}
        )
    assert response.status_code == 422
    assert response.json()["message"] == "IMAGE_INVALID"


@pytest.mark.engine
async def test_real_rapidocr_reads_a_generated_card(cards: list[Any], region_db_url: str) -> None:
    card = cards[0]
    app = create_app(settings(database_url=region_db_url))
    async with client_for(app) as client:
        response = await client.post("/ocr-ktp", files=_photo(card))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["engine"] == "rapidocr"
    nik = body["dataOcrKtp"]["nik"]
    assert nik is not None and len(nik) == 16 and nik.isdigit()
    matches = sum(
        body["fields"].get(name, {}).get("value") == card.truth.to_dict()[name]
        for name in ("nik", "nama", "jenis_kelamin", "agama", "kewarganegaraan")
    )
    assert matches >= 3
