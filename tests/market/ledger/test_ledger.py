"""The ledger after signing: accepted terms carried to the contract; upfront, milestone and
royalty invoices; royalties by the tiers with the minimum; payments; totals that reconcile;
bad entries refused by field, changing nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import Conflict, InvalidInput, NotFound, NotPermitted
from labline.market.ledger import service as ledger
from labline.market.ledger.models import LicenceInvoice, RoyaltyReport
from labline.market.ledger.schemas import MilestoneAchieved, PaymentCreate, RoyaltyReportCreate
from labline.market.licensing import service as licensing
from labline.market.licensing.schemas import OfferCreate
from labline.market.models import Contract, ContractKind, Deal, DealState
from tests import clock
from tests.factories import make_achievement, make_need, make_org, make_person

TERMS = {
    "label": "exclusive",
    "exclusivity": "exclusive",
    "term_years": 10,
    "currency": "USD",
    "upfront_cash": "200000",
    "patent_costs": "15000",
    "minimum_annual_royalty": "50000",
    "tiers": [
        {"from_sales": "0", "to_sales": "1000000", "rate_percent": "5"},
        {"from_sales": "1000000", "rate_percent": "8"},
    ],
    "milestones": [{"event": "first sale", "amount": "100000"}],
}


@pytest.fixture()
def licence(db):
    buyer_org, seller_org = make_org(db), make_org(db, kind="university")
    buyer = actor_for(db, make_person(db, org=buyer_org, org_role=Role.member).id)
    seller = actor_for(db, make_person(db, org=seller_org, org_role=Role.member).id)
    outsider = actor_for(db, make_person(db, org=make_org(db)).id)
    deal = Deal(
        need_id=make_need(db, org=buyer_org).id,
        achievement_id=make_achievement(db, org=seller_org).id,
        buyer_id=buyer_org.id,
        seller_id=seller_org.id,
        state=DealState.negotiating,
    )
    db.add(deal)
    db.flush()
    offer = licensing.propose(
        db, actor=seller, deal_id=deal.id, data=OfferCreate.model_validate(TERMS)
    )
    with pytest.raises(NotPermitted):  # the side that proposed does not accept its own offer
        licensing.accept(db, actor=seller, offer_id=offer.id)
    licensing.accept(db, actor=buyer, offer_id=offer.id)
    signed_on = clock.day(-200)
    contract = Contract(
        deal_id=deal.id,
        kind=ContractKind.licence,
        amount=Decimal(200000),
        currency="USD",
        amount_cny=Decimal(1420000),
        signed_on=signed_on,
        registration_no=f"L-{deal.id}-TEST",
        buyer_id=buyer_org.id,
        seller_id=seller_org.id,
    )
    deal.state = DealState.signed
    db.add(contract)
    db.flush()
    return {
        "contract": contract,
        "offer": offer,
        "buyer": buyer,
        "seller": seller,
        "outsider": outsider,
    }


def test_a_licence_reconciles_from_signing_to_payment(db, licence):
    c, seller, buyer = licence["contract"], licence["seller"], licence["buyer"]
    upfront = ledger.invoice_upfront(db, actor=seller, contract_id=c.id)
    assert upfront.amount == Decimal("215000.00") and upfront.currency == "USD"
    assert licence["offer"].contract_id == c.id  # the accepted terms are carried to it
    milestone = licence["offer"].milestones[0]
    ledger.invoice_milestone(
        db,
        actor=seller,
        contract_id=c.id,
        data=MilestoneAchieved(milestone_id=milestone.id, achieved_on=clock.day(-100)),
    )
    # 1.5M net sales in a full year: 5 % of 1M + 8 % of 0.5M = 90,000 (above the minimum).
    start = c.signed_on
    full = ledger.file_report(
        db,
        actor=buyer,
        contract_id=c.id,
        data=RoyaltyReportCreate(
            period_start=start,
            period_end=start + timedelta(days=30),
            lines=[
                {"product": "kit A", "territory": "US", "net_sales": "1000000"},
                {"product": "kit A", "territory": "CN", "net_sales": "500000"},
            ],
        ),
    )
    assert full.royalty == Decimal("90000.00") and not full.minimum_applied
    # A quiet month: the minimum, pro rata (31 days of 50,000 a year), lifts the royalty.
    quiet = ledger.file_report(
        db,
        actor=buyer,
        contract_id=c.id,
        data=RoyaltyReportCreate(
            period_start=start + timedelta(days=31),
            period_end=start + timedelta(days=61),
            lines=[{"product": "kit A", "territory": "US", "net_sales": "10000"}],
        ),
    )
    assert quiet.minimum_applied and quiet.royalty == (Decimal(50000) * 31 / 365).quantize(
        Decimal("0.01")
    )
    ledger.record_payment(
        db,
        actor=seller,
        invoice_id=upfront.id,
        data=PaymentCreate(amount=Decimal(215000), currency="USD", received_on=clock.day(-150)),
    )
    book = ledger.ledger(db, actor=buyer, contract_id=c.id)
    t = book.totals
    assert t.invoiced == Decimal("215000") + Decimal("100000") + Decimal("90000") + quiet.royalty
    assert t.paid == Decimal("215000") and t.outstanding == t.invoiced - t.paid
    assert t.overdue == t.outstanding  # every unpaid invoice is past its 30 days
    assert all(i.overdue == (i.outstanding > 0) for i in book.invoices)
    assert book.milestones_due == []
    assert t.outstanding_cny == round(t.outstanding * Decimal("7.10"), 2)


def test_bad_entries_are_refused_by_field_and_change_nothing(db, licence):
    c, seller, buyer = licence["contract"], licence["seller"], licence["buyer"]
    upfront = ledger.invoice_upfront(db, actor=seller, contract_id=c.id)
    with pytest.raises(Conflict):
        ledger.invoice_upfront(db, actor=seller, contract_id=c.id)
    report = RoyaltyReportCreate(
        period_start=c.signed_on,
        period_end=c.signed_on + timedelta(days=90),
        lines=[{"product": "p", "territory": "t", "net_sales": "1"}],
    )
    ledger.file_report(db, actor=buyer, contract_id=c.id, data=report)
    before = db.query(RoyaltyReport).count(), db.query(LicenceInvoice).count()
    with pytest.raises(Conflict) as exc:  # a period already reported
        ledger.file_report(db, actor=buyer, contract_id=c.id, data=report)
    assert exc.value.fields[0].field == "period_start"
    cases = [
        (PaymentCreate(amount=Decimal(1), currency="XYZ", received_on=clock.day(0)), "currency"),
        (PaymentCreate(amount=Decimal(1), currency="CNY", received_on=clock.day(0)), "currency"),
        (PaymentCreate(amount=Decimal(999999), currency="USD", received_on=clock.day(0)), "amount"),
        (PaymentCreate(amount=Decimal(1), currency="USD", received_on=clock.day(3)), "received_on"),
    ]
    for data, field in cases:
        with pytest.raises(InvalidInput) as bad:
            ledger.record_payment(db, actor=seller, invoice_id=upfront.id, data=data)
        assert bad.value.fields[0].field == field
    assert (db.query(RoyaltyReport).count(), db.query(LicenceInvoice).count()) == before
    with pytest.raises(NotPermitted):  # the licensee does not invoice
        ledger.invoice_milestone(
            db,
            actor=buyer,
            contract_id=c.id,
            data=MilestoneAchieved(
                milestone_id=licence["offer"].milestones[0].id, achieved_on=clock.day(0)
            ),
        )
    with pytest.raises(NotFound):
        ledger.ledger(db, actor=licence["outsider"], contract_id=c.id)


def test_a_milestone_after_the_licence_term_is_refused_and_nothing_invoiced(db, licence):
    # A one-year licence signed 200 days ago and shortened to end 100 days ago.
    licence["offer"].term_years = 1
    contract = licence["contract"]
    contract.signed_on = clock.day(-465)
    db.flush()
    milestone = licence["offer"].milestones[0]
    with pytest.raises(InvalidInput) as exc:
        ledger.invoice_milestone(
            db,
            actor=licence["seller"],
            contract_id=contract.id,
            data=MilestoneAchieved(milestone_id=milestone.id, achieved_on=clock.day(-10)),
        )
    assert [f.field for f in exc.value.fields] == ["achieved_on"]
    assert not db.query(LicenceInvoice).filter_by(milestone_id=milestone.id).count()
    # Within the term it is invoiced.
    done = ledger.invoice_milestone(
        db,
        actor=licence["seller"],
        contract_id=contract.id,
        data=MilestoneAchieved(milestone_id=milestone.id, achieved_on=clock.day(-120)),
    )
    assert done.kind == "milestone"
