"""Validated input and output for facilities, instruments, bookings, usage and beamtime."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import available_timezones

from pydantic import Field, field_validator, model_validator

from labline.facilities.models import BookingStatus, ClosureKind, RateUnit
from labline.schemas import Name, Output, StrictInput, within

CODE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"
_ZONES = available_timezones()


def require_aware(name: str, value: datetime | None) -> datetime | None:
    """The time, if it has an offset: one without is ambiguous across facilities' zones."""
    if value is not None and value.tzinfo is None:
        raise ValueError(
            f"{name}: give a time zone offset, e.g. 2026-12-01T09:00:00+08:00; "
            "a time without one is ambiguous"
        )
    return value


def _recent(value: datetime) -> datetime | None:
    # Usage is recorded after the fact, not from another decade; a week of slack ahead
    # covers entries a manager types in for a booked session (and clocks that differ).
    return within(value, past=timedelta(days=3653), future=timedelta(days=7))


def _planned(value: datetime) -> datetime | None:
    # Closures are planned (or recorded) within a few years of today.
    return within(value, past=timedelta(days=3653), future=timedelta(days=3653))


class FacilityCreate(StrictInput):
    operator_id: int = Field(ge=1)
    code: str = Field(pattern=CODE)
    name_zh: Name = Field(min_length=1, max_length=200)
    name_en: Name = Field(min_length=1, max_length=200)
    kind: str = Field(default="laboratory", max_length=40)
    location: str = Field(default="", max_length=300)
    description: str = Field(default="", max_length=5000)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        if v not in _ZONES:
            raise ValueError("unknown time zone; use an IANA name such as Asia/Shanghai")
        return v


class FacilityRead(Output):
    id: int
    operator_id: int
    code: str
    name_zh: str
    name_en: str
    kind: str
    location: str
    description: str
    timezone: str


class InstrumentFields(StrictInput):
    name_zh: Name = Field(min_length=1, max_length=200)
    name_en: Name = Field(min_length=1, max_length=200)
    kind: str = Field(default="", max_length=60)
    capabilities: str = Field(default="", max_length=5000)
    location: str = Field(default="", max_length=300)
    photo_url: str | None = Field(default=None, max_length=300, pattern=r"^(/|https?://)\S+$")
    rate_unit: RateUnit = RateUnit.hour
    rate_internal: Decimal = Field(default=Decimal(0), max_digits=12, decimal_places=2)
    rate_external: Decimal = Field(default=Decimal(0), max_digits=12, decimal_places=2)
    min_minutes: int = Field(default=30, ge=5, le=14 * 24 * 60)
    max_minutes: int = Field(default=8 * 60, ge=5, le=14 * 24 * 60)
    lead_minutes: int = Field(default=0, ge=0, le=365 * 24 * 60)
    setup_minutes: int = Field(default=0, ge=0, le=24 * 60)
    cleanup_minutes: int = Field(default=0, ge=0, le=24 * 60)
    opens_minute: int = Field(default=8 * 60, ge=0, le=1439)
    closes_minute: int = Field(default=20 * 60, ge=1, le=1440)
    open_weekdays: str = Field(default="12345", pattern=r"^[1-7]{1,7}$")
    requires_approval: bool = False
    qualification_code: str | None = Field(default=None, pattern=CODE)
    late_cancel_hours: int = Field(default=24, ge=0, le=24 * 60)

    @field_validator("rate_internal", "rate_external")
    @classmethod
    def _rate(cls, v: Decimal) -> Decimal:
        if v < 0:
            raise ValueError("a rate cannot be negative; use 0 for a free instrument")
        return v

    @model_validator(mode="after")
    def _rules(self) -> InstrumentFields:
        if self.max_minutes < self.min_minutes:
            raise ValueError("max_minutes: must be at least min_minutes")
        if self.closes_minute <= self.opens_minute:
            raise ValueError("closes_minute: must be after opens_minute")
        return self


class InstrumentPatch(StrictInput):
    """A partial change: the fields sent are merged with the instrument's and re-checked."""

    name_zh: Name | None = None
    name_en: Name | None = None
    kind: str | None = None
    capabilities: str | None = None
    location: str | None = None
    photo_url: str | None = None
    rate_unit: RateUnit | None = None
    rate_internal: Decimal | None = None
    rate_external: Decimal | None = None
    min_minutes: int | None = None
    max_minutes: int | None = None
    lead_minutes: int | None = None
    setup_minutes: int | None = None
    cleanup_minutes: int | None = None
    opens_minute: int | None = None
    closes_minute: int | None = None
    open_weekdays: str | None = None
    requires_approval: bool | None = None
    qualification_code: str | None = None
    late_cancel_hours: int | None = None
    is_active: bool | None = None


class InstrumentCreate(InstrumentFields):
    facility_id: int = Field(ge=1)
    code: str = Field(pattern=CODE)


class InstrumentRead(Output):
    id: int
    facility_id: int
    code: str
    name_zh: str
    name_en: str
    kind: str
    capabilities: str
    location: str
    photo_url: str | None
    rate_unit: RateUnit
    rate_internal: Decimal
    rate_external: Decimal
    min_minutes: int
    max_minutes: int
    lead_minutes: int
    setup_minutes: int
    cleanup_minutes: int
    opens_minute: int
    closes_minute: int
    open_weekdays: str
    requires_approval: bool
    qualification_code: str | None
    late_cancel_hours: int
    is_active: bool


class ClosureCreate(StrictInput):
    kind: ClosureKind
    starts_at: datetime
    ends_at: datetime
    reason: str = Field(default="", max_length=300)

    _range = field_validator("starts_at", "ends_at")(_planned)

    @model_validator(mode="after")
    def _order(self) -> ClosureCreate:
        require_aware("starts_at", self.starts_at)
        require_aware("ends_at", self.ends_at)
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at: must be after starts_at")
        return self


class ClosureRead(Output):
    id: int
    instrument_id: int
    kind: ClosureKind
    starts_at: datetime
    ends_at: datetime
    reason: str


class QualificationGrant(StrictInput):
    person_id: int = Field(ge=1)
    code: str = Field(pattern=CODE)
    expires_at: datetime | None = None

    @field_validator("expires_at")
    @classmethod
    def _tz(cls, v: datetime | None) -> datetime | None:
        return require_aware("expires_at", v)


class QualificationRead(Output):
    id: int
    person_id: int
    code: str
    granted_on: datetime
    expires_at: datetime | None


class BookingCreate(StrictInput):
    instrument_id: int = Field(ge=1)
    starts_at: datetime
    ends_at: datetime
    purpose: str = Field(default="", max_length=500)
    samples: int = Field(default=0, ge=0, le=100_000)
    organisation_id: int | None = Field(default=None, ge=1)
    # When the slot is taken: join the waiting list instead of failing.
    waitlist: bool = False

    @model_validator(mode="after")
    def _times(self) -> BookingCreate:
        require_aware("starts_at", self.starts_at)
        require_aware("ends_at", self.ends_at)
        if self.starts_at.utcoffset() != self.ends_at.utcoffset():
            raise ValueError(
                "ends_at: give both times in the same time zone offset "
                f"(starts_at is {self.starts_at.isoformat()}, ends_at is "
                f"{self.ends_at.isoformat()})"
            )
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at: the booking must end after it starts")
        return self


class BookingDecision(StrictInput):
    approve: bool
    note: str = Field(default="", max_length=500)


class BookingRead(Output):
    id: int
    instrument_id: int
    person_id: int
    organisation_id: int | None
    starts_at: datetime
    ends_at: datetime
    block_start: datetime
    block_end: datetime
    status: BookingStatus
    purpose: str
    samples: int
    decision_note: str
    checked_in_at: datetime | None


class BusyRead(Output):
    """What everyone may see of someone else's booking: that the time is taken."""

    starts_at: datetime
    ends_at: datetime
    status: str


class WaitlistRead(Output):
    id: int
    instrument_id: int
    person_id: int
    starts_at: datetime
    ends_at: datetime
    status: str
    booking_id: int | None


class BookingOutcome(Output):
    booking: BookingRead | None = None
    waitlisted: WaitlistRead | None = None


class CheckOut(StrictInput):
    samples: int | None = Field(default=None, ge=0, le=100_000)
    note: str = Field(default="", max_length=500)


class UsageCreate(StrictInput):
    """Manual usage entry by a manager (e.g. a sample-based service without a booking)."""

    instrument_id: int = Field(ge=1)
    person_id: int = Field(ge=1)
    organisation_id: int | None = Field(default=None, ge=1)
    started_at: datetime
    ended_at: datetime
    samples: int = Field(default=0, ge=0, le=100_000)
    note: str = Field(default="", max_length=500)
    corrects_id: int | None = Field(default=None, ge=1)

    _range = field_validator("started_at", "ended_at")(_recent)

    @model_validator(mode="after")
    def _order(self) -> UsageCreate:
        require_aware("started_at", self.started_at)
        require_aware("ended_at", self.ended_at)
        if self.ended_at <= self.started_at:
            raise ValueError("ended_at: must be after started_at")
        return self


class UsageRead(Output):
    id: int
    instrument_id: int
    booking_id: int | None
    person_id: int
    organisation_id: int | None
    started_at: datetime
    ended_at: datetime
    hours: Decimal
    samples: int
    external: bool
    source: str
    corrects_id: int | None
    note: str


class InvoiceCreate(StrictInput):
    facility_id: int = Field(ge=1)
    organisation_id: int = Field(ge=1)
    period_start: datetime
    period_end: datetime

    @model_validator(mode="after")
    def _order(self) -> InvoiceCreate:
        require_aware("period_start", self.period_start)
        require_aware("period_end", self.period_end)
        if self.period_end <= self.period_start:
            raise ValueError("period_end: must be after period_start")
        return self


class InvoiceLineRead(Output):
    usage_record_id: int
    description: str
    quantity: Decimal
    unit: str
    rate: Decimal
    amount: Decimal


class InvoiceRead(Output):
    id: int
    number: str
    facility_id: int
    organisation_id: int | None
    period_start: datetime
    period_end: datetime
    total: Decimal
    lines: list[InvoiceLineRead]


class FiguresRead(Output):
    scope: str
    scope_id: int | None
    period_start: datetime
    period_end: datetime
    service_hours: float
    samples: int
    users_served: int
    organisations_served: int
    external_share: float | None
    available_hours: float
    utilisation: float | None
    bookings: int
    no_show_rate: float | None
    late_cancellation_rate: float | None
    oversubscription: float | None


class CalendarRead(Output):
    bookings: list[BookingRead]
    busy: list[BusyRead]
    closures: list[ClosureRead]
