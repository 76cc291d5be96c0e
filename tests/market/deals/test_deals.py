"""Deals from interest to a registered contract; the figures the indicators module reads."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import Conflict, InvalidInput, NotFound, NotPermitted
from labline.market.deals.schemas import ContractCreate, DealCreate, DealTransition, MessageCreate
from labline.market.deals.service import deals
from labline.market.figures.service import by_region, market_figures
from labline.market.models import AccessGrant, AccessStatus, Contract, Deal, DealState, State
from labline.market.schemas import AccessDecision, AccessRequest
from labline.market.service import records
from tests import clock
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
        stranger_p=(stranger := make_person(db, org=make_org(db))),
        stranger=actor_for(db, stranger.id),
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


def walk(db, p, deal, to: DealState) -> None:
    """Move a deal the buyer opened through the stages up to `to`, as its parties."""
    order = list(DealState)

    def upto(stage: DealState) -> bool:
        return order.index(stage) <= order.index(to) and to != DealState.abandoned

    def move(actor, action: str) -> None:
        deals.move(db, actor=actor, deal_id=deal.id, data=DealTransition(action=action))

    if upto(DealState.introduction):
        move(p.seller, "introduce")
    if upto(DealState.nda):
        move(p.buyer, "accept_nda")
        move(p.seller, "accept_nda")
    if upto(DealState.negotiating):
        move(p.buyer, "negotiate")
    if upto(DealState.signed):
        deals.sign_contract(db, actor=p.buyer, deal_id=deal.id, data=contract())
    if upto(DealState.delivered):
        move(p.buyer, "deliver")


def opened(db, p, **extra: object):
    return deals.open_deal(
        db,
        actor=p.buyer,
        data=DealCreate(achievement_id=p.achievement.id, need_id=p.need.id, **extra),
    )


def test_interest_to_contract_to_delivery(db, parties):
    p = parties
    deal = opened(db, p, note="interested")
    assert deal.state == DealState.interest and deal.seller_id == p.university.id
    assert deal.due_on == clock.TODAY + timedelta(days=14)
    with pytest.raises(Conflict):  # one open deal per pair
        opened(db, p)
    with pytest.raises(NotPermitted):  # the side that showed interest does not introduce
        deals.move(db, actor=p.buyer, deal_id=deal.id, data=DealTransition(action="introduce"))
    with pytest.raises(Conflict):  # no contract before negotiation
        deals.sign_contract(db, actor=p.buyer, deal_id=deal.id, data=contract())
    deals.move(db, actor=p.seller, deal_id=deal.id, data=DealTransition(action="introduce"))
    assert deal.state == DealState.introduction
    assert deal.introduced_by_id == p.seller_p.id and deal.introduced_at is not None
    assert deal.due_on == clock.TODAY + timedelta(days=21)
    assert p.need.state == State.published  # nobody negotiates yet

    deals.move(db, actor=p.buyer, deal_id=deal.id, data=DealTransition(action="accept_nda"))
    assert deal.state == DealState.introduction  # one side is not enough
    assert deal.buyer_nda_by_id == p.buyer_p.id and deal.seller_nda_at is None
    deals.move(db, actor=p.seller, deal_id=deal.id, data=DealTransition(action="accept_nda"))
    assert deal.state == DealState.nda and deal.seller_nda_by_id == p.seller_p.id
    assert deal.due_on == clock.TODAY + timedelta(days=14)

    deals.move(db, actor=p.seller, deal_id=deal.id, data=DealTransition(action="negotiate"))
    assert deal.state == DealState.negotiating
    assert deal.due_on == clock.TODAY + timedelta(days=90)
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
    assert deal.due_on == clock.TODAY + timedelta(days=180)  # delivery
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
    assert deal.state == DealState.delivered and deal.due_on is None
    with pytest.raises(Conflict):  # out of order
        deals.move(
            db, actor=p.buyer, deal_id=deal.id, data=DealTransition(action="abandon", reason="x")
        )


@pytest.mark.parametrize(
    ("stage", "action", "allowed", "next_states"),
    [
        (DealState.interest, "negotiate", ["introduce", "abandon"], "introduction, abandoned"),
        (DealState.interest, "accept_nda", ["introduce", "abandon"], "introduction, abandoned"),
        (DealState.introduction, "negotiate", ["accept_nda", "abandon"], "nda, abandoned"),
        (DealState.introduction, "introduce", ["accept_nda", "abandon"], "nda, abandoned"),
        (DealState.nda, "introduce", ["negotiate", "abandon"], "negotiating, abandoned"),
        (DealState.nda, "contract", ["negotiate", "abandon"], "negotiating, abandoned"),
        (DealState.nda, "deliver", ["negotiate", "abandon"], "negotiating, abandoned"),
        (DealState.negotiating, "accept_nda", ["contract", "abandon"], "signed, abandoned"),
        (DealState.signed, "abandon", ["deliver"], "delivered"),
        (DealState.delivered, "deliver", [], None),
    ],
)
def test_moves_out_of_order_name_the_stage_and_the_next_ones(
    db, parties, stage, action, allowed, next_states
):
    p = parties
    deal = opened(db, p)
    walk(db, p, deal, stage)
    assert deal.state == stage
    before = (deal.due_on, deal.buyer_nda_at, deal.introduced_at)
    with pytest.raises(Conflict) as err:
        if action == "contract":
            deals.sign_contract(db, actor=p.operator, deal_id=deal.id, data=contract())
        else:
            deals.move(
                db,
                actor=p.operator,
                deal_id=deal.id,
                data=DealTransition(action=action, reason="r", side="buyer"),
            )
    message = err.value.message
    assert f"A deal in {stage.value} cannot be moved with '{action}'" in message
    assert (f"it may go to {next_states}" if next_states else "it is over") in message
    assert err.value.fields[0].field == "action" and err.value.fields[0].allowed == allowed
    assert err.value.extra["state"] == stage.value
    assert deal.state == stage and (deal.due_on, deal.buyer_nda_at, deal.introduced_at) == before


# (action, the stage it starts from, who) -> what happens; the deal was opened by the buyer.
ROLE_MOVES = [
    ("introduce", "buyer", NotPermitted),
    ("introduce", "seller", DealState.introduction),
    ("introduce", "operator", DealState.introduction),
    ("introduce", "stranger", NotFound),
    ("accept_nda", "buyer", DealState.introduction),
    ("accept_nda", "seller", DealState.introduction),
    ("accept_nda", "operator", InvalidInput),  # must say for which side
    ("accept_nda", "stranger", NotFound),
    ("negotiate", "buyer", DealState.negotiating),
    ("negotiate", "seller", DealState.negotiating),
    ("negotiate", "operator", DealState.negotiating),
    ("negotiate", "stranger", NotFound),
    ("contract", "buyer", DealState.signed),
    ("contract", "seller", DealState.signed),
    ("contract", "operator", DealState.signed),
    ("contract", "stranger", NotFound),
    ("deliver", "buyer", DealState.delivered),
    ("deliver", "seller", NotPermitted),
    ("deliver", "operator", DealState.delivered),
    ("deliver", "stranger", NotFound),
    ("abandon", "buyer", DealState.abandoned),
    ("abandon", "seller", DealState.abandoned),
    ("abandon", "operator", DealState.abandoned),
    ("abandon", "stranger", NotFound),
]
FROM = {
    "introduce": DealState.interest,
    "accept_nda": DealState.introduction,
    "negotiate": DealState.nda,
    "contract": DealState.negotiating,
    "deliver": DealState.signed,
    "abandon": DealState.nda,
}


@pytest.mark.parametrize(("action", "who", "outcome"), ROLE_MOVES)
def test_who_may_make_each_move(db, parties, action, who, outcome):
    p = parties
    deal = opened(db, p)
    walk(db, p, deal, FROM[action])
    actor = getattr(p, who)

    def act() -> None:
        if action == "contract":
            deals.sign_contract(db, actor=actor, deal_id=deal.id, data=contract())
        else:
            deals.move(
                db,
                actor=actor,
                deal_id=deal.id,
                data=DealTransition(action=action, reason="no budget this year"),
            )

    if isinstance(outcome, DealState):
        assert (action in deals.next_moves(db, actor, deal)) or action == "contract"
        act()
        assert deal.state == outcome
    else:
        with pytest.raises(outcome):
            act()
        assert deal.state == FROM[action]


def test_each_side_accepts_the_nda_for_itself_and_an_operator_records_one_side(db, parties):
    p = parties
    deal = opened(db, p)
    walk(db, p, deal, DealState.introduction)
    with pytest.raises(NotPermitted):  # the buyer cannot accept for the seller
        deals.move(
            db,
            actor=p.buyer,
            deal_id=deal.id,
            data=DealTransition(action="accept_nda", side="seller"),
        )
    deals.move(
        db,
        actor=p.operator,
        deal_id=deal.id,
        data=DealTransition(action="accept_nda", side="seller"),
    )
    assert deal.seller_nda_by_id == p.operator.person_id and deal.state == DealState.introduction
    with pytest.raises(Conflict):  # once per side
        deals.move(db, actor=p.seller, deal_id=deal.id, data=DealTransition(action="accept_nda"))
    assert deals.next_moves(db, p.seller, deal) == ["abandon"]
    assert deals.next_moves(db, p.buyer, deal) == ["accept_nda", "abandon"]
    deals.move(db, actor=p.buyer, deal_id=deal.id, data=DealTransition(action="accept_nda"))
    assert deal.state == DealState.nda


def test_the_nda_admits_each_sides_people_to_the_other_record(db, parties):
    p = parties
    colleague = make_person(db, org=p.enterprise)  # another of the buyer's people
    lab_mate = make_person(db, org=p.university)
    # The colleague had asked for the achievement's details earlier and was refused.
    records.request_access(
        db,
        actor=actor_for(db, colleague.id),
        kind="achievement",
        record_id=p.achievement.id,
        data=AccessRequest(nda_accepted=True),
    )
    records.decide_access(
        db,
        actor=p.seller,
        kind="achievement",
        record_id=p.achievement.id,
        person_id=colleague.id,
        data=AccessDecision(admit=False),
    )

    def reads(person, record) -> bool:
        return records.can_read_details(db, actor_for(db, person.id), record)

    deal = opened(db, p)
    walk(db, p, deal, DealState.introduction)
    deals.move(db, actor=p.buyer, deal_id=deal.id, data=DealTransition(action="accept_nda"))
    assert not reads(p.buyer_p, p.achievement) and not reads(lab_mate, p.need)
    deals.move(db, actor=p.seller, deal_id=deal.id, data=DealTransition(action="accept_nda"))
    assert deal.state == DealState.nda
    for person in (p.buyer_p, colleague):
        assert reads(person, p.achievement)
    for person in (p.seller_p, lab_mate):
        assert reads(person, p.need)
    assert not reads(p.stranger_p, p.achievement) and not reads(p.stranger_p, p.need)
    grants = db.scalars(
        select(AccessGrant).where(
            AccessGrant.record_kind == "achievement", AccessGrant.record_id == p.achievement.id
        )
    ).all()
    assert {g.person_id for g in grants} == {p.buyer_p.id, colleague.id}
    assert {g.status for g in grants} == {AccessStatus.admitted}
    assert {g.decided_by_id for g in grants} == {p.seller_p.id}


def test_the_api_says_which_stages_come_next(client, db, parties):
    p = parties
    deal = opened(db, p)
    r = client.post(
        f"/api/v1/market/deals/{deal.id}/transition",
        json={"action": "negotiate"},
        headers=bearer(db, p.buyer_p),
    )
    assert r.status_code == 409, r.text
    body = r.json()["error"]
    assert body["state"] == "interest" and body["next_states"] == ["introduction", "abandoned"]
    assert body["fields"][0]["allowed"] == ["introduce", "abandon"]
    r = client.post(
        f"/api/v1/market/deals/{deal.id}/transition",
        json={"action": "accept"},
        headers=bearer(db, p.seller_p),
    )
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "action"
    r = client.post(
        f"/api/v1/market/deals/{deal.id}/transition",
        json={"action": "introduce"},
        headers=bearer(db, p.seller_p),
    )
    assert r.status_code == 200 and r.json()["state"] == "introduction"
    assert r.json()["introduced_by_id"] == p.seller_p.id and r.json()["overdue"] is False


def test_a_deal_negotiating_from_before_the_new_stages_still_signs(db, parties):
    p = parties
    deal = Deal(
        need_id=p.need.id,
        achievement_id=p.achievement.id,
        buyer_id=p.enterprise.id,
        seller_id=p.university.id,
        state=DealState.negotiating,
    )
    db.add(deal)
    db.flush()
    assert deal.due_on is None and not deal.overdue
    deals.sign_contract(db, actor=p.seller, deal_id=deal.id, data=contract())
    assert deal.state == DealState.signed and deal.due_on is not None


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
    walk(db, p, deal, DealState.negotiating)
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
        walk(db, p, deal, DealState.negotiating)
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
        for actor, action in (
            (seller, "introduce"),
            (buyer, "accept_nda"),
            (seller, "accept_nda"),
            (buyer, "negotiate"),
        ):
            deals.move(db, actor=actor, deal_id=deal.id, data=DealTransition(action=action))
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
