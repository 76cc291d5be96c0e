"""The audit trail records every change, chains it, refuses edits, and finds tampering."""

from __future__ import annotations

import itertools
import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from labline.core.audit import AuditActor, acting_as, record, verify_chain
from labline.core.models import AuditRecord, Organisation
from tests.factories import make_org


def _records(db, entity_type="organisations"):
    return db.scalars(
        select(AuditRecord).where(AuditRecord.entity_type == entity_type).order_by(AuditRecord.seq)
    ).all()


def test_create_update_delete_are_recorded_with_before_and_after(db):
    with acting_as(AuditActor(7, "person:7 a@b.cn")):
        org = make_org(db, name_en="Before Ltd")
        org.name_en = "After Ltd"
        db.flush()
        db.delete(org)
        db.flush()
    recs = [r for r in _records(db) if r.entity_id == str(org.id)]
    assert [r.action for r in recs] == ["create", "update", "delete"]
    assert json.loads(recs[1].before)["name_en"] == "Before Ltd"
    assert json.loads(recs[1].after)["name_en"] == "After Ltd"
    assert recs[2].after is None and json.loads(recs[2].before)["name_en"] == "After Ltd"
    assert all(r.actor == "person:7 a@b.cn" and r.actor_id == 7 for r in recs)


def test_session_actor_wins_over_context(db):
    db.info["audit_actor"] = AuditActor(3, "person:3 x@y.cn")
    org = make_org(db)
    rec = next(r for r in _records(db) if r.entity_id == str(org.id))
    assert rec.actor_id == 3


def test_secrets_are_redacted(db):
    from tests.factories import make_person

    person = make_person(db)
    rec = next(r for r in _records(db, "people") if r.entity_id == str(person.id))
    assert json.loads(rec.after)["password_hash"] == "***"


def test_chain_verifies_and_links(db):
    make_org(db)
    make_org(db)
    report = verify_chain(db)
    assert report.ok and report.checked >= 2
    recs = db.scalars(select(AuditRecord).order_by(AuditRecord.seq)).all()
    for prev, cur in itertools.pairwise(recs):
        assert cur.prev_hash == prev.hash and cur.seq == prev.seq + 1


def test_manual_record_for_bulk_work(db):
    record(
        db, action="demo.generate", entity_type="organisations", entity_id="*", after={"rows": 3}
    )
    assert _records(db)[-1].action == "demo.generate"
    assert verify_chain(db).ok


def test_database_refuses_update_and_delete_of_audit_records(db):
    make_org(db)
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(text("UPDATE audit_records SET actor = 'mallory'"))
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(text("DELETE FROM audit_records"))


def test_tampering_is_found_and_named(db, connection):
    from labline.core.audit import install_guard, remove_guard

    make_org(db, name_en="One")
    make_org(db, name_en="Two")
    db.flush()
    target = db.scalars(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(2)).all()[-1]
    # An attacker with database access removes the guard and edits history.
    remove_guard(connection)
    connection.execute(
        text("UPDATE audit_records SET after = :a WHERE seq = :s"),
        {"a": '{"name_en":"Forged"}', "s": target.seq},
    )
    install_guard(connection)
    db.expire_all()
    report = verify_chain(db)
    assert not report.ok
    assert report.first_broken_seq == target.seq
    assert "hash" in report.reason


def test_rolled_back_changes_leave_no_record(db):
    before = db.scalar(select(AuditRecord.seq).order_by(AuditRecord.seq.desc()).limit(1)) or 0
    with pytest.raises(RuntimeError), db.begin_nested():
        db.add(Organisation(name_zh="回滚", name_en="", kind="enterprise", region_code="440300"))
        db.flush()
        raise RuntimeError("abort")
    after = db.scalar(select(AuditRecord.seq).order_by(AuditRecord.seq.desc()).limit(1)) or 0
    assert after == before
