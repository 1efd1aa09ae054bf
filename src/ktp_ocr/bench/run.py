"""Running a benchmark: our :class:`~ktp_ocr.pipeline.Reader`, or any other program, over a folder.

The folder is what the synthetic generator writes: ``<id>.jpg`` (or ``.jpeg``/``.png``/``.webp``)
with an optional ``<id>.json`` label beside it (``manifest.json`` is ignored). Images without a
label are read and timed but not scored.

Timing: every image is read exactly once in the measured pass; ``warmup`` images (the first ones)
are read one extra time *before* that pass, untimed and unscored, so model loading and first-call
costs stay out of the latencies. Latency is the wall time of ``reader.read(bytes)`` (or of the
whole subprocess for a command); decoding the label and reading the file are outside it.

Sure values: our reader's are the fields its reading vouches for (``ReadResult.is_sure``, the
``"sure"`` of its JSON form); a command's come from ``fields.<key>.sure`` in its output, when
every field there carries one (see :func:`~ktp_ocr.bench.output.extract_sure`).
"""

from __future__ import annotations

import contextlib
import json
import resource
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from ktp_ocr.bench.output import error_code, extract_fields, extract_sure, timings_of
from ktp_ocr.bench.score import (
    FIELD_NAMES,
    UNREADABLE_CONDITIONS,
    CardScore,
    Prediction,
    Truth,
    score_card,
)
from ktp_ocr.bench.summary import BenchReport, build_report
from ktp_ocr.errors import InputError
from ktp_ocr.types import ReadResult

if TYPE_CHECKING:
    from ktp_ocr.config import Settings

IMAGE_SUFFIXES: frozenset[str] = frozenset({".jpg", ".jpeg", ".png", ".webp"})
MANIFEST = "manifest.json"
#: Refusal code when a command exits non-zero or prints something that is not a reading.
COMMAND_FAILED = "command_failed"
#: Refusal code when a command runs past its timeout.
COMMAND_TIMEOUT = "command_timeout"
IMAGE_PLACEHOLDER = "{image}"
DEFAULT_READER_WARMUP = 2
DEFAULT_COMMAND_TIMEOUT = 60.0
_BYTES_PER_MB = 1024 * 1024

#: ``progress(done, total, card_id)`` is called after each measured image.
Progress = Callable[[int, int, str], None]


class SupportsRead(Protocol):
    """Anything that reads image bytes into a :class:`ReadResult` (``pipeline.Reader`` does)."""

    def read(self, image: bytes, /) -> ReadResult:
        """Read one image; raise an ``InputError`` subclass to refuse it."""
        ...


@dataclass(frozen=True, slots=True)
class BenchItem:
    """One image of the folder and its label, if any."""

    card_id: str
    image: Path
    truth: Truth | None


def load_folder(folder: str | Path, *, limit: int | None = None) -> list[BenchItem]:
    """The folder's images in name order (the first ``limit`` only), each with its label."""
    root = Path(folder)
    if not root.is_dir():
        raise NotADirectoryError(f"benchmark folder not found: {root}")
    images = sorted(p for p in root.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    if limit is not None:
        images = images[: max(limit, 0)]
    items: list[BenchItem] = []
    for image in images:
        label = image.with_suffix(".json")
        truth = None
        if label.name != MANIFEST and label.is_file():
            data = json.loads(label.read_text(encoding="utf-8"))
            truth = Truth.from_json(data, default_id=image.stem)
        items.append(BenchItem(image.stem, image, truth))
    return items


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory of this process (or of its waited-for children) in MB."""
    maxrss = resource.getrusage(who).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return maxrss / _BYTES_PER_MB if sys.platform == "darwin" else maxrss / 1024


def _report(
    items: list[BenchItem],
    predictions: list[Prediction],
    *,
    source: str,
    kind: Literal["reader", "command"],
    folder: str | Path,
    warmup: int,
    peak_mb: float,
    started: float,
    unreadable_conditions: Iterable[str],
) -> BenchReport:
    conditions = frozenset(unreadable_conditions)
    cards: list[CardScore] = [
        score_card(item.truth, pred, unreadable_conditions=conditions)
        for item, pred in zip(items, predictions, strict=True)
    ]
    return build_report(
        cards,
        source=source,
        kind=kind,
        folder=str(folder),
        warmup=warmup,
        peak_rss_mb=peak_mb,
        wall_seconds=time.perf_counter() - started,
        unreadable_conditions=conditions,
    )


def sure_fields(result: ReadResult) -> frozenset[str]:
    """The scored fields a reading vouches for (``"sure": true`` in its JSON form)."""
    return frozenset(
        name.value for name in result.fields if name.value in FIELD_NAMES and result.is_sure(name)
    )


def run_reader(
    folder: str | Path,
    reader: SupportsRead,
    *,
    warmup: int = DEFAULT_READER_WARMUP,
    limit: int | None = None,
    progress: Progress | None = None,
    source: str | None = None,
    unreadable_conditions: Iterable[str] = UNREADABLE_CONDITIONS,
) -> BenchReport:
    """Read every image of ``folder`` with ``reader`` and score it.

    An :class:`~ktp_ocr.errors.InputError` is a refusal (its ``.code`` is kept); any other error
    propagates. ``source`` names the run (default: the engine named by the first reading).
    Peak memory is this process's peak RSS (``RUSAGE_SELF``), whatever else it has done.
    """
    started = time.perf_counter()
    items = load_folder(folder, limit=limit)
    for item in items[: max(warmup, 0)]:
        with contextlib.suppress(InputError):  # refusals are measured in the timed pass
            reader.read(item.image.read_bytes())
    engine = ""
    predictions: list[Prediction] = []
    for done, item in enumerate(items, start=1):
        data = item.image.read_bytes()
        t0 = time.perf_counter()
        try:
            result = reader.read(data)
        except InputError as exc:
            ms = (time.perf_counter() - t0) * 1000
            predictions.append(Prediction(item.card_id, refusal=exc.code, latency_ms=ms))
        else:
            ms = (time.perf_counter() - t0) * 1000
            engine = engine or result.engine
            predictions.append(
                Prediction(
                    item.card_id,
                    fields=result.card.to_dict(),
                    latency_ms=ms,
                    timings=dict(result.timings),
                    sure=sure_fields(result),
                )
            )
        if progress is not None:
            progress(done, len(items), item.card_id)
    return _report(
        items,
        predictions,
        source=source or engine or type(reader).__name__,
        kind="reader",
        folder=folder,
        warmup=max(warmup, 0),
        peak_mb=peak_rss_mb(resource.RUSAGE_SELF),
        started=started,
        unreadable_conditions=unreadable_conditions,
    )


# --- other programs ---------------------------------------------------------------------------


def read_with_command(argv: list[str], *, card_id: str, timeout: float) -> Prediction:
    """Run one command line and turn its exit status and stdout into a :class:`Prediction`."""
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(  # the user's own benchmark command; no shell
            argv, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        ms = (time.perf_counter() - t0) * 1000
        return Prediction(card_id, refusal=COMMAND_TIMEOUT, latency_ms=ms)
    ms = (time.perf_counter() - t0) * 1000
    if proc.returncode != 0:
        code = error_code(proc.stdout, proc.stderr) or COMMAND_FAILED
        return Prediction(card_id, refusal=code, latency_ms=ms)
    try:
        data = json.loads(proc.stdout)
        if not isinstance(data, Mapping):
            raise ValueError("the output is not a JSON object")
        values = extract_fields(data)
    except ValueError:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        return Prediction(card_id, refusal=COMMAND_FAILED, latency_ms=ms)
    return Prediction(
        card_id, fields=values, latency_ms=ms, timings=timings_of(data), sure=extract_sure(data)
    )


def command_argv(command: str, image: Path) -> list[str]:
    """The command template split like a shell would (no shell runs), ``{image}`` filled in."""
    return [token.replace(IMAGE_PLACEHOLDER, str(image)) for token in shlex.split(command)]


def run_command(
    folder: str | Path,
    command: str,
    *,
    timeout: float = DEFAULT_COMMAND_TIMEOUT,
    warmup: int = 0,
    limit: int | None = None,
    progress: Progress | None = None,
    unreadable_conditions: Iterable[str] = UNREADABLE_CONDITIONS,
) -> BenchReport:
    """Score another program, run once per image as ``command`` with ``{image}`` replaced.

    A non-zero exit or output that is not a JSON reading is a refusal with code
    ``command_failed`` (or the code the program printed as ``{"error": {"code": ...}}``); a run
    past ``timeout`` seconds is ``command_timeout``. A program that cannot start raises
    ``OSError``. Latency is the whole process run, start-up included. Peak memory is the largest
    peak RSS of any child process this process has waited for (``RUSAGE_CHILDREN``).
    """
    if IMAGE_PLACEHOLDER not in command:
        raise ValueError(f"the command must contain {IMAGE_PLACEHOLDER}: {command!r}")
    if not shlex.split(command):
        raise ValueError("the command is empty")
    started = time.perf_counter()
    items = load_folder(folder, limit=limit)
    for item in items[: max(warmup, 0)]:
        read_with_command(command_argv(command, item.image), card_id=item.card_id, timeout=timeout)
    predictions: list[Prediction] = []
    for done, item in enumerate(items, start=1):
        argv = command_argv(command, item.image)
        predictions.append(read_with_command(argv, card_id=item.card_id, timeout=timeout))
        if progress is not None:
            progress(done, len(items), item.card_id)
    return _report(
        items,
        predictions,
        source=command,
        kind="command",
        folder=folder,
        warmup=max(warmup, 0),
        peak_mb=peak_rss_mb(resource.RUSAGE_CHILDREN),
        started=started,
        unreadable_conditions=unreadable_conditions,
    )


def run_bench(
    folder: str | Path,
    *,
    engine: str | None = None,
    command: str | None = None,
    limit: int | None = None,
    warmup: int | None = None,
    timeout: float = DEFAULT_COMMAND_TIMEOUT,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> BenchReport:
    """What ``ktp-ocr bench`` runs: ``command`` if given, else our reader built from settings.

    ``engine`` overrides ``settings.ocr_engine``. ``warmup`` defaults to 2 for our reader and 0
    for a command. Raises ``ValueError`` when both ``engine`` and ``command`` are given.
    """
    if command is not None:
        if engine is not None:
            raise ValueError("give either an engine or a command, not both")
        return run_command(
            folder,
            command,
            timeout=timeout,
            warmup=0 if warmup is None else warmup,
            limit=limit,
            progress=progress,
        )
    # Imported here: scoring a command needs neither the pipeline nor an OCR runtime.
    from ktp_ocr.config import Settings
    from ktp_ocr.pipeline import build_reader

    settings = settings or Settings()
    if engine is not None:
        settings = settings.model_copy(update={"ocr_engine": engine})
    reader = build_reader(settings)
    return run_reader(
        folder,
        reader,
        warmup=DEFAULT_READER_WARMUP if warmup is None else warmup,
        limit=limit,
        progress=progress,
        source=settings.ocr_engine + ("+nik-ensemble" if settings.ensemble else ""),
    )
