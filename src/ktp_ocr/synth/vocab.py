"""Word lists and weight tables of the generator, read from the text files in ``synth/data``.

Three small formats, all line based, ``#`` starts a comment:

* sections: ``[kind:name]`` headers followed by lines (``names.txt``, ``addresses.txt``...);
* weight rows: ``key | item=weight | item=weight`` (``people.txt``, ``labels.txt``);
* grammars: ``[style:NAME]`` sections of ``weight sex template`` lines whose ``{section}``
  placeholders draw a word from ``[words:section]`` (``_`` in a word stands for a space).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TypeVar

T = TypeVar("T")

_PLACEHOLDER = re.compile(r"\{([a-z0-9_.]+)\}")
_MAX_TRIES = 20


def read_text(name: str, package: str = "ktp_ocr.synth") -> str:
    """The text of a data file shipped in ``<package>/data``."""
    return resources.files(package).joinpath("data").joinpath(name).read_text(encoding="utf-8")


def _lines(text: str) -> list[str]:
    out = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


def data_lines(name: str) -> list[str]:
    """The non-empty, comment-free lines of data file ``name``."""
    return _lines(read_text(name))


@cache
def sections(name: str) -> dict[str, tuple[str, ...]]:
    """``{"kind:name": lines}`` of a sectioned data file (lines outside a section are dropped)."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in _lines(read_text(name)):
        if line.startswith("[") and line.endswith("]"):
            current = out.setdefault(line[1:-1], [])
        elif current is not None:
            current.append(line)
    return {key: tuple(value) for key, value in out.items()}


def words(name: str, section: str) -> tuple[str, ...]:
    """The words of ``[words:<section>]`` in ``name``, with ``_`` turned into spaces."""
    lines = sections(name)[f"words:{section}"]
    return tuple(word.replace("_", " ") for line in lines for word in line.split())


def parse_weights(lines: Sequence[str]) -> dict[str, dict[str, float]]:
    """Rows ``key | item=weight | ...`` as ``{key: {item: weight}}`` (bare items weigh 1)."""
    table: dict[str, dict[str, float]] = {}
    for line in lines:
        key, *items = (part.strip() for part in line.split("|"))
        row: dict[str, float] = {}
        for item in items:
            label, sep, weight = item.rpartition("=")
            row[label if sep else item] = float(weight) if sep else 1.0
        table[key] = row
    return table


def weighted(rng: random.Random, table: Mapping[T, float]) -> T:
    """One key of ``table`` drawn with probability proportional to its weight."""
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


@dataclass(frozen=True)
class Template:
    """One line of a grammar: how often, for which sex, what pattern."""

    weight: float
    sex: str
    pattern: str


@dataclass(frozen=True)
class Grammar:
    """Templates per style plus the word sections they draw from."""

    styles: Mapping[str, tuple[Template, ...]]
    words: Mapping[str, tuple[str, ...]]

    def expand(
        self,
        rng: random.Random,
        style: str,
        sex: str = "*",
        special: Mapping[str, Callable[[], str]] | None = None,
    ) -> str:
        """A phrase from ``style`` for ``sex`` (``M``/``F``/``*``) with no word used twice."""
        special = special or {}
        options = [t for t in self.styles[style] if t.sex in (sex, "*")]
        for _ in range(_MAX_TRIES):
            template = rng.choices(options, weights=[t.weight for t in options])[0]
            used: list[str] = []

            def fill(match: re.Match[str], used: list[str] = used) -> str:
                key = match.group(1)
                word = special[key]() if key in special else rng.choice(self.words[key])
                used.append(word)
                return word

            text = _PLACEHOLDER.sub(fill, template.pattern).replace("_", " ")
            if len(set(used)) == len(used):
                return " ".join(text.split())
        return " ".join(text.split())


@cache
def grammar(name: str) -> Grammar:
    """The grammar in data file ``name``."""
    styles: dict[str, tuple[Template, ...]] = {}
    vocab: dict[str, tuple[str, ...]] = {}
    for key, lines in sections(name).items():
        kind, _, label = key.partition(":")
        if kind == "style":
            rows = [line.split(maxsplit=2) for line in lines]
            styles[label] = tuple(Template(float(w), s, p) for w, s, p in rows)
        elif kind == "words":
            vocab[label] = tuple(word for line in lines for word in line.split())
    return Grammar(styles, vocab)


@cache
def weight_tables(name: str) -> dict[str, dict[str, dict[str, float]]]:
    """Every section of a weight file parsed with :func:`parse_weights`."""
    return {key: parse_weights(lines) for key, lines in sections(name).items()}


def scalars(name: str, section: str) -> dict[str, float]:
    """Rows ``key | number`` of ``[section]`` in ``name`` as ``{key: number}``."""
    rows = (line.split("|") for line in sections(name)[section])
    return {key.strip(): float(value) for key, value in rows}


@cache
def label_variants() -> dict[str, dict[str, float]]:
    """Label spellings per row of the card (``labels.txt``)."""
    return parse_weights(_lines(read_text("labels.txt")))


@cache
def field_vocabulary(name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``(canonical, accepted spellings)`` rows of ``ktp_ocr.fields`` data file ``name``."""
    rows = []
    for line in _lines(read_text(name, package="ktp_ocr.fields")):
        canonical, *accepted = (part.strip() for part in line.split("|"))
        rows.append((canonical, tuple(accepted)))
    return tuple(rows)
