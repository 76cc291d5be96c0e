"""Demo step's equity deal: the Series A fund invests in the spin-off's founding team through
the deal machinery every user goes through — the investor's introduction on the team's
published achievement, the NDA on both sides, negotiation, the equity contract signed, and
the shares delivered — then the round's issuance on the cap table names the deal and team.
The service stamps its own moments; the demo dates them into the demo year afterwards."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labline.core import database
from labline.core.access import command_line_actor
from labline.core.models import Organisation
from labline.demo.api import World
from labline.market.deals.schemas import ContractCreate, DealTransition
from labline.market.deals.service import deals
from labline.market.demo.topics import START, achievement_text, industry_of, topics
from labline.market.investors import service as investors
from labline.market.investors.schemas import IntroductionCreate
from labline.market.models import AccessGrant, Achievement, ContractKind, Deal, State

# The round's shape: the fund's Series A, closed in the demo year.
SERIES_A_SHARES = 2_500_000
SERIES_A_PRICE = Decimal("8.00")
SIGNED = START.date() + timedelta(days=150)


def _achievement(world: World, issuer: Organisation, team_id: int) -> Achievement:
    """The founding team's technology, published by the spin-off in its own sector."""
    sector = world.org_sector.get(issuer.id)
    own = [t for t in topics() if sector is None or t[0]["key"] == sector["key"]]
    topic_sector, zh, en = own[0]
    published = START + timedelta(days=20, hours=3)
    # An explicit id: the demo's bulk rows leave PostgreSQL's sequences behind.
    next_id = (world.session.scalar(select(func.max(Achievement.id))) or 0) + 1
    achievement = Achievement(
        id=next_id,
        organisation_id=issuer.id,
        team_id=team_id,
        kind="know_how",
        **achievement_text(world.rng("equity-deal"), topic_sector, zh, en, "zh"),
        industry_code=industry_of(topic_sector),
        region_code=issuer.region_code,
        readiness=6,
        ip_status="pending",
        modes="equity",
        language="zh",
        state=State.published,
        published_at=published,
        created_at=published,
        updated_at=published,
    )
    world.session.add(achievement)
    world.session.flush()
    return achievement


def equity_deal(
    world: World, *, issuer: Organisation, team_id: int, investor_id: int, partner: int
) -> Deal:
    session = world.session
    achievement = _achievement(world, issuer, team_id)
    if session.get_bind().dialect.name == "postgresql":
        database.reset_sequences(session.connection())
    operator = command_line_actor("demo")
    opened = investors.introduce(
        session,
        actor=operator,
        investor_id=investor_id,
        data=IntroductionCreate(
            achievement_id=achievement.id, note="A 轮投资意向 (Series A: interest)"
        ),
    )
    deal = session.get(Deal, opened.deal_id)
    assert deal is not None
    deal.opened_by_id = partner  # the fund's partner asked, the operator recorded it
    for action, side in (
        ("introduce", None),
        ("accept_nda", "buyer"),
        ("accept_nda", "seller"),
        ("negotiate", None),
    ):
        deals.move(
            session,
            actor=operator,
            deal_id=deal.id,
            data=DealTransition(action=action, side=side),
        )
    deals.sign_contract(
        session,
        actor=operator,
        deal_id=deal.id,
        data=ContractCreate(
            kind=ContractKind.equity,
            amount=SERIES_A_SHARES * SERIES_A_PRICE,
            currency="CNY",
            signed_on=SIGNED,
            registration_no=f"EQ{SIGNED.year}{issuer.id:06d}{deal.id:06d}",
        ),
    )
    # The fund confirms delivery: the shares are issued on the cap table.
    deals.move(session, actor=operator, deal_id=deal.id, data=DealTransition(action="deliver"))
    _date(session, deal, SIGNED)
    return deal


def _date(session: Session, deal: Deal, signed: date) -> None:
    """Put the deal's moments where a round of this size takes them: about four months from
    the introduction to the signature."""
    day = datetime.combine(signed, datetime.min.time(), UTC)
    opened = day - timedelta(days=120)
    deal.created_at = opened
    deal.introduced_at = opened + timedelta(days=5)
    deal.buyer_nda_at = opened + timedelta(days=12)
    deal.seller_nda_at = opened + timedelta(days=14)
    deal.updated_at = day + timedelta(days=30)
    for grant in session.scalars(
        select(AccessGrant).where(
            AccessGrant.record_kind == "achievement", AccessGrant.record_id == deal.achievement_id
        )
    ):
        grant.nda_accepted_at = deal.buyer_nda_at
