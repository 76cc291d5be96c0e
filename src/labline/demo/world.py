"""Generates the demo world, step by step, deterministically from a seed.

Each step draws from its own random stream (seeded by the world seed and the step's
name), so a module that adds a step later does not change what earlier steps made.
Rows go in through bulk inserts with ids assigned here; each step then appends one
audit record with the row counts and a digest of what it wrote.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from labline.core import refdata
from labline.core.models import Membership, Organisation, Person, RoleGrant, Team
from labline.core.service.passwords import hash_password
from labline.demo import vocab
from labline.demo.api import EPOCH, Progress, World, person_name

SIZES = {"small": 400, "medium": 10_000, "large": 100_000}
KIND_SHARES = [  # enterprises dominate a real region's directory
    ("enterprise", 0.82),
    ("university", 0.03),
    ("research_institute", 0.05),
    ("hospital", 0.03),
    ("investment_fund", 0.03),
    ("facility_operator", 0.02),
    ("government_office", 0.02),
]
DEMO_PASSWORD = "labline-demo-2026"
DEMO_ACCOUNTS = [  # e-mail, role, display name, English name
    ("operator@labline.demo", "platform_operator", "周明", "Zhou Ming"),
    ("admin@labline.demo", "org_admin", "李华", "Li Hua"),
    ("member@labline.demo", "member", "陈静", "Chen Jing"),
    ("reviewer@labline.demo", "reviewer", "王磊", "Wang Lei"),
    ("committee@labline.demo", "committee_member", "刘洋", "Liu Yang"),
    ("facility@labline.demo", "facility_manager", "赵敏", "Zhao Min"),
    ("analyst@labline.demo", "analyst", "孙博", "Sun Bo"),
    ("investor@labline.demo", "investor", "郑凯", "Zheng Kai"),
]


def _industry(sector: dict[str, Any]) -> str:
    code = sector["industry"]
    return str(code if refdata.is_industry_code(code) else sector["fallback"])


def _city_names(code: str) -> tuple[str, str]:
    region = refdata.region(code)
    assert region is not None, code
    zh = region.name_zh.removesuffix("市")
    en = region.name_en.removesuffix(" City")
    return zh, en


def _cities() -> list[str]:
    hubs = [c for c in vocab.HUB_CITIES if refdata.is_region_code(c)]
    others = [r.code for r in refdata.regions() if r.level == "prefecture"]
    # Hubs carry most of the weight, as innovation clusters do.
    return hubs * 12 + others


def _credit_code(n: int, region: str) -> str:
    # GB 32100 shape: register (9 = business, 1 = enterprise), region, 10 more characters.
    return f"91{region}MA{n:07d}{'ABCDEFGH'[n % 8]}"


def step_organisations(world: World) -> None:
    rng = world.rng("organisations")
    total = SIZES[world.size]
    cities = _cities()
    kinds = [k for k, _ in vocab_kind_shares()]
    weights = [w for _, w in vocab_kind_shares()]
    used: set[str] = set()
    rows = []
    for org_id in range(1, total + 1):
        kind = kinds[0] if org_id <= len(vocab.SECTORS) * 2 else rng.choices(kinds, weights)[0]
        city = rng.choice(cities)
        city_zh, city_en = _city_names(city)
        sector = (
            vocab.SECTORS[org_id % len(vocab.SECTORS)]
            if org_id <= 18
            else rng.choice(vocab.SECTORS)
        )
        name_zh, name_en, industry = _name(rng, kind, city_zh, city_en, sector, used)
        rows.append(
            {
                "id": org_id,
                "name_zh": name_zh,
                "name_en": name_en,
                "kind": kind,
                "country": "CN",
                "region_code": city,
                "industry_code": industry,
                "size": rng.choice(["micro", "small", "medium", "large"])
                if kind == "enterprise"
                else None,
                "credit_code": _credit_code(org_id, city) if kind == "enterprise" else None,
                "website": None,
                "description": _description(kind, sector, city_zh),
                "created_at": world.stamp(rng),
                "updated_at": EPOCH,
            }
        )
        world.orgs_by_kind.setdefault(kind, []).append(org_id)
        world.org_sector[org_id] = sector
        world.org_city[org_id] = city
    world.bulk("organisations", Organisation, rows)


def vocab_kind_shares() -> list[tuple[str, float]]:
    return KIND_SHARES


def _name(
    rng: random.Random,
    kind: str,
    city_zh: str,
    city_en: str,
    sector: dict[str, Any],
    used: set[str],
) -> tuple[str, str, str | None]:
    for attempt in range(50):
        b1, b2 = rng.choice(vocab.BRAND), rng.choice(vocab.BRAND)
        brand_zh, brand_en = b1[0] + b2[0], (b1[1] + b2[1].lower()).capitalize()
        industry: str | None = None
        if kind == "enterprise":
            suf = rng.choice(vocab.FIRM_SUFFIX)
            zh = f"{city_zh}{brand_zh}{sector['firm_zh']}{suf[0]}"
            en = f"{city_en} {brand_en} {sector['firm_en']} {suf[1]}"
            industry = _industry(sector)
        elif kind == "university":
            uk = rng.choice(vocab.UNIVERSITY_KINDS)
            zh, en = (
                (f"{city_zh}{uk[0]}", f"{city_en} {uk[1]}")
                if attempt == 0
                else (f"{city_zh}{brand_zh}学院", f"{city_en} {brand_en} College")
            )
            industry = "83" if refdata.is_industry_code("83") else None
        elif kind == "research_institute":
            field_zh, field_en = rng.choice(sector["fields"])
            zh = f"{city_zh}{brand_zh}{field_zh}研究院"
            en = f"{city_en} {brand_en} Institute of {field_en.title()}"
            industry = "73" if refdata.is_industry_code("73") else None
        elif kind == "hospital":
            n = rng.randint(1, 9)
            zh, en = (
                f"{city_zh}第{'一二三四五六七八九'[n - 1]}人民医院",
                f"{city_en} No. {n} People's Hospital",
            )
            if attempt:
                zh, en = f"{city_zh}{brand_zh}医院", f"{city_en} {brand_en} Hospital"
        elif kind == "investment_fund":
            zh = f"{brand_zh}{sector['zh']}产业投资基金"
            en = f"{brand_en} {sector['en']} Industry Fund"
        elif kind == "facility_operator":
            fac = rng.choice(vocab.FACILITIES)
            zh, en = f"{city_zh}{fac[0]}", f"{city_en} {fac[1]}"
            if attempt:
                zh, en = f"{city_zh}{brand_zh}{fac[0]}", f"{city_en} {brand_en} {fac[1]}"
        else:
            zh, en = f"{city_zh}市科学技术局", f"{city_en} Science and Technology Bureau"
            if attempt:
                zh, en = (
                    f"{city_zh}{brand_zh}高新区管委会",
                    f"{city_en} {brand_en} High-Tech Zone Administration",
                )
        if zh not in used:
            used.add(zh)
            return zh, en, industry
    used.add(zh)
    return zh, en, industry


def _description(kind: str, sector: dict[str, Any], city_zh: str) -> str:
    fields = "、".join(f[0] for f in sector["fields"][:3])
    if kind == "enterprise":
        return f"位于{city_zh}的{sector['zh']}企业，关注{fields}等技术方向。"
    if kind in ("university", "research_institute"):
        return f"研究方向包括{fields}。"
    return ""


def step_people_and_teams(world: World) -> None:
    """Staff for every organisation; research teams with leaders in universities and institutes."""
    rng = world.rng("people")
    people, memberships, teams = [], [], []
    pid = tid = 0
    for kind, org_ids in sorted(world.orgs_by_kind.items()):
        for org_id in org_ids:
            staff = 1 if kind in ("government_office", "investment_fund") else rng.randint(1, 3)
            for i in range(staff):
                pid += 1
                zh, en = person_name(rng)
                people.append(
                    {
                        "id": pid,
                        "email": f"{en.lower().replace(' ', '.')}.{pid}@org{org_id}.example.cn",
                        "display_name": zh,
                        "name_en": en,
                        "password_hash": None,
                        "locale": "zh",
                        "is_active": True,
                        "created_at": world.stamp(rng),
                        "updated_at": EPOCH,
                    }
                )
                memberships.append(
                    {
                        "id": pid,
                        "person_id": pid,
                        "organisation_id": org_id,
                        "team_id": None,
                        "role": "org_admin" if i == 0 else "member",
                        "title": "",
                        "created_at": EPOCH,
                        "updated_at": EPOCH,
                    }
                )
                if kind in ("university", "research_institute") and i == 0:
                    sector = world.org_sector[org_id]
                    for field_zh, field_en in rng.sample(
                        sector["fields"], k=min(2, len(sector["fields"]))
                    ):
                        tid += 1
                        leader = pid
                        teams.append(
                            {
                                "id": tid,
                                "organisation_id": org_id,
                                "leader_id": leader,
                                "name_zh": f"{field_zh}课题组",
                                "name_en": f"{field_en.capitalize()} Group",
                                "field_zh": field_zh,
                                "field_en": field_en,
                                "created_at": EPOCH,
                                "updated_at": EPOCH,
                            }
                        )
    world.people = [int(str(p["id"])) for p in people]
    world.bulk("people", Person, people)
    world.bulk("teams", Team, teams)
    world.bulk("memberships", Membership, memberships)
    world.teams = [t["id"] for t in teams]


def step_demo_accounts(world: World) -> None:
    """One account per role that can sign in, printed at the end of `labline demo`."""
    rng = world.rng("accounts")
    next_id = (max(world.people) if world.people else 0) + 1
    enterprise = world.orgs_by_kind.get("enterprise", [1])[0]
    university = (world.orgs_by_kind.get("university") or world.orgs_by_kind["enterprise"])[0]
    facility_org = (world.orgs_by_kind.get("facility_operator") or [enterprise])[0]
    fund = (world.orgs_by_kind.get("investment_fund") or [enterprise])[0]
    pw = hash_password(DEMO_PASSWORD)
    people, memberships, grants = [], [], []
    for i, (email, role, zh, en) in enumerate(DEMO_ACCOUNTS):
        pid = next_id + i
        people.append(
            {
                "id": pid,
                "email": email,
                "display_name": zh,
                "name_en": en,
                "password_hash": pw,
                "locale": "zh" if i % 2 else "en",
                "is_active": True,
                "created_at": world.stamp(rng),
                "updated_at": EPOCH,
            }
        )
        org = {
            "org_admin": enterprise,
            "member": university,
            "facility_manager": facility_org,
            "investor": fund,  # a venture fund's partner, invested for that fund
        }.get(role, university)
        memberships.append(
            {
                "id": 10_000_000 + pid,
                "person_id": pid,
                "organisation_id": org,
                "team_id": None,
                "role": "org_admin" if role == "org_admin" else "member",
                "title": "",
                "created_at": EPOCH,
                "updated_at": EPOCH,
            }
        )
        if role not in ("org_admin", "member"):
            grants.append(
                {
                    "id": i + 1,
                    "person_id": pid,
                    "role": role,
                    "organisation_id": org if role in ("facility_manager", "investor") else None,
                    "created_at": EPOCH,
                    "updated_at": EPOCH,
                }
            )
        world.accounts.append((email, role))
    world.bulk("accounts", Person, people)
    world.bulk("accounts", Membership, memberships)
    world.bulk("accounts", RoleGrant, grants)


# Later modules append their steps here (market needs and achievements, calls, facilities...).
# The core steps; each domain adds its own through its module record (labline.registry),
# which the `labline demo` command passes to `build`.
CORE_STEPS: list[Callable[[World], None]] = [
    step_organisations,
    step_people_and_teams,
    step_demo_accounts,
]


def build(
    session: Session,
    *,
    size: str,
    seed: int,
    progress: Progress | None = None,
    data_dir: Path | None = None,
    steps: Sequence[Callable[[World], None]] = (),
    texts: Path | None = None,
    indicators: Path | None = None,
) -> World:
    """Run the core steps, then `steps` (the domains' demo steps, in registry order)."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}")
    world = World(
        seed=seed,
        size=size,
        session=session,
        progress=progress,
        data_dir=data_dir,
        texts=texts,
        indicators=indicators,
    )
    for step in [*CORE_STEPS, *steps]:
        step(world)
    return world
