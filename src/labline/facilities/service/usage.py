"""Actual use (check-out and manual entries, append-only) and invoices from fees and use."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor, require_signed_in
from labline.core.models import Organisation, Person, Role
from labline.errors import FieldError, InvalidInput, NotFound, NotPermitted
from labline.facilities.models import (
    Booking,
    BookingStatus,
    Facility,
    Instrument,
    Invoice,
    InvoiceLine,
    RateUnit,
    UsageRecord,
)
from labline.facilities.schemas import InvoiceCreate, UsageCreate
from labline.facilities.service.catalogue import (
    get_facility,
    get_instrument,
    managed_operator_ids,
    require_manager,
    utc,
)

CENT = Decimal("0.01")


def _hours(start: datetime, end: datetime) -> Decimal:
    return (Decimal((end - start).total_seconds()) / Decimal(3600)).quantize(CENT, ROUND_HALF_UP)


def record_use(
    session: Session,
    *,
    booking: Booking,
    ended_at: datetime,
    source: str,
    samples: int | None = None,
    note: str = "",
    recorded_by: int | None = None,
) -> UsageRecord:
    """Close a booking with the use it had (from check-in, or its booked start)."""
    started = utc(booking.checked_in_at or booking.starts_at)
    # Use is counted in whole minutes at least: the log never holds an empty interval.
    ended = max(ended_at, started + timedelta(minutes=1))
    facility = booking.instrument.facility
    record = UsageRecord(
        instrument_id=booking.instrument_id,
        booking_id=booking.id,
        person_id=booking.person_id,
        organisation_id=booking.organisation_id,
        started_at=started,
        ended_at=ended,
        hours=_hours(started, ended),
        samples=booking.samples if samples is None else samples,
        external=booking.organisation_id != facility.operator_id,
        source=source,
        note=note,
        recorded_by_id=recorded_by,
    )
    session.add(record)
    booking.status = BookingStatus.completed
    session.flush()
    return record


def add_usage(session: Session, *, actor: Actor, data: UsageCreate) -> UsageRecord:
    """A manager records use without a booking, or corrects an earlier record."""
    instrument = get_instrument(session, actor=actor, instrument_id=data.instrument_id)
    facility = instrument.facility
    require_manager(actor, facility)
    problems = []
    if session.get(Person, data.person_id) is None:
        problems.append(FieldError("person_id", f"no person {data.person_id}"))
    if data.organisation_id is not None and session.get(Organisation, data.organisation_id) is None:
        problems.append(FieldError("organisation_id", f"no organisation {data.organisation_id}"))
    if data.corrects_id is not None:
        original = session.get(UsageRecord, data.corrects_id)
        if original is None or original.instrument_id != instrument.id:
            problems.append(
                FieldError("corrects_id", "no usage record of this instrument with that id")
            )
        elif _invoiced(session, original.id):
            problems.append(
                FieldError("corrects_id", "that use is already invoiced; it cannot be corrected")
            )
        elif _superseded(session, original.id):
            problems.append(FieldError("corrects_id", "that record was already corrected"))
    if problems:
        raise InvalidInput("The usage entry is not valid.", fields=problems)
    start, end = utc(data.started_at), utc(data.ended_at)
    record = UsageRecord(
        instrument_id=instrument.id,
        person_id=data.person_id,
        organisation_id=data.organisation_id,
        started_at=start,
        ended_at=end,
        hours=_hours(start, end),
        samples=data.samples,
        external=data.organisation_id != facility.operator_id,
        source="correction" if data.corrects_id else "manual",
        corrects_id=data.corrects_id,
        note=data.note,
        recorded_by_id=actor.person_id,
    )
    session.add(record)
    session.flush()
    return record


def _invoiced(session: Session, usage_id: int) -> bool:
    return bool(session.scalar(select(func.count()).where(InvoiceLine.usage_record_id == usage_id)))


def _superseded(session: Session, usage_id: int) -> bool:
    return bool(session.scalar(select(func.count()).where(UsageRecord.corrects_id == usage_id)))


def effective_usage() -> Select[UsageRecord]:
    """Usage records that no later correction replaces (a select to filter further)."""
    corrected = select(UsageRecord.corrects_id).where(UsageRecord.corrects_id.is_not(None))
    return select(UsageRecord).where(UsageRecord.id.not_in(corrected))


def usage_log(
    session: Session, *, actor: Actor, facility_id: int, limit: int = 200
) -> Sequence[UsageRecord]:
    facility = get_facility(session, actor=actor, facility_id=facility_id)
    require_manager(actor, facility)
    return session.scalars(
        select(UsageRecord)
        .join(Instrument, Instrument.id == UsageRecord.instrument_id)
        .where(Instrument.facility_id == facility.id)
        .order_by(UsageRecord.started_at.desc(), UsageRecord.id.desc())
        .limit(limit)
    ).all()


# --- invoices -----------------------------------------------------------------------------------


def issue_invoice(session: Session, *, actor: Actor, data: InvoiceCreate) -> Invoice:
    facility = get_facility(session, actor=actor, facility_id=data.facility_id)
    require_manager(actor, facility)
    if session.get(Organisation, data.organisation_id) is None:
        raise InvalidInput(
            "The organisation does not exist.",
            fields=[FieldError("organisation_id", f"no organisation {data.organisation_id}")],
        )
    start, end = utc(data.period_start), utc(data.period_end)
    invoiced = select(InvoiceLine.usage_record_id)
    uses = session.scalars(
        effective_usage()
        .join(Instrument, Instrument.id == UsageRecord.instrument_id)
        .where(
            Instrument.facility_id == facility.id,
            UsageRecord.organisation_id == data.organisation_id,
            UsageRecord.started_at >= start,
            UsageRecord.started_at < end,
            UsageRecord.id.not_in(invoiced),
        )
        .order_by(UsageRecord.started_at)
    ).all()
    if not uses:
        raise InvalidInput(
            "There is no uninvoiced use by this organisation in that period.",
            fields=[FieldError("period_start", "no uninvoiced use between the two dates")],
        )
    count = session.scalar(select(func.count()).where(Invoice.facility_id == facility.id)) or 0
    invoice = Invoice(
        # Numbered by the month the period starts in, in the facility's time zone.
        number=f"{facility.code}-{clock.in_zone(start, facility.timezone):%Y%m}-{count + 1:04d}",
        facility_id=facility.id,
        organisation_id=data.organisation_id,
        period_start=start,
        period_end=end,
        total=Decimal(0),
        issued_by_id=actor.person_id,
    )
    session.add(invoice)
    session.flush()
    total = Decimal(0)
    instruments = {i.id: i for i in facility.instruments}
    for use in uses:
        instrument = instruments[use.instrument_id]
        rate = instrument.rate_external if use.external else instrument.rate_internal
        per_sample = instrument.rate_unit == RateUnit.sample
        quantity = Decimal(use.samples) if per_sample else Decimal(use.hours)
        amount = (quantity * Decimal(rate)).quantize(CENT, ROUND_HALF_UP)
        total += amount
        session.add(
            InvoiceLine(
                invoice_id=invoice.id,
                usage_record_id=use.id,
                description=f"{instrument.name_en}"
                f" {clock.in_zone(use.started_at, facility.timezone):%Y-%m-%d %H:%M}"
                f" ({facility.timezone})",
                quantity=quantity,
                unit=str(instrument.rate_unit),
                rate=rate,
                amount=amount,
            )
        )
    invoice.total = total
    session.flush()
    return invoice


def get_invoice(session: Session, *, actor: Actor, invoice_id: int) -> Invoice:
    require_signed_in(actor)
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound(f"There is no invoice {invoice_id}.", invoice_id=invoice_id)
    facility = session.get(Facility, invoice.facility_id)
    assert facility is not None
    payer_admin = (
        invoice.organisation_id is not None
        and actor.org_roles.get(invoice.organisation_id) == Role.org_admin
    )
    ops = managed_operator_ids(actor)
    manager = ops is None or facility.operator_id in ops
    if not (manager or payer_admin):
        raise NotPermitted("Only the facility's managers and the paying organisation's admins.")
    return invoice


def list_invoices(session: Session, *, actor: Actor) -> Sequence[Invoice]:
    require_signed_in(actor)
    ops = managed_operator_ids(actor)
    stmt = select(Invoice).join(Facility, Facility.id == Invoice.facility_id)
    if ops is not None:
        admin_of = [o for o, r in actor.org_roles.items() if r == Role.org_admin]
        stmt = stmt.where(Facility.operator_id.in_(ops) | Invoice.organisation_id.in_(admin_of))
    return session.scalars(stmt.order_by(Invoice.id.desc()).limit(200)).all()
