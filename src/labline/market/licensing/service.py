"""Licence offers: who may propose and read them, their checks, and their comparison.

Offers are confidential deal terms: only the deal's parties and operators see them (the
same gate as the deal itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from labline.market.deals.service import deals
from labline.market.engine import royalties as tiers_engine
from labline.market.engine import valuation as value_engine
from labline.market.licensing.models import LicenceMilestone, LicenceOffer, RoyaltyTier
from labline.market.licensing.schemas import (
    CURRENCIES,
    CompareRequest,
    Comparison,
    OfferCreate,
    OfferRead,
    OfferValue,
)
from labline.market.models import Deal, DealState
from labline.market.valuation import service as valuation

OPEN_FOR_OFFERS = (DealState.introduction, DealState.nda, DealState.negotiating)
# Years from one stage to the next when a milestone has no due date (an assumption the
# comparison states).
STAGE_YEARS = {"preclinical": 1, "phase1": 2, "phase2": 2, "phase3": 3, "filing": 1}
RATES = tuple(Decimal(r) / 100 for r in (5, 8, 10, 12, 15, 20))


def _side(actor: Actor, deal: Deal) -> str:
    sides = deals.sides(actor, deal)
    if sides:
        return sorted(sides)[0]
    if actor.is_operator:
        return "operator"
    raise NotPermitted("Only the deal's parties and operators propose licence terms.")


def _check(data: OfferCreate, *, today: date) -> None:
    if data.currency not in CURRENCIES:
        raise InvalidInput(
            f"{data.currency} is not a currency labline keeps contracts in.",
            fields=[FieldError("currency", "unknown currency", list(CURRENCIES))],
        )
    try:
        tiers_engine.check_tiers(
            [tiers_engine.Tier(t.from_sales, t.to_sales, t.rate_percent) for t in data.tiers]
        )
    except tiers_engine.TierError as exc:
        raise InvalidInput(exc.message, fields=[FieldError(exc.field, exc.message)]) from None
    end = date(today.year + data.term_years, today.month, min(today.day, 28))
    for i, m in enumerate(data.milestones):
        if m.due_on is not None and m.due_on > end:
            raise InvalidInput(
                f"Milestone {m.event!r} falls after the licence term ends ({end}).",
                fields=[FieldError(f"milestones.{i}.due_on", f"after the term's end {end}")],
            )


def propose(session: Session, *, actor: Actor, deal_id: int, data: OfferCreate) -> LicenceOffer:
    """Add an offer to an open deal (introduction, NDA or negotiation)."""
    deal = deals.get_deal(session, actor=actor, deal_id=deal_id)
    side = _side(actor, deal)
    if deal.state not in OPEN_FOR_OFFERS:
        raise Conflict(
            f"Licence terms are proposed while a deal is open; this one is {deal.state.value}.",
            fields=[
                FieldError("deal_id", f"is {deal.state.value}", [s.value for s in OPEN_FOR_OFFERS])
            ],
        )
    _check(data, today=clock.today())
    offer = LicenceOffer(
        deal_id=deal.id,
        proposed_by_side=side,
        proposed_by_id=actor.person_id,
        **data.model_dump(exclude={"tiers", "milestones"}),
    )
    offer.tiers = [RoyaltyTier(position=i, **t.model_dump()) for i, t in enumerate(data.tiers)]
    offer.milestones = [
        LicenceMilestone(position=i, **m.model_dump()) for i, m in enumerate(data.milestones)
    ]
    session.add(offer)
    session.flush()
    return offer


def offers_of(session: Session, *, actor: Actor, deal_id: int) -> list[LicenceOffer]:
    deal = deals.get_deal(session, actor=actor, deal_id=deal_id)  # the deal's own gate
    return list(
        session.scalars(
            select(LicenceOffer).where(LicenceOffer.deal_id == deal.id).order_by(LicenceOffer.id)
        )
    )


def get_offer(session: Session, *, actor: Actor, offer_id: int) -> LicenceOffer:
    offer = session.get(LicenceOffer, offer_id)
    if offer is None:
        raise NotFound(f"There is no licence offer {offer_id} of yours.", offer_id=offer_id)
    try:
        deals.get_deal(session, actor=actor, deal_id=offer.deal_id)
    except NotFound:
        raise NotFound(
            f"There is no licence offer {offer_id} of yours.", offer_id=offer_id
        ) from None
    return offer


def _milestone_year(m: LicenceMilestone, start: str, today: date) -> int:
    if m.due_on is not None:
        return max(0, m.due_on.year - today.year)
    order = list(value_engine.STAGES)
    return sum(STAGE_YEARS[s] for s in order[order.index(start) : order.index(m.stage)])


def _flows(
    offer: LicenceOffer, request: CompareRequest, today: date
) -> dict[str, list[value_engine.CashFlow]]:
    order = list(value_engine.STAGES)
    flows: dict[str, list[value_engine.CashFlow]] = {
        "upfront": [],
        "milestones": [],
        "royalties": [],
    }
    upfront = offer.upfront_cash + offer.patent_costs
    if upfront:
        flows["upfront"].append(value_engine.CashFlow(0, upfront, request.stage))
    for i, m in enumerate(offer.milestones):
        if order.index(m.stage) < order.index(request.stage):
            raise InvalidInput(
                f"Milestone {m.event!r} belongs to {m.stage}, before the asset's stage"
                f" {request.stage}.",
                fields=[FieldError(f"offers.{offer.id}.milestones.{i}.stage", "already passed")],
            )
        flows["milestones"].append(
            value_engine.CashFlow(_milestone_year(m, request.stage, today), m.amount, m.stage)
        )
    tiers = [tiers_engine.Tier(t.from_sales, t.to_sales, t.rate_percent) for t in offer.tiers]
    for year in request.forecast:
        due, _minimum = tiers_engine.royalty(
            year.net_sales, tiers, minimum=offer.minimum_annual_royalty
        )
        flows["royalties"].append(value_engine.CashFlow(year.year, due, "market"))
    return flows


def compare(
    session: Session,
    *,
    actor: Actor,
    deal_id: int,
    request: CompareRequest,
    offer_ids: Sequence[int] = (),
    data_dir: Path | None = None,
) -> Comparison:
    """Each offer's NPV and rNPV, split into upfront, milestones and royalties, with its
    sensitivity to the discount rate and to each stage's probability."""
    offers = offers_of(session, actor=actor, deal_id=deal_id)
    if offer_ids:
        offers = [o for o in offers if o.id in set(offer_ids)]
    table = valuation.success_rates(data_dir=data_dir)
    passing = {str(k): v for k, v in table.passing.items()}
    today = clock.today()
    values = []
    for offer in offers:
        parts = _flows(offer, request, today)
        everything = [f for part in parts.values() for f in part]

        def rnpv(flows: list[value_engine.CashFlow]) -> Decimal:
            return value_engine.value(
                rate=request.rate, start=request.stage, cashflows=flows, passing=passing
            ).rnpv

        total = value_engine.value(
            rate=request.rate, start=request.stage, cashflows=everything, passing=passing
        )
        values.append(
            OfferValue(
                offer=OfferRead.model_validate(offer),
                npv=total.npv,
                rnpv=total.rnpv,
                rnpv_upfront=rnpv(parts["upfront"]),
                rnpv_milestones=rnpv(parts["milestones"]),
                rnpv_royalties=rnpv(parts["royalties"]),
                by_rate=value_engine.discount_sensitivity(
                    rates=RATES, start=request.stage, cashflows=everything, passing=passing
                ),
                by_probability=value_engine.probability_sensitivity(
                    rate=request.rate, start=request.stage, cashflows=everything, passing=passing
                ),
            )
        )
    return Comparison(
        deal_id=deal_id,
        rate=request.rate,
        stage=request.stage,
        source=table.source,
        offers=values,
        assumptions=[
            "Upfront and patent-cost reimbursement are paid at signing (year 0).",
            "A milestone with a due date is paid in that year; without one, after the typical"
            " years between stages (preclinical 1, phase 1 2, phase 2 2, phase 3 3, filing 1).",
            "Royalties follow the tiers on the forecast's net sales, with the minimum annual"
            " royalty applied, and are reached only if the asset reaches the market.",
        ],
    )


def accept(session: Session, *, actor: Actor, offer_id: int) -> LicenceOffer:
    """The other side (or an operator) accepts an offer: these are the deal's terms, carried
    to its contract. One offer per deal is accepted."""
    offer = get_offer(session, actor=actor, offer_id=offer_id)
    deal = deals.get_deal(session, actor=actor, deal_id=offer.deal_id)
    side = _side(actor, deal)
    if side == offer.proposed_by_side and side != "operator":
        raise NotPermitted("The other side accepts an offer, not the side that proposed it.")
    if deal.state not in OPEN_FOR_OFFERS:
        raise Conflict(
            f"Offers are accepted while a deal is open; this one is {deal.state.value}.",
            fields=[FieldError("offer_id", f"deal is {deal.state.value}")],
        )
    taken = session.scalar(
        select(LicenceOffer.id).where(
            LicenceOffer.deal_id == deal.id, LicenceOffer.accepted_at.is_not(None)
        )
    )
    if taken is not None:
        raise Conflict(
            f"Offer {taken} is already accepted on this deal.",
            fields=[FieldError("offer_id", f"offer {taken} is accepted")],
        )
    offer.accepted_at = clock.now()
    session.flush()
    return offer
