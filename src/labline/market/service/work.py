"""What waits on a market user and on the operator, for their home page."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from labline.core.access import Actor
from labline.core.models import Role
from labline.core.service import visits
from labline.i18n import N_
from labline.market.deals.service.deals import OPEN, next_moves
from labline.market.models import Achievement, Deal, State, TechnologyNeed
from labline.market.service import matching
from labline.market.service.records import LIVE_STATES
from labline.work import SHOWN, WorkItem, WorkList

# The two kinds of market record: the model, its path segment and its label.
KINDS: tuple[tuple[type[TechnologyNeed | Achievement], str, str], ...] = (
    (TechnologyNeed, "needs", N_("need")),
    (Achievement, "achievements", N_("achievement")),
)


def _records_of(
    session: Session, *, orgs: list[int], states: Iterable[State], newest_first: bool, limit: int
) -> Iterator[tuple[type[TechnologyNeed | Achievement], str, Any]]:
    """Each kind's records of these organisations in these states, at most `limit` of each:
    the most recently changed first, or else the oldest first (by id)."""
    for model, plural, _label in KINDS:
        order = (model.updated_at.desc(), model.id.desc()) if newest_first else (model.id,)
        for r in session.scalars(
            select(model)
            .where(model.state.in_(list(states)), model.organisation_id.in_(orgs))
            .order_by(*order)
            .limit(limit)
        ):
            yield model, plural, r


def records_to_screen(session: Session) -> WorkList:
    """Needs and achievements submitted for screening, the longest waiting first."""
    found: list[tuple[str, WorkItem]] = []
    r: Any  # a need or an achievement
    for model, plural, kind in KINDS:
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
    items = [
        WorkItem(r.title, f"/market/{plural}/{r.id}", state=N_("returned"))
        for _model, plural, r in _records_of(
            session, orgs=orgs, states=(State.returned,), newest_first=False, limit=50
        )
    ]
    return WorkList(
        key="records-returned",
        title=N_("Records returned to you for changes"),
        href="/market",
        items=tuple(items[:SHOWN]),
        total=len(items),
    )


OWN_RECORDS = 3  # of each kind, the most recently changed, whose suggestions are looked at


def _aware(at: datetime | None) -> datetime | None:
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def new_suggestions(session: Session, *, actor: Actor, holder: Any) -> WorkList:
    """Suggestions for the person's organisations' live needs and achievements that are new
    since their last visit: the suggested record was published after it, or the own record
    was (its suggestions are all new then). The first visit finds every suggestion new."""
    since = visits.last_visit(session, actor=actor)
    orgs = list(actor.org_roles) or [0]
    found: dict[tuple[str, int], tuple[datetime | None, WorkItem]] = {}
    for model, plural, own in _records_of(
        session, orgs=orgs, states=LIVE_STATES, newest_first=True, limit=OWN_RECORDS
    ):
        if model is TechnologyNeed:
            hits = matching.suggest_for_need(
                session, actor=actor, holder=holder, need_id=own.id, k=10
            )
        else:
            hits = matching.suggest_for_achievement(
                session, actor=actor, holder=holder, achievement_id=own.id, k=10
            )
        own_new = since is None or (_aware(own.published_at) or since) > since
        for s in hits:
            item = WorkItem(s.title, f"/market/{plural}/{own.id}#s-{s.id}", state=s.kind)
            found.setdefault((s.kind, s.id), (None if own_new else since, item))
    published: dict[tuple[str, int], datetime | None] = {}
    for model, kind in ((TechnologyNeed, "need"), (Achievement, "achievement")):
        ids = [i for k, i in found if k == kind]
        for rid, at in session.execute(
            select(model.id, model.published_at).where(model.id.in_(ids))
        ).all():
            published[(kind, rid)] = _aware(at)
    new = [
        item
        for key, (cutoff, item) in found.items()
        if cutoff is None or (published.get(key) or cutoff) > cutoff
    ]
    return WorkList(
        key="new-suggestions",
        title=N_("Suggestions new since your last visit"),
        href="/market?mine=true",
        items=tuple(new[:SHOWN]),
        total=len(new),
        empty=N_("No new suggestions since your last visit."),
    )


def work(session: Session, *, actor: Actor, holder: Any = None) -> list[WorkList]:
    """The market lists for this person's home page (suggestions need the search indexes'
    holder, the app's state)."""
    if actor.person_id is None:
        return []
    out = []
    if actor.is_operator:
        out.append(records_to_screen(session))
    if actor.org_roles:
        if holder is not None:
            out.append(new_suggestions(session, actor=actor, holder=holder))
        out.append(deals_waiting(session, actor=actor))
        returned = returned_records(session, actor=actor)
        if returned.total:
            out.append(returned)
    return out
