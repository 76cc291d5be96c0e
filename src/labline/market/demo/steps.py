"""The demo world's market: bilingual technology needs and achievements whose true matches
are known, deals at every stage and signed contracts from 2025-12-01 to 2026-11-30.

Every need and achievement is about one *topic* (a sector's technical field, e.g. 钙钛矿叠层
电池 / perovskite tandem solar cells) and is written in Chinese or English; a need's true
matches are the achievements on its topic, in either language (`true_matches`). Deals and
feedback mostly join true matches, as they would on a working platform. Deterministic
from the world's seed.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline import clock
from labline.demo import vocab
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

START = datetime(2025, 12, 1, tzinfo=UTC)
DAYS = 365
COUNTS = {"small": (160, 260), "medium": (1200, 2000), "large": (4000, 7000)}
# (zh, en) aspects of a problem or a result
ASPECTS = [
    ("量产工艺", "mass-production process"),
    ("成本降低", "cost reduction"),
    ("可靠性提升", "reliability improvement"),
    ("性能优化", "performance optimisation"),
    ("在线检测", "in-line inspection"),
    ("国产化替代", "domestic substitute"),
    ("寿命延长", "lifetime extension"),
    ("能耗降低", "energy saving"),
]
METRICS = [
    ("良率提升至98%以上", "yield above 98%"),
    ("成本降低30%", "30% lower cost"),
    ("寿命达到10年", "a 10-year service life"),
    ("能耗降低20%", "20% less energy"),
    ("效率提升2个百分点", "2 points higher efficiency"),
    ("通过1000小时可靠性测试", "passing a 1000-hour reliability test"),
]
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
CONTRACT_KINDS = [
    ("development", 35),
    ("transfer", 20),
    ("licence", 25),
    ("consulting", 8),
    ("service", 12),
]
DISMISS = [
    "领域不符",
    "成熟度不够",
    "价格过高",
    "wrong field",
    "not mature enough",
    "already solved",
]


def topics() -> list[tuple[dict[str, Any], str, str]]:
    """(sector, field in Chinese, field in English) for every field of every sector."""
    return [(s, zh, en) for s in vocab.SECTORS for zh, en in s["fields"]]


def topic_of(field: str) -> int | None:
    for i, (_s, zh, en) in enumerate(topics()):
        if field in (zh, en):
            return i
    return None


def true_matches(session: Session) -> dict[int, set[int]]:
    """need id -> the published achievements on its topic (the demo's ground truth)."""
    by_topic: dict[int, set[int]] = {}
    for aid, field in session.execute(
        select(Achievement.id, Achievement.field).where(
            Achievement.state.in_(("published", "negotiating"))
        )
    ):
        t = topic_of(field)
        if t is not None:
            by_topic.setdefault(t, set()).add(aid)
    out = {}
    for nid, field in session.execute(select(TechnologyNeed.id, TechnologyNeed.field)):
        t = topic_of(field)
        if t is not None:
            out[nid] = by_topic.get(t, set())
    return out


def _industry(sector: dict[str, Any]) -> str:
    from labline.core import refdata

    code = sector["industry"]
    return str(code if refdata.is_industry_code(code) else sector["fallback"])


def _when(rng: random.Random, after: datetime | None = None) -> datetime:
    base = after or START
    left = max(1, (START + timedelta(days=DAYS) - base).days)
    return base + timedelta(days=rng.randrange(0, left), hours=rng.randrange(1, 10))


def _need_text(
    rng: random.Random, sector: dict[str, Any], zh: str, en: str, lang: str
) -> dict[str, str]:
    aspect, metric = rng.choice(ASPECTS), rng.choice(METRICS)
    if lang == "zh":
        return {
            "title": f"{zh}{aspect[0]}技术需求",
            "summary": f"我公司从事{sector['zh']}生产，需要在{zh}方面解决{aspect[0]}问题，"
            f"目标{metric[0]}。",
            "problem": f"现有{zh}产线存在瓶颈，{aspect[0]}难以满足客户要求。",
            "requirements": f"{metric[0]}；一年内完成中试验证。",
            "field": zh,
        }
    return {
        "title": f"Seeking {aspect[1]} for {en}",
        "summary": f"A {sector['en'].lower()} manufacturer needs {aspect[1]} for {en},"
        f" aiming at {metric[1]}.",
        "problem": f"Our {en} line is limited by {aspect[1]}; customers ask for {metric[1]}.",
        "requirements": f"{metric[1]}; pilot validation within a year.",
        "field": en,
    }


def _achievement_text(
    rng: random.Random, sector: dict[str, Any], zh: str, en: str, lang: str
) -> dict[str, str]:
    aspect, metric = rng.choice(ASPECTS), rng.choice(METRICS)
    if lang == "zh":
        return {
            "title": f"一种{zh}的{aspect[0]}方法",
            "summary": f"本成果面向{sector['zh']}行业，提出{zh}{aspect[0]}新方法，"
            f"实验验证{metric[0]}。",
            "details": f"关键工艺参数与配方见专利说明书；{metric[0]}的中试数据。",
            "field": zh,
        }
    return {
        "title": f"{aspect[1].capitalize()} method for {en}",
        "summary": f"A new {aspect[1]} method for {en} in the {sector['en'].lower()} industry, "
        f"validated at {metric[1]}.",
        "details": f"Process window and recipe for {en}; pilot data showing {metric[1]}.",
        "field": en,
    }


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
    demo_enterprise, demo_university = enterprises[0], sellers[0]

    needs: list[dict[str, Any]] = []
    for i in range(n_needs):
        t = i % len(all_topics)
        sector, zh, en = all_topics[t]
        lang = "zh" if rng.random() < 0.7 else "en"
        org = demo_enterprise if i < 6 else rng.choice(by_sector.get(sector["key"]) or enterprises)
        state = rng.choices(["published", "screening", "draft", "closed"], [85, 6, 4, 5])[0]
        published = _when(rng) if state in ("published", "closed") else None
        budget_min = rng.choice([5, 10, 20, 50, 100, 200]) * 10_000
        needs.append(
            {
                "id": i + 1,
                "organisation_id": org,
                "created_by_id": None,
                **_need_text(rng, sector, zh, en, lang),
                "industry_code": _industry(sector),
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
        t = i % len(all_topics)
        sector, zh, en = all_topics[t]
        lang = "zh" if rng.random() < 0.5 else "en"
        org = demo_university if i < 6 else rng.choice(sellers)
        state = rng.choices(["published", "screening", "draft"], [90, 6, 4])[0]
        published = _when(rng) if state == "published" else None
        achievements.append(
            {
                "id": i + 1,
                "organisation_id": org,
                "team_id": None,
                "created_by_id": None,
                "kind": rng.choices(kinds, weights)[0],
                **_achievement_text(rng, sector, zh, en, lang),
                "industry_code": _industry(sector),
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
    deals, messages, contracts, feedback = _deals(rng, needs, achievements, all_topics)
    _stages(world.rng("market-deal-stages"), deals, needs, achievements)
    world.bulk("market", TechnologyNeed, needs)
    world.bulk("market", Achievement, achievements)
    world.bulk("market", Deal, deals)
    world.bulk("market", AccessGrant, _nda_grants(session, deals))
    world.bulk("market", DealMessage, messages)
    world.bulk("market", Contract, contracts)
    world.bulk("market", Feedback, feedback)


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


def _deals(
    rng: random.Random,
    needs: list[dict[str, Any]],
    achievements: list[dict[str, Any]],
    all_topics: list[tuple[dict[str, Any], str, str]],
) -> tuple[list[dict[str, Any]], ...]:
    def topic(field: str) -> int:
        return next(i for i, (_s, zh, en) in enumerate(all_topics) if field in (zh, en))

    live = [a for a in achievements if a["state"] == "published"]
    by_topic: dict[int, list[dict[str, Any]]] = {}
    for a in live:
        by_topic.setdefault(topic(a["field"]), []).append(a)
    open_needs = [n for n in needs if n["state"] == "published"]
    rng.shuffle(open_needs)
    deals: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    contracts: list[dict[str, Any]] = []
    feedback: list[dict[str, Any]] = []
    n_deals = max(8, len(open_needs) // 3)
    end = START + timedelta(days=DAYS)
    for need in open_needs:
        candidates = [
            a
            for a in by_topic.get(topic(need["field"]), [])
            if a["organisation_id"] != need["organisation_id"]
        ]
        # What the enterprise did with its suggestions: mostly right, sometimes not.
        for a in candidates[:2]:
            action = rng.choices(["accept", "contact", "dismiss"], [50, 30, 20])[0]
            feedback.append(_feedback(len(feedback) + 1, need, a, action, rng, end))
        wrong = rng.choice(live)
        if topic(wrong["field"]) != topic(need["field"]) and rng.random() < 0.5:
            feedback.append(_feedback(len(feedback) + 1, need, wrong, "dismiss", rng, end))
        if len(deals) >= n_deals or not candidates:
            continue
        a = rng.choice(candidates)
        opened = max(need["published_at"], a["published_at"]) + timedelta(days=rng.randrange(3, 40))
        if opened >= end - timedelta(days=5):
            continue
        state = rng.choices(
            ["signed", "delivered", "negotiating", "interest", "abandoned"], [40, 12, 22, 12, 14]
        )[0]
        deal_id = len(deals) + 1
        deals.append(
            {
                "id": deal_id,
                "need_id": need["id"],
                "achievement_id": a["id"],
                "buyer_id": need["organisation_id"],
                "seller_id": a["organisation_id"],
                "opened_by_id": None,
                "state": state,
                "note": "",
                "abandon_reason": rng.choice(["价格未谈拢", "timeline too long"])
                if state == "abandoned"
                else "",
                "created_at": opened,
                "updated_at": opened,
            }
        )
        for k in range(rng.randrange(1, 4)):
            messages.append(
                {
                    "id": len(messages) + 1,
                    "deal_id": deal_id,
                    "person_id": None,
                    "body": rng.choice(
                        [
                            "希望安排技术交流",
                            "Could you share pilot data?",
                            "报价可以再商量",
                            "We propose a licence",
                        ]
                    ),
                    "proposed_amount": None,
                    "proposed_terms": "",
                    "created_at": opened + timedelta(days=k + 1),
                    "updated_at": opened + timedelta(days=k + 1),
                }
            )
        if state == "negotiating":
            need["state"], a["state"] = "negotiating", "negotiating"
        if state in ("signed", "delivered"):
            signed = min(opened + timedelta(days=rng.randrange(20, 120)), end - timedelta(days=1))
            kind = rng.choices([k for k, _ in CONTRACT_KINDS], [w for _k, w in CONTRACT_KINDS])[0]
            amount = Decimal(round(10 ** rng.uniform(4.7, 6.7), -3))
            contracts.append(
                {
                    "id": len(contracts) + 1,
                    "deal_id": deal_id,
                    "kind": kind,
                    "amount": amount,
                    "currency": "CNY",
                    "amount_cny": amount,
                    "signed_on": signed.date(),
                    "registration_no": f"{signed.year}{a['region_code'] or '000000'}{deal_id:06d}",
                    "buyer_id": need["organisation_id"],
                    "seller_id": a["organisation_id"],
                    "region_code": a["region_code"],
                    "created_at": signed,
                    "updated_at": signed,
                }
            )
            need["state"], need["close_reason"], need["closed_at"] = "closed", "solved", signed
    return deals, messages, contracts, feedback


# stage -> the default days to its next step (as in service/deadlines.py)
DUE = {"interest": 14, "introduction": 21, "nda": 14, "negotiating": 90, "signed": 180}


def _stages(
    rng: random.Random,
    deals: list[dict[str, Any]],
    needs: list[dict[str, Any]],
    achievements: list[dict[str, Any]],
) -> None:
    """Spread the open deals over the pipeline's stages (introduction, nda) and give each
    stage's dates: who was introduced when, when each side accepted the NDA, and when the
    next step is due. Due days count from the day the demo is built, so that a few deals are
    always overdue and the rest due in the coming weeks. A separate random stream, so the
    rest of the market stays as it was."""
    today = clock.now().date()
    order = ["interest", "introduction", "nda", "negotiating", "signed", "delivered"]
    for deal in deals:
        state = deal["state"]
        if state == "interest":
            state = rng.choice(["interest", "introduction", "introduction", "nda"])
        elif state == "negotiating" and rng.random() < 0.4:
            state = rng.choice(["introduction", "nda"])
        deal["state"] = state
        opened: datetime = deal["created_at"]
        reached = order.index(state) if state in order else rng.randrange(0, 4)
        introduced = opened + timedelta(days=rng.randrange(2, 12)) if reached >= 1 else None
        buyer_nda = seller_nda = None
        if introduced is not None and reached >= 2:
            buyer_nda = introduced + timedelta(days=rng.randrange(1, 8))
            seller_nda = introduced + timedelta(days=rng.randrange(1, 8))
        elif introduced is not None and rng.random() < 0.5:
            buyer_nda = introduced + timedelta(days=rng.randrange(1, 8))  # one side so far
        due = None
        if state in DUE:
            late = rng.random() < 0.2
            due = (
                today - timedelta(days=rng.randrange(2, 30))
                if late
                else today + timedelta(days=rng.randrange(3, DUE[state] + 1))
            )
        deal.update(
            {
                "introduced_by_id": None,
                "introduced_at": introduced,
                "buyer_nda_by_id": None,
                "buyer_nda_at": buyer_nda,
                "seller_nda_by_id": None,
                "seller_nda_at": seller_nda,
                "due_on": due,
                "updated_at": max(x for x in (opened, introduced, buyer_nda, seller_nda) if x),
            }
        )
    # Records are negotiating only while one of their deals is (not yet, in introduction/nda).
    negotiating = [d for d in deals if d["state"] == "negotiating"]
    needs_on = {d["need_id"] for d in negotiating}
    achievements_on = {d["achievement_id"] for d in negotiating}
    for records, on in ((needs, needs_on), (achievements, achievements_on)):
        for record in records:
            if record["state"] == "negotiating" and record["id"] not in on:
                record["state"] = "published"


def _nda_grants(session: Session, deals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Under a deal's NDA each side's people read the other side's record details."""
    from labline.core.models import Membership

    people: dict[int, list[int]] = {}
    for person_id, org_id in session.execute(
        select(Membership.person_id, Membership.organisation_id)
    ):
        people.setdefault(org_id, []).append(person_id)
    grants: dict[tuple[str, int, int], dict[str, Any]] = {}
    for deal in deals:
        if deal["state"] != "nda":
            continue
        at = max(deal["buyer_nda_at"], deal["seller_nda_at"])
        for org_id, kind, record_id in (
            (deal["buyer_id"], "achievement", deal["achievement_id"]),
            (deal["seller_id"], "need", deal["need_id"]),
        ):
            for person_id in people.get(org_id, []):
                grants.setdefault(
                    (kind, record_id, person_id),
                    {
                        "id": len(grants) + 1,
                        "record_kind": kind,
                        "record_id": record_id,
                        "person_id": person_id,
                        "status": "admitted",
                        "nda_accepted_at": at,
                        "decided_by_id": None,
                        "created_at": at,
                        "updated_at": at,
                    },
                )
    return list(grants.values())


def _feedback(
    fid: int,
    need: dict[str, Any],
    a: dict[str, Any],
    action: str,
    rng: random.Random,
    end: datetime,
) -> dict[str, Any]:
    at = max(need["published_at"], a["published_at"]) + timedelta(days=rng.randrange(1, 20))
    at = min(at, end - timedelta(hours=1))
    return {
        "id": fid,
        "need_id": need["id"],
        "achievement_id": a["id"],
        "person_id": None,
        "side": "need",
        "action": action,
        "reason": rng.choice(DISMISS) if action == "dismiss" else "",
        "rank": rng.randrange(1, 6),
        "score": None,
        "created_at": at,
        "updated_at": at,
    }
