"""What waits on a facility manager and on a facility user, for their home page."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from labline import clock
from labline.core.access import Actor
from labline.core.models import Role
from labline.facilities.models import (
    BeamtimeCycle,
    Booking,
    BookingStatus,
    CycleStatus,
    Facility,
    Instrument,
)
from labline.facilities.service.catalogue import managed_operator_ids
from labline.i18n import N_, pick
from labline.work import SHOWN, WorkItem, WorkList


def _local_day(at: datetime, tz: str) -> datetime:
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite hands back naive UTC
    try:
        return aware.astimezone(ZoneInfo(tz))
    except (KeyError, ValueError):
        return aware


def _booking_item(b: Booking) -> WorkItem:
    facility = b.instrument.facility
    start = _local_day(b.starts_at, facility.timezone)
    label = f"{pick(b.instrument.name_zh, b.instrument.name_en)} · {start:%Y-%m-%d %H:%M}"
    return WorkItem(label, f"/facilities/instruments/{b.instrument_id}", due=start.date())


def bookings_to_approve(session: Session, *, actor: Actor, operators: set[int] | None) -> WorkList:
    stmt = (
        select(Booking)
        .join(Instrument, Instrument.id == Booking.instrument_id)
        .join(Facility, Facility.id == Instrument.facility_id)
        .options(selectinload(Booking.instrument).selectinload(Instrument.facility))
        .where(Booking.status == BookingStatus.pending, Booking.ends_at > clock.now())
        .order_by(Booking.starts_at, Booking.id)
    )
    if operators is not None:
        stmt = stmt.where(Facility.operator_id.in_(operators or {0}))
    rows = session.scalars(stmt.limit(500)).all()
    return WorkList(
        key="bookings-to-approve",
        title=N_("Bookings to approve"),
        href="/facilities/bookings",
        role=Role.facility_manager.value,
        items=tuple(_booking_item(b) for b in rows[:SHOWN]),
        total=len(rows),
        empty=N_("No booking is waiting for your approval."),
    )


def cycles_to_schedule(session: Session, *, actor: Actor, operators: set[int] | None) -> WorkList:
    stmt = (
        select(BeamtimeCycle)
        .join(Facility, Facility.id == BeamtimeCycle.facility_id)
        .where(BeamtimeCycle.status.in_([CycleStatus.reviewing, CycleStatus.scheduled]))
        .order_by(BeamtimeCycle.starts_at, BeamtimeCycle.id)
    )
    if operators is not None:
        stmt = stmt.where(Facility.operator_id.in_(operators or {0}))
    rows = session.scalars(stmt).all()
    return WorkList(
        key="cycles-to-schedule",
        title=N_("Beamtime rounds to allocate and schedule"),
        href="/facilities/cycles",
        role=Role.facility_manager.value,
        items=tuple(
            WorkItem(c.name, f"/facilities/cycles/{c.id}", state=c.status.value)
            for c in rows[:SHOWN]
        ),
        total=len(rows),
        empty=N_("No beamtime round is waiting to be scheduled."),
    )


def my_next_bookings(session: Session, *, actor: Actor) -> WorkList:
    rows = session.scalars(
        select(Booking)
        .options(selectinload(Booking.instrument).selectinload(Instrument.facility))
        .where(
            Booking.person_id == actor.person_id,
            Booking.ends_at > clock.now(),
            Booking.status.in_([BookingStatus.pending, BookingStatus.confirmed]),
        )
        .order_by(Booking.starts_at)
        .limit(100)
    ).all()
    return WorkList(
        key="my-bookings",
        title=N_("Your next bookings"),
        href="/facilities/bookings",
        items=tuple(_booking_item(b) for b in rows[:SHOWN]),
        total=len(rows),
        empty=N_("You have no booking coming up."),
    )


def work(session: Session, *, actor: Actor, holder: object = None) -> list[WorkList]:
    """The facilities lists for this person's home page."""
    if actor.person_id is None:
        return []
    out = []
    if actor.has(Role.facility_manager):
        operators = managed_operator_ids(actor)
        out.append(bookings_to_approve(session, actor=actor, operators=operators))
        out.append(cycles_to_schedule(session, actor=actor, operators=operators))
    mine = my_next_bookings(session, actor=actor)
    if mine.total:
        out.append(mine)
    return out
