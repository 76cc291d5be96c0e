"""Deals from interest to a registered contract; the figures the indicators module reads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import Conflict, InvalidInput, NotFound, NotPermitted
from labline.market.models import Contract, DealState, State
from labline.market.schemas import ContractCreate, DealCreate, DealTransition, MessageCreate
from labline.market.service import deals
from labline.market.service.figures import by_region, market_figures
from tests.factories import bearer, make_achievement, make_need, make_org, make_person


@pytest.fixture()
def parties(db):
    enterprise = make_org(db, region_code="440300")
    university = make_org(db, kind="university", region_code="320500")
    buyer = make_person(db, org=enterprise)
    seller = make_person(db, org=university)
    return SimpleNamespace(
        enterprise=enterprise,
        university=university,
        need=make_need(db, org=enterprise),
        achievement=make_achievement(db, org=university),
        buyer_p=buyer,
        seller_p=seller,
        buyer=actor_for(db, buyer.id),
        seller=actor_for(db, seller.id),
        stranger=actor_for(db, make_person(db, org=make_org(db)).id),
        operator=actor_for(db, make_person(db, roles=(Role.platform_operator,)).id),
    )


def contract(**extra: object) -> ContractCreate:
    values: dict[str, object] = {
        "kind": "licence",
        "amount": "1200000",
        "signed_on": "2026-03-02",
        "registration_no": "2026440300000123",
    }
    values.update(extra)
    return ContractCreate.model_validate(values)


def test_interest_to_contract_to_delivery(db, parties):
    p = parties
    deal = deals.open_deal(
        db,
        actor=p.buyer,
        data=DealCreate(achievement_id=p.achievement.id, need_id=p.need.id, note="interested"),
    )
    assert deal.state == DealState.interest and deal.seller_id == p.university.id
    with pytest.raises(Conflict):  # one open deal per pair
        deals.open_deal(
            db, actor=p.buyer, data=DealCreate(achievement_id=p.achievement.id, need_id=p.need.id)
        )
    with pytest.raises(NotPermitted):  # the side that showed interest does not accept it
        deals.move(db, actor=p.buyer, deal_id=deal.id, data=DealTransition(action="accept"))
    with pytest.raises(Conflict):  # no contract before negotiation
        deals.sign_contract(db, actor=p.buyer, deal_id=deal.id, data=contract())
    deals.move(db, actor=p.seller, deal_id=deal.id, data=DealTransition(action="accept"))
    assert deal.state == DealState.negotiating
    assert p.need.state == State.negotiating and p.achievement.state == State.negotiating
    deals.add_message(
        db,
        actor=p.seller,
        deal_id=deal.id,
        data=MessageCreate(body="首付30%，提成3%", proposed_amount=Decimal(1_200_000)),
    )
    with pytest.raises(NotFound):  # outsiders do not even see the deal
        deals.add_message(db, actor=p.stranger, deal_id=deal.id, data=MessageCreate(body="hi"))
    signed = deals.sign_contract(db, actor=p.buyer, deal_id=deal.id, data=contract())
    assert signed.amount_cny == Decimal("1200000.00") and signed.region_code == "320500"
    assert deal.state == DealState.signed
    assert p.need.state == State.closed and p.need.close_reason.value == "solved"
    assert p.achievement.state == State.published  # still offered to others
    with pytest.raises(Conflict):  # a second contract for the same deal
        deals.sign_contract(
            db, actor=p.buyer, deal_id=deal.id, data=contract(registration_no="2026440300000999")
        )
    assert db.scalar(select(func.count()).select_from(Contract)) == 1
    with pytest.raises(NotPermitted):
        deals.move(db, actor=p.seller, deal_id=deal.id, data=DealTransition(action="deliver"))
    deals.move(db, actor=p.buyer, deal_id=deal.id, data=DealTransition(action="deliver"))
    assert deal.state == DealState.delivered
    with pytest.raises(Conflict):  # out of order
        deals.move(
            db, actor=p.buyer, deal_id=deal.id, data=DealTransition(action="abandon", reason="x")
        )


def test_abandoning_reopens_the_records(db, parties):
    p = parties
    deal = deals.open_deal(
        db, actor=p.seller, data=DealCreate(achievement_id=p.achievement.id, need_id=p.need.id)
    )
    deals.move(db, actor=p.buyer, deal_id=deal.id, data=DealTransition(action="accept"))
    with pytest.raises(ValidationError, match="reason"):
        DealTransition(action="abandon")
    deals.move(
        db,
        actor=p.buyer,
        deal_id=deal.id,
        data=DealTransition(action="abandon", reason="price too high"),
    )
    assert deal.state == DealState.abandoned and deal.abandon_reason == "price too high"
    assert p.need.state == State.published and p.achievement.state == State.published
    with pytest.raises(Conflict):
        deals.add_message(db, actor=p.buyer, deal_id=deal.id, data=MessageCreate(body="again?"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"kind": "barter"}, "kind"),
        ({"signed_on": "2099-01-01"}, "signed_on"),
        ({"registration_no": "no!"}, "registration_no"),
    ],
)
def test_bad_contracts_are_refused_by_the_api(client, db, parties, change, field):
    p = parties
    deal = deals.open_deal(
        db, actor=p.buyer, data=DealCreate(achievement_id=p.achievement.id, need_id=p.need.id)
    )
    deals.move(db, actor=p.seller, deal_id=deal.id, data=DealTransition(action="accept"))
    body = {
        "kind": "licence",
        "amount": "1000",
        "signed_on": "2026-03-01",
        "registration_no": "2026REG0001",
        **change,
    }
    r = client.post(
        f"/api/v1/market/deals/{deal.id}/contract", json=body, headers=bearer(db, p.buyer_p)
    )
    assert r.status_code == 422, r.text
    assert field in {f["field"] for f in r.json()["error"]["fields"]}
    assert db.scalar(select(func.count()).select_from(Contract)) == 0
    assert deal.state == DealState.negotiating


def test_the_same_registration_number_twice_is_refused(db, parties):
    p = parties
    other_need = make_need(db, org=p.enterprise)
    for need in (p.need, other_need):
        deal = deals.open_deal(
            db, actor=p.buyer, data=DealCreate(achievement_id=p.achievement.id, need_id=need.id)
        )
        deals.move(db, actor=p.seller, deal_id=deal.id, data=DealTransition(action="accept"))
        if need is p.need:
            deals.sign_contract(db, actor=p.buyer, deal_id=deal.id, data=contract())
        else:
            with pytest.raises(InvalidInput) as err:
                deals.sign_contract(db, actor=p.buyer, deal_id=deal.id, data=contract())
            assert err.value.fields[0].field == "registration_no"


def test_a_seller_offers_only_for_a_need(db, parties):
    with pytest.raises(InvalidInput) as err:
        deals.open_deal(
            db, actor=parties.seller, data=DealCreate(achievement_id=parties.achievement.id)
        )
    assert err.value.fields[0].field == "buyer_id"


def test_figures_count_contracts_turnover_and_transformation_rate(db, parties):
    p = parties
    # Three achievements published in January 2026 in Suzhou (320500), one in Beijing.
    other = make_achievement(db, org=p.university)
    make_achievement(db, org=p.university)
    beijing = make_achievement(db, org=make_org(db, kind="university", region_code="110108"))
    usd_buyer = make_person(db, org=(foreign := make_org(db, region_code="310115")))
    signed_days = []
    for achievement, need, buyer, terms in (
        (p.achievement, p.need, p.buyer, contract()),
        (
            other,
            None,
            actor_for(db, usd_buyer.id),
            contract(
                kind="development", amount="10000", currency="USD", registration_no="US-2026-1"
            ),
        ),
        (
            beijing,
            None,
            p.buyer,
            contract(kind="service", amount="50000", registration_no="BJ-2026-1"),
        ),
    ):
        deal = deals.open_deal(
            db,
            actor=buyer,
            data=DealCreate(achievement_id=achievement.id, need_id=need.id if need else None),
        )
        seller = actor_for(
            db, make_person(db, org=db.get(type(p.enterprise), achievement.organisation_id)).id
        )
        deals.move(db, actor=seller, deal_id=deal.id, data=DealTransition(action="accept"))
        deals.sign_contract(db, actor=buyer, deal_id=deal.id, data=terms)
        signed_days.append((terms.signed_on - achievement.published_at.date()).days)
    assert foreign.id != p.enterprise.id

    f = market_figures(db, start=date(2026, 1, 1), end=date(2027, 1, 1))
    assert f["contracts"] == 3
    assert f["turnover_cny"] == pytest.approx(1_200_000 + 71_000 + 50_000)
    assert f["by_kind"]["development"] == {"contracts": 1, "turnover_cny": 71000.0}
    assert f["published_achievements"] == 4
    assert f["achievements_with_contract"] == 3
    assert f["transformation_rate"] == 0.75
    assert f["median_days_to_contract"] == sorted(signed_days)[1]
    assert [m["month"] for m in f["by_month"]] == ["2026-03"]

    jiangsu = market_figures(db, start=date(2026, 1, 1), end=date(2027, 1, 1), region="320000")
    assert jiangsu["contracts"] == 2 and jiangsu["published_achievements"] == 3
    assert jiangsu["transformation_rate"] == pytest.approx(2 / 3, abs=1e-4)
    pv = market_figures(db, start=date(2026, 1, 1), end=date(2027, 1, 1), industry="38")
    assert pv["contracts"] == 3  # every achievement here is photovoltaic equipment (3825)
    assert (
        market_figures(db, start=date(2026, 1, 1), end=date(2027, 1, 1), industry="27")["contracts"]
        == 0
    )
    before = market_figures(db, start=date(2025, 1, 1), end=date(2026, 1, 1))
    assert before["contracts"] == 0 and before["transformation_rate"] is None
    with pytest.raises(InvalidInput):
        market_figures(db, start=date(2026, 2, 1), end=date(2026, 1, 1))

    # What the indicators module reads, per province.
    rows = {
        (r, code): v for r, code, v in by_region(db, start=date(2026, 1, 1), end=date(2027, 1, 1))
    }
    assert rows[("320000", "tech_contracts")] == 2
    assert rows[("320000", "tech_contract_turnover")] == pytest.approx(0.01271)  # 亿元
    assert rows[("320000", "transformation_rate")] == pytest.approx(66.67)
    assert rows[("110000", "transformation_rate")] == 100.0
