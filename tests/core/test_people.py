"""People: creation (API and web form), contacts visibility, roles granted and revoked."""

from __future__ import annotations

from labline.core.models import Role
from tests.factories import bearer, make_org, make_person, sign_in


def test_contacts_are_hidden_from_other_roles(client, db):
    org = make_org(db)
    target = make_person(db, org=org)
    reviewer = make_person(db, roles=(Role.reviewer,))
    r = client.get(f"/api/v1/people/{target.id}", headers=bearer(db, reviewer))
    assert r.status_code == 200 and r.json()["email"] is None
    admin = make_person(db, org=org, org_role=Role.org_admin)
    assert (
        client.get(f"/api/v1/people/{target.id}", headers=bearer(db, admin)).json()["email"]
        == target.email
    )
    op = make_person(db, roles=(Role.platform_operator,))
    assert (
        client.get(f"/api/v1/people/{target.id}", headers=bearer(db, op)).json()["email"]
        == target.email
    )


def test_create_person_errors_are_specific(client, db):
    op = make_person(db, roles=(Role.platform_operator,))
    h = bearer(db, op)
    r = client.post("/api/v1/people", json={"email": "bad", "display_name": "x"}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "email"
    r = client.post("/api/v1/people", json={"email": op.email, "display_name": "x"}, headers=h)
    assert r.status_code == 409 and r.json()["error"]["fields"][0]["field"] == "email"
    r = client.post(
        "/api/v1/people",
        json={"email": "a@b.cn", "display_name": "x", "password": "short"},
        headers=h,
    )
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "password"
    r = client.post(
        "/api/v1/people",
        json={"email": "a@b.cn", "display_name": "x", "organisation_id": 10**8},
        headers=h,
    )
    assert r.status_code == 404


def test_org_admin_adds_people_only_to_own_organisation(client, db):
    mine, other = make_org(db), make_org(db)
    admin = make_person(db, org=mine, org_role=Role.org_admin)
    h = bearer(db, admin)
    ok = client.post(
        "/api/v1/people",
        json={"email": "n1@b.cn", "display_name": "甲", "organisation_id": mine.id},
        headers=h,
    )
    assert ok.status_code == 201 and ok.json()["memberships"][0]["organisation_id"] == mine.id
    no = client.post(
        "/api/v1/people",
        json={"email": "n2@b.cn", "display_name": "乙", "organisation_id": other.id},
        headers=h,
    )
    assert no.status_code == 403


def test_web_form_shows_field_errors_then_creates(client, db):
    op = make_person(db, roles=(Role.platform_operator,))
    sign_in(client, op.email)
    csrf = client.cookies.get("labline_csrf")
    bad = client.post("/people/new", data={"email": "nope", "display_name": "", "csrf_token": csrf})
    assert bad.status_code == 422
    assert 'id="email-error"' in bad.text and 'id="display_name-error"' in bad.text
    good = client.post(
        "/people/new",
        data={"email": "web@b.cn", "display_name": "网页", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert good.status_code == 303
    person_url = good.headers["location"]
    assert (
        client.post(f"{person_url}/roles", data={"role": "analyst", "csrf_token": csrf}).status_code
        == 200
    )
    assert (
        'data-role="analyst"' in client.get(person_url).text
        or "analyst" in client.get(person_url).text
    )


def test_operator_cannot_remove_own_operator_role(client, db):
    op = make_person(db, roles=(Role.platform_operator,))
    r = client.delete(f"/api/v1/people/{op.id}/roles/platform_operator", headers=bearer(db, op))
    assert r.status_code == 403


def test_membership_roles_are_not_grantable(client, db):
    op = make_person(db, roles=(Role.platform_operator,))
    target = make_person(db)
    r = client.post(
        f"/api/v1/people/{target.id}/roles", json={"role": "org_admin"}, headers=bearer(db, op)
    )
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "role"
