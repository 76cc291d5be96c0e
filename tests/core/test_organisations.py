"""Organisations through the API and the service: create, read, filter, update, validate."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from labline.core.models import Organisation, Role
from tests.factories import bearer, make_org, make_person

GOOD = {
    "name_zh": "苏州晶澳光伏科技有限公司",
    "name_en": "Suzhou Jingao Photovoltaic Technology Co., Ltd.",
    "kind": "enterprise",
    "region_code": "320500",
    "industry_code": "3825",
    "size": "medium",
    "credit_code": "91320500MA1X2Y3W4A",
}


@pytest.fixture()
def operator(db):
    return make_person(db, roles=(Role.platform_operator,))


def test_operator_creates_and_reads(client, db, operator):
    h = bearer(db, operator)
    r = client.post("/api/v1/organisations", json=GOOD, headers=h)
    assert r.status_code == 201, r.text
    org = r.json()
    assert org["name_en"] == GOOD["name_en"] and org["country"] == "CN"
    got = client.get(f"/api/v1/organisations/{org['id']}").json()
    assert got["industry_code"] == "3825"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"region_code": "999999"}, "region_code"),
        ({"industry_code": "9999"}, "industry_code"),
        ({"kind": "castle"}, "kind"),
        ({"credit_code": "123"}, "credit_code"),
        ({"unexpected": 1}, "unexpected"),
        ({"name_zh": "", "name_en": ""}, "name_zh"),
        ({"region_code": None}, "region_code"),
        ({"country": "DE"}, "region_code"),
        ({"country": "XX", "region_code": None}, "country"),
        ({"description": "x" * 20_001}, "description"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(client, db, operator, change, field):
    h = bearer(db, operator)
    before = db.scalar(select(func.count()).select_from(Organisation))
    r = client.post("/api/v1/organisations", json={**GOOD, **change}, headers=h)
    assert r.status_code == 422, r.text
    assert field in [f["field"] for f in r.json()["error"]["fields"]]
    assert db.scalar(select(func.count()).select_from(Organisation)) == before


def test_duplicate_credit_code_conflicts(client, db, operator):
    h = bearer(db, operator)
    assert client.post("/api/v1/organisations", json=GOOD, headers=h).status_code == 201
    r = client.post("/api/v1/organisations", json={**GOOD, "name_en": "Other"}, headers=h)
    assert r.status_code == 409 and r.json()["error"]["fields"][0]["field"] == "credit_code"


def test_foreign_partner_has_country_not_region(client, db, operator):
    body = {"name_en": "Fraunhofer ISE", "kind": "research_institute", "country": "de"}
    r = client.post("/api/v1/organisations", json=body, headers=bearer(db, operator))
    assert r.status_code == 201, r.text
    assert r.json()["country"] == "DE" and r.json()["region_code"] is None


def test_filters(client, db):
    a = make_org(db, region_code="320500", industry_code="3825", name_en="Alpha PV")
    b = make_org(db, region_code="440300", industry_code="3612", name_en="Beta EV")

    def ids(**p):
        return {
            o["id"]
            for o in client.get("/api/v1/organisations", params={**p, "per_page": 100}).json()[
                "items"
            ]
        }

    assert a.id in ids(region_code="320000") and b.id not in ids(region_code="320000")
    assert b.id in ids(industry_code="36") and a.id not in ids(industry_code="36")
    assert ids(q="Alpha PV") == {a.id}


def test_pagination_totals(client, db):
    for _ in range(3):
        make_org(db, name_en="Paged Org")
    page = client.get("/api/v1/organisations", params={"q": "Paged Org", "per_page": 2}).json()
    assert page["total"] == 3 and len(page["items"]) == 2 and page["page"] == 1
    page2 = client.get(
        "/api/v1/organisations", params={"q": "Paged Org", "per_page": 2, "page": 2}
    ).json()
    assert len(page2["items"]) == 1


def test_org_admin_edits_own_organisation_only(client, db):
    mine, other = make_org(db), make_org(db)
    admin = make_person(db, org=mine, org_role=Role.org_admin)
    h = bearer(db, admin)
    assert (
        client.patch(
            f"/api/v1/organisations/{mine.id}", json={"website": "https://a.cn"}, headers=h
        ).status_code
        == 200
    )
    r = client.patch(
        f"/api/v1/organisations/{other.id}", json={"website": "https://b.cn"}, headers=h
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_permitted"


def test_member_cannot_create(client, db):
    member = make_person(db, org=make_org(db))
    r = client.post("/api/v1/organisations", json=GOOD, headers=bearer(db, member))
    assert r.status_code == 403


def test_unsafe_api_call_with_only_a_cookie_is_not_signed_in(client, db, operator):
    from tests.factories import sign_in

    sign_in(client, operator.email)
    r = client.post("/api/v1/organisations", json=GOOD)
    assert r.status_code == 401
