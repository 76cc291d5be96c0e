"""Facilities tables: facilities, instruments, closures, qualifications, bookings,
waiting lists, the append-only usage log and invoices.

A booking occupies its *block*: the booked time widened by the instrument's setup and
clean-up buffers. On PostgreSQL an exclusion constraint (migration 0003) forbids two
pending or confirmed blocks on one instrument from overlapping; on SQLite every write
transaction starts with BEGIN IMMEDIATE, so the service's check-then-insert is serialised.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from labline.core.models import _enum
from labline.db import Base, Timestamped, utcnow


class RateUnit(enum.StrEnum):
    hour = "hour"
    sample = "sample"


class ClosureKind(enum.StrEnum):
    maintenance = "maintenance"
    shutdown = "shutdown"


class BookingStatus(enum.StrEnum):
    pending = "pending"  # waiting for a manager's approval; holds the slot
    confirmed = "confirmed"
    rejected = "rejected"
    cancelled = "cancelled"
    late_cancelled = "late_cancelled"  # cancelled inside the instrument's notice period
    completed = "completed"
    no_show = "no_show"


# The statuses that hold the instrument (and that the exclusion constraint covers).
HOLDING = (BookingStatus.pending, BookingStatus.confirmed)


class Facility(Timestamped, Base):
    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), default="laboratory")
    location: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")

    instruments: Mapped[list[Instrument]] = relationship(back_populates="facility")


class Instrument(Timestamped, Base):
    __tablename__ = "instruments"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(60), default="")
    capabilities: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(300), default="")
    photo_url: Mapped[str | None] = mapped_column(String(300))
    # Fees, in yuan, per hour or per sample; outside users pay the external rate.
    rate_unit: Mapped[RateUnit] = mapped_column(_enum(RateUnit, "rate_unit"), default="hour")
    rate_internal: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    rate_external: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    # Booking rules, in minutes.
    min_minutes: Mapped[int] = mapped_column(Integer, default=30)
    max_minutes: Mapped[int] = mapped_column(Integer, default=8 * 60)
    lead_minutes: Mapped[int] = mapped_column(Integer, default=0)
    setup_minutes: Mapped[int] = mapped_column(Integer, default=0)
    cleanup_minutes: Mapped[int] = mapped_column(Integer, default=0)
    # Opening hours in the facility's time zone: [open, close) minutes after midnight on
    # the listed ISO weekdays (1 = Monday). 0..1440 on 1234567 means always open.
    opens_minute: Mapped[int] = mapped_column(Integer, default=8 * 60)
    closes_minute: Mapped[int] = mapped_column(Integer, default=20 * 60)
    open_weekdays: Mapped[str] = mapped_column(String(7), default="12345")
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    # A qualification code the user must hold, unexpired, on the day of use.
    qualification_code: Mapped[str | None] = mapped_column(String(40))
    late_cancel_hours: Mapped[int] = mapped_column(Integer, default=24)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    facility: Mapped[Facility] = relationship(back_populates="instruments")

    __table_args__ = (
        CheckConstraint("rate_internal >= 0 AND rate_external >= 0", name="rates_not_negative"),
        CheckConstraint("min_minutes > 0 AND max_minutes >= min_minutes", name="lengths"),
        CheckConstraint(
            "opens_minute >= 0 AND closes_minute <= 1440 AND opens_minute < closes_minute",
            name="opening_hours",
        ),
        Index("ix_instruments_facility", "facility_id"),
    )


class Closure(Timestamped, Base):
    """A maintenance window or shutdown: nobody can book across it."""

    __tablename__ = "instrument_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id", ondelete="CASCADE"))
    kind: Mapped[ClosureKind] = mapped_column(_enum(ClosureKind, "closure_kind"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(300), default="")

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="closure_order"),
        Index("ix_instrument_closures_instrument", "instrument_id", "starts_at"),
    )


class Qualification(Timestamped, Base):
    """Training or a safety course a person passed, valid until it expires."""

    __tablename__ = "qualifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    granted_on: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("person_id", "code"),)


class Booking(Timestamped, Base):
    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    # The organisation the user books for: decides internal or external rate.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    block_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    block_end: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[BookingStatus] = mapped_column(_enum(BookingStatus, "booking_status"))
    purpose: Mapped[str] = mapped_column(String(500), default="")
    samples: Mapped[int] = mapped_column(Integer, default=0)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when the booking came from a published beamtime schedule.
    beamtime_slot_id: Mapped[int | None] = mapped_column(Integer)

    instrument: Mapped[Instrument] = relationship()

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="booking_order"),
        CheckConstraint(
            "block_start <= starts_at AND block_end >= ends_at", name="block_covers_booking"
        ),
        Index("ix_bookings_instrument_block", "instrument_id", "block_start", "block_end"),
        Index("ix_bookings_person", "person_id", "starts_at"),
    )


class WaitlistEntry(Timestamped, Base):
    """Someone wants a slot that is taken; offered it first if it frees up."""

    __tablename__ = "booking_waitlist"

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    purpose: Mapped[str] = mapped_column(String(500), default="")
    # waiting -> booked (the freed slot became theirs) | withdrawn | expired
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))

    __table_args__ = (Index("ix_booking_waitlist_instrument", "instrument_id", "status"),)


class UsageRecord(Base):
    """Actual use of an instrument. Append-only: corrections are new records that
    reference the one they correct (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "usage_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id", ondelete="RESTRICT"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="RESTRICT"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    hours: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    samples: Mapped[int] = mapped_column(Integer, default=0)
    external: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(16))  # check_out | manual | correction
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("usage_records.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    instrument: Mapped[Instrument] = relationship()

    __table_args__ = (
        CheckConstraint("ended_at > started_at", name="usage_order"),
        Index("ix_usage_records_instrument", "instrument_id", "started_at"),
        Index("ix_usage_records_org", "organisation_id", "started_at"),
        {"info": {"append_only": ("labline_usage_append_only", "usage_records is append-only")}},
    )


class Invoice(Timestamped, Base):
    __tablename__ = "facility_invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id", ondelete="RESTRICT"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    period_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    period_end: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    total: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    lines: Mapped[list[InvoiceLine]] = relationship(back_populates="invoice")
    # Its period and number read in the facility's time zone.
    facility: Mapped[Facility] = relationship()


class InvoiceLine(Base):
    __tablename__ = "facility_invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("facility_invoices.id", ondelete="CASCADE"))
    # A use is invoiced at most once.
    usage_record_id: Mapped[int] = mapped_column(ForeignKey("usage_records.id"), unique=True)
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    unit: Mapped[str] = mapped_column(String(16))
    rate: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))

    invoice: Mapped[Invoice] = relationship(back_populates="lines")
    # The use it bills: the page names its instrument in the reader's language.
    usage: Mapped[UsageRecord] = relationship()


# --- proposal-based time (beamtime) -----------------------------------------------------------


class CycleStatus(enum.StrEnum):
    open = "open"  # taking proposals
    reviewing = "reviewing"  # closed; scores and awards being decided
    scheduled = "scheduled"  # a draft schedule exists
    published = "published"  # the schedule is on the calendar


class BeamtimeCycle(Timestamped, Base):
    __tablename__ = "beamtime_cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    shift_hours: Mapped[int] = mapped_column(Integer, default=8)
    # Shifts lost re-configuring an instrument between experiments with different set-ups.
    changeover_shifts: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[CycleStatus] = mapped_column(_enum(CycleStatus, "cycle_status"), default="open")
    # Comma-separated instrument ids offered in this round.
    instrument_ids: Mapped[str] = mapped_column(String(500))
    # The last solve: awarded and upper bound in priority-weighted hours, and its gap.
    solve_report: Mapped[str] = mapped_column(Text, default="")
    # The review call that scores this round's proposals, when it is run through review.
    review_call_id: Mapped[int | None] = mapped_column(Integer)

    facility: Mapped[Facility] = relationship()

    __table_args__ = (CheckConstraint("ends_at > starts_at", name="cycle_order"),)


class BeamtimeProposal(Timestamped, Base):
    __tablename__ = "beamtime_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("beamtime_cycles.id", ondelete="CASCADE"))
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id", ondelete="RESTRICT"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(300))
    abstract: Mapped[str] = mapped_column(Text, default="")
    shifts_requested: Mapped[int] = mapped_column(Integer)
    setup: Mapped[str] = mapped_column(String(60), default="standard")
    # ISO dates (facility time) the users cannot come, comma-separated.
    unavailable_dates: Mapped[str] = mapped_column(Text, default="")
    local_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    # From review: a score (higher is better) and the resulting rank; then the award.
    score: Mapped[Decimal | None] = mapped_column(Numeric(8, 3))
    rank: Mapped[int | None] = mapped_column(Integer)
    shifts_awarded: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    review_proposal_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("shifts_requested > 0", name="shifts_positive"),
        Index("ix_beamtime_proposals_cycle", "cycle_id", "instrument_id"),
    )


class BeamtimeSlot(Timestamped, Base):
    """A proposal's place on the calendar, drafted by the scheduler or edited by hand."""

    __tablename__ = "beamtime_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("beamtime_cycles.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("beamtime_proposals.id", ondelete="CASCADE"), unique=True
    )
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id", ondelete="RESTRICT"))
    start_shift: Mapped[int] = mapped_column(Integer)
    end_shift: Mapped[int] = mapped_column(Integer)  # exclusive
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    __table_args__ = (CheckConstraint("end_shift > start_shift", name="slot_order"),)
