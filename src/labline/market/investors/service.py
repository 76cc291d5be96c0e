"""Investors: a role a person holds (`Role.investor`, granted by an operator and scoped to
the fund or company the person invests for). Whoever holds it registers a profile (guidance
fund, venture fund or corporate venture, for one of the organisations of their grant),
follows fields, regions, funded projects, achievements and teams, watches the deal flow of
that organisation by stage, and asks for introductions.

Who sees what: the list of investors (who, for whom, what kind, the thesis) is for those
signed in, like the people directory; a profile's follows, feed and board are the
investor's own business (and the operators'); losing the role closes the profile to its
person. An introduction opens a deal with the investor's organisation as the buying side
on a published achievement; from there the deal's own rules apply, including the NDA gate
before either side reads the other's confidential details.
"""

from __future__ import annotations

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from labline.core import refdata
from labline.core.access import Actor, Permission, require, require_signed_in
from labline.core.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Person,
    Role,
    RoleGrant,
    Team,
)
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from labline.i18n import other, pick
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
from labline.schemas import Page, PageParams
from labline.text import LIKE_ESCAPE, like_contains

# Which organisations may register as which kind of investor.
KINDS = {
    "guidance_fund": (OrganisationKind.investment_fund,),
    "venture_fund": (OrganisationKind.investment_fund,),
    "corporate_venture": (OrganisationKind.enterprise,),
}
BOARD_STATES = [s for s in DealState]
MAX_ID = 2**31 - 1  # integer primary keys
# What a follow picker suggests for the text typed so far (the newest, before any is typed).
SUGGESTIONS = 20
PICKED_BY_NAME = ("team", "achievement", "project")


def _summary(inv: Investor, org: Organisation, person: Person) -> InvestorSummary:
    return InvestorSummary(
        id=inv.id,
        person_id=person.id,
        person_name=person.display_name,
        person_name_en=person.name_en,
        organisation_id=org.id,
        name_zh=org.name_zh,
        name_en=org.name_en,
        kind=inv.kind,
        thesis=inv.thesis,
    )


def list_investors(session: Session, *, actor: Actor) -> list[InvestorSummary]:
    """Every investor: who, for which organisation, what kind and the thesis (for those
    signed in, like the people directory)."""
    require(actor, Permission.view_people)
    rows = session.execute(
        select(Investor, Organisation, Person)
        .join(Organisation, Organisation.id == Investor.organisation_id)
        .join(Person, Person.id == Investor.person_id)
        .order_by(Investor.id)
    ).all()
    return [_summary(inv, org, person) for inv, org, person in rows]


def holds_role(session: Session, person_id: int, organisation_id: int) -> bool:
    """Whether the person holds the investor role for this organisation (a grant scoped to
    it, or an unscoped grant and a membership of it)."""
    scopes = set(
        session.scalars(
            select(RoleGrant.organisation_id).where(
                RoleGrant.person_id == person_id, RoleGrant.role == Role.investor
            )
        )
    )
    if organisation_id in scopes:
        return True
    if None not in scopes:
        return False
    return bool(
        session.scalar(
            select(Membership.id).where(
                Membership.person_id == person_id, Membership.organisation_id == organisation_id
            )
        )
    )


def person_id_for(session: Session, *, email: str) -> int:
    found = session.scalar(select(Person.id).where(Person.email == email.strip().lower()))
    if found is None:
        raise InvalidInput(
            f"Nobody has the e-mail address {email}.",
            fields=[FieldError("person", "no person with this e-mail address")],
        )
    return found


def investing_for(session: Session, *, actor: Actor) -> list[Organisation]:
    """The organisations the signed-in person holds the investor role for."""
    if actor.person_id is None or not actor.has(Role.investor):
        return []
    scopes = actor.scoped.get(Role.investor, frozenset())
    ids = {i for i in scopes if i is not None}
    if None in scopes:
        ids |= set(actor.org_roles)
    return list(
        session.scalars(
            select(Organisation).where(Organisation.id.in_(ids or {0})).order_by(Organisation.id)
        )
    )


def my_profile(session: Session, *, actor: Actor) -> Investor | None:
    """The signed-in person's investor profile, while they hold the role."""
    if actor.person_id is None or not actor.has(Role.investor):
        return None
    return session.scalar(select(Investor).where(Investor.person_id == actor.person_id))


def register(session: Session, *, actor: Actor, data: InvestorCreate) -> InvestorSummary:
    """A holder of the investor role registers their profile (an operator may register it
    for a holder, naming the person)."""
    require_signed_in(actor)
    person_id = data.person_id if data.person_id is not None else actor.person_id
    if person_id is None:
        raise InvalidInput(
            "Say whose investor profile this is.",
            fields=[FieldError("person_id", "required when acting as the command line")],
        )
    if person_id != actor.person_id and not actor.is_operator:
        raise NotPermitted("Only an operator registers an investor profile for someone else.")
    person = session.get(Person, person_id)
    if person is None:
        raise InvalidInput(
            f"There is no person {person_id}.",
            fields=[FieldError("person_id", "no person with this id")],
        )
    org = session.get(Organisation, data.organisation_id)
    if org is None:
        raise InvalidInput(
            f"There is no organisation {data.organisation_id}.",
            fields=[FieldError("organisation_id", "unknown organisation")],
        )
    if not holds_role(session, person.id, org.id):
        raise NotPermitted(
            f"{person.display_name} does not hold the investor role for organisation {org.id}:"
            " an operator grants it (scoped to the fund or company).",
            organisation_id=org.id,
        )
    allowed = KINDS[data.kind]
    org_kind = OrganisationKind(org.kind)
    if org_kind not in allowed:
        raise InvalidInput(
            f"A {org_kind.value} cannot be a {data.kind}.",
            fields=[FieldError("kind", f"not for a {org_kind.value}", [k.value for k in allowed])],
        )
    if session.scalar(select(Investor.id).where(Investor.person_id == person.id)):
        raise Conflict(
            f"{person.display_name} already has an investor profile.",
            fields=[FieldError("person_id", "already has an investor profile")],
        )
    inv = Investor(person_id=person.id, organisation_id=org.id, kind=data.kind, thesis=data.thesis)
    session.add(inv)
    session.flush()
    return _summary(inv, org, person)


def _investor(session: Session, actor: Actor, investor_id: int) -> Investor:
    """The profile, for its own person while they hold the role, or an operator."""
    require_signed_in(actor)
    inv = session.get(Investor, investor_id)
    mine = inv is not None and inv.person_id == actor.person_id and actor.has(Role.investor)
    if inv is None or not (actor.is_operator or mine):
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


def _both(zh: str, en: str) -> str:
    """A label to search by in either language, the reader's own first."""
    first = pick(zh, en)
    second = other(zh, en)
    return f"{first} · {second}" if second else first


def follow_candidates(
    session: Session, *, actor: Actor, investor_id: int, kind: str, text: str = ""
) -> list[tuple[str, str]]:
    """Teams, published achievements or funded projects whose id is `text` or whose name
    (in either language) holds it, that id first, then the newest, at most `SUGGESTIONS`,
    as (id, label): what a follow picker suggests as one types. No text: the newest."""
    _investor(session, actor, investor_id)
    if kind not in PICKED_BY_NAME:
        raise InvalidInput(
            f"{kind!r} is not picked by name.",
            fields=[FieldError("kind", "not picked by name", list(PICKED_BY_NAME))],
        )
    text = text.strip()[:200]
    the_id = int(text) if text.isdigit() and int(text) <= MAX_ID else 0
    if kind == "project":
        found = funded_projects(session, text=text, limit=SUGGESTIONS)
        return [(str(p.id), _both(p.title_zh, p.title_en)) for p in found]
    if kind == "team":
        stmt = select(Team.id, Team.name_zh, Team.name_en)
        names, key = [Team.name_zh, Team.name_en], Team.id
    else:
        stmt = select(Achievement.id, Achievement.title, Achievement.title).where(
            Achievement.state.in_(LIVE_STATES)
        )
        names, key = [Achievement.title], Achievement.id
    if text:
        stmt = stmt.where(
            or_(key == the_id, *(n.ilike(like_contains(text), escape=LIKE_ESCAPE) for n in names))
        )
    # The record whose id was typed first, then the newest.
    stmt = stmt.order_by(case((key == the_id, 0), else_=1), key.desc())
    rows = session.execute(stmt.limit(SUGGESTIONS))
    if kind == "team":
        return [(str(i), _both(zh, en)) for i, zh, en in rows]
    return [(str(i), title) for i, title, _same in rows]


def follow_choices(
    session: Session, *, actor: Actor, investor_id: int
) -> dict[str, list[tuple[str, str]]]:
    """What the follow form offers before anything is typed, beside the GB/T codes: the
    newest teams, published achievements and funded projects (the rest are found by
    `follow_candidates` as one types)."""
    return {
        kind: follow_candidates(session, actor=actor, investor_id=investor_id, kind=kind)
        for kind in PICKED_BY_NAME
    }


def find_by_name(
    session: Session, *, actor: Actor, investor_id: int, kind: str, typed: str
) -> str | None:
    """The id of the team, achievement or project a name typed in full (in either
    language, or as its picker label "id name") names; None when it names none."""
    typed = typed.strip()
    bare = typed.split(" ", 1)[1] if typed.split(" ", 1)[0].isdigit() and " " in typed else typed
    for text in dict.fromkeys((typed, bare)):
        for code, label in follow_candidates(
            session, actor=actor, investor_id=investor_id, kind=kind, text=text
        ):
            if typed in (label, f"{code} {label}") or typed in label.split(" · "):
                return code
    return None


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


def _feed(session: Session, inv: Investor, page: PageParams) -> Page[FeedItem]:
    """One page of what the follows bring up: published achievements in the followed
    fields and regions (and those followed by name), newest first, then the followed teams
    and funded projects in the order they were followed."""
    conditions = []
    for f in inv.follows:
        if f.kind == "field":
            conditions.append(Achievement.industry_code.startswith(f.value))
        elif f.kind == "region":
            conditions.append(Achievement.region_code.startswith(refdata.region_prefix(f.value)))
        elif f.kind == "achievement":
            conditions.append(Achievement.id == int(f.value))
    named = [f for f in inv.follows if f.kind in ("team", "project")]
    found: list[Achievement] = []
    n_found = 0
    if conditions:
        query = (
            select(Achievement)
            .where(Achievement.state.in_(LIVE_STATES), or_(*conditions))
            .where(Achievement.organisation_id != inv.organisation_id)
        )
        n_found = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        if page.offset < n_found:
            found = list(
                session.scalars(
                    query.order_by(Achievement.published_at.desc(), Achievement.id.desc())
                    .offset(page.offset)
                    .limit(page.per_page)
                )
            )
    items: list[FeedItem] = []
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
    start = max(0, page.offset - n_found)
    for f in named[start : start + page.per_page - len(items)]:
        items.append(FeedItem(kind=f.kind, id=int(f.value), title=_label(session, f), why=f.kind))
    return Page(items=items, total=n_found + len(named), page=page.page, per_page=page.per_page)


def feed(session: Session, *, actor: Actor, investor_id: int, page: PageParams) -> Page[FeedItem]:
    """One page of what the investor's follows bring up (the investor's own business)."""
    return _feed(session, _investor(session, actor, investor_id), page)


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


def profile(
    session: Session, *, actor: Actor, investor_id: int, page: PageParams | None = None
) -> InvestorRead:
    """The investor's follows, one page of what they bring up (the first unless `page`
    says otherwise), and its deals by stage (columns)."""
    inv = _investor(session, actor, investor_id)
    org = session.get(Organisation, inv.organisation_id)
    person = session.get(Person, inv.person_id)
    assert org is not None and person is not None
    return InvestorRead(
        investor=_summary(inv, org, person),
        follows=[
            FollowRead(id=f.id, kind=f.kind, value=f.value, label=_label(session, f))
            for f in inv.follows
        ],
        feed=_feed(session, inv, page or PageParams()),
        board=_board(session, inv),
    )


def introduce(
    session: Session, *, actor: Actor, investor_id: int, data: IntroductionCreate
) -> IntroductionRead:
    """Ask to be introduced to an achievement's team: a deal with the investor as the
    buying side, which then runs like any deal (introduction, NDA, negotiation)."""
    inv = _investor(session, actor, investor_id)
    if not (actor.is_operator or inv.organisation_id in actor.org_roles):
        raise NotPermitted(
            "Introductions open a deal for your organisation: you must be one of its members.",
            organisation_id=inv.organisation_id,
        )
    deal = deals.open_deal(
        session,
        actor=actor,
        data=DealCreate(
            achievement_id=data.achievement_id, buyer_id=inv.organisation_id, note=data.note
        ),
    )
    return IntroductionRead(deal_id=deal.id, state=deal.state.value)
