"""When a deal's next step is due: a default per stage, moved by a party within the stage's
limits; deals whose due day has passed are overdue (flagged, filtered, shown to operators).

Each stage starts a new due day (today + the stage's default days); delivered and abandoned
deals have none. Deals opened before deadlines existed have none until they move. These are
the rules and queries; `deals.set_due` applies them to a deal (deals imports this module,
not the reverse).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor, require_signed_in
from labline.market.models import Deal, DealState

# stage -> (default days to the next step, the farthest a party may move it)
DUE_DAYS: dict[DealState, tuple[int, int]] = {
    DealState.interest: (14, 60),  # the other side answers, or an operator introduces
    DealState.introduction: (21, 90),  # both sides accept the NDA
    DealState.nda: (14, 60),  # the parties open negotiations
    DealState.negotiating: (90, 365),  # the contract is signed
    DealState.signed: (180, 730),  # the buyer confirms delivery
}
DUE_STATES = tuple(DUE_DAYS)


def today() -> date:
    """The platform's today, which due days count from and are overdue after."""
    return clock.today()


def default_due(state: DealState, on: date | None = None) -> date | None:
    if state not in DUE_DAYS:
        return None
    return (on or today()) + timedelta(days=DUE_DAYS[state][0])


def restart_clock(deal: Deal) -> None:
    """The deal entered a new stage: its next step is due after the stage's default days."""
    deal.due_on = default_due(deal.state)


def overdue_clause(on: date | None = None) -> ColumnElement[bool]:
    return and_(Deal.state.in_(DUE_STATES), Deal.due_on < (on or today()))


def overdue_count(session: Session, *, actor: Actor) -> int:
    """How many of the actor's deals (all, for an operator) are overdue."""
    require_signed_in(actor)
    stmt = select(func.count()).select_from(Deal).where(overdue_clause())
    if not actor.is_operator:
        orgs = list(actor.org_roles) or [0]
        stmt = stmt.where(or_(Deal.buyer_id.in_(orgs), Deal.seller_id.in_(orgs)))
    return int(session.scalar(stmt) or 0)
