"""The money after signing as live figures: royalty income and milestone payments (万元)
where the licensor sells, licences signed by type, equity investment by province and field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from labline import registry
from labline.core.access import command_line_actor
from labline.market.captable import service as captable
from labline.market.figures import capital
from labline.market.ledger.models import LicenceInvoice
from labline.market.licensing.models import LicenceOffer
from labline.market.models import Contract, ContractKind, Deal, DealState
from tests.factories import make_achievement, make_need, make_org
from tests.market.captable.test_captable import package


def test_royalties_milestones_licences_and_equity_by_region(db):
    buyer, seller = make_org(db), make_org(db, kind="university", region_code="320500")
    deal = Deal(
        need_id=make_need(db, org=buyer).id,
        achievement_id=make_achievement(db, org=seller).id,
        buyer_id=buyer.id,
        seller_id=seller.id,
        state=DealState.signed,
    )
    db.add(deal)
    db.flush()
    contract = Contract(
        deal_id=deal.id,
        kind=ContractKind.licence,
        amount=Decimal(1_000_000),
        currency="CNY",
        amount_cny=Decimal(1_000_000),
        signed_on=date(2026, 2, 1),
        registration_no="CAP-FIG-1",
        buyer_id=buyer.id,
        seller_id=seller.id,
        region_code="320500",
    )
    offer = LicenceOffer(
        deal_id=deal.id,
        label="x",
        proposed_by_side="seller",
        exclusivity="sole",
        term_years=5,
        accepted_at=datetime(2026, 1, 20, tzinfo=UTC),
    )
    db.add_all([contract, offer])
    db.flush()
    for kind, amount, day in (
        ("royalty", "123456.78", date(2026, 6, 30)),
        ("royalty", "10000", date(2025, 6, 30)),  # another year
        ("milestone", "500000", date(2026, 5, 1)),
        ("upfront", "900000", date(2026, 2, 1)),  # neither
    ):
        db.add(
            LicenceInvoice(
                contract_id=contract.id,
                kind=kind,
                description=kind,
                amount=Decimal(amount),
                currency="CNY",
                amount_cny=Decimal(amount),
                issued_on=day,
                due_on=day,
            )
        )
    issuer = make_org(db, region_code="440300", industry_code="3841")
    captable.import_ocf(db, actor=command_line_actor("t"), issuer_id=issuer.id, package=package())
    db.flush()
    figures = {
        (r, c): v for r, c, v in capital.by_region(db, start=date(2026, 1, 1), end=date(2027, 1, 1))
    }
    assert figures[("320000", "royalty_income")] == pytest.approx(12.345678)
    assert figures[("320000", "milestone_payments")] == pytest.approx(50.0)
    assert figures[("320000", "licences_sole")] == 1
    # The fund's Series A: 1,000,000 × 1.50 USD × 7.10 = 1,065 万元; the founder is no investor.
    assert figures[("440000", "equity_investment")] == pytest.approx(1065.0)
    assert figures[("440000", "equity_investment_38")] == pytest.approx(1065.0)
    # The module record hands the indicators one provider with both parts.
    provider = registry.live_figure_providers()["market"]
    codes = {c for _r, c, _v in provider(db, start=date(2026, 1, 1), end=date(2027, 1, 1))}
    assert {"tech_contracts", "royalty_income", "equity_investment"} <= codes
