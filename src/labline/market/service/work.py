"""What waits on a market user and on the operator, for their home page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from labline.core.access import Actor
from labline.core.models import Role
from labline.i18n import N_
from labline.market.deals.service.deals import OPEN, next_moves
from labline.market.models import Achievement, Deal, State, TechnologyNeed
from labline.work import SHOWN, WorkItem, WorkList


def records_to_screen(session: Session) -> WorkList:
    """Needs and achievements submitted for screening, the longest waiting first."""
    found: list[tuple[str, WorkItem]] = []
    kinds: tuple[tuple[type[TechnologyNeed | Achievement], str, str], ...] = (
        (TechnologyNeed, "needs", N_("need")),
        (Achievement, "achievements", N_("achievement")),
    )
    r: Any  # a need or an achievement
    for model, plural, kind in kinds:
        for r in session.scalars(
            select(model).where(model.state == State.screening).order_by(model.updated_at)
        ):
            item = WorkItem(r.title, f"/market/{plural}/{r.id}", state=kind)
            found.append((r.updated_at.isoformat(), item))
    found.sort(key=lambda pair: pair[0])
    return WorkList(
        key="records-to-screen",
        title=N_("Records to screen"),
        href="/market",
        role=Role.platform_operator.value,
        items=tuple(item for _at, item in found[:SHOWN]),
        total=len(found),
        empty=N_("No record is waiting for screening."),
    )


def deals_waiting(session: Session, *, actor: Actor) -> WorkList:
    """Open deals of the person's organisations where the next step is theirs to take."""
    orgs = list(actor.org_roles) or [0]
    deals = session.scalars(
        select(Deal)
        .options(selectinload(Deal.achievement))
        .where(Deal.state.in_(OPEN), or_(Deal.buyer_id.in_(orgs), Deal.seller_id.in_(orgs)))
        .order_by(Deal.due_on.is_(None), Deal.due_on, Deal.id)
        .limit(200)
    ).all()
    waiting = [d for d in deals if set(next_moves(session, actor, d)) - {"abandon"}]
    return WorkList(
        key="deals-waiting",
        title=N_("Deals waiting on you"),
        href="/market/deals",
        items=tuple(
            WorkItem(d.achievement.title, f"/market/deals/{d.id}", due=d.due_on, state=d.state)
            for d in waiting[:SHOWN]
        ),
        total=len(waiting),
        empty=N_("No deal is waiting on you."),
    )


def returned_records(session: Session, *, actor: Actor) -> WorkList:
    """The person's organisations' records sent back by screening, to correct."""
    orgs = list(actor.org_roles) or [0]
    items = []
    kinds: tuple[tuple[type[TechnologyNeed | Achievement], str], ...] = (
        (TechnologyNeed, "needs"),
        (Achievement, "achievements"),
    )
    r: Any
    for model, plural in kinds:
        for r in session.scalars(
            select(model)
            .where(model.state == State.returned, model.organisation_id.in_(orgs))
            .order_by(model.id)
            .limit(50)
        ):
            items.append(WorkItem(r.title, f"/market/{plural}/{r.id}", state=N_("returned")))
    return WorkList(
        key="records-returned",
        title=N_("Records returned to you for changes"),
        href="/market",
        items=tuple(items[:SHOWN]),
        total=len(items),
    )


def work(session: Session, *, actor: Actor) -> list[WorkList]:
    """The market lists for this person's home page."""
    if actor.person_id is None:
        return []
    out = []
    if actor.is_operator:
        out.append(records_to_screen(session))
    if actor.org_roles:
        out.append(deals_waiting(session, actor=actor))
        returned = returned_records(session, actor=actor)
        if returned.total:
            out.append(returned)
    return out
