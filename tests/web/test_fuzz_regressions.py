"""Regression tests for what the API fuzz run (test_api_fuzz.py) found."""

from __future__ import annotations

from datetime import datetime

from labline.core.models import Role
from tests.factories import bearer, make_org, make_person


def _aware(value: str) -> bool:
    return datetime.fromisoformat(value).tzinfo is not None


def test_api_datetimes_carry_an_offset(client, db):
    """SQLite returns naive datetimes; the API documents RFC 3339 date-times (offset required)."""
    operator = make_person(db, roles=(Role.platform_operator,))
    org = make_org(db)
    auth = bearer(db, operator)
    db.commit()
    r = client.get(f"/api/v1/organisations/{org.id}", headers=auth)
    assert r.status_code == 200, r.text
    assert _aware(r.json()["created_at"]), r.json()["created_at"]
    tokens = client.get("/api/v1/tokens", headers=auth).json()
    assert tokens and all(_aware(t["created_at"]) and _aware(t["expires_at"]) for t in tokens)


def test_granting_a_role_in_an_unknown_organisation_is_a_field_error(client, db):
    """Was a 500 (FOREIGN KEY constraint failed) from POST /api/v1/people/{id}/roles."""
    operator = make_person(db, roles=(Role.platform_operator,))
    person = make_person(db)
    auth = bearer(db, operator)
    db.commit()
    r = client.post(
        f"/api/v1/people/{person.id}/roles",
        json={"role": "analyst", "organisation_id": 987654},
        headers=auth,
    )
    assert r.status_code == 422, r.text
    assert [f["field"] for f in r.json()["error"]["fields"]] == ["organisation_id"]
    assert "analyst" not in client.get(f"/api/v1/people/{person.id}", headers=auth).json()["roles"]


def test_unparseable_body_is_a_documented_400(client, db):
    operator = make_person(db, roles=(Role.platform_operator,))
    auth = bearer(db, operator)
    db.commit()
    r = client.post(
        "/api/v1/tokens",
        content=b"!\x157\xff",
        headers={**auth, "Content-Type": "application/json"},
    )
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "bad_request"
    documented = client.get("/api/openapi.json").json()["paths"]["/api/v1/tokens"]["post"]
    assert "400" in documented["responses"]


def test_null_for_a_required_value_is_a_field_error(client, db):
    """Was a 500 (NOT NULL constraint failed: people.is_active) from PATCH /api/v1/people/{id}."""
    operator = make_person(db, roles=(Role.platform_operator,))
    person = make_person(db)
    org = make_org(db)
    auth = bearer(db, operator)
    db.commit()
    for url, field in [
        (f"/api/v1/people/{person.id}", "is_active"),
        (f"/api/v1/people/{person.id}", "display_name"),
        (f"/api/v1/organisations/{org.id}", "name_zh"),
        (f"/api/v1/organisations/{org.id}", "kind"),
    ]:
        r = client.patch(url, json={field: None}, headers=auth)
        assert r.status_code == 422, (url, field, r.text)
        assert [f["field"] for f in r.json()["error"]["fields"]] == [field]
    # Leaving a field out still means "keep it", and a real value still works.
    r = client.patch(f"/api/v1/people/{person.id}", json={"name_en": "Kept"}, headers=auth)
    assert r.status_code == 200 and r.json()["is_active"] is True


def test_ids_beyond_the_integer_range_are_refused(client, db):
    """Was a 500 from PATCH /api/v1/people/9223372036854775808: on SQLite OverflowError
    (Python int too large to convert to SQLite INTEGER), on PostgreSQL DataError (integer
    out of range, for any id above 2**31 - 1)."""
    operator = make_person(db, roles=(Role.platform_operator,))
    auth = bearer(db, operator)
    db.commit()
    huge = 2**63
    big = 2**31
    for method, url in [
        ("PATCH", f"/api/v1/people/{huge}"),
        ("GET", f"/api/v1/people/{huge}"),
        ("GET", f"/api/v1/organisations/{huge}"),
        ("DELETE", f"/api/v1/tokens/{huge}"),
        ("GET", f"/api/v1/organisations/{big}"),
    ]:
        r = client.request(method, url, json={} if method == "PATCH" else None, headers=auth)
        assert r.status_code in (404, 422), (method, url, r.text)
        assert r.json()["error"]["code"] in ("not_found", "invalid_input")
    page = client.get(f"/organisations/{huge}", headers={"Accept": "text/html"})
    assert page.status_code in (404, 422) and "text/html" in page.headers["content-type"]
