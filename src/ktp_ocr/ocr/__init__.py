"""OCR engines behind one small Protocol; see :mod:`ktp_ocr.ocr.registry`."""

from ktp_ocr.ocr.base import OcrEngine
from ktp_ocr.ocr.registry import available_engines, create_engine, register
from ktp_ocr.ocr.scripted import ScriptedEngine

__all__ = ["OcrEngine", "ScriptedEngine", "available_engines", "create_engine", "register"]
