"""Benchmark reports: Markdown for ``docs/benchmarks.md``, JSON, and side-by-side comparisons.

Several benchmarks share one Markdown file: each owns a section between
``<!-- bench:NAME:start -->`` and ``<!-- bench:NAME:end -->``, and :func:`write_report` replaces
only that section (appending it when it is new).
"""

from __future__ import annotations

import os
import platform
import re
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from ktp_ocr.bench.score import FIELD_NAMES
from ktp_ocr.bench.summary import BenchReport, GroupSummary, SureStats
from ktp_ocr.types import SURE_CONFIDENCE

#: Packages whose versions describe the machine (the first installed name of each group).
VERSIONED_PACKAGES: tuple[tuple[str, ...], ...] = (
    ("ktp-ocr",),
    ("rapidocr",),
    ("onnxruntime", "onnxruntime-gpu"),
    ("opencv-python-headless", "opencv-python", "opencv-contrib-python-headless"),
    ("numpy",),
)
_SECTION_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_NOT_SECTION_CHAR = re.compile(r"[^A-Za-z0-9_.-]+")
_NONE = "–"
_NOT_REPORTED = "n/a"  # the reader does not say which values are sure
_KIB_PER_GIB = 1024 * 1024


def _pct(value: float | None) -> str:
    return _NONE if value is None else f"{100 * value:.1f}%"


def _num(value: float | None, digits: int = 1) -> str:
    return _NONE if value is None else f"{value:.{digits}f}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = [_cell(h) for h in header]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _codes(codes: Mapping[str, int]) -> str:
    return ", ".join(f"{code} ×{n}" for code, n in codes.items()) or _NONE


def _sure_cells(stats: SureStats | None) -> list[str]:
    if stats is None:
        return [_NOT_REPORTED] * 5
    return [
        str(stats.values),
        str(stats.sure),
        _pct(stats.sure_share),
        str(stats.sure_wrong),
        _pct(stats.sure_wrong_rate),
    ]


def _sure_wrong(stats: SureStats | None) -> str:
    """``"2.0% (3/150)"``: the sure-but-wrong rate and its counts."""
    if stats is None:
        return _NOT_REPORTED
    if not stats.sure:
        return _NONE
    return f"{_pct(stats.sure_wrong_rate)} ({stats.sure_wrong}/{stats.sure})"


def _groups(report: BenchReport) -> list[GroupSummary]:
    return [report.overall, *report.conditions.values()]


def _summary_rows(groups: Iterable[GroupSummary]) -> list[list[str]]:
    return [
        [
            g.name,
            str(g.cards),
            str(g.scored),
            _pct(g.exact_mean),
            _num(g.cer_mean, 3),
            _pct(g.nik.right_rate),
            _pct(g.nik.silently_wrong_rate),
            _pct(g.nik.abstained_rate),
            _pct(g.card_right_rate),
            _pct(g.refusals.share),
            str(g.refusals.undeserved),
            _num(g.latency_p50_ms),
            _num(g.latency_p90_ms),
        ]
        for g in groups
    ]


_SURE_HEADER = ("group", "values given", "sure", "sure share", "sure but wrong", "wrong rate")
_SURE_NOTE = (
    "*Sure* = the reader vouched for the value (ours: given, no issue, confidence ≥ "
    f"{SURE_CONFIDENCE}, no image-quality verdict on it or the whole card), over the values "
    "given on scored cards that were read; *sure share* = sure / values given; *wrong rate* = "
    f"sure but not exact / sure; {_NOT_REPORTED} = the reader does not say which values are sure."
)

_SUMMARY_HEADER = (
    "group",
    "images",
    "scored",
    "field exact",
    "mean CER",
    "NIK right",
    "NIK silently wrong",
    "NIK abstained",
    "card right",
    "refused",
    "undeserved refusals",
    "p50 ms",
    "p90 ms",
)


def _field_rows(
    groups: list[GroupSummary], value: Callable[[GroupSummary, str], str]
) -> list[list[str]]:
    return [[name, *(value(g, name) for g in groups)] for name in FIELD_NAMES]


def _exact(group: GroupSummary, name: str) -> str:
    stats = group.fields.get(name)
    return _pct(stats.exact if stats else None)


def _cer(group: GroupSummary, name: str) -> str:
    stats = group.fields.get(name)
    return _num(stats.cer if stats else None, 3)


def to_markdown(report: BenchReport, *, title: str, command: str, machine: str) -> str:
    """The report as Markdown: summary, per-field accuracy, refusals, speed, how to regenerate."""
    groups = _groups(report)
    accuracy_groups = [g for g in groups if g.scored]  # field tables skip speed-only groups
    overall = report.overall
    names = [g.name for g in accuracy_groups]
    speed = report.speed
    lines = [
        f"## {title}",
        "",
        f"Reader: `{report.source}`. Folder: `{report.folder}`. {overall.cards} images, "
        f"{overall.labelled} labelled, {overall.scored} scored; "
        f"{report.warmup} warm-up read(s) before timing.",
        "",
        "Regenerate with:",
        "",
        "```sh",
        command,
        "```",
        "",
        f"Machine: {machine}",
        "",
        "### Summary",
        "",
        *_table(_SUMMARY_HEADER, _summary_rows(groups)),
        "",
        "*Scored* = labelled, not `expect_reject`, not refused deservedly; an undeserved refusal "
        "scores as wrong on every field. *Field exact* is the mean exact match over the 17 fields; "
        "a value the label lists as out of the photo (`outside`) is exact when read right or "
        "not at all. *NIK right* asks for the true NIK. "
        "*NIK silently wrong* = read, NIK non-null and wrong. Refusals are deserved when the label "
        "has `expect_reject` or `may_refuse` (its NIK or most of its values are out of the "
        f"photo) or the condition is one of: "
        f"{', '.join(report.unreadable_conditions) or _NONE}.",
        "",
        "### Values the reader vouched for",
        "",
        *_table(_SURE_HEADER, [[g.name, *_sure_cells(g.sure)] for g in accuracy_groups]),
        "",
        _SURE_NOTE,
        "",
        "### Exact match per field",
        "",
        *_table(["field", *names], _field_rows(accuracy_groups, _exact)),
        "",
        "### Character error rate per field",
        "",
        *_table(["field", *names], _field_rows(accuracy_groups, _cer)),
        "",
        "### Refusals",
        "",
        *_table(
            (
                "group",
                "refused",
                "share",
                "deserved",
                "undeserved",
                "unlabelled",
                "expected",
                "expected code",
                "missed rejects",
                "NIK on missed reject",
                "codes",
            ),
            [
                [
                    g.name,
                    str(g.refusals.refused),
                    _pct(g.refusals.share),
                    str(g.refusals.deserved),
                    str(g.refusals.undeserved),
                    str(g.refusals.unlabelled),
                    str(g.refusals.expected),
                    str(g.refusals.expected_code_match),
                    str(g.refusals.missed),
                    str(g.nik.invented_on_reject),
                    _codes(g.refusals.codes),
                ]
                for g in groups
            ],
        ),
        "",
        "### Speed",
        "",
        *_table(
            (
                "timed",
                "p50 ms",
                "p90 ms",
                "mean ms",
                "max ms",
                "cards/s",
                "peak RSS MB",
                "wall s",
            ),
            [
                [
                    str(speed.timed),
                    _num(speed.p50_ms),
                    _num(speed.p90_ms),
                    _num(speed.mean_ms),
                    _num(speed.max_ms),
                    _num(speed.cards_per_second, 2),
                    _num(speed.peak_rss_mb, 0),
                    _num(speed.wall_seconds),
                ]
            ],
        ),
    ]
    if speed.stage_ms:
        lines += [
            "",
            *_table(
                ("stage", "mean ms"),
                [[stage, _num(ms)] for stage, ms in speed.stage_ms.items()],
            ),
        ]
    return "\n".join(lines) + "\n"


def to_json(report: BenchReport) -> dict[str, Any]:
    """The report as a JSON-ready dict (every card included)."""
    return report.to_dict()


def compare_markdown(reports: Mapping[str, BenchReport]) -> str:
    """Side-by-side table of several runs (engines or programs), one column per run."""
    if not reports:
        raise ValueError("nothing to compare")
    labels = list(reports)
    runs = list(reports.values())

    def row(label: str, value: Callable[[BenchReport], str]) -> list[str]:
        return [label, *(value(r) for r in runs)]

    rows = [
        row("images", lambda r: str(r.overall.cards)),
        row("scored", lambda r: str(r.overall.scored)),
        row("field exact", lambda r: _pct(r.overall.exact_mean)),
        row("mean CER", lambda r: _num(r.overall.cer_mean, 3)),
        row("NIK right", lambda r: _pct(r.overall.nik.right_rate)),
        row("NIK silently wrong", lambda r: _pct(r.overall.nik.silently_wrong_rate)),
        row("NIK abstained", lambda r: _pct(r.overall.nik.abstained_rate)),
        row("card right", lambda r: _pct(r.overall.card_right_rate)),
        row("sure values wrong", lambda r: _sure_wrong(r.overall.sure)),
        row("refused", lambda r: _pct(r.overall.refusals.share)),
        row("undeserved refusals", lambda r: str(r.overall.refusals.undeserved)),
        row("missed rejects", lambda r: str(r.overall.refusals.missed)),
        row("p50 ms", lambda r: _num(r.speed.p50_ms)),
        row("p90 ms", lambda r: _num(r.speed.p90_ms)),
        row("cards/s", lambda r: _num(r.speed.cards_per_second, 2)),
        row("peak RSS MB", lambda r: _num(r.speed.peak_rss_mb, 0)),
    ]
    conditions: list[str] = []
    for r in runs:
        scored = [c for c, g in r.conditions.items() if g.scored]
        conditions += [c for c in scored if c not in conditions]

    def in_condition(
        cond: str, value: Callable[[GroupSummary], str]
    ) -> Callable[[BenchReport], str]:
        def get(r: BenchReport) -> str:
            group = r.conditions.get(cond)
            return _NONE if group is None else value(group)

        return get

    for cond in conditions:
        rows += [
            row(f"{cond}: field exact", in_condition(cond, lambda g: _pct(g.exact_mean))),
            row(f"{cond}: NIK right", in_condition(cond, lambda g: _pct(g.nik.right_rate))),
            row(
                f"{cond}: NIK silently wrong",
                in_condition(cond, lambda g: _pct(g.nik.silently_wrong_rate)),
            ),
        ]
    field_rows = [[name, *(_exact(r.overall, name) for r in runs)] for name in FIELD_NAMES]
    lines = [
        *_table(["metric", *labels], rows),
        "",
        "Exact match per field (all conditions):",
        "",
        *_table(["field", *labels], field_rows),
    ]
    return "\n".join(lines) + "\n"


def describe_machine() -> str:
    """CPU model, cores, RAM, OS, Python and the versions of the packages that set the speed."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                cpu = line.split(":", 1)[1].strip() or cpu
                break
    ram = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        match = re.search(r"^MemTotal:\s+(\d+)\s+kB", meminfo.read_text(), re.MULTILINE)
        if match:
            ram = f", {int(match.group(1)) / _KIB_PER_GIB:.1f} GiB RAM"
    versions: list[str] = []
    for names in VERSIONED_PACKAGES:
        for name in names:
            try:
                versions.append(f"{name} {metadata.version(name)}")
            except metadata.PackageNotFoundError:
                continue
            break
    return (
        f"{cpu}, {os.cpu_count() or '?'} cores{ram}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; " + ", ".join(versions)
    )


def section_name(report: BenchReport) -> str:
    """A marker-safe section name: the engine's name, or ``command-`` and the command's words."""
    if report.kind == "reader":
        words = [report.source]
    else:
        tokens = [t for t in report.source.split() if "{image}" not in t]
        words = ["command", *(t.rstrip("/").rsplit("/", 1)[-1] for t in tokens)]
    name = _NOT_SECTION_CHAR.sub("-", "-".join(words)).strip("-.")
    return name or "bench"


def _markers(section: str) -> tuple[str, str]:
    if not _SECTION_NAME.match(section):
        raise ValueError(f"section names use letters, digits, '.', '_' and '-': {section!r}")
    return f"<!-- bench:{section}:start -->", f"<!-- bench:{section}:end -->"


def replace_section(document: str, markdown: str, *, section: str) -> str:
    """``document`` with the named section's body replaced by ``markdown`` (appended if absent)."""
    start, end = _markers(section)
    block = f"{start}\n{markdown.rstrip()}\n{end}"
    i, j = document.find(start), document.find(end)
    if i == -1 and j == -1:
        if not document or document.endswith("\n\n"):
            sep = ""
        else:
            sep = "\n" if document.endswith("\n") else "\n\n"
        return f"{document}{sep}{block}\n"
    if i == -1 or j == -1 or j < i or document.count(start) > 1 or document.count(end) > 1:
        raise ValueError(f"the bench:{section} markers in the document are broken")
    return document[:i] + block + document[j + len(end) :]


def write_report(path: str | Path, markdown: str, *, section: str) -> Path:
    """Put ``markdown`` into the named section of the file (created with a title if missing)."""
    target = Path(path)
    document = target.read_text(encoding="utf-8") if target.exists() else "# Benchmarks\n"
    updated = replace_section(document, markdown, section=section)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(updated, encoding="utf-8")
    tmp.replace(target)
    return target


def summary_text(report: BenchReport) -> str:
    """A few plain lines for the terminal: accuracy per condition, then speed."""
    rows = [f"{report.source}: {report.overall.cards} cards from {report.folder}"]
    groups = [("all", report.overall), *report.conditions.items()]
    for name, group in groups:
        nik = group.nik
        rows.append(
            f"  {name:<8} fields {_pct(group.exact_mean):>7}  NIK right {_pct(nik.right_rate):>7}"
            f"  NIK silently wrong {_pct(nik.silently_wrong_rate):>6}"
            f"  card right {group.card_right}/{group.scored}  refused {group.refusals.refused}"
            f"  sure but wrong {_sure_wrong(group.sure)}"
        )
    speed = report.speed
    if speed.p50_ms is not None:
        rows.append(
            f"  speed    p50 {speed.p50_ms:.0f} ms  p90 {speed.p90_ms or 0:.0f} ms  "
            f"{speed.cards_per_second or 0:.2f} cards/s  peak RSS {speed.peak_rss_mb or 0:.0f} MB"
        )
    return "\n".join(rows)
