"""A lazy registry of OCR engines.

Built-in engines register here; third-party ones through the entry-point group
``ktp_ocr.ocr_engines`` (each entry point names a factory ``(**options) -> OcrEngine``).
Adapters import their third-party packages only when the factory runs.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points

from ktp_ocr.errors import EngineUnavailable
from ktp_ocr.ocr.base import OcrEngine

EngineFactory = Callable[..., OcrEngine]
ENTRY_POINT_GROUP = "ktp_ocr.ocr_engines"

_FACTORIES: dict[str, EngineFactory] = {}


def register(name: str) -> Callable[[EngineFactory], EngineFactory]:
    """Decorator registering an engine factory under ``name``."""

    def decorator(factory: EngineFactory) -> EngineFactory:
        _FACTORIES[name] = factory
        return factory

    return decorator


def _plugin_factories() -> dict[str, EngineFactory]:
    found: dict[str, EngineFactory] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found[ep.name] = ep.load()
    return found


def available_engines() -> list[str]:
    """Names of every registered engine (built in and plug-in), sorted."""
    return sorted({*_FACTORIES, *(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))})


def create_engine(name: str, **options: object) -> OcrEngine:
    """Build the engine called ``name``; raises :class:`EngineUnavailable` if it cannot."""
    factory = _FACTORIES.get(name) or _plugin_factories().get(name)
    if factory is None:
        known = ", ".join(available_engines())
        raise EngineUnavailable(name, hint=f"unknown engine; known engines: {known}")
    return factory(**options)


@register("rapidocr")
def _rapidocr(**options: object) -> OcrEngine:
    try:
        from ktp_ocr.ocr.rapid import RapidOcrEngine
    except ImportError as exc:  # pragma: no cover - rapidocr is a core dependency
        raise EngineUnavailable("rapidocr", hint="pip install rapidocr onnxruntime") from exc
    return RapidOcrEngine(**options)  # type: ignore[arg-type]


@register("tesseract")
def _tesseract(**options: object) -> OcrEngine:
    try:
        from ktp_ocr.ocr.tesseract import TesseractEngine
    except ImportError as exc:
        raise EngineUnavailable(
            "tesseract",
            hint=(
                "pip install 'ktp-ocr[tesseract]' and "
                "apt-get install tesseract-ocr tesseract-ocr-ind"
            ),
        ) from exc
    return TesseractEngine(**options)  # type: ignore[arg-type]
