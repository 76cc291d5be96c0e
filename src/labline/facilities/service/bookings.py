"""Bookings: the rules, the never-double-booked insert, approval, cancellation,
waiting lists, check-in and no-shows.

Overlaps are checked twice on purpose: first by a query, to give the user a clear answer
("you hit booking 42, 09:00–11:00"), then by the database itself — PostgreSQL's exclusion
constraint, or SQLite's single writer (BEGIN IMMEDIATE) — which is what makes it correct
when two requests race.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from labline import clock, i18n
from labline.core.access import Actor, require_signed_in
from labline.core.models import Membership
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from labline.facilities.models import (
    HOLDING,
    Booking,
    BookingStatus,
    Instrument,
    Qualification,
    UsageRecord,
    WaitlistEntry,
)
from labline.facilities.schemas import BookingCreate
from labline.facilities.service.catalogue import (
    can_manage,
    closures_between,
    get_instrument,
    require_manager,
    utc,
)


class BookingConflict(Conflict):
    code = "booking_conflict"


class NotQualified(NotPermitted):
    code = "not_qualified"


def now_or(now: datetime | None) -> datetime:
    """The given moment (in UTC), or the clock's now."""
    return utc(now) if now is not None else clock.now()


def _fmt(value: datetime, zone: ZoneInfo) -> str:
    return utc(value).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _minutes(value: int) -> str:
    return f"{value // 60} h {value % 60} min" if value % 60 else f"{value // 60} h"


def rule_problems(
    session: Session, instrument: Instrument, start: datetime, end: datetime, now: datetime
) -> list[FieldError]:
    """Every booking rule the requested time breaks, each with what is allowed."""
    zone = ZoneInfo(instrument.facility.timezone)
    problems: list[FieldError] = []
    if start < now:
        problems.append(FieldError("starts_at", "is in the past", {"earliest": now.isoformat()}))
    elif start < now + timedelta(minutes=instrument.lead_minutes):
        problems.append(
            FieldError(
                "starts_at",
                f"must be booked at least {_minutes(instrument.lead_minutes)} ahead",
                {"earliest": (now + timedelta(minutes=instrument.lead_minutes)).isoformat()},
            )
        )
    length = int((end - start).total_seconds() // 60)
    if length < instrument.min_minutes:
        problems.append(
            FieldError(
                "ends_at",
                f"the booking is {length} min; the minimum is {instrument.min_minutes} min",
                {"min_minutes": instrument.min_minutes},
            )
        )
    if length > instrument.max_minutes:
        problems.append(
            FieldError(
                "ends_at",
                f"the booking is {_minutes(length)}; the maximum is"
                f" {_minutes(instrument.max_minutes)}",
                {"max_minutes": instrument.max_minutes},
            )
        )
    problems += _opening_problems(instrument, start, end, zone)
    for closure in closures_between(session, instrument_id=instrument.id, start=start, end=end):
        problems.append(
            FieldError(
                "starts_at",
                f"falls in a {closure.kind} ({closure.reason or 'no reason given'}):"
                f" {_fmt(closure.starts_at, zone)} – {_fmt(closure.ends_at, zone)}",
                {"closure_id": closure.id},
            )
        )
    return problems


def always_open(instrument: Instrument) -> bool:
    return (
        instrument.opens_minute == 0
        and instrument.closes_minute == 1440
        and set(instrument.open_weekdays) == set("1234567")
    )


def _opening_problems(
    instrument: Instrument, start: datetime, end: datetime, zone: ZoneInfo
) -> list[FieldError]:
    if always_open(instrument):
        return []
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    hours = (
        f"{instrument.opens_minute // 60:02d}:{instrument.opens_minute % 60:02d}–"
        f"{instrument.closes_minute // 60:02d}:{instrument.closes_minute % 60:02d}"
    )
    allowed = {"opening_hours": hours, "weekdays": instrument.open_weekdays, "zone": zone.key}
    if str(local_start.isoweekday()) not in instrument.open_weekdays:
        return [FieldError("starts_at", f"the instrument is closed on {local_start:%A}s", allowed)]
    day_start = local_start.replace(hour=0, minute=0, second=0, microsecond=0)
    opens = day_start + timedelta(minutes=instrument.opens_minute)
    closes = day_start + timedelta(minutes=instrument.closes_minute)
    if local_start < opens or local_end > closes:
        return [
            FieldError(
                "starts_at",
                f"outside opening hours {hours} ({zone.key}); the booking runs"
                f" {local_start:%H:%M}–{local_end:%H:%M}",
                allowed,
            )
        ]
    return []


def _qualified(session: Session, instrument: Instrument, person_id: int, end: datetime) -> None:
    code = instrument.qualification_code
    if not code:
        return
    held = session.scalar(
        select(Qualification).where(
            Qualification.person_id == person_id, Qualification.code == code
        )
    )
    if held is None:
        raise NotQualified(
            f"Booking {instrument.name_en} needs the '{code}' qualification; ask the facility"
            " for its training or safety course.",
            qualification=code,
        )
    if held.expires_at is not None and utc(held.expires_at) < end:
        raise NotQualified(
            f"Your '{code}' qualification expires on {utc(held.expires_at):%Y-%m-%d},"
            " before this booking ends; renew it first.",
            qualification=code,
        )


def _holding_overlap(
    session: Session, instrument_id: int, block_start: datetime, block_end: datetime
) -> Booking | None:
    return session.scalar(
        select(Booking)
        .where(
            Booking.instrument_id == instrument_id,
            Booking.status.in_(HOLDING),
            Booking.block_start < block_end,
            Booking.block_end > block_start,
        )
        .order_by(Booking.block_start)
        .limit(1)
    )


def _conflict(instrument: Instrument, other: Booking) -> BookingConflict:
    zone = ZoneInfo(instrument.facility.timezone)
    return BookingConflict(
        i18n.N_(
            "%(instrument)s is taken by booking %(booking)s (%(start)s – %(end)s, with set-up"
            " and clean-up buffers); choose another time or join the waiting list."
        ),
        params={
            "instrument": i18n.pick(instrument.name_zh, instrument.name_en),
            "booking": other.id,
            "start": _fmt(other.starts_at, zone),
            "end": _fmt(other.ends_at, zone),
        },
        conflicting_booking_id=other.id,
        conflicting_starts_at=utc(other.starts_at).isoformat(),
        conflicting_ends_at=utc(other.ends_at).isoformat(),
    )


def _booking_org(session: Session, actor: Actor, requested: int | None) -> int | None:
    if requested is None:
        orgs = sorted(actor.org_roles)
        return orgs[0] if orgs else None
    if actor.system or actor.is_operator or requested in actor.org_roles:
        return requested
    member = session.scalar(
        select(Membership.id).where(
            Membership.person_id == actor.person_id, Membership.organisation_id == requested
        )
    )
    if member is None:
        # Acting for someone else's organisation is a refusal (403), not a bad field.
        raise NotPermitted(
            "You can only book for an organisation you belong to.", organisation_id=requested
        )
    return requested


def place(
    session: Session,
    *,
    instrument: Instrument,
    person_id: int,
    organisation_id: int | None,
    start: datetime,
    end: datetime,
    purpose: str = "",
    samples: int = 0,
    status: BookingStatus,
    buffers: bool = True,
) -> Booking:
    """Insert a booking that holds the instrument, or raise BookingConflict naming the one
    it hit. The savepoint lets a PostgreSQL exclusion violation be answered, not crash.
    Beamtime shifts carry no buffers: changeovers are planned into the schedule."""
    block_start = start - timedelta(minutes=instrument.setup_minutes if buffers else 0)
    block_end = end + timedelta(minutes=instrument.cleanup_minutes if buffers else 0)
    other = _holding_overlap(session, instrument.id, block_start, block_end)
    if other is not None:
        raise _conflict(instrument, other)
    booking = Booking(
        instrument_id=instrument.id,
        person_id=person_id,
        organisation_id=organisation_id,
        starts_at=start,
        ends_at=end,
        block_start=block_start,
        block_end=block_end,
        status=status,
        purpose=purpose,
        samples=samples,
    )
    try:
        with session.begin_nested():
            session.add(booking)
            session.flush()
    except IntegrityError as exc:
        if "ex_bookings_no_overlap" not in str(exc.orig):
            raise
        # Another transaction committed an overlapping booking after our check.
        other = _holding_overlap(session, instrument.id, block_start, block_end)
        if other is None:  # it was cancelled again in between; the caller may retry
            raise BookingConflict(
                i18n.N_("%(instrument)s was just taken; try again."),
                params={"instrument": i18n.pick(instrument.name_zh, instrument.name_en)},
            ) from exc
        raise _conflict(instrument, other) from exc
    return booking


def create_booking(
    session: Session, *, actor: Actor, data: BookingCreate, now: datetime | None = None
) -> Booking | WaitlistEntry:
    require_signed_in(actor)
    if actor.person_id is None:
        raise InvalidInput("The command line books for a person: pass --as EMAIL.")
    instrument = get_instrument(session, actor=actor, instrument_id=data.instrument_id)
    if not instrument.is_active:
        raise InvalidInput(
            f"{instrument.name_en} is not taking bookings.",
            fields=[FieldError("instrument_id", "the instrument is retired")],
        )
    start, end, moment = utc(data.starts_at), utc(data.ends_at), now_or(now)
    problems = rule_problems(session, instrument, start, end, moment)
    if problems:
        raise InvalidInput(
            "The booking breaks the instrument's rules: "
            + "; ".join(f"{p.field} {p.message}" for p in problems),
            fields=problems,
        )
    _qualified(session, instrument, actor.person_id, end)
    org = _booking_org(session, actor, data.organisation_id)
    needs_approval = instrument.requires_approval and not can_manage(actor, instrument.facility)
    status = BookingStatus.pending if needs_approval else BookingStatus.confirmed
    try:
        return place(
            session,
            instrument=instrument,
            person_id=actor.person_id,
            organisation_id=org,
            start=start,
            end=end,
            purpose=data.purpose,
            samples=data.samples,
            status=status,
        )
    except BookingConflict:
        if not data.waitlist:
            raise
    entry = WaitlistEntry(
        instrument_id=instrument.id,
        person_id=actor.person_id,
        organisation_id=org,
        starts_at=start,
        ends_at=end,
        purpose=data.purpose,
    )
    session.add(entry)
    session.flush()
    return entry


def get_booking(session: Session, *, actor: Actor, booking_id: int) -> Booking:
    """A booking in detail: its owner and the instrument's managers only."""
    require_signed_in(actor)
    booking = session.get(Booking, booking_id)
    if booking is None:
        raise NotFound(f"There is no booking {booking_id}.", booking_id=booking_id)
    if booking.person_id != actor.person_id and not can_manage(actor, booking.instrument.facility):
        raise NotPermitted("Only the person who booked and the facility's managers see a booking.")
    return booking


def decide(
    session: Session, *, actor: Actor, booking_id: int, approve: bool, note: str = ""
) -> Booking:
    booking = get_booking(session, actor=actor, booking_id=booking_id)
    require_manager(actor, booking.instrument.facility)
    if booking.status != BookingStatus.pending:
        raise Conflict(
            f"Booking {booking.id} is {booking.status.value}; only pending bookings are decided."
        )
    booking.status = BookingStatus.confirmed if approve else BookingStatus.rejected
    booking.decided_by_id = actor.person_id
    booking.decision_note = note
    session.flush()
    if not approve:
        offer_freed_slot(session, instrument=booking.instrument, now=clock.now())
    return booking


def cancel(
    session: Session, *, actor: Actor, booking_id: int, now: datetime | None = None
) -> Booking:
    booking = get_booking(session, actor=actor, booking_id=booking_id)
    moment = now_or(now)
    if booking.status not in HOLDING:
        raise Conflict(f"Booking {booking.id} is {booking.status.value}; it cannot be cancelled.")
    manager = can_manage(actor, booking.instrument.facility)
    if utc(booking.starts_at) <= moment and not manager:
        raise Conflict(
            f"Booking {booking.id} has already started; ask a manager to end it.",
        )
    notice = timedelta(hours=booking.instrument.late_cancel_hours)
    late = utc(booking.starts_at) - moment < notice and booking.person_id == actor.person_id
    booking.status = BookingStatus.late_cancelled if late else BookingStatus.cancelled
    booking.cancelled_at = moment
    session.flush()
    offer_freed_slot(session, instrument=booking.instrument, now=moment)
    return booking


def offer_freed_slot(session: Session, *, instrument: Instrument, now: datetime) -> list[Booking]:
    """Give freed time to the waiting list, first come first served."""
    placed: list[Booking] = []
    waiting = session.scalars(
        select(WaitlistEntry)
        .where(WaitlistEntry.instrument_id == instrument.id, WaitlistEntry.status == "waiting")
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
    ).all()
    for entry in waiting:
        start, end = utc(entry.starts_at), utc(entry.ends_at)
        if start < now:
            entry.status = "expired"
            continue
        if rule_problems(session, instrument, start, end, now):
            continue
        try:
            booking = place(
                session,
                instrument=instrument,
                person_id=entry.person_id,
                organisation_id=entry.organisation_id,
                start=start,
                end=end,
                purpose=entry.purpose,
                status=(
                    BookingStatus.pending
                    if instrument.requires_approval
                    else BookingStatus.confirmed
                ),
            )
        except BookingConflict:
            continue
        entry.status = "booked"
        entry.booking_id = booking.id
        placed.append(booking)
    session.flush()
    return placed


def my_bookings(
    session: Session, *, actor: Actor, upcoming_only: bool = False, now: datetime | None = None
) -> Sequence[Booking]:
    require_signed_in(actor)
    stmt = select(Booking).where(Booking.person_id == actor.person_id)
    if upcoming_only:
        stmt = stmt.where(Booking.ends_at > now_or(now), Booking.status.in_(HOLDING))
    return session.scalars(stmt.order_by(Booking.starts_at.desc()).limit(200)).all()


def pending_for(session: Session, *, actor: Actor) -> Sequence[Booking]:
    """The approval queue of the facilities the actor manages."""
    from labline.facilities.models import Facility
    from labline.facilities.service.catalogue import managed_operator_ids

    require_signed_in(actor)
    ops = managed_operator_ids(actor)
    stmt = (
        select(Booking)
        .join(Instrument, Instrument.id == Booking.instrument_id)
        .join(Facility, Facility.id == Instrument.facility_id)
        .where(Booking.status == BookingStatus.pending)
    )
    if ops is not None:
        if not ops:
            raise NotPermitted("Only facility managers have an approval queue.")
        stmt = stmt.where(Facility.operator_id.in_(ops))
    return session.scalars(stmt.order_by(Booking.starts_at)).all()


def calendar(
    session: Session, *, actor: Actor, instrument_id: int, start: datetime, end: datetime
) -> tuple[list[Booking], list[Booking]]:
    """(bookings shown in full, bookings shown as busy) between two times. Everyone sees
    free/busy; details only for their own bookings, or all of them for managers."""
    instrument = get_instrument(session, actor=actor, instrument_id=instrument_id)
    if end <= start or end - start > timedelta(days=93):
        raise InvalidInput(
            "A calendar covers up to 93 days.",
            fields=[FieldError("end", "must be after start and within 93 days")],
        )
    rows = session.scalars(
        select(Booking)
        .where(
            Booking.instrument_id == instrument.id,
            Booking.status.in_((*HOLDING, BookingStatus.completed)),
            and_(Booking.block_start < utc(end), Booking.block_end > utc(start)),
        )
        .order_by(Booking.starts_at)
    ).all()
    manager = can_manage(actor, instrument.facility)
    full = [b for b in rows if manager or b.person_id == actor.person_id]
    busy = [b for b in rows if not (manager or b.person_id == actor.person_id)]
    return full, busy


def usage_of(session: Session, booking: Booking) -> UsageRecord | None:
    return session.scalar(select(UsageRecord).where(UsageRecord.booking_id == booking.id))
