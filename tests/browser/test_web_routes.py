"""The page's routes without a browser: headers, the fixed asset list, nothing from elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from pagekit import serve, true_lines, web_settings

import ktp_ocr.api
from ktp_ocr.api.app import create_app
from ktp_ocr.pipeline import Reader
from ktp_ocr.synth import SynthCard

STATIC = Path(ktp_ocr.api.__file__).parent / "static"


@contextmanager
def client(app: Any = None, **overrides: object) -> Iterator[httpx.Client]:
    """The service on loopback (uvicorn in a thread) and a plain HTTP client to it."""
    with (
        serve(app or create_app(web_settings(**overrides))) as url,
        httpx.Client(base_url=url) as c,
    ):
        yield c


def test_page_is_self_contained_with_a_strict_policy() -> None:
    with client() as c:
        page = c.get("/")
        css = c.get("/static/app.css")
        js = c.get("/static/app.js")
        schema = (c.get("/openapi.json")).json()
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "connect-src 'self'" in policy and "unsafe" not in policy
    assert page.headers["referrer-policy"] == "no-referrer"
    assert 'data-key-required="false"' in page.text
    assert css.headers["content-type"].startswith("text/css")
    assert js.headers["content-type"].startswith("text/javascript")
    for text in (page.text, css.text, js.text):
        # No fetch from anywhere else: the only URL is the SVG namespace.
        urls = set(re.findall(r"https?://[^\s\"'%)]+", text))
        assert urls <= {"http://www.w3.org/2000/svg"}, urls
        assert "localStorage" not in text and "sessionStorage" not in text
    assert "/" not in schema["paths"] and "/static/{name}" not in schema["paths"]


def test_page_says_when_a_key_is_needed() -> None:
    with client(api_keys=["k1"]) as c:
        page = c.get("/")
    assert 'data-key-required="true"' in page.text
    assert "k1" not in page.text


@pytest.mark.parametrize("name", ["index.html", "nope.js", "..%2Fapp.py", "%2e%2e%2fschemas.py"])
def test_only_the_listed_assets_are_served(name: str) -> None:
    with client() as c:
        response = c.get(f"/static/{name}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_readings_are_not_cached_by_the_browser(photo_card: SynthCard, memory_regions: Any) -> None:
    app = create_app(web_settings(), reader=Reader(true_lines(photo_card), memory_regions))
    with client(app) as c:
        response = c.post("/ocr-ktp", files={"image": ("c.jpg", photo_card.jpeg)})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"


def test_static_files_are_package_data() -> None:
    assert {p.name for p in STATIC.iterdir()} >= {"index.html", "app.css", "app.js"}
