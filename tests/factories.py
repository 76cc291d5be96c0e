"""Factories: build valid records with as few arguments as the test cares about."""

from __future__ import annotations

import itertools
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labline.core.models import Membership, Organisation, Person, Role, RoleGrant
from labline.core.service.passwords import hash_password

_seq = itertools.count(1)
PASSWORD = "correct horse battery"
_HASH = hash_password(PASSWORD)


def make_org(db: Session, **fields: Any) -> Organisation:
    n = next(_seq)
    values: dict[str, Any] = {
        "name_zh": f"测试企业{n}",
        "name_en": f"Test Enterprise {n}",
        "kind": "enterprise",
        "country": "CN",
        "region_code": "440300",
        "industry_code": "3825",
    }
    values.update(fields)
    org = Organisation(**values)
    db.add(org)
    db.flush()
    return org


def make_person(
    db: Session,
    *,
    roles: tuple[Role, ...] = (),
    org: Organisation | None = None,
    org_role: Role = Role.member,
    password: bool = True,
    **fields: Any,
) -> Person:
    n = next(_seq)
    person = Person(
        email=fields.pop("email", f"person{n}@example.cn"),
        display_name=fields.pop("display_name", f"测试{n}"),
        name_en=fields.pop("name_en", f"Tester {n}"),
        password_hash=_HASH if password else None,
        **fields,
    )
    db.add(person)
    db.flush()
    if org is not None:
        db.add(Membership(person_id=person.id, organisation_id=org.id, role=org_role))
    for role in roles:
        db.add(RoleGrant(person_id=person.id, role=role))
    db.flush()
    return person


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form, CSRF token and all."""
    page = client.get("/sign-in")
    token = client.cookies.get("labline_csrf")
    assert page.status_code == 200 and token
    r = client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def bearer(db: Session, person: Person) -> dict[str, str]:
    from labline.core.schemas import TokenCreate
    from labline.core.service.auth import actor_for, create_token

    _t, secret = create_token(db, actor=actor_for(db, person.id), data=TokenCreate(name="test"))
    db.flush()
    return {"Authorization": f"Bearer {secret}"}


def make_facility(db: Session, *, operator: Organisation | None = None, **fields: Any) -> Any:
    from labline.facilities.models import Facility

    n = next(_seq)
    operator = operator or make_org(db, kind="facility_operator")
    facility = Facility(
        operator_id=operator.id,
        code=fields.pop("code", f"FAC{n}"),
        name_zh=fields.pop("name_zh", f"测试平台{n}"),
        name_en=fields.pop("name_en", f"Test Facility {n}"),
        **fields,
    )
    db.add(facility)
    db.flush()
    return facility


def make_instrument(db: Session, *, facility: Any = None, **fields: Any) -> Any:
    """An instrument open around the clock unless the test sets opening hours."""
    from labline.facilities.models import Instrument

    n = next(_seq)
    values: dict[str, Any] = {
        "code": f"INS{n}",
        "name_zh": f"测试仪器{n}",
        "name_en": f"Test Instrument {n}",
        "opens_minute": 0,
        "closes_minute": 1440,
        "open_weekdays": "1234567",
        "min_minutes": 30,
        "max_minutes": 8 * 60,
        "rate_internal": 100,
        "rate_external": 300,
    }
    values.update(fields)
    instrument = Instrument(facility_id=(facility or make_facility(db)).id, **values)
    db.add(instrument)
    db.flush()
    return instrument


def make_call(db: Session, **fields: Any) -> Any:
    """An open review call (opened yesterday, closing in a week) with three criteria."""
    from datetime import UTC, datetime, timedelta

    from labline.core.access import command_line_actor
    from labline.review.schemas import CallCreate
    from labline.review.service.calls import create_call

    n = next(_seq)
    today = datetime.now(UTC).date()
    values: dict[str, Any] = {
        "code": f"CALL{n}",
        "title_zh": f"测试项目指南{n}",
        "title_en": f"Test Call {n}",
        "budget": "1000000",
        "reviewers_per_proposal": 2,
        "max_load": 4,
        "opens_on": today - timedelta(days=1),
        "closes_on": today + timedelta(days=7),
        "reviews_due": today + timedelta(days=30),
        "calibration_min_reviews": 2,
        "criteria": [
            {
                "code": "originality",
                "name_zh": "原创性",
                "name_en": "Originality",
                "is_originality": True,
            },
            {"code": "value", "name_zh": "科学价值", "name_en": "Scientific value", "weight": 2},
            {"code": "feasibility", "name_zh": "可行性", "name_en": "Feasibility"},
        ],
    }
    status = fields.pop("status", "open")
    values.update(fields)
    call = create_call(db, actor=command_line_actor("test"), data=CallCreate(**values))
    from labline.review.models import CallStatus

    call.status = CallStatus(status)
    db.flush()
    return call


def make_proposal(
    db: Session,
    *,
    call: Any,
    applicant: Person | None = None,
    org: Organisation | None = None,
    **fields: Any,
) -> Any:
    """A submitted proposal by a member of a university (made here unless given)."""
    from datetime import UTC, datetime
    from decimal import Decimal

    from labline.review.models import Proposal, ProposalStatus

    n = next(_seq)
    org = org or make_org(db, kind="university")
    applicant = applicant or make_person(db, org=org)
    values: dict[str, Any] = {
        "title_zh": f"测试课题{n}",
        "title_en": f"Test project {n}",
        "abstract_en": "An abstract.",
        "keywords": "",
        "requested_budget": Decimal("100000"),
        "status": ProposalStatus.submitted,
        "submitted_at": datetime.now(UTC),
    }
    values.update(fields)
    proposal = Proposal(
        call_id=call.id, applicant_id=applicant.id, organisation_id=org.id, **values
    )
    db.add(proposal)
    db.flush()
    return proposal


def make_need(db: Session, *, org: Organisation | None = None, **fields: Any) -> Any:
    """A published technology need (state and dates can be overridden)."""
    from datetime import UTC, datetime

    from labline.market.models import TechnologyNeed

    n = next(_seq)
    org = org or make_org(db)
    values: dict[str, Any] = {
        "title": f"测试需求{n} perovskite tandem cell encapsulation",
        "summary": "需要提高钙钛矿叠层电池组件的湿热稳定性",
        "problem": f"secret problem {n}",
        "requirements": "damp heat 1000 h, efficiency loss < 5%",
        "field": "钙钛矿叠层电池",
        "industry_code": "3825",
        "region_code": org.region_code,
        "modes": "transfer,exclusive_licence",
        "min_readiness": 5,
        "budget_min": 100_000,
        "budget_max": 500_000,
        "state": "published",
        "published_at": datetime(2026, 1, 5, tzinfo=UTC),
    }
    values.update(fields)
    need = TechnologyNeed(organisation_id=org.id, **values)
    db.add(need)
    db.flush()
    db.refresh(need)  # enums and decimals as the database returns them
    return need


def make_achievement(db: Session, *, org: Organisation | None = None, **fields: Any) -> Any:
    """A published achievement of a university (state and dates can be overridden)."""
    from datetime import UTC, datetime

    from labline.market.models import Achievement

    n = next(_seq)
    org = org or make_org(db, kind="university", region_code="320500")
    values: dict[str, Any] = {
        "kind": "invention_patent",
        "title": f"Perovskite tandem solar cell encapsulation {n}",
        "summary": "Edge sealing for perovskite/silicon tandem modules passing damp heat tests",
        "details": f"secret recipe {n}",
        "field": "perovskite tandem solar cells",
        "industry_code": "3825",
        "region_code": org.region_code,
        "readiness": 6,
        "ip_status": "granted",
        "ip_numbers": f"ZL2025{n:07d}",
        "inventors": "Zhang San",
        "modes": "exclusive_licence,nonexclusive_licence",
        "language": "en",
        "state": "published",
        "published_at": datetime(2026, 1, 10, tzinfo=UTC),
    }
    values.update(fields)
    achievement = Achievement(organisation_id=org.id, **values)
    db.add(achievement)
    db.flush()
    db.refresh(achievement)
    return achievement
