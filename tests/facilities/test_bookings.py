"""Booking rules, conflicts, waiting lists, approval, cancellation, check-in and no-shows,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import Conflict, InvalidInput, NotPermitted
from labline.facilities.models import Booking, BookingStatus, ClosureKind, WaitlistEntry
from labline.facilities.schemas import BookingCreate, ClosureCreate, QualificationGrant
from labline.facilities.service import attendance, bookings, catalogue
from labline.facilities.service.bookings import BookingConflict, NotQualified
from tests import clock
from tests.factories import make_facility, make_instrument, make_org, make_person

CST = clock.CST
# Day 1 is the first Tuesday from today (opening hours depend on the weekday); the rules
# run at its midnight in China.
DAY1 = clock.day((1 - clock.TODAY.weekday()) % 7)
NOW = datetime.combine(DAY1, time(0), CST)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """`hour:minute` in China on the `day`-th day counted from day 1."""
    return datetime.combine(DAY1 + timedelta(days=day - 1), time(hour, minute), CST)


@pytest.fixture()
def lab(db):
    operator = make_org(db, kind="facility_operator")
    facility = make_facility(db, operator=operator)
    instrument = make_instrument(db, facility=facility, setup_minutes=15, cleanup_minutes=15)
    manager = make_person(db, roles=(Role.facility_manager,))
    user_org = make_org(db)
    user = make_person(db, org=user_org)
    other = make_person(db, org=user_org)
    return {
        "facility": facility,
        "instrument": instrument,
        "manager": actor_for(db, manager.id),
        "user": actor_for(db, user.id),
        "other": actor_for(db, other.id),
        "user_org": user_org,
    }


def book(db, actor, instrument, start, end, **extra):
    data = BookingCreate(instrument_id=instrument.id, starts_at=start, ends_at=end, **extra)
    return bookings.create_booking(db, actor=actor, data=data, now=NOW)


def fields_of(exc) -> dict[str, str]:
    return {f.field: f.message for f in exc.value.fields}


def test_a_booking_holds_the_instrument_with_its_buffers(db, lab):
    b = book(db, lab["user"], lab["instrument"], at(2, 9), at(2, 11))
    assert b.status == BookingStatus.confirmed
    assert b.block_start == at(2, 8, 45) and b.block_end == at(2, 11, 15)
    assert b.organisation_id == lab["user_org"].id
    # 11:00-12:00 would need set-up from 10:45, inside the first booking's clean-up.
    with pytest.raises(BookingConflict) as exc:
        book(db, lab["other"], lab["instrument"], at(2, 11), at(2, 12))
    assert exc.value.extra["conflicting_booking_id"] == b.id
    assert f"booking {b.id}" in exc.value.message
    ok = book(db, lab["other"], lab["instrument"], at(2, 11, 30), at(2, 12, 30))
    assert ok.status == BookingStatus.confirmed


@pytest.mark.parametrize(
    ("start", "end", "field", "words"),
    [
        (
            at(0, 9),
            at(0, 10),
            "starts_at",
            "in the past",
        ),
        (at(2, 9), at(2, 9, 10), "ends_at", "minimum is 30 min"),
        (at(2, 9), at(2, 18), "ends_at", "maximum is 8 h"),
    ],
)
def test_rules_are_refused_with_the_reason(db, lab, start, end, field, words):
    with pytest.raises(InvalidInput) as exc:
        book(db, lab["user"], lab["instrument"], start, end)
    assert words in fields_of(exc)[field]
    assert db.query(Booking).count() == 0


def test_end_before_start_and_zones_are_refused_by_the_schema():
    with pytest.raises(ValidationError, match="must end after it starts"):
        BookingCreate(instrument_id=1, starts_at=at(2, 10), ends_at=at(2, 9))
    with pytest.raises(ValidationError, match="time zone offset"):
        BookingCreate(
            instrument_id=1,
            starts_at=at(2, 9).replace(tzinfo=None),
            ends_at=at(2, 10).replace(tzinfo=None),
        )
    with pytest.raises(ValidationError, match="same time zone offset"):
        BookingCreate(
            instrument_id=1,
            starts_at=at(2, 9),
            ends_at=at(2, 11).astimezone(UTC),
        )


def test_opening_hours_and_lead_time(db, lab):
    inst = make_instrument(
        db,
        facility=lab["facility"],
        opens_minute=9 * 60,
        closes_minute=17 * 60,
        open_weekdays="12345",
        lead_minutes=48 * 60,
    )
    with pytest.raises(InvalidInput) as exc:
        book(db, lab["user"], inst, at(4, 16), at(4, 18))  # Friday, past closing
    assert "outside opening hours 09:00–17:00" in fields_of(exc)["starts_at"]
    with pytest.raises(InvalidInput) as exc:
        book(db, lab["user"], inst, at(5, 10), at(5, 11))  # Saturday
    assert "closed on Saturdays" in fields_of(exc)["starts_at"]
    with pytest.raises(InvalidInput) as exc:
        book(db, lab["user"], inst, at(1, 10), at(1, 11))  # less than 48 h ahead
    assert "at least 48 h ahead" in fields_of(exc)["starts_at"]
    assert book(db, lab["user"], inst, at(4, 9), at(4, 17)).status == BookingStatus.confirmed


def test_shutdowns_refuse_bookings(db, lab):
    inst = lab["instrument"]
    closure = catalogue.add_closure(
        db,
        actor=lab["manager"],
        instrument_id=inst.id,
        data=ClosureCreate(
            kind=ClosureKind.shutdown, starts_at=at(10, 0), ends_at=at(12, 0), reason="冬季停机"
        ),
    )
    with pytest.raises(InvalidInput) as exc:
        book(db, lab["user"], inst, at(11, 9), at(11, 10))
    assert "falls in a shutdown (冬季停机)" in fields_of(exc)["starts_at"]
    assert exc.value.fields[0].allowed == {"closure_id": closure.id}
    with pytest.raises(NotPermitted):
        catalogue.add_closure(
            db,
            actor=lab["user"],
            instrument_id=inst.id,
            data=ClosureCreate(kind=ClosureKind.maintenance, starts_at=at(3, 0), ends_at=at(3, 1)),
        )


def test_qualification_is_required_and_must_not_expire(db, lab):
    inst = make_instrument(db, facility=lab["facility"], qualification_code="xray-safety")
    with pytest.raises(NotQualified, match="needs the 'xray-safety' qualification"):
        book(db, lab["user"], inst, at(2, 9), at(2, 10))
    catalogue.grant_qualification(
        db,
        actor=lab["manager"],
        facility_id=lab["facility"].id,
        data=QualificationGrant(
            person_id=lab["user"].person_id, code="xray-safety", expires_at=at(2, 9, 30)
        ),
    )
    with pytest.raises(NotQualified, match=f"expires on {at(2, 0).date().isoformat()}"):
        book(db, lab["user"], inst, at(2, 9), at(2, 10))
    catalogue.grant_qualification(
        db,
        actor=lab["manager"],
        facility_id=lab["facility"].id,
        data=QualificationGrant(person_id=lab["user"].person_id, code="xray-safety"),
    )
    assert book(db, lab["user"], inst, at(2, 9), at(2, 10)).status == BookingStatus.confirmed
    with pytest.raises(NotPermitted):
        catalogue.grant_qualification(
            db,
            actor=lab["user"],
            facility_id=lab["facility"].id,
            data=QualificationGrant(person_id=lab["other"].person_id, code="xray-safety"),
        )


def test_approval_waitlist_and_freed_slots(db, lab):
    inst = make_instrument(db, facility=lab["facility"], requires_approval=True)
    first = book(db, lab["user"], inst, at(3, 9), at(3, 12))
    assert first.status == BookingStatus.pending  # a pending booking holds the slot
    waiting = book(db, lab["other"], inst, at(3, 10), at(3, 11), waitlist=True)
    assert isinstance(waiting, WaitlistEntry) and waiting.status == "waiting"
    assert [b.id for b in bookings.pending_for(db, actor=lab["manager"])] == [first.id]
    with pytest.raises(NotPermitted):
        bookings.pending_for(db, actor=lab["user"])
    with pytest.raises(NotPermitted):
        bookings.decide(db, actor=lab["user"], booking_id=first.id, approve=True)
    bookings.decide(db, actor=lab["manager"], booking_id=first.id, approve=False, note="维护")
    assert first.status == BookingStatus.rejected
    db.refresh(waiting)
    assert waiting.status == "booked"
    offered = db.get(Booking, waiting.booking_id)
    assert offered.person_id == lab["other"].person_id and offered.status == BookingStatus.pending


def test_cancellation_inside_the_notice_is_late(db, lab):
    inst = lab["instrument"]  # 24 h notice
    early = book(db, lab["user"], inst, at(5, 9), at(5, 10))
    late = book(db, lab["user"], inst, at(1, 9), at(1, 10))
    with pytest.raises(NotPermitted):
        bookings.cancel(db, actor=lab["other"], booking_id=early.id, now=NOW)
    assert bookings.cancel(db, actor=lab["user"], booking_id=early.id, now=NOW).status == (
        BookingStatus.cancelled
    )
    assert bookings.cancel(db, actor=lab["user"], booking_id=late.id, now=NOW).status == (
        BookingStatus.late_cancelled
    )
    with pytest.raises(Conflict):
        bookings.cancel(db, actor=lab["user"], booking_id=late.id, now=NOW)
    # the freed time can be booked again
    assert book(db, lab["other"], inst, at(5, 9), at(5, 10)).status == BookingStatus.confirmed


def test_check_in_window_and_no_show_sweep(db, lab):
    inst = lab["instrument"]
    b1 = book(db, lab["user"], inst, at(2, 9), at(2, 10))
    b2 = book(db, lab["user"], inst, at(2, 13), at(2, 14))
    with pytest.raises(Conflict, match="opens 30 minutes before"):
        attendance.check_in(db, actor=lab["user"], booking_id=b1.id, now=at(2, 8))
    attendance.check_in(db, actor=lab["user"], booking_id=b1.id, now=at(2, 8, 50))
    counts = attendance.sweep(db, now=at(3, 0))
    assert counts == {"no_show": 1, "closed": 1}
    assert b1.status == BookingStatus.completed and b2.status == BookingStatus.no_show


def test_others_see_busy_times_only(db, lab):
    inst = lab["instrument"]
    mine = book(db, lab["user"], inst, at(2, 9), at(2, 10))
    full, busy = bookings.calendar(
        db, actor=lab["other"], instrument_id=inst.id, start=at(1, 0), end=at(8, 0)
    )
    assert full == [] and [b.id for b in busy] == [mine.id]
    full, busy = bookings.calendar(
        db, actor=lab["manager"], instrument_id=inst.id, start=at(1, 0), end=at(8, 0)
    )
    assert [b.id for b in full] == [mine.id] and busy == []
    with pytest.raises(NotPermitted):
        bookings.get_booking(db, actor=lab["other"], booking_id=mine.id)


def test_the_database_itself_refuses_overlaps(db, lab, backend):
    """Bypass the service: on PostgreSQL the exclusion constraint stops a racing insert."""
    if backend != "postgresql":
        pytest.skip(
            "SQLite relies on its single writer (BEGIN IMMEDIATE), tested by the stress test"
        )
    first = book(db, lab["user"], lab["instrument"], at(2, 9), at(2, 10))
    values = {
        "i": lab["instrument"].id,
        "p": first.person_id,
        "s": at(2, 9, 30),
        "e": at(2, 10, 30),
    }
    refused = pytest.raises((IntegrityError, DBAPIError), match="ex_bookings_no_overlap")
    with refused, db.begin_nested():
        db.execute(
            text(
                "INSERT INTO bookings (instrument_id, person_id, starts_at, ends_at,"
                " block_start, block_end, status, purpose, samples, decision_note,"
                " created_at, updated_at) VALUES (:i, :p, :s, :e, :s, :e, 'confirmed',"
                " '', 0, '', now(), now())"
            ),
            values,
        )
    # a cancelled booking does not hold the time
    first.status = BookingStatus.cancelled
    db.flush()
    assert book(db, lab["other"], lab["instrument"], at(2, 9, 30), at(2, 10)).id
