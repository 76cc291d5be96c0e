"""An organisation's licence books: every ledger it is a party to, each in its contract's
currency and in yuan, summed in yuan as owed to it (licensor) and owed by it (licensee);
what was due, invoiced, paid and outstanding reconcile; its own people and operators read
them, nobody else; from the service, the API, the page and the command line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from labline.core.access import command_line_actor
from labline.errors import NotFound
from labline.market.ledger import service as ledger
from labline.market.ledger.schemas import PaymentCreate
from tests import clock
from tests.market.ledger.test_ledger import licence  # noqa: F401  (fixture)


def test_books_reconcile_per_contract_and_per_organisation_in_yuan(db, licence):  # noqa: F811
    c, seller, buyer = licence["contract"], licence["seller"], licence["buyer"]
    upfront = ledger.invoice_upfront(db, actor=seller, contract_id=c.id)  # 215,000 USD
    ledger.record_payment(
        db,
        actor=seller,
        invoice_id=upfront.id,
        data=PaymentCreate(amount=Decimal(15_000), currency="USD", received_on=clock.day(-1)),
    )
    owed = ledger.books(db, actor=seller, organisation_id=c.seller_id)
    (row,) = owed.contracts
    assert (row.side, row.currency, row.counterparty_id) == ("licensor", "USD", c.buyer_id)
    t = row.totals
    assert (t.invoiced, t.paid, t.outstanding) == (Decimal(215_000), Decimal(15_000), 200_000)
    assert t.invoiced == t.paid + t.outstanding and t.due == t.invoiced  # due long ago
    assert t.overdue == t.outstanding
    assert t.outstanding_cny == Decimal("1420000.00")  # 200,000 USD at 7.10
    assert owed.receivable_cny.outstanding == t.outstanding_cny
    assert owed.receivable_cny.invoiced == owed.receivable_cny.paid + t.outstanding_cny
    assert owed.payable_cny.invoiced == 0
    owes = ledger.books(db, actor=buyer, organisation_id=c.buyer_id)
    assert owes.contracts[0].side == "licensee"
    assert owes.payable_cny == owed.receivable_cny and owes.receivable_cny.invoiced == 0
    operator = command_line_actor("test")
    assert ledger.books(db, actor=operator, organisation_id=c.buyer_id) == owes
    for actor, org in ((licence["outsider"], c.buyer_id), (buyer, c.seller_id), (buyer, 999_999)):
        with pytest.raises(NotFound):  # nobody else learns what it is owed or owes
            ledger.books(db, actor=actor, organisation_id=org)


def test_the_api_page_and_command_line_show_the_books(client, db, tmp_path):
    from labline.core.models import Organisation, Role
    from tests.factories import bearer, make_person, sign_in
    from tests.market.ledger.test_ledger import licence as make_licence

    world = make_licence.__wrapped__(db)  # type: ignore[attr-defined]
    c = world["contract"]
    ledger.invoice_upfront(db, actor=world["seller"], contract_id=c.id)
    admin = make_person(db, org=db.get(Organisation, c.buyer_id), org_role=Role.org_admin)
    db.commit()
    r = client.get(f"/api/v1/market/organisations/{c.buyer_id}/ledger", headers=bearer(db, admin))
    assert r.status_code == 200 and r.json()["payable_cny"]["outstanding"] == "1526500.00"
    other = client.get(
        f"/api/v1/market/organisations/{c.seller_id}/ledger", headers=bearer(db, admin)
    )
    assert other.status_code == 404
    sign_in(client, admin.email)
    ledger_page = client.get(f"/market/contracts/{c.id}/ledger").text
    assert f'href="/market/organisations/{c.buyer_id}/ledger"' in ledger_page
    assert f'href="/market/organisations/{c.seller_id}/ledger"' not in ledger_page
    page = client.get(f"/market/organisations/{c.buyer_id}/ledger").text
    assert 'data-testid="books-contracts"' in page and "1,526,500.00" in page
