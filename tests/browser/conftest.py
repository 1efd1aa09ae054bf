"""The real service on loopback and a real headless Chromium (Debian's, driven by Playwright).

Chromium comes from the system (``apt-get install chromium``); Playwright's own browser
download is never used. Screenshots go to ``artifacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pagekit import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PageWatch

from ktp_ocr.synth import SynthCard, make_card


@pytest.fixture(scope="session")
def memory_regions():  # type: ignore[no-untyped-def]
    from ktp_ocr.regions.memory import memory_repository

    return memory_repository()


@pytest.fixture(scope="session")
def photo_card(memory_regions) -> SynthCard:  # type: ignore[no-untyped-def]
    """A generated phone photo of a card (ground truth included)."""
    return make_card(11, "photo", 1, regions=memory_regions)


@pytest.fixture(scope="session")
def photo_path(photo_card: SynthCard, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "ktp-photo.jpg"
    path.write_bytes(photo_card.jpeg)
    return path


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Chromium, per module: Playwright's sync API holds an event loop in the main thread
    while it runs, which would break async tests that come later in the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium: Any) -> Iterator[Callable[..., PageWatch]]:
    """Open a page in a fresh browser context (nothing shared between tests)."""
    contexts: list[Any] = []

    def make(
        url: str, *, viewport: dict[str, int] = DESKTOP, locale: str = "en-GB", phone: bool = False
    ) -> PageWatch:
        context = chromium.new_context(
            viewport=viewport, locale=locale, has_touch=phone, is_mobile=phone
        )
        contexts.append(context)
        watch = PageWatch(context.new_page())
        watch.page.goto(url)
        return watch

    yield make
    for context in contexts:
        context.close()
