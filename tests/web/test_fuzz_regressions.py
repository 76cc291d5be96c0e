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
