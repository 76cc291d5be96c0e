"""Deals between a need's enterprise and an achievement's owner, and technology contracts.

interest → negotiating → signed (a contract is registered) → delivered; interest or
negotiating → abandoned (with a reason). The side that did not open the deal accepts it;
either side writes messages, proposes terms, signs, abandons; the buyer confirms delivery.
Operators may act for either side.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from labline.core.access import Actor, require_signed_in
from labline.core.models import Organisation
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from labline.market.models import (
    Achievement,
    CloseReason,
    Contract,
    Deal,
    DealMessage,
    DealState,
    State,
    TechnologyNeed,
)
from labline.market.schemas import (
    CURRENCIES,
    ContractCreate,
    DealCreate,
    DealTransition,
    MessageCreate,
)
from labline.market.service.records import (
    BUYER_KINDS,
    LIVE_STATES,
    get_achievement,
    get_need,
    now,
)

OPEN = (DealState.interest, DealState.negotiating)


def sides(actor: Actor, deal: Deal) -> set[str]:
    out = set()
    if deal.buyer_id in actor.org_roles:
        out.add("buyer")
    if deal.seller_id in actor.org_roles:
        out.add("seller")
    return out


def is_party(actor: Actor, deal: Deal) -> bool:
    return actor.is_operator or bool(sides(actor, deal))


def open_deal(session: Session, *, actor: Actor, data: DealCreate) -> Deal:
    """Express interest: a buyer in an achievement (for one of its needs, or none), or an
    achievement's owner in a published need."""
    require_signed_in(actor)
    achievement = get_achievement(session, actor=actor, achievement_id=data.achievement_id)
    if achievement.state not in LIVE_STATES:
        raise Conflict(
            "Deals open on published achievements only.",
            fields=[FieldError("achievement_id", f"is {achievement.state.value}")],
        )
    need: TechnologyNeed | None = None
    if data.need_id is not None:
        need = get_need(session, actor=actor, need_id=data.need_id)
        if need.state not in LIVE_STATES:
            raise Conflict(
                "Deals open on published needs only.",
                fields=[FieldError("need_id", f"is {need.state.value}")],
            )
        buyer_id = need.organisation_id
    elif data.buyer_id is not None:
        buyer_id = data.buyer_id
    else:
        mine = [o for o in actor.org_roles if o != achievement.organisation_id]
        if len(mine) != 1:
            raise InvalidInput(
                "Say which organisation buys.",
                fields=[FieldError("buyer_id", "required when there is no need_id")],
            )
        buyer_id = mine[0]
    buyer = session.get(Organisation, buyer_id)
    if buyer is None or buyer.kind not in BUYER_KINDS:
        raise InvalidInput(
            "The buyer must be an enterprise or hospital.",
            fields=[
                FieldError("buyer_id", f"organisation {buyer_id} cannot buy", list(BUYER_KINDS))
            ],
        )
    if buyer_id == achievement.organisation_id:
        raise InvalidInput(
            "An organisation cannot deal with itself.",
            fields=[FieldError("achievement_id", "is your own organisation's")],
        )
    on_buyer_side = buyer_id in actor.org_roles
    on_seller_side = achievement.organisation_id in actor.org_roles
    if not (actor.is_operator or on_buyer_side or on_seller_side):
        raise NotPermitted("Only the buyer or the achievement's owner can open a deal.")
    if on_seller_side and not on_buyer_side and need is None:
        raise InvalidInput(
            "Offer the achievement for a published need.",
            fields=[FieldError("need_id", "required when the seller opens the deal")],
        )
    existing = session.scalar(
        select(Deal).where(
            Deal.achievement_id == achievement.id,
            Deal.buyer_id == buyer_id,
            Deal.state.in_(OPEN),
        )
    )
    if existing is not None:
        raise Conflict(
            f"These parties already have an open deal ({existing.id}) on this achievement.",
            deal_id=existing.id,
        )
    deal = Deal(
        need_id=need.id if need else None,
        achievement_id=achievement.id,
        buyer_id=buyer_id,
        seller_id=achievement.organisation_id,
        opened_by_id=actor.person_id,
        state=DealState.interest,
        note=data.note,
    )
    session.add(deal)
    session.flush()
    return deal


def get_deal(session: Session, *, actor: Actor, deal_id: int) -> Deal:
    require_signed_in(actor)
    deal = session.get(Deal, deal_id)
    if deal is None or not is_party(actor, deal):
        raise NotFound(f"There is no deal {deal_id} of yours.", deal_id=deal_id)
    return deal


def list_deals(session: Session, *, actor: Actor, state: DealState | None = None) -> Sequence[Deal]:
    require_signed_in(actor)
    stmt = select(Deal).options(
        selectinload(Deal.achievement), selectinload(Deal.buyer), selectinload(Deal.seller)
    )
    if not actor.is_operator:
        orgs = list(actor.org_roles) or [0]
        stmt = stmt.where(or_(Deal.buyer_id.in_(orgs), Deal.seller_id.in_(orgs)))
    if state is not None:
        stmt = stmt.where(Deal.state == state)
    return session.scalars(stmt.order_by(Deal.updated_at.desc(), Deal.id.desc()).limit(500)).all()


def _opened_on_side(session: Session, deal: Deal) -> str:
    """Which side opened the deal: the person's organisation membership at the time."""
    from labline.core.models import Membership

    if deal.opened_by_id is None:
        return "buyer"
    orgs = set(
        session.scalars(
            select(Membership.organisation_id).where(Membership.person_id == deal.opened_by_id)
        )
    )
    return "seller" if deal.seller_id in orgs and deal.buyer_id not in orgs else "buyer"


def move(session: Session, *, actor: Actor, deal_id: int, data: DealTransition) -> Deal:
    deal = get_deal(session, actor=actor, deal_id=deal_id)
    mine = sides(actor, deal)
    allowed = {
        "accept": (DealState.interest,),
        "abandon": OPEN,
        "deliver": (DealState.signed,),
    }[data.action]
    if deal.state not in allowed:
        raise Conflict(
            f"A deal in {deal.state.value} cannot be moved with '{data.action}'.",
            fields=[FieldError("action", f"not allowed from {deal.state.value}")],
            state=deal.state.value,
        )
    if data.action == "accept":
        opener = _opened_on_side(session, deal)
        other = "seller" if opener == "buyer" else "buyer"
        if not (actor.is_operator or other in mine):
            raise NotPermitted(f"The {other} accepts the interest, not the side that showed it.")
        deal.state = DealState.negotiating
        for record in (deal.need, deal.achievement):
            if record is not None and record.state == State.published:
                record.state = State.negotiating
    elif data.action == "deliver":
        if not (actor.is_operator or "buyer" in mine):
            raise NotPermitted("The buyer confirms delivery.")
        deal.state = DealState.delivered
    else:
        deal.state = DealState.abandoned
        deal.abandon_reason = data.reason
        for record in (deal.need, deal.achievement):
            if (
                record is not None
                and record.state == State.negotiating
                and not _other_open(session, record, deal)
            ):
                record.state = State.published
    session.flush()
    return deal


def _other_open(session: Session, record: TechnologyNeed | Achievement, deal: Deal) -> bool:
    column = Deal.need_id if isinstance(record, TechnologyNeed) else Deal.achievement_id
    return bool(
        session.scalar(
            select(func.count()).where(
                column == record.id, Deal.id != deal.id, Deal.state == DealState.negotiating
            )
        )
    )


def add_message(
    session: Session, *, actor: Actor, deal_id: int, data: MessageCreate
) -> DealMessage:
    deal = get_deal(session, actor=actor, deal_id=deal_id)
    if deal.state not in OPEN:
        raise Conflict(f"The deal is {deal.state.value}; its conversation is closed.")
    message = DealMessage(deal_id=deal.id, person_id=actor.person_id, **data.model_dump())
    session.add(message)
    session.flush()
    return message


def sign_contract(
    session: Session, *, actor: Actor, deal_id: int, data: ContractCreate
) -> Contract:
    """Register the signed technology contract: the deal is signed and its need closed as
    solved; the achievement stays listed (a licence may be granted again)."""
    deal = get_deal(session, actor=actor, deal_id=deal_id)
    if deal.contract is not None or deal.state != DealState.negotiating:
        raise Conflict(
            "A contract is signed once, on a deal under negotiation;"
            f" this deal is {deal.state.value}.",
            state=deal.state.value,
        )
    taken = session.scalar(
        select(func.count()).where(Contract.registration_no == data.registration_no)
    )
    if taken:
        raise InvalidInput(
            "That registration number is already used.",
            fields=[FieldError("registration_no", "already registered for another contract")],
        )
    seller = session.get(Organisation, deal.seller_id)
    contract = Contract(
        deal_id=deal.id,
        kind=data.kind,
        amount=data.amount,
        currency=data.currency,
        amount_cny=round(data.amount * CURRENCIES[data.currency], 2),
        signed_on=data.signed_on,
        registration_no=data.registration_no,
        buyer_id=deal.buyer_id,
        seller_id=deal.seller_id,
        region_code=seller.region_code if seller else None,
    )
    session.add(contract)
    deal.state = DealState.signed
    if deal.need is not None and deal.need.state in LIVE_STATES:
        deal.need.state = State.closed
        deal.need.close_reason = CloseReason.solved
        deal.need.closed_at = now()
    if deal.achievement.state == State.negotiating and not _other_open(
        session, deal.achievement, deal
    ):
        deal.achievement.state = State.published
    session.flush()
    return contract
