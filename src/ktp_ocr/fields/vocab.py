"""Vocabularies printed on the card and the one fuzzy match used to snap text to them.

Every snap in :mod:`ktp_ocr.fields` goes through :data:`SCORER` and :data:`SNAP_THRESHOLD`.
Text is compared as a *key*: letters only, OCR digit confusions read as letters (``KAW1N`` is
``KAWIN``), spaces and punctuation dropped (OCR drops and adds spaces freely).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from rapidfuzz import fuzz

from ktp_ocr.fields.invalid import InvalidField
from ktp_ocr.fields.repair import to_letters

#: The one scorer (normalized Indel similarity, 0-100) for every snap.
SCORER = fuzz.ratio
#: Snap to a vocabulary entry only at or above this score.
SNAP_THRESHOLD = 80.0


def vocab_key(text: str) -> str:
    """Letters-only comparison key: ``Pelajar / Mahasiswa`` -> ``PELAJARMAHASISWA``."""
    return "".join(ch for ch in to_letters(text) if "A" <= ch <= "Z")


@dataclass(frozen=True, slots=True)
class Snap:
    """The entry a text snapped to, as printed, and the match score (0-100)."""

    value: str
    score: float


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Rows of accepted spellings; every spelling is one a card prints."""

    name: str
    entries: tuple[tuple[int, str, str], ...]  # (row, spelling, key)

    @classmethod
    def from_rows(cls, name: str, rows: tuple[tuple[str, ...], ...]) -> Vocabulary:
        """A vocabulary from rows of spellings."""
        entries = tuple(
            (r, spelling, vocab_key(spelling)) for r, row in enumerate(rows) for spelling in row
        )
        return cls(name, entries)

    @property
    def values(self) -> tuple[str, ...]:
        """Every spelling, in file order."""
        return tuple(spelling for _, spelling, _ in self.entries)

    def snap(self, text: str) -> Snap:
        """The closest spelling; raises :class:`InvalidField` ``missing``/``unknown``/``ambiguous``.

        Ties inside one row go to the row's earlier spelling; a tie between rows is ambiguous.
        """
        key = vocab_key(text)
        if not key:
            raise InvalidField("missing", f"no letters to match against {self.name}")
        best = Snap("", -1.0)
        rows: set[int] = set()
        for row, spelling, entry_key in self.entries:
            score = SCORER(key, entry_key)
            if score > best.score:
                best, rows = Snap(spelling, score), {row}
            elif score == best.score:
                rows.add(row)
        if best.score < SNAP_THRESHOLD:
            raise InvalidField("unknown", f"not close to any {self.name} value")
        if len(rows) > 1:
            raise InvalidField("ambiguous", f"equally close to several {self.name} values")
        return best


def read_rows(package: str, *path: str) -> tuple[tuple[str, ...], ...]:
    """Rows of a ``|``-separated data file, comments (``#``) and blank lines skipped."""
    resource = files(package)
    for part in path:
        resource = resource.joinpath(part)
    text = resource.read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            rows.append(tuple(part.strip() for part in line.split("|")))
    return tuple(rows)


@cache
def load_vocabulary(name: str) -> Vocabulary:
    """The vocabulary in ``fields/data/<name>.txt``."""
    return Vocabulary.from_rows(name, read_rows("ktp_ocr.fields", "data", f"{name}.txt"))
