"""Investors: who they are (public), what they follow and their deal flow (their own
business: their people and operators), and introductions through the deal machinery.

An introduction opens a deal with the investor as the buying side on a published
achievement; from there the deal's own rules apply, including the NDA gate before either
side reads the other's confidential details.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from labline.core import refdata
from labline.core.access import Actor, require_org_admin, require_signed_in
from labline.core.models import Organisation, OrganisationKind, Team
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from labline.i18n import pick
from labline.market.deals.schemas import DealCreate
from labline.market.deals.service import deals
from labline.market.investors.models import Investor, InvestorFollow
from labline.market.investors.schemas import (
    BoardColumn,
    BoardDeal,
    FeedItem,
    FollowCreate,
    FollowRead,
    IntroductionCreate,
    IntroductionRead,
    InvestorCreate,
    InvestorRead,
    InvestorSummary,
)
from labline.market.models import Achievement, Deal, DealState
from labline.market.service.records import LIVE_STATES
from labline.review.service.funded import funded_projects

# Which organisations may register as which kind of investor.
KINDS = {
    "guidance_fund": (OrganisationKind.investment_fund,),
    "venture_fund": (OrganisationKind.investment_fund,),
    "corporate_venture": (OrganisationKind.enterprise,),
}
BOARD_STATES = [s for s in DealState]
FEED_LIMIT = 30
MAX_ID = 2**31 - 1  # integer primary keys


def _summary(inv: Investor, org: Organisation) -> InvestorSummary:
    return InvestorSummary(
        id=inv.id,
        organisation_id=org.id,
        name_zh=org.name_zh,
        name_en=org.name_en,
        kind=inv.kind,
        thesis=inv.thesis,
    )


def list_investors(session: Session) -> list[InvestorSummary]:
    """Every investor with its kind and thesis (public, like the directory)."""
    rows = session.execute(
        select(Investor, Organisation)
        .join(Organisation, Organisation.id == Investor.organisation_id)
        .order_by(Investor.id)
    ).all()
    return [_summary(inv, org) for inv, org in rows]


def register(session: Session, *, actor: Actor, data: InvestorCreate) -> InvestorSummary:
    """An organisation's admin (or an operator) registers it as an investor."""
    require_signed_in(actor)
    org = session.get(Organisation, data.organisation_id)
    if org is None:
        raise InvalidInput(
            f"There is no organisation {data.organisation_id}.",
            fields=[FieldError("organisation_id", "unknown organisation")],
        )
    require_org_admin(actor, org.id)
    allowed = KINDS[data.kind]
    org_kind = OrganisationKind(org.kind)
    if org_kind not in allowed:
        raise InvalidInput(
            f"A {org_kind.value} cannot be a {data.kind}.",
            fields=[FieldError("kind", f"not for a {org_kind.value}", [k.value for k in allowed])],
        )
    if session.scalar(select(Investor.id).where(Investor.organisation_id == org.id)):
        raise Conflict(
            "This organisation is already an investor.",
            fields=[FieldError("organisation_id", "already an investor")],
        )
    inv = Investor(organisation_id=org.id, kind=data.kind, thesis=data.thesis)
    session.add(inv)
    session.flush()
    return _summary(inv, org)


def _investor(session: Session, actor: Actor, investor_id: int) -> Investor:
    require_signed_in(actor)
    inv = session.get(Investor, investor_id)
    if inv is None or not (actor.is_operator or inv.organisation_id in actor.org_roles):
        raise NotFound(f"There is no investor {investor_id} of yours.", investor_id=investor_id)
    return inv


def _check_value(session: Session, data: FollowCreate) -> str:
    value, kind = data.value, data.kind
    ok = True
    if kind == "field":
        ok = refdata.is_industry_code(value)
    elif kind == "region":
        ok = refdata.is_region_code(value)
    elif not value.isdigit() or int(value) > MAX_ID:
        ok = False
    elif kind == "achievement":
        a = session.get(Achievement, int(value))
        ok = a is not None and a.state in LIVE_STATES
    elif kind == "team":
        ok = session.get(Team, int(value)) is not None
    elif kind == "project":
        ok = bool(funded_projects(session, ids=[int(value)]))
    if not ok:
        what = {
            "field": "not a GB/T 4754 industry code",
            "region": "not a GB/T 2260 region code",
            "achievement": "no published achievement has this id",
            "team": "no team has this id",
            "project": "no funded project has this id",
        }[kind]
        raise InvalidInput(f"{kind} {value!r}: {what}.", fields=[FieldError("value", what)])
    return value


def follow(
    session: Session, *, actor: Actor, investor_id: int, data: FollowCreate
) -> InvestorFollow:
    inv = _investor(session, actor, investor_id)
    value = _check_value(session, data)
    if any(f.kind == data.kind and f.value == value for f in inv.follows):
        raise Conflict(
            f"Already following {data.kind} {value}.",
            fields=[FieldError("value", "already followed")],
        )
    item = InvestorFollow(investor_id=inv.id, kind=data.kind, value=value)
    inv.follows.append(item)
    session.flush()
    return item


def unfollow(session: Session, *, actor: Actor, investor_id: int, follow_id: int) -> None:
    inv = _investor(session, actor, investor_id)
    item = next((f for f in inv.follows if f.id == follow_id), None)
    if item is None:
        raise NotFound(f"There is no follow {follow_id} of this investor.", follow_id=follow_id)
    inv.follows.remove(item)
    session.flush()


def _label(session: Session, f: InvestorFollow) -> str:
    if f.kind == "field":
        ind = refdata.industry(f.value)
        return pick(ind.name_zh, ind.name_en) if ind else f.value
    if f.kind == "region":
        reg = refdata.region(f.value)
        return pick(reg.name_zh, reg.name_en) if reg else f.value
    if f.kind == "achievement":
        a = session.get(Achievement, int(f.value))
        return a.title if a else f.value
    if f.kind == "team":
        t = session.get(Team, int(f.value))
        return pick(t.name_zh, t.name_en) if t else f.value
    found = funded_projects(session, ids=[int(f.value)])
    return pick(found[0].title_zh, found[0].title_en) if found else f.value


def _feed(session: Session, inv: Investor) -> list[FeedItem]:
    """Published achievements in the followed fields and regions (and those followed by
    name), the followed teams and the followed funded projects."""
    items: list[FeedItem] = []
    conditions = []
    for f in inv.follows:
        if f.kind == "field":
            conditions.append(Achievement.industry_code.startswith(f.value))
        elif f.kind == "region":
            conditions.append(Achievement.region_code.startswith(refdata.region_prefix(f.value)))
        elif f.kind == "achievement":
            conditions.append(Achievement.id == int(f.value))
    if conditions:
        found = session.scalars(
            select(Achievement)
            .where(Achievement.state.in_(LIVE_STATES), or_(*conditions))
            .where(Achievement.organisation_id != inv.organisation_id)
            .order_by(Achievement.published_at.desc(), Achievement.id.desc())
            .limit(FEED_LIMIT)
        )
        for a in found:
            why = next(
                (
                    f"{f.kind} {f.value}"
                    for f in inv.follows
                    if (f.kind == "field" and a.industry_code.startswith(f.value))
                    or (f.kind == "achievement" and f.value == str(a.id))
                ),
                "region",
            )
            items.append(FeedItem(kind="achievement", id=a.id, title=a.title, why=why))
    for f in inv.follows:
        if f.kind in ("team", "project"):
            items.append(
                FeedItem(kind=f.kind, id=int(f.value), title=_label(session, f), why=f.kind)
            )
    return items


def _board(session: Session, inv: Investor) -> list[BoardColumn]:
    rows = session.scalars(
        select(Deal)
        .where(or_(Deal.buyer_id == inv.organisation_id, Deal.seller_id == inv.organisation_id))
        .order_by(Deal.updated_at.desc(), Deal.id.desc())
        .limit(500)
    ).all()
    columns = []
    for state in BOARD_STATES:
        mine = []
        for d in rows:
            if d.state != state:
                continue
            other = d.seller if d.buyer_id == inv.organisation_id else d.buyer
            mine.append(
                BoardDeal(
                    id=d.id,
                    title=d.achievement.title,
                    other_party=pick(other.name_zh, other.name_en),
                    due_on=d.due_on,
                    overdue=d.overdue,
                )
            )
        columns.append(BoardColumn(state=state.value, deals=mine))
    return columns


def profile(session: Session, *, actor: Actor, investor_id: int) -> InvestorRead:
    """The investor's follows, what they bring up, and its deals by stage (columns)."""
    inv = _investor(session, actor, investor_id)
    org = session.get(Organisation, inv.organisation_id)
    assert org is not None
    return InvestorRead(
        investor=_summary(inv, org),
        follows=[
            FollowRead(id=f.id, kind=f.kind, value=f.value, label=_label(session, f))
            for f in inv.follows
        ],
        feed=_feed(session, inv),
        board=_board(session, inv),
    )


def introduce(
    session: Session, *, actor: Actor, investor_id: int, data: IntroductionCreate
) -> IntroductionRead:
    """Ask to be introduced to an achievement's team: a deal with the investor as the
    buying side, which then runs like any deal (introduction, NDA, negotiation)."""
    inv = _investor(session, actor, investor_id)
    if not (actor.is_operator or inv.organisation_id in actor.org_roles):
        raise NotPermitted("Only the investor's people ask for introductions.")
    deal = deals.open_deal(
        session,
        actor=actor,
        data=DealCreate(
            achievement_id=data.achievement_id, buyer_id=inv.organisation_id, note=data.note
        ),
    )
    return IntroductionRead(deal_id=deal.id, state=deal.state.value)
