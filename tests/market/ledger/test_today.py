"""Issue 17 in the ledger: in Shanghai's small hours (still yesterday in UTC) the forms offered
yesterday and the services refused the local today as "after today". Now a form offers its
reader's today, and a day is refused only once it is in the future everywhere on earth."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import update

from labline.core.models import Person
from labline.errors import InvalidInput
from labline.market.ledger import service as ledger
from labline.market.ledger.models import LicencePayment
from labline.market.ledger.schemas import MilestoneAchieved, PaymentCreate
from tests import clock
from tests.factories import sign_in
from tests.market.ledger.test_ledger import licence  # noqa: F401  (fixture)

# 00:30 in Shanghai on clock.TODAY (2026-12-01), i.e. 2026-11-30T16:30Z: 06:30 at UTC+14.
SMALL_HOURS = clock.at(0, 0, 30)


def test_the_local_today_is_accepted_and_a_day_in_the_future_everywhere_refused(
    db,
    licence,  # noqa: F811
):
    c, seller = licence["contract"], licence["seller"]
    with time_machine.travel(SMALL_HOURS, tick=False):
        upfront = ledger.invoice_upfront(db, actor=seller, contract_id=c.id)
        with pytest.raises(InvalidInput) as exc:
            ledger.record_payment(
                db,
                actor=seller,
                invoice_id=upfront.id,
                data=PaymentCreate(amount=Decimal(1000), currency="USD", received_on=clock.day(2)),
            )
        (error,) = exc.value.fields
        assert error.field == "received_on" and error.message == "not in the future"
        assert error.allowed == {"max": clock.day(0).isoformat()}
        assert db.query(LicencePayment).count() == 0  # nothing recorded
        payment = ledger.record_payment(
            db,
            actor=seller,
            invoice_id=upfront.id,
            data=PaymentCreate(amount=Decimal(1000), currency="USD", received_on=clock.day(0)),
        )
        assert payment.received_on == clock.day(0)
        milestone = licence["offer"].milestones[0]
        with pytest.raises(InvalidInput) as exc:
            ledger.invoice_milestone(
                db,
                actor=seller,
                contract_id=c.id,
                data=MilestoneAchieved(milestone_id=milestone.id, achieved_on=clock.day(2)),
            )
        assert [f.field for f in exc.value.fields] == ["achieved_on"]
        assert exc.value.fields[0].allowed["max"] == clock.day(0).isoformat()
        invoice = ledger.invoice_milestone(
            db,
            actor=seller,
            contract_id=c.id,
            data=MilestoneAchieved(milestone_id=milestone.id, achieved_on=clock.day(0)),
        )
        assert invoice.issued_on == clock.day(0)


def _default(html: str, name: str) -> str:
    found = re.search(rf'<input [^>]*name="{name}" [^>]*value="([^"]*)"', html)
    assert found, f"no {name} input on the page"
    return found.group(1)


def test_the_payment_form_offers_and_takes_the_readers_today(client, db, licence):  # noqa: F811
    c, seller = licence["contract"], licence["seller"]
    upfront = ledger.invoice_upfront(db, actor=seller, contract_id=c.id)
    sign_in(client, seller.email)
    client.get("/lang/en")
    url = f"/market/contracts/{c.id}/ledger"
    with time_machine.travel(SMALL_HOURS, tick=False):
        page = client.get(url).text
        # The platform's zone (Asia/Shanghai): already 1 December, not UTC's 30 November.
        assert _default(page, "received_on") == clock.day(0).isoformat()
        token = client.cookies.get("labline_csrf")
        form = {"action": "payment", "invoice_id": str(upfront.id), "amount": "1000"}
        form |= {"currency": "USD", "csrf_token": token}
        r = client.post(url, data={**form, "received_on": clock.day(2).isoformat()})
        assert r.status_code == 422
        errors = re.search(r'data-testid="ledger-errors">(.*?)</div>', r.text, re.S)
        assert errors and "not in the future" in errors.group(1), r.text
        assert db.query(LicencePayment).count() == 0
        r = client.post(
            url, data={**form, "received_on": clock.day(0).isoformat()}, follow_redirects=False
        )
        assert r.status_code == 303, r.text
        (paid,) = db.query(LicencePayment).all()
        assert paid.received_on == clock.day(0) and paid.invoice_id == upfront.id
        # A reader in Berlin, where it is still 30 November, is offered that day.
        db.execute(
            update(Person).where(Person.id == seller.person_id).values(time_zone="Europe/Berlin")
        )
        db.flush()
        assert _default(client.get(url).text, "achieved_on") == clock.day(-1).isoformat()
