"""Research teams and experts, built from achievements: who invented what, in which
organisation, in which fields, with which contracts.

A team is a connected component of co-inventorship inside one organisation: two inventors
named on the same achievement are in the same team, and so is anyone linked to them by a
chain of shared achievements. Only achievements in a public state (published, negotiating,
closed) count, so a draft never changes a team. Teams are computed on the fly from the
organisation's achievements (a few milliseconds for the demo world's 260; see
`tests/market/test_market_profiles.py`); nothing is stored.

Identity: a team's id is the lowest id of its achievements, and any of its achievements' ids
leads to it, so an old link still finds the team after two teams merge. An expert's id is
`<achievement id>-<n>`: the n-th inventor named on that achievement (ids carry no names).

Inventor names are confidential, like the rest of an achievement's details: a viewer learns
that someone is an inventor of an achievement only when they may read that achievement's
details (its organisation, operators, people its owner admitted). So the structure of a team
(its achievements, how many inventors) is public, but its members' names, the name of the
team after its most frequent inventor, and expert pages are shown only as far as the viewer
may read them; others see the team named after its organisation and main field.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labline.core import refdata
from labline.core.access import Actor, Permission, require
from labline.core.models import Membership, Organisation, Person
from labline.errors import FieldError, InvalidInput, NotFound
from labline.market.models import (
    TECHNOLOGY_KINDS,
    AccessGrant,
    AccessStatus,
    Achievement,
    Contract,
    Deal,
)
from labline.market.service.records import PUBLIC_STATES
from labline.market.service.visibility import turnover_visible

SEPARATORS = re.compile(r"\s*(?:[,，;；、/|]|\band\b)\s*")
EXPERT_ID = re.compile(r"^(\d{1,12})-(\d{1,3})$")


def inventor_names(text: str) -> list[str]:
    """The names in an inventors field, in order, without repeats ("张伟、李娜" -> 2 names)."""
    out: list[str] = []
    for raw in SEPARATORS.split(text or ""):
        name = " ".join(raw.split())
        if name and name_key(name) not in {name_key(n) for n in out}:
            out.append(name)
    return out


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


# --- the grouping (no viewer involved) -----------------------------------------------------------


@dataclass
class Team:
    id: int
    organisation_id: int
    achievements: list[Achievement]  # ordered by id
    # inventor key -> ids of the team's achievements that name them
    inventors: dict[str, list[int]]
    spelling: dict[str, str]  # inventor key -> the name as most often written

    @property
    def lead_key(self) -> str:
        """The most frequent inventor; ties go to the one named first on the oldest record."""
        order = {k: i for i, k in enumerate(self.spelling)}
        return min(self.inventors, key=lambda k: (-len(self.inventors[k]), order[k]))


def _public_achievements(session: Session, organisation_ids: Iterable[int] | None) -> list[Any]:
    stmt = select(Achievement).where(Achievement.state.in_(PUBLIC_STATES))
    if organisation_ids is not None:
        stmt = stmt.where(Achievement.organisation_id.in_(list(organisation_ids) or [0]))
    return list(session.scalars(stmt.order_by(Achievement.id)))


def _root(parent: dict[str, str], k: str) -> str:
    while parent[k] != k:
        parent[k] = parent[parent[k]]  # path halving
        k = parent[k]
    return k


def group(achievements: Iterable[Achievement]) -> list[Team]:
    """Teams from achievements (any organisations): union-find over inventor names within
    each organisation, in achievement-id order, so the result never depends on row order."""
    by_org: dict[int, list[Achievement]] = defaultdict(list)
    for a in sorted(achievements, key=lambda a: a.id):
        if inventor_names(a.inventors):
            by_org[a.organisation_id].append(a)
    teams: list[Team] = []
    for org_id, rows in by_org.items():
        parent: dict[str, str] = {}
        find = partial(_root, parent)
        for a in rows:
            keys = [name_key(n) for n in inventor_names(a.inventors)]
            for k in keys:
                parent.setdefault(k, k)
            for k in keys[1:]:
                ra, rb = find(keys[0]), find(k)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
        members: dict[str, list[Achievement]] = defaultdict(list)
        for a in rows:
            members[find(name_key(inventor_names(a.inventors)[0]))].append(a)
        for items in members.values():
            inventors: dict[str, list[int]] = {}
            written: dict[str, Counter[str]] = {}
            for a in items:
                for n in inventor_names(a.inventors):
                    inventors.setdefault(name_key(n), []).append(a.id)
                    written.setdefault(name_key(n), Counter())[n] += 1
            # The most frequent spelling (the first written, on a tie); keys in first-seen order.
            spelling = {k: c.most_common(1)[0][0] for k, c in written.items()}
            teams.append(Team(items[0].id, org_id, items, inventors, spelling))
    return sorted(teams, key=lambda t: t.id)


def teams_of(session: Session, organisation_ids: Iterable[int] | None = None) -> list[Team]:
    return group(_public_achievements(session, organisation_ids))


# --- what a viewer may read ------------------------------------------------------------------


def readable(session: Session, actor: Actor, achievements: Iterable[Achievement]) -> set[int]:
    """The ids of the achievements whose details (and so inventors) the actor may read."""
    rows = list(achievements)
    if actor.is_operator:
        return {a.id for a in rows}
    own = {a.id for a in rows if a.organisation_id in actor.org_roles}
    others = [a.id for a in rows if a.id not in own]
    if actor.person_id is None or not others:
        return own
    admitted = session.scalars(
        select(AccessGrant.record_id).where(
            AccessGrant.record_kind == "achievement",
            AccessGrant.record_id.in_(others),
            AccessGrant.person_id == actor.person_id,
            AccessGrant.status == AccessStatus.admitted,
        )
    )
    return own | set(admitted)


@dataclass
class Member:
    expert_id: str
    name: str
    achievements: int
    person_id: int | None = None
    name_en: str = ""  # the labline person's English name, when the inventor is one


@dataclass
class TeamView:
    """A team as one viewer may see it."""

    id: int
    organisation: Organisation
    name_zh: str
    name_en: str
    achievements: list[Achievement]
    members: list[Member]  # the inventors disclosed to the viewer
    hidden_members: int  # the others, counted only
    inventor_count: int
    fields: list[tuple[str, int]]
    readiness: dict[int, int]
    languages: list[str]
    contracts: int
    turnover_cny: Decimal | None  # to the organisation and operators only
    deals: dict[str, int]  # deal states: to the organisation and operators only (else empty)


def member_id(team: Team, key: str, can_read: set[int]) -> str:
    """The expert id of a team's inventor for a viewer: the first achievement naming them that
    the viewer may read, and their place on it (an id never points into a record whose
    inventors the viewer may not read)."""
    first = next(i for i in team.inventors[key] if i in can_read)
    a = next(a for a in team.achievements if a.id == first)
    keys = [name_key(n) for n in inventor_names(a.inventors)]
    return f"{first}-{keys.index(key) + 1}"


def _fields(achievements: list[Achievement], limit: int = 6) -> list[tuple[str, int]]:
    counts = Counter(a.field.strip() for a in achievements if a.field.strip())
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


@dataclass
class Facts:
    """What the views of several teams need from the database, read in a few queries."""

    orgs: dict[int, Organisation]
    can_read: set[int]
    people: dict[tuple[int, str], int]  # (organisation, inventor key) -> labline person
    deals: dict[int, Counter[str]]  # achievement -> deal states
    contracts: dict[int, tuple[int, Decimal]]  # achievement -> (count, yuan)
    english: dict[int, str] = field(default_factory=dict)  # labline person -> English name


def facts(session: Session, actor: Actor, teams: list[Team]) -> Facts:
    rows = [a for t in teams for a in t.achievements]
    ids = [a.id for a in rows] or [0]
    org_ids = {t.organisation_id for t in teams} or {0}
    orgs = {
        o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))
    }
    people: dict[tuple[int, str], int] = {}
    english: dict[int, str] = {}
    for org_id, pid, zh, en in session.execute(
        select(Membership.organisation_id, Person.id, Person.display_name, Person.name_en)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.organisation_id.in_(org_ids))
        .order_by(Person.id)
    ):
        for n in (zh, en):
            if n:
                people.setdefault((org_id, name_key(n)), pid)
        if en:
            english[pid] = en
    deals: dict[int, Counter[str]] = defaultdict(Counter)
    for aid, state in session.execute(
        select(Deal.achievement_id, Deal.state).where(Deal.achievement_id.in_(ids))
    ):
        deals[aid][str(state.value)] += 1
    contracts = {
        aid: (int(n), Decimal(total))
        for aid, n, total in session.execute(
            select(Deal.achievement_id, func.count(Contract.id), func.sum(Contract.amount_cny))
            .join(Deal, Deal.id == Contract.deal_id)
            # Technology contracts: an equity round is investment, not a team's turnover.
            .where(Deal.achievement_id.in_(ids), Contract.kind.in_(TECHNOLOGY_KINDS))
            .group_by(Deal.achievement_id)
        )
    }
    return Facts(orgs, readable(session, actor, rows), people, deals, contracts, english)


def _deal_figures(f: Facts, achievement_ids: list[int]) -> tuple[dict[str, int], int, Decimal]:
    deals: Counter[str] = Counter()
    for aid in achievement_ids:
        deals.update(f.deals.get(aid, Counter()))
    signed = [f.contracts[aid] for aid in achievement_ids if aid in f.contracts]
    total = sum((t for _n, t in signed), Decimal(0))
    return dict(sorted(deals.items())), sum(n for n, _t in signed), total


def _english_name(f: Facts, org_id: int, key: str, spelling: str) -> str:
    """The inventor's name for English pages: the labline person's English name, or the
    spelling itself when it is already in Latin letters; empty when neither is known."""
    pid = f.people.get((org_id, key))
    if pid is not None and f.english.get(pid):
        return f.english[pid]
    return spelling if spelling.isascii() else ""


def view(session: Session, actor: Actor, team: Team, known: Facts | None = None) -> TeamView:
    f = known or facts(session, actor, [team])
    org = f.orgs[team.organisation_id]
    disclosed = [k for k, ids in team.inventors.items() if f.can_read.intersection(ids)]
    members = sorted(
        (
            Member(
                member_id(team, k, f.can_read),
                team.spelling[k],
                len(team.inventors[k]),
                f.people.get((org.id, k)),
                _english_name(f, org.id, k, team.spelling[k]),
            )
            for k in disclosed
        ),
        key=lambda m: (-m.achievements, m.name),
    )
    fields = _fields(team.achievements)
    main = fields[0][0] if fields else ""
    named = refdata.field(main)
    main_zh, main_en = (named.name_zh, named.name_en) if named else (main, main)
    lead = team.lead_key
    lead_en = _english_name(f, org.id, lead, team.spelling.get(lead, "")) if lead else ""
    if lead in disclosed and lead_en:
        name_zh = f"{team.spelling[lead]}团队，{org.name_zh}"
        name_en = f"{lead_en} team, {org.name_en}"
    elif lead in disclosed:  # no English name known: the English page names the organisation
        name_zh = f"{team.spelling[lead]}团队，{org.name_zh}"
        name_en = f"{org.name_en} team" + (f" ({main_en})" if main else "")
    else:
        name_zh = f"{org.name_zh}团队" + (f"（{main_zh}）" if main else "")
        name_en = f"{org.name_en} team" + (f" ({main_en})" if main else "")
    deals, contracts, turnover = _deal_figures(f, [a.id for a in team.achievements])
    insider = turnover_visible(actor, organisation_id=org.id)
    return TeamView(
        id=team.id,
        organisation=org,
        name_zh=name_zh,
        name_en=name_en,
        achievements=team.achievements,
        members=members,
        hidden_members=len(team.inventors) - len(disclosed),
        inventor_count=len(team.inventors),
        fields=fields,
        readiness=dict(sorted(Counter(a.readiness for a in team.achievements).items())),
        languages=sorted({a.language for a in team.achievements}),
        contracts=contracts,
        turnover_cny=turnover if insider else None,
        deals=deals if insider else {},
    )


# --- the service -------------------------------------------------------------------------------


def list_teams(
    session: Session,
    *,
    actor: Actor,
    organisation_id: int | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[TeamView], int]:
    """Teams, largest first; `q` keeps teams with the words in a field or achievement title."""
    require(actor, Permission.view_directory)
    teams = teams_of(session, None if organisation_id is None else [organisation_id])
    if q:
        words = q.casefold().split()
        teams = [
            t
            for t in teams
            if all(
                any(w in f"{a.title} {a.field}".casefold() for a in t.achievements) for w in words
            )
        ]
    teams.sort(key=lambda t: (-len(t.achievements), t.id))
    shown = teams[offset : offset + limit]
    known = facts(session, actor, shown)
    return [view(session, actor, t, known) for t in shown], len(teams)


def find_team(session: Session, achievement_id: int) -> Team | None:
    a = session.get(Achievement, achievement_id)
    if a is None or a.state not in PUBLIC_STATES:
        return None
    return next(
        (
            t
            for t in teams_of(session, [a.organisation_id])
            if any(x.id == a.id for x in t.achievements)
        ),
        None,
    )


def get_team(session: Session, *, actor: Actor, team_id: int) -> TeamView:
    """The team an achievement id belongs to (its canonical id is `.id`)."""
    require(actor, Permission.view_directory)
    team = find_team(session, team_id)
    if team is None:
        raise NotFound(f"There is no team {team_id}.", team_id=team_id)
    return view(session, actor, team)


@dataclass
class ExpertView:
    id: str
    name: str
    organisation: Organisation
    person_id: int | None
    team_id: int
    team_name_zh: str
    team_name_en: str
    achievements: list[Achievement]  # those the viewer may read the inventors of
    co_inventors: list[Member]
    fields: list[tuple[str, int]]
    readiness: dict[int, int]
    languages: list[str]
    contracts: int
    deals: dict[str, int]
    name_en: str = ""  # the labline person's English name, or the spelling if in Latin letters


def get_expert(session: Session, *, actor: Actor, expert_id: str) -> ExpertView:
    """An inventor of an organisation, for viewers who may read at least one achievement
    naming them; to others the expert does not exist (a name is not confirmed by a 404
    versus a 403)."""
    require(actor, Permission.view_directory)
    m = EXPERT_ID.match(expert_id)
    if m is None:
        raise InvalidInput(
            "An expert id is an achievement id and a position, like 17-2.",
            fields=[FieldError("expert_id", "must look like 17-2")],
        )
    missing = NotFound(f"There is no expert {expert_id}.", expert_id=expert_id)
    team = find_team(session, int(m[1]))
    if team is None:
        raise missing
    a = next(x for x in team.achievements if x.id == int(m[1]))
    names = inventor_names(a.inventors)
    pos = int(m[2])
    if not 1 <= pos <= len(names):
        raise missing
    key = name_key(names[pos - 1])
    can_read = readable(session, actor, team.achievements)
    if a.id not in can_read:  # the id itself would tell who invented that achievement
        raise missing
    mine = [x for x in team.achievements if x.id in team.inventors[key] and x.id in can_read]
    canonical = member_id(team, key, can_read)
    known = facts(session, actor, [team])
    tv = view(session, actor, team, known)
    co_keys = {name_key(n) for x in mine for n in inventor_names(x.inventors)} - {key}
    co = [mb for mb in tv.members if name_key(mb.name) in co_keys]
    deals, contracts, _t = _deal_figures(known, [x.id for x in mine])
    return ExpertView(
        id=canonical,
        name=team.spelling[key],
        organisation=tv.organisation,
        person_id=known.people.get((team.organisation_id, key)),
        team_id=team.id,
        team_name_zh=tv.name_zh,
        team_name_en=tv.name_en,
        achievements=mine,
        co_inventors=co,
        fields=_fields(mine),
        readiness=dict(sorted(Counter(x.readiness for x in mine).items())),
        languages=sorted({x.language for x in mine}),
        contracts=contracts,
        deals=deals if actor.is_operator or team.organisation_id in actor.org_roles else {},
        name_en=_english_name(known, team.organisation_id, key, team.spelling[key]),
    )
