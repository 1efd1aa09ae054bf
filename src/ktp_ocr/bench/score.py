"""Scoring a benchmark run: pure arithmetic over labels and predictions, no I/O.

Definitions (the report repeats them):

- **Values** are compared as strings after trivial whitespace normalisation only (strip, runs of
  whitespace to one space; an empty string is ``None``). Case and punctuation count.
- **Exact match** per field: normalised prediction == normalised truth (``None`` == ``None``).
  A field the label lists as ``outside`` (its printed value is not wholly in the photo, so no
  reader can read it there) is exact when the prediction is the truth or ``None``, and costs no
  CER when ``None``: the right answer to a value that cannot be seen is no value.
- **CER** per field: ``Levenshtein(truth, pred) / len(truth)``; a missing prediction costs 1.0;
  when the truth is ``None`` the CER is 0.0 if the prediction is ``None`` too, else 1.0. Not capped.
- **Refusal** = the reader raised an input error (the code is kept). It is *deserved* when the label
  carries ``expect_reject`` or ``may_refuse`` (the card's NIK, or most of its values, lie out of
  the photo: refusing and reading are both right) or its ``condition`` is one of the unreadable
  conditions (default ``{"unreadable"}``); any other refusal is *undeserved*. Refusals of
  unlabelled images are neither.
- **Scored cards** (the denominator of every accuracy figure): labelled cards that do not carry
  ``expect_reject`` and were not refused deservedly. An undeserved refusal is scored as wrong on
  all 17 fields (CER 1.0 each).
- **NIK outcome** of a scored card, exactly one of: ``right``; ``silently_wrong`` (read, not
  refused, NIK non-null and wrong: the key safety metric); ``abstained`` (NIK null where the truth
  has one); ``refused`` (undeserved refusal). Cards labelled ``expect_reject`` that were read anyway
  count as *missed rejects*; when they came back with a NIK that is not the truth's, they also count
  as ``nik_invented_on_reject``.
- **Sure values** measure the rule "accept a value the reader vouches for without review" (ours
  vouches through ``ReadResult.is_sure``: given, no issue, confidence >= ``SURE_CONFIDENCE``, no
  quality verdict on the value or the whole card). They
  are counted over the 17 fields of the scored cards that were read (not refused) and whose reader
  said which values are sure (other cards are left out, so the three counts share one base):
  *values given* = fields whose normalised prediction is non-null; *sure* = given values the
  reader called sure (a "sure" null counts nowhere); *sure but wrong* = sure values that are not
  exact (as defined above, ``outside`` included). *Sure share* = sure / values given;
  *sure-but-wrong rate* = sure but wrong / sure. A run where no image read said which values are
  sure (e.g. a ``--command`` program whose fields carry no boolean ``sure``) has no such figures
  at all ("n/a"), rather than zeros.
- **Latency** percentiles use linear interpolation between closest ranks (NumPy's default).
  ``cards_per_second`` is ``1000 / mean latency``: one stream, reading time only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from rapidfuzz.distance import Levenshtein

from ktp_ocr.types import CARD_FIELDS

#: The 17 scored field names, in card order.
FIELD_NAMES: tuple[str, ...] = tuple(f.value for f in CARD_FIELDS)
#: Condition labels whose refusals are deserved by default.
UNREADABLE_CONDITIONS: frozenset[str] = frozenset({"unreadable"})
#: Group name of images that came without a label file.
UNLABELLED = "unlabelled"
#: Conditions listed first in reports, in this order; any others follow alphabetically.
CONDITION_ORDER: tuple[str, ...] = ("scan", "photo", "hard")

NikOutcome = Literal["right", "silently_wrong", "abstained", "refused"]
Values = Mapping[str, str | None]


def normalise(value: object) -> str | None:
    """Trivial normalisation: ``str()``, strip, collapse whitespace; empty becomes ``None``."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def char_error_rate(truth: str | None, pred: str | None) -> float:
    """Levenshtein distance over the truth's length (see the module docstring for ``None``)."""
    if truth is None:
        return 0.0 if pred is None else 1.0
    if pred is None:
        return 1.0
    return Levenshtein.distance(truth, pred) / len(truth)


@dataclass(frozen=True, slots=True)
class Truth:
    """One label: the card's canonical values, its condition and an optional expected refusal."""

    card_id: str
    condition: str
    fields: Values
    expect_reject: str | None = None
    outside: frozenset[str] = frozenset()
    may_refuse: bool = False

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, default_id: str = "") -> Truth:
        """Build from the generator's ``<id>.json`` (``id``, ``condition``, ``fields``, ...)."""
        raw_fields = data.get("fields") or {}
        if not isinstance(raw_fields, Mapping):
            raise ValueError("label 'fields' must be an object")
        reject = data.get("expect_reject")
        outside = data.get("outside") or []
        if not isinstance(outside, list):
            raise ValueError("label 'outside' must be a list of field names")
        return cls(
            card_id=str(data.get("id") or default_id),
            condition=str(data.get("condition") or "unknown"),
            fields={name: normalise(raw_fields.get(name)) for name in FIELD_NAMES},
            expect_reject=str(reject) if reject else None,
            outside=frozenset(str(name) for name in outside),
            may_refuse=data.get("may_refuse") is True,
        )


@dataclass(frozen=True, slots=True)
class Prediction:
    """What a reader produced for one image: values, or a refusal code; plus its timing."""

    card_id: str
    fields: Values | None = None
    refusal: str | None = None
    latency_ms: float | None = None
    timings: Mapping[str, float] = field(default_factory=dict)
    #: Names of the fields the reader vouched for; None when the reader does not say.
    sure: frozenset[str] | None = None

    @property
    def refused(self) -> bool:
        """True when the reader refused the image."""
        return self.refusal is not None


@dataclass(frozen=True, slots=True)
class CardScore:
    """The verdict on one image."""

    card_id: str
    condition: str
    labelled: bool
    refusal: str | None
    deserved: bool | None  # None unless refused and labelled
    expect_reject: str | None
    scored: bool
    exact: Mapping[str, bool]  # empty unless scored
    cer: Mapping[str, float]  # empty unless scored
    nik: NikOutcome | None  # None unless scored
    nik_invented_on_reject: bool
    latency_ms: float | None
    timings: Mapping[str, float]
    sure_reported: bool | None = None  # None when refused: did the reader say what is sure?
    given: tuple[str, ...] = ()  # fields with a value; empty unless scored and read
    sure: tuple[str, ...] = ()  # given and sure; empty unless scored, read and reported
    sure_wrong: tuple[str, ...] = ()  # sure and not exact; same condition

    @property
    def refused(self) -> bool:
        """True when the reader refused the image."""
        return self.refusal is not None

    @property
    def card_right(self) -> bool:
        """All 17 fields exactly right (False when not scored)."""
        return self.scored and all(self.exact.values())

    @property
    def missed_reject(self) -> bool:
        """Labelled ``expect_reject`` but read anyway."""
        return self.expect_reject is not None and not self.refused

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.card_id,
            "condition": self.condition,
            "labelled": self.labelled,
            "refusal": self.refusal,
            "deserved": self.deserved,
            "expect_reject": self.expect_reject,
            "scored": self.scored,
            "card_right": self.card_right,
            "nik": self.nik,
            "nik_invented_on_reject": self.nik_invented_on_reject,
            "exact": dict(self.exact),
            "cer": dict(self.cer),
            "sure_reported": self.sure_reported,
            "given": list(self.given),
            "sure": list(self.sure),
            "sure_wrong": list(self.sure_wrong),
            "latency_ms": self.latency_ms,
            "timings": dict(self.timings),
        }


def _vouched(
    pred: Prediction, got: Values, exact: Mapping[str, bool]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Values given, sure and sure-but-wrong of a scored card that was read."""
    given = tuple(name for name in FIELD_NAMES if got[name] is not None)
    if pred.sure is None:
        return given, (), ()
    sure = tuple(name for name in given if name in pred.sure)
    return given, sure, tuple(name for name in sure if not exact[name])


def score_card(
    truth: Truth | None,
    pred: Prediction,
    *,
    unreadable_conditions: Iterable[str] = UNREADABLE_CONDITIONS,
) -> CardScore:
    """Score one prediction against its label (``truth=None``: unlabelled, speed only)."""
    if truth is None:
        return CardScore(
            card_id=pred.card_id,
            condition=UNLABELLED,
            labelled=False,
            deserved=None,
            expect_reject=None,
            scored=False,
            exact={},
            cer={},
            nik=None,
            nik_invented_on_reject=False,
            refusal=pred.refusal,
            latency_ms=pred.latency_ms,
            timings=dict(pred.timings),
            sure_reported=None if pred.refused else pred.sure is not None,
        )
    excused = (
        truth.expect_reject is not None
        or truth.may_refuse
        or truth.condition in set(unreadable_conditions)
    )
    deserved = excused if pred.refused else None
    got: dict[str, str | None] = {
        name: None if pred.fields is None else normalise(pred.fields.get(name))
        for name in FIELD_NAMES
    }
    invented = (
        truth.expect_reject is not None
        and not pred.refused
        and got["nik"] is not None
        and got["nik"] != truth.fields.get("nik")
    )
    scored = truth.expect_reject is None and deserved is not True
    exact: dict[str, bool] = {}
    cer: dict[str, float] = {}
    nik: NikOutcome | None = None
    given: tuple[str, ...] = ()
    sure: tuple[str, ...] = ()
    sure_wrong: tuple[str, ...] = ()
    if scored and pred.refused:
        exact = dict.fromkeys(FIELD_NAMES, False)
        cer = dict.fromkeys(FIELD_NAMES, 1.0)
        nik = "refused"
    elif scored:
        for name in FIELD_NAMES:
            want = truth.fields.get(name)
            unseen = name in truth.outside and got[name] is None
            exact[name] = got[name] == want or unseen
            cer[name] = 0.0 if unseen else char_error_rate(want, got[name])
        if got["nik"] is not None and got["nik"] == truth.fields.get("nik"):
            nik = "right"
        elif got["nik"] is None:
            nik = "abstained"
        else:
            nik = "silently_wrong"
        given, sure, sure_wrong = _vouched(pred, got, exact)
    return CardScore(
        card_id=pred.card_id,
        condition=truth.condition,
        labelled=True,
        deserved=deserved,
        expect_reject=truth.expect_reject,
        scored=scored,
        exact=exact,
        cer=cer,
        nik=nik,
        nik_invented_on_reject=invented,
        refusal=pred.refusal,
        latency_ms=pred.latency_ms,
        timings=dict(pred.timings),
        sure_reported=None if pred.refused else pred.sure is not None,
        given=given,
        sure=sure,
        sure_wrong=sure_wrong,
    )
