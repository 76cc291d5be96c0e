"""The demo world's market: bilingual technology needs and achievements whose true matches
are known, deals at every stage and signed contracts from 2025-12-01 to 2026-11-30.

Every need and achievement is about one *topic* (a sector's technical field, e.g. 钙钛矿叠层
电池 / perovskite tandem solar cells) and is written in Chinese or English; a need's true
matches are the achievements on its topic, in either language (`true_matches`). Deals and
feedback mostly join true matches, as they would on a working platform. Deterministic
from the world's seed.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from labline.market.demo.deals import make_deals, move_to_stages, nda_grants, sign_messages
from labline.market.demo.real import real_achievements
from labline.market.demo.topics import (
    DAYS,
    START,
    achievement_text,
    industry_of,
    need_text,
    published_when,
    topics,
)
from labline.market.models import (
    AccessGrant,
    Achievement,
    Contract,
    Deal,
    DealMessage,
    Feedback,
    TechnologyNeed,
)

if TYPE_CHECKING:
    from labline.demo.api import World

COUNTS = {"small": (160, 260), "medium": (1200, 2000), "large": (4000, 7000)}
MODES = [
    "transfer",
    "exclusive_licence",
    "nonexclusive_licence",
    "joint_development",
    "commissioned_development",
    "equity",
]
KINDS = [
    ("invention_patent", 40),
    ("utility_model", 10),
    ("software_copyright", 8),
    ("paper", 12),
    ("prototype", 12),
    ("know_how", 12),
    ("new_variety", 2),
    ("standard", 4),
]


def _orgs(world: World, kinds: tuple[str, ...]) -> list[int]:
    return [o for k in kinds for o in world.orgs_by_kind.get(k, [])]


def step_market(world: World) -> None:
    rng = world.rng("market")
    n_needs, n_achievements = COUNTS.get(world.size, COUNTS["small"])
    all_topics = topics()
    session = world.session
    from labline.core.models import Organisation

    region = dict(session.execute(select(Organisation.id, Organisation.region_code)).all())
    enterprises = _orgs(world, ("enterprise",)) or [1]
    by_sector: dict[str, list[int]] = {}
    for org_id in enterprises:
        sector = world.org_sector.get(org_id)
        if sector is not None:
            by_sector.setdefault(sector["key"], []).append(org_id)
    sellers = _orgs(world, ("university", "research_institute")) or enterprises
    sellers_by_sector: dict[str, list[int]] = {}
    for org_id in sellers:
        sector = world.org_sector.get(org_id)
        if sector is not None:
            sellers_by_sector.setdefault(sector["key"], []).append(org_id)
    demo_enterprise, demo_university = enterprises[0], sellers[0]
    # The demo accounts' own records are in their own sector, as everyone else's are.
    own_needs = _own_topics(world, demo_enterprise, all_topics)
    own_offers = _own_topics(world, demo_university, all_topics)

    needs: list[dict[str, Any]] = []
    for i in range(n_needs):
        t = own_needs[i % len(own_needs)] if i < 6 and own_needs else i % len(all_topics)
        sector, zh, en = all_topics[t]
        lang = "zh" if rng.random() < 0.7 else "en"
        org = demo_enterprise if i < 6 else rng.choice(by_sector.get(sector["key"]) or enterprises)
        state = rng.choices(["published", "screening", "draft", "closed"], [85, 6, 4, 5])[0]
        published = published_when(rng) if state in ("published", "closed") else None
        budget_min = rng.choice([5, 10, 20, 50, 100, 200]) * 10_000
        needs.append(
            {
                "id": i + 1,
                "organisation_id": org,
                "created_by_id": None,
                **need_text(rng, sector, zh, en, lang),
                "industry_code": industry_of(sector),
                "region_code": region.get(org),
                "budget_min": Decimal(budget_min),
                "budget_max": Decimal(budget_min * rng.choice([2, 3, 5])),
                "deadline": date(2027, rng.randrange(1, 13), rng.randrange(1, 28)),
                "modes": ",".join(sorted(rng.sample(MODES, rng.randrange(1, 3)), key=MODES.index)),
                "min_readiness": rng.choice([None, 3, 4, 5, 6, 7]),
                "language": lang,
                "state": state,
                "screening_note": "",
                "close_reason": "expired" if state == "closed" else None,
                "published_at": published,
                "closed_at": START + timedelta(days=DAYS - 1) if state == "closed" else None,
                "created_at": published or START,
                "updated_at": published or START,
            }
        )
    achievements: list[dict[str, Any]] = []
    kinds = [k for k, _w in KINDS]
    weights = [w for _k, w in KINDS]
    for i in range(n_achievements):
        t = own_offers[i % len(own_offers)] if i < 6 and own_offers else i % len(all_topics)
        sector, zh, en = all_topics[t]
        lang = "zh" if rng.random() < 0.5 else "en"
        # An institute offers results in its own fields.
        org = (
            demo_university
            if i < 6
            else rng.choice(sellers_by_sector.get(sector["key"]) or sellers)
        )
        state = rng.choices(["published", "screening", "draft"], [90, 6, 4])[0]
        published = published_when(rng) if state == "published" else None
        achievements.append(
            {
                "id": i + 1,
                "organisation_id": org,
                "team_id": None,
                "created_by_id": None,
                "kind": rng.choices(kinds, weights)[0],
                **achievement_text(rng, sector, zh, en, lang),
                "industry_code": industry_of(sector),
                "region_code": region.get(org),
                "readiness": rng.randrange(2, 10),
                "ip_status": rng.choice(["granted", "pending", "granted", "none"]),
                "ip_numbers": f"ZL{rng.randrange(2018, 2026)}1{rng.randrange(10**7):07d}",
                "owners": "",
                "inventors": "",
                "price": Decimal(rng.choice([10, 30, 50, 100, 300, 500]) * 10_000),
                "modes": ",".join(sorted(rng.sample(MODES, rng.randrange(1, 4)), key=MODES.index)),
                "language": lang,
                "state": state,
                "screening_note": "",
                "close_reason": None,
                "published_at": published,
                "closed_at": None,
                "created_at": published or START,
                "updated_at": published or START,
            }
        )

    _inventors(world, achievements)
    deals, messages, contracts, feedback = make_deals(rng, needs, achievements, all_topics)
    move_to_stages(world.rng("market-deal-stages"), deals, needs, achievements)
    world.bulk("market", TechnologyNeed, needs)
    world.bulk("market", Achievement, achievements)
    real = real_achievements(world, len(achievements) + 1, region)
    if real:
        world.bulk("market-real-texts", Achievement, real)
    world.bulk("market", Deal, deals)
    world.bulk("market", AccessGrant, nda_grants(session, deals))
    sign_messages(session, deals, messages)
    world.bulk("market", DealMessage, messages)
    world.bulk("market", Contract, contracts)
    world.bulk("market", Feedback, feedback)


def _own_topics(world: World, org_id: int, all_topics: list[Any]) -> list[int]:
    """The topics of the organisation's own sector (none if it has no sector)."""
    sector = world.org_sector.get(org_id)
    if sector is None:
        return []
    return [i for i, (s, _zh, _en) in enumerate(all_topics) if s["key"] == sector["key"]]


def _inventors(world: World, achievements: list[dict[str, Any]]) -> None:
    """Each seller organisation has one to three research groups of two to six researchers,
    led by its own staff where it has them; an achievement names the leader of the group
    that works on its field and up to two members. A random stream of its own keeps the
    rest of the world unchanged."""
    from labline.core.models import Membership, Person
    from labline.demo.api import person_name as _person_name

    rng = world.rng("market-inventors")
    staff: dict[int, list[str]] = {}
    for org_id, name in world.session.execute(
        select(Membership.organisation_id, Person.display_name)
        .join(Person, Person.id == Membership.person_id)
        .order_by(Person.id)
    ):
        staff.setdefault(org_id, []).append(name)
    groups: dict[int, list[list[str]]] = {}
    for a in achievements:
        org = a["organisation_id"]
        if org not in groups:
            own = staff.get(org, [])
            groups[org] = [
                [own[g] if g < len(own) else _person_name(rng)[0]]
                + [_person_name(rng)[0] for _ in range(rng.randint(1, 5))]
                for g in range(rng.randint(1, 3))
            ]
        # A group works on a few fields: the same field goes to the same group.
        group = groups[org][sum(map(ord, a.get("field", ""))) % len(groups[org])]
        others = rng.sample(group[1:], rng.randint(0, min(2, len(group) - 1)))
        a["inventors"] = "、".join([group[0], *others])
