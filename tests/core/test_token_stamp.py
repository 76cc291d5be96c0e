"""A token's "last used" stamp: bookkeeping written at most once a minute, outside the
audit trail, and never a wait for the write lock (issue 14: it was an audited transaction
on every request, queued behind every writer)."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from labline.core.models import ApiToken, AuditRecord
from tests.factories import bearer, make_person


def stamp(db, person_id: int):
    db.expire_all()
    return db.scalar(select(ApiToken.last_used_at).where(ApiToken.person_id == person_id))


def test_the_stamp_is_written_once_a_minute_and_not_audited(client, db):
    person = make_person(db)
    h = bearer(db, person)
    since = db.scalar(select(func.coalesce(func.max(AuditRecord.seq), 0)))
    assert client.get("/api/v1/me", headers=h).status_code == 200
    first = stamp(db, person.id)
    assert first is not None
    assert client.get("/api/v1/me", headers=h).status_code == 200
    assert stamp(db, person.id) == first  # within the minute: no second write
    # Relative to the first stamp: the suite's clock starts at NOW and ticks on.
    with time_machine.travel(first + timedelta(minutes=5), tick=True):
        assert client.get("/api/v1/me", headers=h).status_code == 200
        assert stamp(db, person.id) > first
    # A write request stamps inside its own transaction.
    with time_machine.travel(first + timedelta(minutes=10), tick=True):
        r = client.post("/api/v1/tokens", json={"name": "again"}, headers=h)
        assert r.status_code == 201
        assert stamp(db, person.id) > first + timedelta(minutes=9)
    actions = db.scalars(
        select(AuditRecord.action).where(
            AuditRecord.seq > since, AuditRecord.entity_type == "api_tokens"
        )
    ).all()
    assert actions == ["create"]  # the new token; no record for any stamp
