"""Where models derived from the shipped ones are kept, and how they are written.

A derived model (the Latin-only recogniser, its int8 copy) is made once, from the wheel's own
weights, and kept under a name keyed by everything it was made from, so a new wheel or a new
recipe makes a new file. Files are written whole or not at all: parallel workers never see half
a model.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """``$KTP_MODEL_CACHE``, else ``$XDG_CACHE_HOME/ktp-ocr/models``, else ``~/.cache/...``."""
    explicit = os.environ.get("KTP_MODEL_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ktp-ocr" / "models"


def cache_folders(cache_dir: Path | None = None) -> list[Path]:
    """Folders to keep derived models in, best first (the temp folder last)."""
    first = cache_dir if cache_dir is not None else default_cache_dir()
    return [first, Path(tempfile.gettempdir()) / "ktp-ocr-models"]


def write_atomic(target: Path, write: Callable[[Path], object]) -> None:
    """Make ``target`` by ``write(part)`` into a part file beside it, then rename it in place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".onnx.part")
    os.close(fd)
    part = Path(tmp)
    try:
        write(part)
        part.chmod(0o644)
        part.replace(target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def file_key(paths: Iterable[Path], *extras: str) -> str:
    """A short digest of the files' bytes and ``extras`` (a recipe, a version) for a file name."""
    h = hashlib.sha256()
    for path in paths:
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    for extra in extras:
        h.update(extra.encode())
    return h.hexdigest()[:16]


def keyed_model(
    sources: Iterable[Path],
    recipe: Iterable[str],
    name: Callable[[str], str],
    make: Callable[[Path], object],
    failures: tuple[type[Exception], ...],
    what: str,
    cache_dir: Path | None = None,
) -> Path | None:
    """:func:`derived_model` named ``name(key)``, the key a digest of ``sources`` and ``recipe``.

    None, with a warning, when a source cannot be read.
    """
    try:
        key = file_key(sources, *recipe)
    except OSError as exc:
        log.warning("%s not made, its source is unreadable: %s", what, exc)
        return None
    return derived_model(name(key), make, failures, what, cache_dir)


def derived_model(
    name: str,
    make: Callable[[Path], object],
    failures: tuple[type[Exception], ...],
    what: str,
    cache_dir: Path | None = None,
) -> Path | None:
    """The model file ``name`` in the first cache folder that has it or can take it, or None.

    ``make(target)`` writes it whole (see :func:`write_atomic`). A folder that cannot be written
    is passed over; one of ``failures`` means the model cannot be made at all (``what`` names it
    in the log).
    """
    for folder in cache_folders(cache_dir):
        target = folder / name
        if target.is_file():
            return target
        try:
            make(target)
        except OSError as exc:
            log.info("model cache %s not writable: %s", folder, exc)
            continue
        except failures as exc:
            log.warning("%s not made: %s", what, exc)
            return None
        log.info("derived %s in %s", what, folder)
        return target
    return None
