"""The demo world: same seed, same world; believable and bilingual; valid references."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from labline import registry
from labline.core import database, refdata
from labline.core.models import AuditRecord, Membership, Organisation, Person, RoleGrant, Team
from labline.db import make_engine, make_sessionmaker, transaction
from labline.demo import world


def _fingerprint(path: Path, seed: int) -> dict[str, str]:
    eng = make_engine(f"sqlite:///{path}")
    database.upgrade(eng)
    with transaction(make_sessionmaker(eng)) as s:
        world.build(s, size="small", seed=seed, steps=registry.demo_steps())
    with transaction(make_sessionmaker(eng)) as s:
        recs = s.scalars(select(AuditRecord).where(AuditRecord.action == "demo.generate")).all()
        out = {
            f"{r.entity_type}:{json.loads(r.after)['step']}": json.loads(r.after)["sha256"]
            for r in recs
        }
    eng.dispose()
    return out


def test_same_seed_same_world_other_seed_other_world(tmp_path):
    a = _fingerprint(tmp_path / "a.db", 7)
    b = _fingerprint(tmp_path / "b.db", 7)
    c = _fingerprint(tmp_path / "c.db", 8)
    assert a == b
    assert a["organisations:organisations"] != c["organisations:organisations"]


def test_world_is_believable(db):
    built = world.build(db, size="small", seed=42, steps=registry.demo_steps())
    assert built.counts["organisations"] == world.SIZES["small"]
    orgs = db.scalars(select(Organisation)).all()
    kinds = {o.kind.value for o in orgs}
    assert {"enterprise", "university", "research_institute"} <= kinds
    for o in orgs:
        assert o.name_zh and o.name_en, o.id
        assert refdata.is_region_code(o.region_code), o.region_code
        assert o.industry_code is None or refdata.is_industry_code(o.industry_code)
    sectors = {o.industry_code for o in orgs if o.kind.value == "enterprise"}
    assert {"3825", "3612", "3973"} <= sectors  # photovoltaics, NEVs, chips
    assert db.scalar(select(func.count()).select_from(Team)) > 0
    # One demo account per role, each able to sign in.
    grants = {g.role.value for g in db.scalars(select(RoleGrant))}
    assert {
        "platform_operator",
        "reviewer",
        "committee_member",
        "facility_manager",
        "analyst",
    } <= grants
    demo = db.scalars(select(Person).where(Person.email.like("%@labline.demo"))).all()
    assert len(demo) == len(world.DEMO_ACCOUNTS) and all(p.password_hash for p in demo)
    admin = next(p for p in demo if p.email == "admin@labline.demo")
    assert (
        db.scalar(select(Membership.role).where(Membership.person_id == admin.id)).value
        == "org_admin"
    )


def test_world_leaves_an_intact_audit_chain(db):
    from labline.core.audit import verify_chain

    world.build(db, size="small", seed=1, steps=registry.demo_steps())
    assert verify_chain(db).ok


def test_demo_credit_codes_are_valid(db):
    from labline.core.schemas import CREDIT_RE

    world.build(db, size="small", seed=5, steps=registry.demo_steps())
    codes = db.scalars(
        select(Organisation.credit_code).where(Organisation.credit_code.is_not(None))
    ).all()
    assert codes and all(CREDIT_RE.match(c) for c in codes)
