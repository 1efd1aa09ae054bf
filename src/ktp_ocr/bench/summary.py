"""Summing a benchmark's card scores into groups, speed figures and the report.

The definitions are :mod:`ktp_ocr.bench.score`'s; this module only adds them up.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ktp_ocr.bench.score import (
    CONDITION_ORDER,
    FIELD_NAMES,
    UNLABELLED,
    UNREADABLE_CONDITIONS,
    CardScore,
)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) with linear interpolation; ``None`` for no values."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, got {q}")
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass(frozen=True, slots=True)
class FieldStats:
    """Exact-match rate and mean CER of one field over the scored cards."""

    exact: float
    cer: float

    def to_dict(self) -> dict[str, float]:
        """JSON form."""
        return {"exact": self.exact, "cer": self.cer}


@dataclass(frozen=True, slots=True)
class NikStats:
    """NIK outcomes over the scored cards (they add up to ``scored``)."""

    scored: int
    right: int
    silently_wrong: int
    abstained: int
    refused: int
    invented_on_reject: int

    @property
    def right_rate(self) -> float | None:
        """Share of scored cards with the NIK exactly right."""
        return _ratio(self.right, self.scored)

    @property
    def silently_wrong_rate(self) -> float | None:
        """Share of scored cards read with a non-null, wrong NIK."""
        return _ratio(self.silently_wrong, self.scored)

    @property
    def abstained_rate(self) -> float | None:
        """Share of scored cards read with a null NIK."""
        return _ratio(self.abstained, self.scored)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "scored": self.scored,
            "right": self.right,
            "silently_wrong": self.silently_wrong,
            "abstained": self.abstained,
            "refused": self.refused,
            "invented_on_reject": self.invented_on_reject,
            "right_rate": self.right_rate,
            "silently_wrong_rate": self.silently_wrong_rate,
            "abstained_rate": self.abstained_rate,
        }


@dataclass(frozen=True, slots=True)
class SureStats:
    """Values the reader vouched for, on scored cards read with sureness reported."""

    cards: int  # scored cards, read, whose reader said which values are sure
    values: int  # non-null values over their 17 fields
    sure: int  # of those, the ones the reader called sure
    sure_wrong: int  # of those, the ones not exact

    @property
    def sure_share(self) -> float | None:
        """Sure values over values given."""
        return _ratio(self.sure, self.values)

    @property
    def sure_wrong_rate(self) -> float | None:
        """Sure values that are wrong over sure values."""
        return _ratio(self.sure_wrong, self.sure)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "cards": self.cards,
            "values": self.values,
            "sure": self.sure,
            "sure_wrong": self.sure_wrong,
            "sure_share": self.sure_share,
            "sure_wrong_rate": self.sure_wrong_rate,
        }


def sure_stats(cards: Iterable[CardScore], *, reported: bool | None = None) -> SureStats | None:
    """Sure-value counts of the scored, read cards that reported sureness.

    ``None`` when sureness was not reported: ``reported`` says so for the whole run; left
    ``None``, it is whether any read card of ``cards`` reported it.
    """
    cards = list(cards)
    if reported is None:
        reported = any(c.sure_reported for c in cards)
    if not reported:
        return None
    counted = [c for c in cards if c.scored and c.sure_reported]
    return SureStats(
        cards=len(counted),
        values=sum(len(c.given) for c in counted),
        sure=sum(len(c.sure) for c in counted),
        sure_wrong=sum(len(c.sure_wrong) for c in counted),
    )


@dataclass(frozen=True, slots=True)
class RefusalStats:
    """Refusals among all images of a group, with their codes."""

    cards: int
    refused: int
    deserved: int
    undeserved: int
    unlabelled: int  # refusals of images without a label
    codes: Mapping[str, int]
    expected: int  # cards labelled expect_reject
    expected_code_match: int  # deserved by expect_reject, with the expected code
    missed: int  # expect_reject cards that were read anyway

    @property
    def share(self) -> float | None:
        """Refused images over all images."""
        return _ratio(self.refused, self.cards)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "cards": self.cards,
            "refused": self.refused,
            "share": self.share,
            "deserved": self.deserved,
            "undeserved": self.undeserved,
            "unlabelled": self.unlabelled,
            "codes": dict(self.codes),
            "expected": self.expected,
            "expected_code_match": self.expected_code_match,
            "missed": self.missed,
        }


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """Accuracy, refusals and latency over a group of images (all, or one condition)."""

    name: str
    cards: int
    labelled: int
    scored: int
    exact_mean: float | None  # mean exact match over the 17 fields and the scored cards
    cer_mean: float | None
    fields: Mapping[str, FieldStats]  # empty when nothing was scored
    nik: NikStats
    card_right: int
    refusals: RefusalStats
    latency_p50_ms: float | None
    latency_p90_ms: float | None
    sure: SureStats | None = None  # None when the reader does not say which values are sure

    @property
    def card_right_rate(self) -> float | None:
        """Share of scored cards with all 17 fields right."""
        return _ratio(self.card_right, self.scored)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "name": self.name,
            "cards": self.cards,
            "labelled": self.labelled,
            "scored": self.scored,
            "exact_mean": self.exact_mean,
            "cer_mean": self.cer_mean,
            "card_right": self.card_right,
            "card_right_rate": self.card_right_rate,
            "nik": self.nik.to_dict(),
            "fields": {name: stats.to_dict() for name, stats in self.fields.items()},
            "refusals": self.refusals.to_dict(),
            "latency_p50_ms": self.latency_p50_ms,
            "latency_p90_ms": self.latency_p90_ms,
            "sure": None if self.sure is None else self.sure.to_dict(),
        }


def summarize(
    cards: Sequence[CardScore], *, name: str, sure_reported: bool | None = None
) -> GroupSummary:
    """Aggregate card scores into one group's figures.

    ``sure_reported`` tells whether the run's reader says which values are sure (default: whether
    any read card of this group did); see :func:`sure_stats`.
    """
    scored = [c for c in cards if c.scored]
    fields: dict[str, FieldStats] = {}
    if scored:
        for fname in FIELD_NAMES:
            fields[fname] = FieldStats(
                exact=sum(c.exact[fname] for c in scored) / len(scored),
                cer=sum(c.cer[fname] for c in scored) / len(scored),
            )
    outcomes = Counter(c.nik for c in scored)
    refused = [c for c in cards if c.refused]
    latencies = [c.latency_ms for c in cards if c.latency_ms is not None]
    return GroupSummary(
        name=name,
        cards=len(cards),
        labelled=sum(c.labelled for c in cards),
        scored=len(scored),
        exact_mean=_mean([s.exact for s in fields.values()]),
        cer_mean=_mean([s.cer for s in fields.values()]),
        fields=fields,
        nik=NikStats(
            scored=len(scored),
            right=outcomes["right"],
            silently_wrong=outcomes["silently_wrong"],
            abstained=outcomes["abstained"],
            refused=outcomes["refused"],
            invented_on_reject=sum(c.nik_invented_on_reject for c in cards),
        ),
        card_right=sum(c.card_right for c in scored),
        refusals=RefusalStats(
            cards=len(cards),
            refused=len(refused),
            deserved=sum(c.deserved is True for c in refused),
            undeserved=sum(c.deserved is False for c in refused),
            unlabelled=sum(not c.labelled for c in refused),
            codes=dict(sorted(Counter(str(c.refusal) for c in refused).items())),
            expected=sum(c.expect_reject is not None for c in cards),
            expected_code_match=sum(
                c.expect_reject is not None and c.refusal == c.expect_reject for c in cards
            ),
            missed=sum(c.missed_reject for c in cards),
        ),
        latency_p50_ms=percentile(latencies, 50),
        latency_p90_ms=percentile(latencies, 90),
        sure=sure_stats(cards, reported=sure_reported),
    )


@dataclass(frozen=True, slots=True)
class SpeedStats:
    """Latency, throughput, time per pipeline stage and memory over every timed image."""

    timed: int
    p50_ms: float | None
    p90_ms: float | None
    mean_ms: float | None
    max_ms: float | None
    cards_per_second: float | None
    stage_ms: Mapping[str, float]  # mean ms per stage over the reads that reported it
    peak_rss_mb: float | None
    wall_seconds: float | None  # the whole run, warm-up and file I/O included

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "timed": self.timed,
            "p50_ms": self.p50_ms,
            "p90_ms": self.p90_ms,
            "mean_ms": self.mean_ms,
            "max_ms": self.max_ms,
            "cards_per_second": self.cards_per_second,
            "stage_ms": dict(self.stage_ms),
            "peak_rss_mb": self.peak_rss_mb,
            "wall_seconds": self.wall_seconds,
        }


def speed_stats(
    cards: Sequence[CardScore],
    *,
    peak_rss_mb: float | None = None,
    wall_seconds: float | None = None,
) -> SpeedStats:
    """Latency percentiles, throughput and mean per-stage time of the timed images."""
    latencies = [c.latency_ms for c in cards if c.latency_ms is not None]
    mean = _mean(latencies)
    stages: dict[str, list[float]] = {}
    for card in cards:
        if card.latency_ms is None:
            continue
        for stage, ms in card.timings.items():
            stages.setdefault(stage, []).append(ms)
    return SpeedStats(
        timed=len(latencies),
        p50_ms=percentile(latencies, 50),
        p90_ms=percentile(latencies, 90),
        mean_ms=mean,
        max_ms=max(latencies) if latencies else None,
        cards_per_second=1000 / mean if mean else None,
        stage_ms={stage: sum(v) / len(v) for stage, v in stages.items()},
        peak_rss_mb=peak_rss_mb,
        wall_seconds=wall_seconds,
    )


def _condition_key(name: str) -> tuple[int, str]:
    if name in CONDITION_ORDER:
        return (CONDITION_ORDER.index(name), name)
    return (len(CONDITION_ORDER) + (name == UNLABELLED), name)


@dataclass(frozen=True, slots=True)
class BenchReport:
    """A whole benchmark run: what was measured, the overall and per-condition figures, speed."""

    source: str  # engine name or the command template
    folder: str
    overall: GroupSummary
    conditions: Mapping[str, GroupSummary]
    speed: SpeedStats
    cards: tuple[CardScore, ...]
    kind: Literal["reader", "command"] = "reader"
    warmup: int = 0
    unreadable_conditions: tuple[str, ...] = tuple(sorted(UNREADABLE_CONDITIONS))

    def to_dict(self) -> dict[str, Any]:
        """JSON form (every card included)."""
        return {
            "source": self.source,
            "kind": self.kind,
            "folder": self.folder,
            "warmup": self.warmup,
            "unreadable_conditions": list(self.unreadable_conditions),
            "overall": self.overall.to_dict(),
            "conditions": {k: v.to_dict() for k, v in self.conditions.items()},
            "speed": self.speed.to_dict(),
            "cards": [c.to_dict() for c in self.cards],
        }


def build_report(
    cards: Sequence[CardScore],
    *,
    source: str,
    kind: Literal["reader", "command"] = "reader",
    folder: str = "",
    warmup: int = 0,
    peak_rss_mb: float | None = None,
    wall_seconds: float | None = None,
    unreadable_conditions: Iterable[str] = UNREADABLE_CONDITIONS,
) -> BenchReport:
    """Aggregate scored cards overall and per condition."""
    names = sorted({c.condition for c in cards}, key=_condition_key)
    # Whether the run's reader says which values are sure, so that a group in which nothing was
    # read shows zero counts rather than "not reported".
    reported = any(c.sure_reported for c in cards)
    return BenchReport(
        source=source,
        folder=folder,
        overall=summarize(cards, name="all", sure_reported=reported),
        conditions={
            n: summarize([c for c in cards if c.condition == n], name=n, sure_reported=reported)
            for n in names
        },
        speed=speed_stats(cards, peak_rss_mb=peak_rss_mb, wall_seconds=wall_seconds),
        cards=tuple(cards),
        kind=kind,
        warmup=warmup,
        unreadable_conditions=tuple(sorted(unreadable_conditions)),
    )
