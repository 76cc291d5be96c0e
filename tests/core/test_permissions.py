"""Every core route against every role (and anonymous).

Expectations are per route: the status each actor gets. Pages sign in with a session
cookie, the API with a personal token, as real clients do.
"""

from __future__ import annotations

import pytest

from labline.core.models import Role
from labline.core.schemas import TokenCreate
from labline.core.service import auth
from tests.factories import make_org, make_person
from tests.permissions import (
    ACTORS,
    ALL,
    OPERATOR,
    ORG_MANAGERS,
    Case,
    fill,
    only,
    request_as,
    signed_in,
)

GOOD_CSV = "name_zh,kind,region_code\n导入公司,enterprise,320500\n"

# (method, path template) -> Case; {org}, {person}, {token} are filled from the world.
MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/"): Case(ALL),
    ("GET", "/healthz"): Case(ALL),
    ("GET", "/api/docs"): Case(ALL),
    ("GET", "/sign-in"): Case(ALL),
    ("POST", "/sign-in"): Case(
        dict.fromkeys(ACTORS, 422), form={"email": "x@y.cn", "password": "wrong"}
    ),
    ("POST", "/sign-out"): Case(dict.fromkeys(ACTORS, 303), form={}),
    ("GET", "/lang/{locale}"): Case(dict.fromkeys(ACTORS, 303)),
    ("GET", "/organisations"): Case(ALL),
    ("GET", "/organisations/new"): Case(only(200, OPERATOR)),
    ("GET", "/organisations/import"): Case(only(200, OPERATOR)),
    ("POST", "/organisations/import"): Case(only(201, OPERATOR), upload=GOOD_CSV),
    ("GET", "/api/v1/organisations/export"): Case(only(200, ("platform_operator", "analyst"))),
    ("POST", "/api/v1/organisations/import"): Case(only(201, OPERATOR), upload=GOOD_CSV),
    ("POST", "/organisations/new"): Case(
        only(303, OPERATOR),
        form={"name_zh": "新机构", "kind": "enterprise", "country": "CN", "region_code": "320500"},
    ),
    ("GET", "/organisations/{organisation_id}"): Case(ALL),
    ("GET", "/organisations/{organisation_id}/edit"): Case(only(200, ORG_MANAGERS)),
    ("POST", "/organisations/{organisation_id}/edit"): Case(
        only(303, ORG_MANAGERS),
        form={"name_zh": "改名", "kind": "enterprise", "region_code": "440300"},
    ),
    ("GET", "/people"): Case(signed_in()),
    ("GET", "/people/new"): Case(only(200, ORG_MANAGERS)),
    ("POST", "/people/new"): Case(
        only(303, ORG_MANAGERS),
        form={"email": "web.{actor}@m.cn", "display_name": "网页新人", "organisation_id": "{org}"},
    ),
    ("POST", "/people/{person_id}/roles"): Case(only(303, OPERATOR), form={"role": "analyst"}),
    ("POST", "/people/{person_id}/roles/{role}/revoke"): Case(only(303, OPERATOR), form={}),
    ("GET", "/people/{person_id}"): Case(signed_in()),
    ("GET", "/account"): Case(signed_in()),
    ("POST", "/account/tokens"): Case(signed_in(201), form={"name": "t", "expires_in_days": "5"}),
    ("POST", "/account/time-zone"): Case(signed_in(303), form={"time_zone": "Europe/Berlin"}),
    ("POST", "/account/tokens/{token_id}/revoke"): Case(only(303, OPERATOR, others=404), form={}),
    ("GET", "/audit"): Case(only(200, OPERATOR)),
    ("GET", "/mail"): Case(only(200, OPERATOR)),
    ("GET", "/admin/jobs"): Case(only(200, OPERATOR)),
    ("GET", "/api/v1/me"): Case(signed_in()),
    ("GET", "/api/v1/organisations"): Case(ALL),
    ("POST", "/api/v1/organisations"): Case(
        only(201, OPERATOR),
        body={"name_en": "Matrix Co", "kind": "enterprise", "region_code": "320500"},
    ),
    ("GET", "/api/v1/organisations/{organisation_id}"): Case(ALL),
    ("PATCH", "/api/v1/organisations/{organisation_id}"): Case(
        only(200, ORG_MANAGERS), body={"website": "https://m.example.cn"}
    ),
    ("GET", "/api/v1/people"): Case(signed_in()),
    ("POST", "/api/v1/people"): Case(
        only(201, ORG_MANAGERS),
        body={"email": "new.{actor}@m.cn", "display_name": "新人", "organisation_id": "{org}"},
    ),
    ("GET", "/api/v1/people/{person_id}"): Case(signed_in()),
    ("PATCH", "/api/v1/people/{person_id}"): Case(only(200, OPERATOR), body={"name_en": "Renamed"}),
    ("POST", "/api/v1/people/{person_id}/roles"): Case(
        only(201, OPERATOR), body={"role": "reviewer"}
    ),
    ("DELETE", "/api/v1/people/{person_id}/roles/{role}"): Case(only(204, OPERATOR)),
    ("GET", "/api/v1/tokens"): Case(signed_in()),
    ("POST", "/api/v1/tokens"): Case(signed_in(201), body={"name": "matrix"}),
    ("DELETE", "/api/v1/tokens/{token_id}"): Case(only(200, OPERATOR, others=404)),
    ("GET", "/api/v1/audit"): Case(only(200, OPERATOR)),
    ("GET", "/api/v1/mail/outbox"): Case(only(200, OPERATOR)),
    ("GET", "/api/v1/audit/verify"): Case(only(200, OPERATOR)),
    ("GET", "/api/v1/refdata/regions"): Case(ALL),
    ("GET", "/api/v1/refdata/industries"): Case(ALL),
    ("GET", "/api/v1/refdata/countries"): Case(ALL),
    ("GET", "/api/v1/search?q=solar"): Case(ALL),
    ("GET", "/search?q=solar"): Case(ALL),
    ("GET", "/api/v1/search/everything?q=solar"): Case(ALL),
}


@pytest.fixture()
def world(db):
    org = make_org(db)
    people = {}
    for role in Role:
        if role in (Role.org_admin, Role.member):
            people[role.value] = make_person(db, org=org, org_role=role, password=False)
        else:
            people[role.value] = make_person(db, roles=(role,), password=False)
    target = make_person(db, roles=(Role.reviewer,), password=False)
    op_actor = auth.actor_for(db, people["platform_operator"].id)
    token, _secret = auth.create_token(db, actor=op_actor, data=TokenCreate(name="victim"))
    db.flush()
    return {"org": org, "people": people, "target": target, "token": token}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_permission(client, db, world, settings, route, actor):
    method, template = route
    case = MATRIX[route]
    url = fill(template, world, actor)
    r = request_as(client, db, settings, world, actor, method, url, case)
    assert r.status_code == case.expect[actor], (
        f"{method} {url} as {actor}: {r.status_code} {r.text[:300]}"
    )
