"""Deals between a need's enterprise and an achievement's owner, and technology contracts.

interest → introduction → nda → negotiating → signed (a contract is registered) →
delivered; any open stage → abandoned (with a reason). Who moves it:

- introduce (interest → introduction): the side that did not open the deal, or an operator;
- accept_nda: each side for itself (an operator may record one side's acceptance); when both
  sides have accepted the deal is in nda and each side's people are admitted to the other
  side's record details (the achievement's for the buyer, the need's for the seller);
- negotiate (nda → negotiating) and the contract (negotiating → signed): either side or an
  operator; deliver (signed → delivered): the buyer or an operator; abandon: either side or
  an operator. Either side writes messages while the deal is open.

A move out of order is refused naming the current stage and the stages it may go to.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from labline import clock
from labline.core.access import Actor, require_signed_in
from labline.core.models import Membership, Organisation, OrganisationKind
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from labline.market.deals.schemas import (
    CURRENCIES,
    ContractCreate,
    DealCreate,
    DealDue,
    DealTransition,
    MessageCreate,
)
from labline.market.deals.service.deadlines import (
    DUE_DAYS,
    overdue_clause,
    restart_clock,
)
from labline.market.models import (
    AccessGrant,
    AccessStatus,
    Achievement,
    CloseReason,
    Contract,
    Deal,
    DealMessage,
    DealState,
    State,
    TechnologyNeed,
)
from labline.market.service.records import (
    BUYER_KINDS,
    LIVE_STATES,
    get_achievement,
    get_need,
    now,
)

OPEN = (DealState.interest, DealState.introduction, DealState.nda, DealState.negotiating)
# stage -> the stages it may go to next (signed: by registering the contract)
NEXT: dict[DealState, tuple[DealState, ...]] = {
    DealState.interest: (DealState.introduction, DealState.abandoned),
    DealState.introduction: (DealState.nda, DealState.abandoned),
    DealState.nda: (DealState.negotiating, DealState.abandoned),
    DealState.negotiating: (DealState.signed, DealState.abandoned),
    DealState.signed: (DealState.delivered,),
    DealState.delivered: (),
    DealState.abandoned: (),
}
# action -> the stages it starts from
MOVES: dict[str, tuple[DealState, ...]] = {
    "introduce": (DealState.interest,),
    "accept_nda": (DealState.introduction,),
    "negotiate": (DealState.nda,),
    "contract": (DealState.negotiating,),
    "deliver": (DealState.signed,),
    "abandon": OPEN,
}


def is_open(deal: Deal) -> bool:
    """Before a contract or abandonment: the parties still talk (messages, NDA, moves)."""
    return deal.state in OPEN


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
    # An investment fund takes the buying side of an equity deal (an investor's introduction).
    buyers = (*BUYER_KINDS, OrganisationKind.investment_fund)
    if buyer is None or buyer.kind not in buyers:
        raise InvalidInput(
            "The buyer must be an enterprise, a hospital or an investment fund.",
            fields=[FieldError("buyer_id", f"organisation {buyer_id} cannot buy", list(buyers))],
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
    restart_clock(deal)
    session.add(deal)
    session.flush()
    return deal


def get_deal(session: Session, *, actor: Actor, deal_id: int) -> Deal:
    require_signed_in(actor)
    deal = session.get(Deal, deal_id)
    if deal is None or not is_party(actor, deal):
        raise NotFound(f"There is no deal {deal_id} of yours.", deal_id=deal_id)
    return deal


def list_deals(
    session: Session, *, actor: Actor, state: DealState | None = None, overdue: bool = False
) -> Sequence[Deal]:
    """The actor's organisations' deals (every deal, for an operator), latest first; with
    `overdue`, only those whose next step is late, the latest due first."""
    require_signed_in(actor)
    stmt = select(Deal).options(
        selectinload(Deal.achievement), selectinload(Deal.buyer), selectinload(Deal.seller)
    )
    if not actor.is_operator:
        orgs = list(actor.org_roles) or [0]
        stmt = stmt.where(or_(Deal.buyer_id.in_(orgs), Deal.seller_id.in_(orgs)))
    if state is not None:
        stmt = stmt.where(Deal.state == state)
    if overdue:
        stmt = stmt.where(overdue_clause()).order_by(Deal.due_on, Deal.id)
    return session.scalars(stmt.order_by(Deal.updated_at.desc(), Deal.id.desc()).limit(500)).all()


def _opened_on_side(session: Session, deal: Deal) -> str:
    """Which side opened the deal: the person's organisation membership at the time."""
    if deal.opened_by_id is None:
        return "buyer"
    orgs = set(
        session.scalars(
            select(Membership.organisation_id).where(Membership.person_id == deal.opened_by_id)
        )
    )
    return "seller" if deal.seller_id in orgs and deal.buyer_id not in orgs else "buyer"


def out_of_order(deal: Deal, action: str) -> Conflict:
    allowed = [a for a, sources in MOVES.items() if deal.state in sources]
    nxt = [s.value for s in NEXT[deal.state]]
    goes = f"it may go to {', '.join(nxt)}" if nxt else "it is over"
    return Conflict(
        f"A deal in {deal.state.value} cannot be moved with '{action}'; {goes}.",
        fields=[FieldError("action", f"not allowed from {deal.state.value}", allowed)],
        state=deal.state.value,
        next_states=nxt,
    )


def _nda_sides(actor: Actor, deal: Deal, side: str | None) -> set[str]:
    """The sides whose NDA acceptance this actor gives (or, an operator, records)."""
    mine = sides(actor, deal)
    if side is not None:
        if side in mine or actor.is_operator:
            return {side}
        raise NotPermitted(f"Only the {side}'s people (or an operator) accept the {side}'s NDA.")
    if mine:
        return mine
    raise InvalidInput(
        "Say for which side the NDA acceptance is recorded.",
        fields=[FieldError("side", "required when an operator records it", ["buyer", "seller"])],
    )


def check_move(
    session: Session, actor: Actor, deal: Deal, action: str, side: str | None = None
) -> None:
    """Raise unless this actor may make this move now (order first, then who)."""
    if deal.state not in MOVES[action]:
        raise out_of_order(deal, action)
    mine = sides(actor, deal)
    if action == "introduce":
        opener = _opened_on_side(session, deal)
        other = "seller" if opener == "buyer" else "buyer"
        if not (actor.is_operator or other in mine):
            raise NotPermitted(
                f"The {other} (or an operator) introduces the sides, not the side that showed"
                " interest."
            )
    elif action == "accept_nda":
        for one in _nda_sides(actor, deal, side):
            if getattr(deal, f"{one}_nda_at") is not None:
                raise Conflict(
                    f"The {one} has already accepted the NDA.",
                    fields=[FieldError("side", f"the {one} accepted already")],
                )
    elif action == "deliver":
        if not (actor.is_operator or "buyer" in mine):
            raise NotPermitted("The buyer (or an operator) confirms delivery.")
    elif not (actor.is_operator or mine):
        raise NotPermitted("Only the parties or an operator move a deal.")


def next_moves(session: Session, actor: Actor, deal: Deal) -> list[str]:
    """The moves this actor may make now (what the deal page offers)."""
    out = []
    for action, sources in MOVES.items():
        if deal.state not in sources:
            continue
        if action == "contract":
            if actor.is_operator or sides(actor, deal):
                out.append(action)
            continue
        try:
            check_move(session, actor, deal, action)
        except InvalidInput:
            out.append(action)  # an operator, who must say which side
        except (Conflict, NotPermitted):
            continue
        else:
            out.append(action)
    return out


def move(session: Session, *, actor: Actor, deal_id: int, data: DealTransition) -> Deal:
    deal = get_deal(session, actor=actor, deal_id=deal_id)
    check_move(session, actor, deal, data.action, data.side)
    before = deal.state
    if data.action == "introduce":
        deal.state = DealState.introduction
        deal.introduced_by_id = actor.person_id
        deal.introduced_at = now()
    elif data.action == "accept_nda":
        for side in _nda_sides(actor, deal, data.side):
            setattr(deal, f"{side}_nda_at", now())
            setattr(deal, f"{side}_nda_by_id", actor.person_id)
        if deal.buyer_nda_at is not None and deal.seller_nda_at is not None:
            deal.state = DealState.nda
            _admit_both_sides(session, deal)
    elif data.action == "negotiate":
        deal.state = DealState.negotiating
        for record in (deal.need, deal.achievement):
            if record is not None and record.state == State.published:
                record.state = State.negotiating
    elif data.action == "deliver":
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
    if deal.state != before:
        restart_clock(deal)
    session.flush()
    return deal


def _admit_both_sides(session: Session, deal: Deal) -> None:
    """Under the NDA, the buyer's people read the achievement's details and the seller's
    people the need's: an admitted access grant for each member of each side."""
    pairs: list[tuple[int, str, int, int | None]] = [
        (deal.buyer_id, "achievement", deal.achievement_id, deal.seller_nda_by_id)
    ]
    if deal.need_id is not None:
        pairs.append((deal.seller_id, "need", deal.need_id, deal.buyer_nda_by_id))
    accepted = {"achievement": deal.buyer_nda_at, "need": deal.seller_nda_at}
    for org_id, kind, record_id, decided_by in pairs:
        people = session.scalars(
            select(Membership.person_id).where(Membership.organisation_id == org_id)
        ).all()
        grants = {
            g.person_id: g
            for g in session.scalars(
                select(AccessGrant).where(
                    AccessGrant.record_kind == kind,
                    AccessGrant.record_id == record_id,
                    AccessGrant.person_id.in_(people or [0]),
                )
            )
        }
        for person_id in people:
            grant = grants.get(person_id)
            if grant is None:
                session.add(
                    AccessGrant(
                        record_kind=kind,
                        record_id=record_id,
                        person_id=person_id,
                        status=AccessStatus.admitted,
                        nda_accepted_at=accepted[kind] or now(),
                        decided_by_id=decided_by,
                    )
                )
            elif grant.status != AccessStatus.admitted:
                grant.status = AccessStatus.admitted
                grant.decided_by_id = decided_by


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
    if not is_open(deal):
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
        raise out_of_order(deal, "contract")
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
    restart_clock(deal)
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


def set_due(session: Session, *, actor: Actor, deal_id: int, data: DealDue) -> Deal:
    """A party (or an operator) moves the next step's due day: not in the past, and no
    farther than the stage allows."""
    deal = get_deal(session, actor=actor, deal_id=deal_id)
    if not (actor.is_operator or sides(actor, deal)):
        raise NotPermitted("Only the parties or an operator set a deal's due day.")
    if deal.state not in DUE_DAYS:
        raise Conflict(
            f"The deal is {deal.state.value}; it has no next step to be due.",
            fields=[FieldError("due_on", f"not settable on a {deal.state.value} deal")],
            state=deal.state.value,
        )
    first = clock.today()  # the platform's: the clock that will find the deal overdue
    farthest = first + timedelta(days=DUE_DAYS[deal.state][1])
    if data.due_on < first:
        raise InvalidInput(
            "The due day is in the past.",
            fields=[
                FieldError(
                    "due_on",
                    f"{data.due_on.isoformat()} is in the past",
                    {"min": first.isoformat(), "max": farthest.isoformat()},
                )
            ],
        )
    if data.due_on > farthest:
        raise InvalidInput(
            f"A deal in {deal.state.value} may be given at most"
            f" {DUE_DAYS[deal.state][1]} days for its next step.",
            fields=[
                FieldError(
                    "due_on",
                    f"{data.due_on.isoformat()} is after {farthest.isoformat()}",
                    {"min": first.isoformat(), "max": farthest.isoformat()},
                )
            ],
        )
    deal.due_on = data.due_on
    session.flush()
    return deal
