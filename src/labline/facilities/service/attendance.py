"""The day of a booking: check-in, check-out (the use it had), no-shows, and the sweep that
closes past bookings. It uses bookings and usage; neither uses it (no cycle)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor
from labline.errors import Conflict
from labline.facilities.models import (
    HOLDING,
    Booking,
    BookingStatus,
    UsageRecord,
)
from labline.facilities.schemas import CheckOut
from labline.facilities.service.bookings import get_booking, now_or
from labline.facilities.service.catalogue import (
    require_manager,
    utc,
)
from labline.facilities.service.usage import record_use

CHECK_IN_EARLY = timedelta(minutes=30)


def booker_actions(booking: Booking) -> list[str]:
    """What the booker may do with the booking now: cancel, check-in, check-out."""
    holding = booking.status in HOLDING
    confirmed = booking.status == BookingStatus.confirmed
    checked_in = booking.checked_in_at is not None
    actions = ["cancel"] if holding and not checked_in else []
    if confirmed:
        actions.append("check-out" if checked_in else "check-in")
    return actions


def check_in(
    session: Session, *, actor: Actor, booking_id: int, now: datetime | None = None
) -> Booking:
    booking = get_booking(session, actor=actor, booking_id=booking_id)
    moment = now_or(now)
    if booking.status != BookingStatus.confirmed:
        raise Conflict(f"Booking {booking.id} is {booking.status.value}; it cannot be checked in.")
    if booking.checked_in_at is not None:
        raise Conflict(f"Booking {booking.id} is already checked in.")
    if not (utc(booking.starts_at) - CHECK_IN_EARLY <= moment < utc(booking.ends_at)):
        raise Conflict(
            f"Check-in for booking {booking.id} opens 30 minutes before it starts and closes"
            " when it ends."
        )
    booking.checked_in_at = moment
    session.flush()
    return booking


def mark_no_show(session: Session, *, actor: Actor, booking_id: int) -> Booking:
    booking = get_booking(session, actor=actor, booking_id=booking_id)
    require_manager(actor, booking.instrument.facility)
    if booking.status != BookingStatus.confirmed or booking.checked_in_at is not None:
        raise Conflict(f"Booking {booking.id} is not a confirmed booking without a check-in.")
    booking.status = BookingStatus.no_show
    session.flush()
    return booking


def sweep(session: Session, *, now: datetime | None = None) -> dict[str, int]:
    """Past bookings: never checked in become no-shows; checked in but never checked out
    are closed at their booked end (a job, run by `labline facilities sweep`)."""
    moment = now_or(now)
    past = session.scalars(
        select(Booking).where(Booking.status == BookingStatus.confirmed, Booking.ends_at <= moment)
    ).all()
    counts = {"no_show": 0, "closed": 0}
    for booking in past:
        if booking.checked_in_at is None:
            booking.status = BookingStatus.no_show
            counts["no_show"] += 1
        else:
            record_use(session, booking=booking, ended_at=utc(booking.ends_at), source="check_out")
            counts["closed"] += 1
    session.flush()
    return counts


def check_out(
    session: Session,
    *,
    actor: Actor,
    booking_id: int,
    data: CheckOut,
    now: datetime | None = None,
) -> UsageRecord:
    booking = get_booking(session, actor=actor, booking_id=booking_id)
    if booking.status != BookingStatus.confirmed or booking.checked_in_at is None:
        raise Conflict(f"Booking {booking.id} is not checked in; check in first.")
    moment = utc(now) if now else clock.now()
    return record_use(
        session,
        booking=booking,
        ended_at=moment,
        source="check_out",
        samples=data.samples,
        note=data.note,
        recorded_by=actor.person_id,
    )
