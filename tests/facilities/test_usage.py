"""Check-out into the append-only usage log, corrections, invoices and figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import InvalidInput, NotPermitted
from labline.facilities.models import ClosureKind, RateUnit
from labline.facilities.schemas import (
    BookingCreate,
    CheckOut,
    ClosureCreate,
    InvoiceCreate,
    UsageCreate,
)
from labline.facilities.service import attendance, bookings, catalogue, figures, usage
from labline.facilities.service.figures import open_hours
from tests.factories import make_facility, make_instrument, make_org, make_person

NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
CST = timezone(timedelta(hours=8))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=CST)


@pytest.fixture()
def lab(db):
    operator = make_org(db, kind="facility_operator")
    facility = make_facility(db, operator=operator)
    hourly = make_instrument(db, facility=facility, rate_internal=100, rate_external=300)
    per_sample = make_instrument(
        db, facility=facility, rate_unit=RateUnit.sample, rate_internal=20, rate_external=50
    )
    manager = make_person(db, roles=(Role.facility_manager,))
    insider = make_person(db, org=operator)
    outsider_org = make_org(db)
    outsider = make_person(db, org=outsider_org, org_role=Role.org_admin)
    return {
        "operator": operator,
        "facility": facility,
        "hourly": hourly,
        "per_sample": per_sample,
        "manager": actor_for(db, manager.id),
        "insider": actor_for(db, insider.id),
        "outsider": actor_for(db, outsider.id),
        "outsider_org": outsider_org,
    }


def use(db, actor, instrument, start, end, *, out_at, samples=None):
    data = BookingCreate(instrument_id=instrument.id, starts_at=start, ends_at=end)
    b = bookings.create_booking(db, actor=actor, data=data, now=NOW)
    attendance.check_in(db, actor=actor, booking_id=b.id, now=start)
    return attendance.check_out(
        db, actor=actor, booking_id=b.id, data=CheckOut(samples=samples), now=out_at
    )


def test_check_out_records_actual_use_and_the_log_is_append_only(db, lab):
    rec = use(db, lab["outsider"], lab["hourly"], at(2, 9), at(2, 12), out_at=at(2, 10, 30))
    assert rec.hours == Decimal("1.50") and rec.external is True
    inside = use(db, lab["insider"], lab["hourly"], at(2, 13), at(2, 14), out_at=at(2, 14))
    assert inside.external is False
    db.flush()
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(text("UPDATE usage_records SET hours = 0 WHERE id = :i"), {"i": rec.id})
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(text("DELETE FROM usage_records WHERE id = :i"), {"i": rec.id})


def test_invoice_uses_the_external_rate_and_each_use_once(db, lab):
    use(db, lab["outsider"], lab["hourly"], at(2, 9), at(2, 12), out_at=at(2, 11))  # 2 h
    use(db, lab["outsider"], lab["per_sample"], at(3, 9), at(3, 10), out_at=at(3, 10), samples=4)
    use(db, lab["insider"], lab["hourly"], at(4, 9), at(4, 10), out_at=at(4, 10))
    request = InvoiceCreate(
        facility_id=lab["facility"].id,
        organisation_id=lab["outsider_org"].id,
        period_start=at(1, 0),
        period_end=datetime(2027, 1, 1, tzinfo=CST),
    )
    with pytest.raises(NotPermitted):
        usage.issue_invoice(db, actor=lab["outsider"], data=request)
    invoice = usage.issue_invoice(db, actor=lab["manager"], data=request)
    assert invoice.total == Decimal("800.00")  # 2 h x 300 + 4 samples x 50
    assert sorted(line.amount for line in invoice.lines) == [Decimal("200.00"), Decimal("600.00")]
    # the payer's admin may read it; a second invoice finds nothing left to bill
    assert usage.get_invoice(db, actor=lab["outsider"], invoice_id=invoice.id).id == invoice.id
    with pytest.raises(NotPermitted):
        usage.get_invoice(db, actor=lab["insider"], invoice_id=invoice.id)
    with pytest.raises(InvalidInput, match="no uninvoiced use"):
        usage.issue_invoice(db, actor=lab["manager"], data=request)


def test_corrections_supersede_and_invoiced_use_is_frozen(db, lab):
    rec = use(db, lab["outsider"], lab["hourly"], at(2, 9), at(2, 12), out_at=at(2, 12))
    fixed = usage.add_usage(
        db,
        actor=lab["manager"],
        data=UsageCreate(
            instrument_id=lab["hourly"].id,
            person_id=rec.person_id,
            organisation_id=lab["outsider_org"].id,
            started_at=at(2, 9),
            ended_at=at(2, 10),
            corrects_id=rec.id,
            note="clock was wrong",
        ),
    )
    assert fixed.source == "correction" and fixed.hours == Decimal("1.00")
    with pytest.raises(InvalidInput) as exc:
        usage.add_usage(
            db,
            actor=lab["manager"],
            data=UsageCreate(
                instrument_id=lab["hourly"].id,
                person_id=rec.person_id,
                started_at=at(2, 9),
                ended_at=at(2, 10),
                corrects_id=rec.id,
            ),
        )
    assert exc.value.fields[0].field == "corrects_id"
    invoice = usage.issue_invoice(
        db,
        actor=lab["manager"],
        data=InvoiceCreate(
            facility_id=lab["facility"].id,
            organisation_id=lab["outsider_org"].id,
            period_start=at(1, 0),
            period_end=at(31, 0),
        ),
    )
    assert invoice.total == Decimal("300.00")  # only the corrected hour


def test_figures(db, lab):
    catalogue.add_closure(
        db,
        actor=lab["manager"],
        instrument_id=lab["hourly"].id,
        data=ClosureCreate(kind=ClosureKind.maintenance, starts_at=at(7, 0), ends_at=at(8, 0)),
    )
    use(db, lab["outsider"], lab["hourly"], at(2, 9), at(2, 12), out_at=at(2, 12))  # 3 h ext
    use(db, lab["insider"], lab["hourly"], at(3, 9), at(3, 10), out_at=at(3, 10))  # 1 h int
    no_show = bookings.create_booking(
        db,
        actor=lab["insider"],
        data=BookingCreate(instrument_id=lab["hourly"].id, starts_at=at(4, 9), ends_at=at(4, 10)),
        now=NOW,
    )
    attendance.sweep(db, now=at(5, 0))
    assert no_show.status.value == "no_show"
    f = figures.figures(
        db,
        actor=lab["insider"],
        scope="instrument",
        scope_id=lab["hourly"].id,
        start=at(1, 0),
        end=at(11, 0),
    )
    assert f.service_hours == 4.0 and f.users_served == 2 and f.organisations_served == 2
    assert f.external_share == 0.75
    assert f.available_hours == 10 * 24 - 24  # open around the clock, one day closed
    assert f.utilisation == round(4 / 216, 4)
    assert f.bookings == 3 and f.no_show_rate == round(1 / 3, 4)
    platform = figures.figures(
        db, actor=lab["insider"], scope="platform", scope_id=None, start=at(1, 0), end=at(11, 0)
    )
    assert platform.service_hours >= 4.0
    with pytest.raises(InvalidInput):
        figures.figures(
            db, actor=lab["insider"], scope="facility", scope_id=None, start=at(1, 0), end=at(2, 0)
        )


def test_open_hours_follow_the_facility_zone(db, lab):
    inst = make_instrument(db, facility=lab["facility"], opens_minute=9 * 60, closes_minute=17 * 60)
    inst.open_weekdays = "12345"
    # Monday 2026-12-07 to Monday 2026-12-14 in Shanghai: five 8-hour days.
    assert open_hours(inst, at(7, 0), at(14, 0)) == 40.0
