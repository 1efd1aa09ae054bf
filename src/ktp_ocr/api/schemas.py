"""Pydantic models of the HTTP answers (they drive the OpenAPI document at ``/docs``).

``dataOcrKtp`` and ``dataNikParser`` keep the original service's camelCase keys so its clients
keep working; everything added alongside uses the library's snake_case JSON.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

_FIELD_EXAMPLE: dict[str, Any] = {
    "value": "3273015205900001",
    "raw": "3273015205900001",
    "confidence": 0.9871,
    "issues": [],
    "sure": True,
    "box": [212.0, 96.5, 575.0, 131.0],
}


class DataOcrKtp(BaseModel):
    """The card's fields under the original service's names (null when unreadable)."""

    province: str | None = Field(None, examples=["JAWA BARAT"])
    city: str | None = Field(None, examples=["KOTA BANDUNG"])
    nik: str | None = Field(None, examples=["3273015205900001"])
    name: str | None = Field(None, examples=["SITI NURHALIZA"])
    birthPlace: str | None = Field(None, examples=["BANDUNG"])
    birthDate: str | None = Field(None, description="DD-MM-YYYY", examples=["12-05-1990"])
    gender: str | None = Field(None, examples=["PEREMPUAN"])
    address: str | None = Field(None, examples=["JL. MERDEKA NO. 10"])
    rt: str | None = Field(None, examples=["003"])
    rw: str | None = Field(None, examples=["005"])
    subDistrict: str | None = Field(None, description="kelurahan/desa", examples=["GEGERKALONG"])
    districts: str | None = Field(None, description="kecamatan", examples=["SUKASARI"])
    religion: str | None = Field(None, examples=["ISLAM"])
    maritalStatus: str | None = Field(None, examples=["KAWIN"])
    job: str | None = Field(None, examples=["KARYAWAN SWASTA"])
    nationality: str | None = Field(None, examples=["WNI"])
    bloodType: str | None = Field(None, examples=["O"])
    validUntil: str | None = Field(
        None, description="SEUMUR HIDUP or DD-MM-YYYY", examples=["SEUMUR HIDUP"]
    )


class DataNikParser(BaseModel):
    """What the NIK itself says, as the original returned it (present when the NIK is valid)."""

    province: str | None = Field(None, examples=["JAWA BARAT"])
    city: str | None = Field(None, examples=["KOTA BANDUNG"])
    district: str | None = Field(None, examples=["SUKASARI"])
    zipCode: str | None = Field(None, examples=["40153"])
    gender: str = Field(examples=["PEREMPUAN"])
    lahir: str = Field(description="birth date, DD-MM-YYYY", examples=["12-05-1990"])


class FieldDetail(BaseModel):
    """One field as read: canonical value, OCR text, confidence 0-1, issue codes, box."""

    model_config = ConfigDict(json_schema_extra={"examples": [_FIELD_EXAMPLE]})

    value: str | None
    raw: str
    confidence: float
    issues: list[str]
    sure: bool = Field(
        description="the value is given, with no issue, a confidence of 0.9 or more and no "
        "quality verdict on it or on the whole card: a rule to accept it without review (how "
        "often such a value is wrong: docs/benchmarks.md)"
    )
    box: list[float] | None = Field(None, description="[x0, y0, x1, y1] on the flattened card")


class NikFacts(BaseModel):
    """The NIK decoded: validity, issue codes, codes of its regions, birth date and sex."""

    valid: bool
    issues: list[str] = []
    province_code: str | None = None
    regency_code: str | None = None
    district_code: str | None = None
    birth_date: str | None = Field(None, description="YYYY-MM-DD")
    sex: str | None = None
    serial: str | None = None
    historic: bool = Field(False, description="a region code in the NIK has since changed")


class CheckOut(BaseModel):
    """One cross-field check (NIK vs birth date, sex, region...); passed null = undecided."""

    code: str
    passed: bool | None
    severity: Literal["error", "warning", "info"]
    message: str


class QualityOut(BaseModel):
    """An image-quality verdict with a sentence a person can act on."""

    code: str
    message: str
    severity: Literal["reject", "warning"]
    value: float | None = None
    field: str | None = None


class RegionOut(BaseModel):
    """How a printed place name matched the region database."""

    level: str
    query: str
    code: str | None
    name: str | None
    kind: str | None
    postal_code: str | None
    score: float
    ambiguous: bool
    agrees_with_nik: bool | None
    historic: bool
    from_nik: bool = Field(
        False,
        description="the region was given by the NIK and a place read surely under this line, "
        "not by what this line reads",
    )


class LookupIds(BaseModel):
    """Ids of the printed values in the region database's vocabularies (null when unknown)."""

    gender: int | None = Field(None, examples=[2])
    religion: int | None = Field(None, examples=[1])
    maritalStatus: int | None = Field(None, examples=[2])


class OcrKtpResponse(BaseModel):
    """A reading: the original's two objects, then the detail."""

    dataOcrKtp: DataOcrKtp
    dataNikParser: DataNikParser | None = Field(None, description="null when the NIK is not valid")
    lookup_ids: LookupIds
    fields: dict[str, FieldDetail]
    nik: NikFacts | None = Field(None, description="null when no NIK was read")
    checks: list[CheckOut]
    quality: list[QualityOut]
    regions: list[RegionOut]
    score: float = Field(description="0-100; pick your own threshold", examples=[92.5])
    issues: list[str]
    engine: str
    timings_ms: dict[str, float]
    degraded: list[str] = Field(
        default_factory=list, description="dependencies that were down for this reading"
    )
    cached: bool = False
    request_id: str | None = None
    card_image: str | None = Field(
        None, description="data:image/jpeg;base64,... with ?include=card_image"
    )


class ErrorResponse(BaseModel):
    """Every error: a stable ``code`` (see docs/errors.md) and a message a person can act on.

    When no card could be read, ``message`` is ``IMAGE_INVALID`` (as the original service
    answered) and ``detail`` holds the reason.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"code": "rate_limited", "message": "Too many requests: retry in 14 s."},
                {
                    "code": "no_card",
                    "message": "IMAGE_INVALID",
                    "detail": "No identity card was found in the image: ...",
                },
            ]
        }
    )

    code: str
    message: str
    detail: str | None = None
    request_id: str | None = None


class DependencyOut(BaseModel):
    """State of one dependency: ``off`` when not configured."""

    status: Literal["ok", "down", "off"]
    detail: str | None = None


class HealthResponse(BaseModel):
    """Readiness: 200 when every configured dependency answers, else 503 with which is down."""

    status: Literal["ok", "degraded"]
    engine: DependencyOut
    database: DependencyOut
    redis: DependencyOut
    version: str


class PingResponse(BaseModel):
    """Liveness."""

    message: Literal["pong"] = "pong"
