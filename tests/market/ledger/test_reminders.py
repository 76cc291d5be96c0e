"""Overdue licence invoices are mailed through the outbox: one digest a day to each person
of either side, in their language; paid invoices are not."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from labline.core.models import OutboxMail
from labline.market.ledger import reminders
from labline.market.ledger import service as ledger
from labline.market.ledger.schemas import PaymentCreate
from tests import clock
from tests.market.ledger.test_ledger import licence  # noqa: F401  (the fixture)


def test_overdue_invoices_are_mailed_once_a_day_to_both_sides(db, licence):  # noqa: F811
    c, seller = licence["contract"], licence["seller"]
    upfront = ledger.invoice_upfront(db, actor=seller, contract_id=c.id)  # due long ago
    items = reminders.overdue_items(db)
    assert {i.person_id for i in items} == {licence["buyer"].person_id, seller.person_id}
    assert all(i.outstanding == Decimal("215000.00") and i.currency == "USD" for i in items)
    assert reminders.mail_overdue(db, base_url="https://x") == 2
    assert reminders.mail_overdue(db, base_url="https://x") == 0  # once a day
    mails = db.scalars(select(OutboxMail).where(OutboxMail.kind == "market.ledger-overdue")).all()
    assert len(mails) == 2 and all(f"/market/contracts/{c.id}/ledger" in m.body for m in mails)
    assert reminders.mail_overdue(db, base_url="https://x", today=clock.day(1)) == 2
    # Paid in full: nothing is overdue any more.
    ledger.record_payment(
        db,
        actor=seller,
        invoice_id=upfront.id,
        data=PaymentCreate(amount=upfront.amount, currency="USD", received_on=clock.day(-1)),
    )
    assert reminders.overdue_items(db) == []
