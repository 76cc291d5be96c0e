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
