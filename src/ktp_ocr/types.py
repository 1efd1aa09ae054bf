"""Core value types that cross every boundary of the pipeline.

Everything here is a frozen dataclass or an enum: no pixels, no engines, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import StrEnum
from typing import Any, Final, Generic, Literal, TypeVar

T = TypeVar("T")

SEUMUR_HIDUP = "SEUMUR HIDUP"


class FieldName(StrEnum):
    """The card's fields, named by the card's own labels."""

    NIK = "nik"
    NAMA = "nama"
    TEMPAT_LAHIR = "tempat_lahir"
    TANGGAL_LAHIR = "tanggal_lahir"
    JENIS_KELAMIN = "jenis_kelamin"
    GOLONGAN_DARAH = "golongan_darah"
    ALAMAT = "alamat"
    RT_RW = "rt_rw"
    KELURAHAN_DESA = "kelurahan_desa"
    KECAMATAN = "kecamatan"
    AGAMA = "agama"
    STATUS_PERKAWINAN = "status_perkawinan"
    PEKERJAAN = "pekerjaan"
    KEWARGANEGARAAN = "kewarganegaraan"
    BERLAKU_HINGGA = "berlaku_hingga"
    PROVINSI = "provinsi"
    KABUPATEN_KOTA = "kabupaten_kota"
    # Under the photo: the issuing regency/city and the issue date (no printed label).
    TEMPAT_TERBIT = "tempat_terbit"
    TANGGAL_TERBIT = "tanggal_terbit"


#: The 17 fields every reading reports and the benchmark scores.
CARD_FIELDS: tuple[FieldName, ...] = tuple(FieldName)[:17]
#: Fields whose canonical value is a ``date``.
DATE_FIELDS: frozenset[FieldName] = frozenset({FieldName.TANGGAL_LAHIR, FieldName.TANGGAL_TERBIT})


class Sex(StrEnum):
    """Sex as the card prints it."""

    MALE = "LAKI-LAKI"
    FEMALE = "PEREMPUAN"


Condition = Literal["scan", "photo", "hard"]


@dataclass(frozen=True, slots=True)
class BBox:
    """Axis-aligned box in pixel coordinates of the image it was found in."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        """Width in pixels."""
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        """Height in pixels."""
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        """Horizontal centre."""
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        """Vertical centre."""
        return (self.y0 + self.y1) / 2

    def union(self, other: BBox) -> BBox:
        """Smallest box holding both boxes."""
        return BBox(
            min(self.x0, other.x0),
            min(self.y0, other.y0),
            max(self.x1, other.x1),
            max(self.y1, other.y1),
        )

    def scaled(self, sx: float, sy: float | None = None) -> BBox:
        """The box with coordinates multiplied by ``sx`` (and ``sy``)."""
        sy = sx if sy is None else sy
        return BBox(self.x0 * sx, self.y0 * sy, self.x1 * sx, self.y1 * sy)

    def translated(self, dx: float, dy: float) -> BBox:
        """The box moved by ``(dx, dy)``."""
        return BBox(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)

    def as_list(self) -> list[float]:
        """``[x0, y0, x1, y1]`` rounded to one decimal, for JSON."""
        return [round(v, 1) for v in (self.x0, self.y0, self.x1, self.y1)]


Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One line of text as an OCR engine read it.

    ``quad`` is the line's rotated outline when the engine gives one: four corners in the
    text's own reading order (its top-left, top-right, bottom-right, bottom-left as read), so
    the first edge points the way the text was read, whatever the line's angle in the image.
    """

    text: str
    box: BBox
    confidence: float
    quad: tuple[Point, Point, Point, Point] | None = None


#: A value given with no issue and at least this confidence is *sure* (:attr:`FieldValue.sure`).
#: A line's confidence is the mean of its characters': one misread letter in a blurred word
#: lowers it little, so sure values are wrong now and then on hard photos (docs/benchmarks.md).
SURE_CONFIDENCE: Final = 0.9
#: Quality verdicts on one place of the card, not on all of it (:meth:`ReadResult.doubted`).
LOCAL_VERDICTS: Final = frozenset({"glare"})


@dataclass(frozen=True, slots=True)
class RawField:
    """The text the layout assigned to one field, before parsing."""

    text: str
    box: BBox | None
    confidence: float


@dataclass(frozen=True, slots=True)
class FieldValue(Generic[T]):
    """A parsed field: the value (None when unreadable), the raw text and how sure we are."""

    value: T | None
    raw: str
    confidence: float
    issues: tuple[str, ...] = ()
    box: BBox | None = None

    @property
    def sure(self) -> bool:
        """The value is given, with no issue and a confidence of :data:`SURE_CONFIDENCE` or more.

        A reading vouches for it when, besides, no quality verdict concerns it
        (:meth:`ReadResult.is_sure`): a rule to accept values without review and send the rest
        to a person. How often a sure value is wrong is measured by ``ktp-ocr bench``.
        """
        return self.value is not None and not self.issues and self.confidence >= SURE_CONFIDENCE


CardValue = str | date


@dataclass(frozen=True, slots=True)
class KtpCard:
    """The card's data in canonical form (see KTP.md: upper case, dates as ``date``)."""

    nik: str | None = None
    nama: str | None = None
    tempat_lahir: str | None = None
    tanggal_lahir: date | None = None
    jenis_kelamin: str | None = None
    golongan_darah: str | None = None
    alamat: str | None = None
    rt_rw: str | None = None
    kelurahan_desa: str | None = None
    kecamatan: str | None = None
    agama: str | None = None
    status_perkawinan: str | None = None
    pekerjaan: str | None = None
    kewarganegaraan: str | None = None
    berlaku_hingga: date | str | None = None
    provinsi: str | None = None
    kabupaten_kota: str | None = None
    tempat_terbit: str | None = None
    tanggal_terbit: date | None = None

    def get(self, name: FieldName) -> CardValue | None:
        """The value of one field."""
        value: CardValue | None = getattr(self, name.value)
        return value

    def with_values(self, **values: CardValue | None) -> KtpCard:
        """A copy with some fields replaced."""
        return replace(self, **values)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, str | None]:
        """Canonical JSON form: dates as ``YYYY-MM-DD``, everything else as printed."""
        out: dict[str, str | None] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, date) else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KtpCard:
        """Inverse of :meth:`to_dict`; unknown keys are ignored."""
        values: dict[str, CardValue | None] = {}
        for f in fields(cls):
            raw = data.get(f.name)
            if raw is None:
                values[f.name] = None
            elif f.name in DATE_FIELDS or (f.name == "berlaku_hingga" and raw != SEUMUR_HIDUP):
                values[f.name] = date.fromisoformat(str(raw))
            else:
                values[f.name] = str(raw)
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Nik:
    """A decoded NIK: ``PP KK CC DDMMYY SSSS``."""

    province: str
    regency: str
    district: str
    birth_date: date
    sex: Sex
    serial: str

    @property
    def province_code(self) -> str:
        """Two-digit province code, e.g. ``"32"``."""
        return self.province

    @property
    def regency_code(self) -> str:
        """Four-digit regency/city code, e.g. ``"3273"``."""
        return self.province + self.regency

    @property
    def district_code(self) -> str:
        """Six-digit district (kecamatan) code, e.g. ``"327301"``."""
        return self.province + self.regency + self.district


RegionLevel = Literal["provinsi", "kabupaten_kota", "kecamatan", "kelurahan_desa"]
RegionKind = Literal["provinsi", "kabupaten", "kota", "kecamatan", "kelurahan", "desa"]
REGION_LEVELS: tuple[RegionLevel, ...] = (
    "provinsi",
    "kabupaten_kota",
    "kecamatan",
    "kelurahan_desa",
)


@dataclass(frozen=True, slots=True)
class Region:
    """One administrative region with its Kemendagri code (no dots: ``3174051001``)."""

    code: str
    name: str
    kind: RegionKind
    parent: str | None = None
    postal_code: str | None = None

    @property
    def level(self) -> RegionLevel:
        """Level implied by the code length (2, 4, 6 or 10 digits)."""
        return {2: "provinsi", 4: "kabupaten_kota", 6: "kecamatan"}.get(
            len(self.code), "kelurahan_desa"
        )  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class RegionMatch:
    """How one printed place name matched the region data."""

    level: RegionLevel
    query: str
    region: Region | None
    score: float
    ambiguous: bool = False
    agrees_with_nik: bool | None = None
    historic: bool = False
    #: The region was given by the NIK and a place read surely under this line, not by what
    #: this line reads (blurred, cut short or garbled past matching on its own).
    from_nik: bool = False


Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Check:
    """One cross-field consistency check; ``passed`` is None when it could not be decided."""

    code: str
    passed: bool | None
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class QualityVerdict:
    """An image-quality finding: a stable code, a sentence a person can act on, a measure."""

    code: str
    message: str
    severity: Literal["reject", "warning"]
    value: float | None = None
    field: FieldName | None = None


@dataclass(frozen=True, slots=True)
class ReadResult:
    """Everything a reading produced.

    ``score`` is 0-100 (the caller picks the threshold); ``issues`` lists machine-readable codes.
    """

    card: KtpCard
    fields: Mapping[FieldName, FieldValue[Any]]
    score: float
    issues: tuple[str, ...] = ()
    nik: Nik | None = None
    checks: tuple[Check, ...] = ()
    regions: tuple[RegionMatch, ...] = ()
    quality: tuple[QualityVerdict, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict)
    engine: str = ""
    card_quad: tuple[Point, ...] | None = None
    card_size: tuple[int, int] | None = None
    card_image: Any = None  # upright flattened card (BGR ndarray) when asked for

    def doubted(self, name: FieldName) -> bool:
        """Whether a quality verdict concerns the field.

        One on the field itself does (glare over the NIK), and one on the whole card (its
        resolution, its size in the frame, blur, light). A reflection elsewhere on the card
        (:data:`LOCAL_VERDICTS`) does not: the values it reaches carry their own issue
        (``glare_over_value``), and a white headscarf in the portrait reads as one too.
        """
        return any(
            q.field == name or (q.field is None and q.code not in LOCAL_VERDICTS)
            for q in self.quality
        )

    def is_sure(self, name: FieldName) -> bool:
        """Whether the reader vouches for the field's value.

        :attr:`FieldValue.sure`, and no quality verdict concerns it: a photo whose small print
        may be misread vouches for none of its values.
        """
        fv = self.fields.get(name)
        return fv is not None and fv.sure and not self.doubted(name)


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def field_to_dict(fv: FieldValue[Any], *, doubted: bool = False) -> dict[str, Any]:
    """JSON form of one field (``doubted``: a quality verdict concerns it, so it is not sure)."""
    return {
        "value": _jsonable(fv.value),
        "raw": fv.raw,
        "confidence": round(fv.confidence, 4),
        "issues": list(fv.issues),
        "sure": fv.sure and not doubted,
        "box": None if fv.box is None else fv.box.as_list(),
    }


def fields_to_dict(result: ReadResult) -> dict[str, dict[str, Any]]:
    """JSON form of a reading's fields, each ``sure`` as the reading vouches for it."""
    return {
        name.value: field_to_dict(fv, doubted=result.doubted(name))
        for name, fv in result.fields.items()
    }


def region_match_to_dict(m: RegionMatch) -> dict[str, Any]:
    """JSON form of one region match."""
    r = m.region
    return {
        "level": m.level,
        "query": m.query,
        "code": r.code if r else None,
        "name": r.name if r else None,
        "kind": r.kind if r else None,
        "postal_code": r.postal_code if r else None,
        "score": round(m.score, 1),
        "ambiguous": m.ambiguous,
        "agrees_with_nik": m.agrees_with_nik,
        "historic": m.historic,
        "from_nik": m.from_nik,
    }


def nik_to_dict(nik: Nik) -> dict[str, Any]:
    """JSON form of the NIK's own facts."""
    return {
        "province_code": nik.province_code,
        "regency_code": nik.regency_code,
        "district_code": nik.district_code,
        "birth_date": nik.birth_date.isoformat(),
        "sex": nik.sex.value,
        "serial": nik.serial,
    }


def check_to_dict(check: Check) -> dict[str, Any]:
    """JSON form of one consistency check."""
    return {
        "code": check.code,
        "passed": check.passed,
        "severity": check.severity,
        "message": check.message,
    }


def quality_to_dict(verdict: QualityVerdict) -> dict[str, Any]:
    """JSON form of one image-quality verdict."""
    return {
        "code": verdict.code,
        "message": verdict.message,
        "severity": verdict.severity,
        "value": verdict.value,
        "field": verdict.field.value if verdict.field else None,
    }


def result_to_dict(result: ReadResult) -> dict[str, Any]:
    """The JSON form of a reading (``fields.<key>.value`` holds the canonical value)."""
    return {
        "fields": fields_to_dict(result),
        "nik": None if result.nik is None else nik_to_dict(result.nik),
        "checks": [check_to_dict(c) for c in result.checks],
        "regions": [region_match_to_dict(m) for m in result.regions],
        "quality": [quality_to_dict(q) for q in result.quality],
        "score": round(result.score, 1),
        "issues": list(result.issues),
        "engine": result.engine,
        "card_quad": None if result.card_quad is None else [list(p) for p in result.card_quad],
        "card_size": None if result.card_size is None else list(result.card_size),
        "timings_ms": dict(result.timings),
    }
