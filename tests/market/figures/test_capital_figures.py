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


def _invested(db, issuer, year=2026):  # type: ignore[no-untyped-def]
    captable.import_ocf(db, actor=command_line_actor("t"), issuer_id=issuer.id, package=package())
    db.flush()
    return {
        (r, c): v
        for r, c, v in capital.by_region(db, start=date(year, 1, 1), end=date(year + 1, 1, 1))
    }


def test_investment_into_a_spin_offs_sole_team_counts_by_the_teams_region_and_field(db):
    from labline.core.models import Team

    issuer = make_org(db, region_code="440300", industry_code="3841")
    db.add(Team(organisation_id=issuer.id, name_zh="创始团队", name_en="Founding team"))
    db.flush()
    figures = _invested(db, issuer)
    assert figures[("440000", "team_investment")] == pytest.approx(1065.0)
    assert figures[("440000", "team_investment_38")] == pytest.approx(1065.0)
    assert figures[("440000", "teams_invested")] == 1


def test_an_equity_deal_names_the_team_of_its_achievement_and_no_team_counts_nothing(db):
    from labline.core.models import Team
    from labline.market.captable.schemas import IssuanceCreate

    issuer = make_org(db, region_code="440300", industry_code="3841")
    teams = [Team(organisation_id=issuer.id, name_zh=f"团队{i}", name_en=f"T{i}") for i in (1, 2)]
    db.add_all(teams)
    db.flush()
    # Two teams and no deal: the company's investment names no team.
    figures = _invested(db, issuer)
    assert figures[("440000", "equity_investment")] == pytest.approx(1065.0)
    assert ("440000", "team_investment") not in figures
    fund = make_org(db, kind="investment_fund", region_code="310000")
    battery = make_achievement(db, org=issuer, industry_code="2710", team_id=teams[1].id)
    deal = Deal(
        achievement_id=battery.id, buyer_id=fund.id, seller_id=issuer.id, state=DealState.signed
    )
    db.add(deal)
    db.flush()
    captable.issue(
        db,
        actor=command_line_actor("t"),
        issuer_id=issuer.id,
        data=IssuanceCreate.model_validate(
            {
                "new_stakeholder": {
                    "legal_name": "Battery Fund",
                    "stakeholder_type": "INSTITUTION",
                },
                "stock_class_id": "pref",
                "quantity": "100000",
                "share_price": "2",
                "currency": "CNY",
                "issued_on": "2026-03-01",
                "deal_id": deal.id,
            }
        ),
    )
    figures = {
        (r, c): v for r, c, v in capital.by_region(db, start=date(2026, 1, 1), end=date(2027, 1, 1))
    }
    # 100,000 × 2 CNY = 20 万元 into the battery team, in its field (division 27).
    assert figures[("440000", "team_investment")] == pytest.approx(20.0)
    assert figures[("440000", "team_investment_27")] == pytest.approx(20.0)
    assert figures[("440000", "teams_invested")] == 1
    assert figures[("440000", "equity_investment")] == pytest.approx(1085.0)
