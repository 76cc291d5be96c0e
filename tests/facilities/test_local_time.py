"""Times are stored in UTC and shown in the facility's time zone; periods are local dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import time_machine

from labline import clock
from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.facilities.models import Booking, BookingStatus, UsageRecord
from labline.facilities.schemas import InvoiceCreate
from labline.facilities.service import usage
from labline.web.render import environment
from tests.factories import make_facility, make_instrument, make_org, make_person, sign_in

CST = timezone(timedelta(hours=8))


def test_in_zone_and_local_dates():
    naive_utc = datetime(2026, 12, 1, 8, 0)  # SQLite hands times back without an offset
    assert clock.in_zone(naive_utc, "Asia/Shanghai").strftime("%H:%M") == "16:00"
    start = datetime(2026, 1, 1, tzinfo=CST)
    end = datetime(2026, 12, 1, tzinfo=CST)
    assert clock.local_dates(start, end, "Asia/Shanghai") == (date(2026, 1, 1), date(2026, 11, 30))
    # stored and read back as UTC, the local dates are the same
    assert clock.local_dates(
        start.astimezone(UTC).replace(tzinfo=None), end.astimezone(UTC), "Asia/Shanghai"
    ) == (date(2026, 1, 1), date(2026, 11, 30))
    assert clock.local_midnight(date(2026, 4, 5), "Asia/Shanghai") == datetime(
        2026, 4, 4, 16, tzinfo=UTC
    )


def test_filters_show_wall_clock_time_and_local_periods():
    env = environment()
    shown = env.from_string("{{ s|localtime(z) }} – {{ e|localtime(z, '%H:%M') }}").render(
        s=datetime(2026, 12, 1, 8, tzinfo=UTC),
        e=datetime(2026, 12, 1, 10, tzinfo=UTC),
        z="Asia/Shanghai",
    )
    assert shown == "2026-12-01 16:00 – 18:00"
    period = env.from_string("{{ s|period(e, z) }}").render(
        s=datetime(2027, 4, 4, 16, tzinfo=UTC),
        e=datetime(2027, 5, 31, 16, tzinfo=UTC),
        z="Asia/Shanghai",
    )
    assert period == "2027-04-05 – 2027-05-31"


@pytest.fixture()
def billed(db):
    operator = make_org(db, kind="facility_operator")
    facility = make_facility(db, operator=operator, code="SSRF", timezone="Asia/Shanghai")
    instrument = make_instrument(db, facility=facility, rate_internal=100, rate_external=300)
    payer = make_org(db)
    manager = make_person(db, roles=(Role.facility_manager,))
    user = make_person(db, org=payer, org_role=Role.org_admin)
    # 16:00–18:00 in Shanghai on 2026-01-01, the first local day of the period
    starts = datetime(2026, 1, 1, 16, tzinfo=CST).astimezone(UTC)  # stored in UTC
    booking = Booking(
        instrument_id=instrument.id,
        person_id=user.id,
        organisation_id=payer.id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        block_start=starts,
        block_end=starts + timedelta(hours=2),
        status=BookingStatus.completed,
        purpose="test",
    )
    db.add(booking)
    db.flush()
    db.add(
        UsageRecord(
            booking_id=booking.id,
            instrument_id=instrument.id,
            person_id=user.id,
            organisation_id=payer.id,
            started_at=starts,
            ended_at=starts + timedelta(hours=2),
            hours=2,
            external=True,
            source="check_out",
        )
    )
    db.flush()
    return {
        "facility": facility,
        "instrument": instrument,
        "payer": payer,
        "manager": manager,
        "user": user,
        "booking": booking,
    }


def _invoice(db, billed):
    return usage.issue_invoice(
        db,
        actor=actor_for(db, billed["manager"].id),
        data=InvoiceCreate(
            facility_id=billed["facility"].id,
            organisation_id=billed["payer"].id,
            period_start=datetime(2026, 1, 1, tzinfo=CST),
            period_end=datetime(2026, 12, 1, tzinfo=CST),
        ),
    )


def test_an_invoice_is_numbered_and_labelled_by_local_dates(db, billed):
    invoice = _invoice(db, billed)
    assert invoice.number.startswith("SSRF-202601-"), invoice.number
    first, last = clock.local_dates(invoice.period_start, invoice.period_end, "Asia/Shanghai")
    assert (first, last) == (date(2026, 1, 1), date(2026, 11, 30))


def test_pages_show_the_facility_time(db, billed, client):
    invoice = _invoice(db, billed)
    db.flush()
    sign_in(client, billed["manager"].email)
    page = client.get(f"/facilities/invoices/{invoice.id}").text
    assert "2026-01-01 – 2026-11-30" in page and "2025-12-31" not in page
    assert "2 hours" in page and "2.00" not in page.split("<tbody>")[1].split("¥")[0]
    assert "2026-01-01 16:00" in page  # the use, at the facility's time
    client.cookies.set("labline_lang", "zh")
    assert "测试仪器" in client.get(f"/facilities/invoices/{invoice.id}").text
    client.cookies.delete("labline_lang")
    client.cookies.clear()
    sign_in(client, billed["user"].email)
    with time_machine.travel(datetime(2025, 12, 20, tzinfo=UTC), tick=False):
        mine = client.get("/facilities/bookings").text
    assert "2026-01-01 16:00" in mine and "18:00" in mine, mine.split("<tbody>")[1][:700]
    assert "08:00" not in mine and " UTC" not in mine


def test_times_of_no_facility_show_on_the_platforms_clock():
    env = environment()
    shown = env.from_string("{{ t|localtime }}").render(t=datetime(2026, 12, 1, 8, 30))
    assert shown == "2026-12-01 16:30"
    assert env.from_string("{{ t|localtime }}").render(t=None) == "—"


def test_a_qualification_runs_to_the_end_of_its_local_day(db, billed, client):
    """A manager grants a qualification until 2030-12-31: it holds through that day on the
    facility's clock (not to 23:59 UTC, 07:59 the next morning in Shanghai), and its grant
    and expiry are shown as the facility's dates (a grant at 00:30 in Shanghai was the
    previous UTC day)."""
    from sqlalchemy import select

    from labline.facilities.models import Qualification

    instrument = billed["instrument"]
    instrument.qualification_code = "LOCAL-DAY"
    db.flush()
    sign_in(client, billed["manager"].email)
    granted = datetime(2026, 12, 1, 0, 30, tzinfo=CST)
    with time_machine.travel(granted, tick=False):
        r = client.post(
            f"/facilities/instruments/{instrument.id}/manage/qualifications",
            data={
                "csrf_token": client.cookies.get("labline_csrf"),
                "email": billed["user"].email,
                "expires": "2030-12-31",
            },
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text[:500]
        page = client.get(f"/facilities/instruments/{instrument.id}/manage").text
    q = db.scalar(select(Qualification).where(Qualification.code == "LOCAL-DAY"))
    assert clock.in_zone(q.expires_at, "Asia/Shanghai") == datetime(
        2030, 12, 31, 23, 59, 59, tzinfo=CST
    )
    row = page.split('data-testid="granted">')[1]
    assert row.startswith("2026-12-01<"), row[:80]
    assert row.split('data-testid="expires">')[1].startswith("2030-12-31<")
