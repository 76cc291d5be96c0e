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


# --- the tables against the trail, the signed head, the key ------------------------------------


def _verify(db, **kw):
    from labline.core.audit_verify import verify

    db.flush()
    db.expire_all()
    return verify(db, **kw)


def _problems(report):
    return {(d.table, d.key, d.problem) for d in report.differences}


def test_ordinary_work_leaves_tables_that_match_the_trail(db):
    """ORM changes, bulk statements through the session and the database's own ON DELETE
    actions are all recorded, so a clean database verifies clean."""
    from sqlalchemy import delete, insert, update

    from labline.core.models import Membership
    from tests.factories import make_need, make_person

    org = make_org(db, name_en="Kept")
    gone = make_org(db, name_en="Gone")
    make_person(db, org=gone)  # its membership goes with the organisation (ON DELETE CASCADE)
    need = make_need(db, org=org)
    need.budget_max = 600_000
    db.flush()
    db.delete(gone)
    db.flush()
    db.execute(update(Organisation).where(Organisation.id == org.id).values(name_en="Bulk"))
    db.execute(
        insert(Organisation.__table__),
        [
            {"name_zh": f"批量{i}", "name_en": "", "kind": "enterprise", "region_code": "440300"}
            for i in range(3)
        ],
    )
    db.execute(delete(Organisation).where(Organisation.name_zh == "批量0"))
    report = _verify(db)
    assert report.ok, report.problems()
    assert report.rows_checked >= 4 and report.differences == []
    assert db.scalar(select(Membership.id).where(Membership.organisation_id == gone.id)) is None


def test_rows_changed_outside_the_application_are_named(db):
    """The issue's cases: a need's budget, an organisation, a password hash edited directly
    in the database, a row deleted, a row inserted without the application."""
    from tests.factories import make_need, make_person

    org, other = make_org(db), make_org(db)
    need = make_need(db, org=org)
    person = make_person(db)
    org_id, other_id, need_id, person_id = org.id, other.id, need.id, person.id
    assert _verify(db).ok
    db.execute(text("UPDATE market_needs SET budget_max = 9000000 WHERE id = :i"), {"i": need_id})
    db.execute(text("UPDATE people SET password_hash = 'x' WHERE id = :i"), {"i": person_id})
    db.execute(text("DELETE FROM organisations WHERE id = :i"), {"i": other_id})
    cols = [c.name for c in Organisation.__table__.columns if c.name != "id"]
    db.execute(
        text(
            f"INSERT INTO organisations (id, {', '.join(cols)})"
            f" SELECT :i, {', '.join(cols)} FROM organisations WHERE id = :src"
        ),
        {"i": other_id + 1000, "src": org_id},
    )
    report = _verify(db)
    assert not report.ok and report.chain.ok
    assert _problems(report) == {
        ("market_needs", str(need_id), "edited"),
        ("people", str(person_id), "edited"),
        ("organisations", str(other_id), "deleted"),
        ("organisations", str(other_id + 1000), "inserted"),
    }
    assert any("market_needs row" in p and "changed outside" in p for p in report.problems())


def _remove_last(connection, n):
    from labline.core.audit import install_guard, remove_guard

    remove_guard(connection)
    top = connection.scalar(text("SELECT max(seq) FROM audit_records"))
    connection.execute(text("DELETE FROM audit_records WHERE seq > :s"), {"s": top - n})
    install_guard(connection)


def test_a_trimmed_tail_is_found_by_the_signed_head(db, connection):
    make_org(db)
    make_org(db)
    assert _verify(db).ok
    _remove_last(connection, 2)
    report = _verify(db)
    assert not report.ok and report.chain.ok  # what is left still links up
    assert "were removed" in report.head


def test_an_old_signed_head_put_back_is_found_by_the_anchor(db, connection, tmp_path):
    """Someone who kept an earlier signed head trims the chain back to it and restores the
    head: the database alone cannot tell, the anchor file outside it can."""
    make_org(db)
    db.flush()
    old = connection.execute(text("SELECT seq, hash, keyed_from, mac FROM audit_head")).one()
    anchor = tmp_path / "audit-anchor.json"
    later = make_org(db)
    assert _verify(db, anchor=anchor).ok and anchor.is_file()
    assert anchor.stat().st_mode & 0o777 == 0o600
    _remove_last(
        connection, connection.scalar(text("SELECT max(seq) FROM audit_records")) - old.seq
    )
    connection.execute(
        text("UPDATE audit_head SET seq = :s, hash = :h, keyed_from = :k, mac = :m"),
        {"s": old.seq, "h": old.hash, "k": old.keyed_from, "m": old.mac},
    )
    # The rows the removed records describe go too: without the anchor, all fits.
    db.execute(text("DELETE FROM organisations WHERE id = :i"), {"i": later.id})
    assert _verify(db).ok
    report = _verify(db, anchor=anchor)
    assert not report.ok and "anchor file" in report.anchor and "removed" in report.anchor


def test_hashes_are_keyed(db, connection):
    """Whoever can write the database but has not the key cannot rewrite a record: neither
    with plain SHA-256 (the old scheme) nor with another key."""
    from labline.core.audit import install_guard, record_hash, remove_guard
    from labline.core.audit_verify import RECORD_FIELDS

    make_org(db, name_en="One")
    make_org(db, name_en="Two")
    db.flush()
    last = db.scalars(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).one()
    fields = {f: getattr(last, f) for f in RECORD_FIELDS}
    fields["after"] = '{"name_en":"Forged"}'
    remove_guard(connection)
    for v, key in ((0, None), (1, b"a key the attacker guessed, long enough")):
        forged = {**fields, "v": v}
        connection.execute(
            text("UPDATE audit_records SET after = :a, v = :v, hash = :h WHERE seq = :s"),
            {"a": forged["after"], "v": v, "h": record_hash(forged, key=key), "s": last.seq},
        )
        db.expire_all()
        report = _verify(db)
        assert not report.ok and report.chain.first_broken_seq == last.seq, v
    install_guard(connection)
    # The genuine chain does not verify under another key either.
    from labline.core.audit_verify import verify_chain as chain_only

    assert chain_only(db, key=b"another installation's key, 32 chars").first_broken_seq == 1


def test_a_chain_from_before_keyed_hashes_still_verifies(db, connection):
    """Records written before this version (plain SHA-256, no row state) verify; records
    appended after them are keyed; an unkeyed record after keyed ones is a forgery."""
    from labline.core.audit import GENESIS, install_guard, record_hash, remove_guard

    prev = GENESIS
    for seq in (1, 2):
        fields = {
            "seq": seq,
            "at": "2026-01-01T00:00:00.000000+00:00",
            "actor_id": None,
            "actor": "system",
            "action": "demo.generate",
            "entity_type": "organisations",
            "entity_id": "*",
            "before": None,
            "after": '{"rows":1}',
            "prev_hash": prev,
            "v": 0,
        }
        prev = record_hash(fields)
        db.execute(insert_record(), {**fields, "hash": prev, "state": None})
    legacy = make_org(db)  # appended, keyed, with its row state
    report = _verify(db)
    assert report.ok, report.problems()
    assert report.legacy_records == 2 and report.chain.checked == 3
    db.execute(text("UPDATE organisations SET name_en = 'x' WHERE id = :i"), {"i": legacy.id})
    assert _problems(_verify(db)) == {("organisations", str(legacy.id), "edited")}
    remove_guard(connection)
    connection.execute(text("UPDATE audit_records SET v = 0 WHERE seq = 3"))
    install_guard(connection)
    assert _verify(db).chain.first_broken_seq == 3


def insert_record():
    from sqlalchemy import insert

    return insert(AuditRecord)


def test_the_key_comes_from_outside_the_database(tmp_path):
    import stat

    from labline.config import Settings, UnsafeSettings
    from labline.core.audit_keys import load_key

    settings = Settings(env="test", data_dir=tmp_path, audit_key=None)
    key = load_key(settings)
    path = tmp_path / "audit.key"
    assert len(key) >= 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(settings) == key  # made once, then read
    path.chmod(0o644)
    with pytest.raises(Exception, match="0600"):
        load_key(settings)
    assert load_key(Settings(env="test", data_dir=tmp_path, audit_key="k" * 40)) == b"k" * 40
    base = {"env": "production", "base_url": "https://x.cn", "secret_key": "s" * 40}
    for bad in (None, "short", "s" * 40):
        with pytest.raises((UnsafeSettings, ValueError), match="AUDIT_KEY"):
            Settings(**base, audit_key=bad)
    assert Settings(**base, audit_key="a" * 40).is_production


def test_the_api_reports_rows_that_differ(client, db):
    from labline.core.models import Role
    from tests.factories import bearer, make_person

    auditor = make_person(db, roles=(Role.platform_operator,))
    org = make_org(db)
    headers = bearer(db, auditor)
    assert client.get("/api/v1/audit/verify", headers=headers).json()["ok"] is True
    db.execute(text("UPDATE organisations SET name_en = 'x' WHERE id = :i"), {"i": org.id})
    body = client.get("/api/v1/audit/verify", headers=headers).json()
    assert body["ok"] is False and body["reason"] == ""
    assert body["differences"] == [
        {"table": "organisations", "key": str(org.id), "problem": "edited"}
    ]


def test_audit_verify_command_names_edits_and_a_trimmed_tail(tmp_path):
    """`labline audit verify` used to say "intact" after both."""
    from click.testing import CliRunner

    from labline.cli import cli
    from labline.core import database
    from labline.core.audit import install_guard, remove_guard
    from labline.db import make_engine, make_sessionmaker, transaction
    from tests.factories import make_need

    url = f"sqlite:///{tmp_path / 'labline.db'}"
    engine = make_engine(url)
    database.upgrade(engine)
    with transaction(make_sessionmaker(engine)) as s:
        need_id = make_need(s, org=make_org(s)).id
        make_org(s)

    def verify() -> tuple[int, str]:
        r = CliRunner().invoke(
            cli, ["--data-dir", str(tmp_path), "--database-url", url, "audit", "verify"]
        )
        return r.exit_code, r.output

    code, out = verify()
    assert code == 0 and "intact" in out, out
    assert (tmp_path / "audit-anchor.json").is_file()
    with engine.begin() as c:
        c.execute(
            text("UPDATE market_needs SET budget_max = 9000000 WHERE id = :i"), {"i": need_id}
        )
    code, out = verify()
    assert code == 1 and f"market_needs row {need_id}: changed outside the audit trail" in out
    with engine.begin() as c:
        c.execute(text("UPDATE market_needs SET budget_max = 500000 WHERE id = :i"), {"i": need_id})
    assert verify()[0] == 0  # as the trail recorded it again
    with engine.begin() as c:
        remove_guard(c)
        c.execute(
            text("DELETE FROM audit_records WHERE seq = (SELECT max(seq) FROM audit_records)")
        )
        install_guard(c)
    code, out = verify()
    assert code == 1 and "were removed" in out and "organisations row" in out, out
    engine.dispose()


def test_the_demo_world_matches_its_trail_row_by_row(db):
    """Bulk loads through the session are recorded row by row, on both databases."""
    from labline import registry
    from labline.demo import world

    world.build(db, size="small", seed=1, steps=registry.demo_steps())
    report = _verify(db)
    assert report.ok, report.problems()[:10]
    assert report.rows_checked > 5000 and report.unverifiable == 0


def test_an_existing_chain_verifies_after_the_upgrade(tmp_path):
    """Records written before the keyed chain (no version, no row state) become version 0
    with the migration and verify; what is appended after them is keyed."""
    import hashlib

    from alembic import command

    from labline.core import database
    from labline.core.audit_keys import canonical
    from labline.db import make_engine, make_sessionmaker, transaction

    eng = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    database.upgrade(eng)
    with eng.begin() as conn:
        cfg = database.alembic_config(eng)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0010_core_mail")
    prev = "0" * 64
    with eng.begin() as conn:
        for seq in (1, 2):
            fields = {
                "seq": seq,
                "at": f"2026-01-0{seq}T00:00:00.000000+00:00",
                "actor_id": None,
                "actor": "system",
                "action": "demo.generate",
                "entity_type": "organisations",
                "entity_id": "*",
                "before": None,
                "after": '{"rows":0}',
                "prev_hash": prev,
            }
            prev = hashlib.sha256(canonical(fields).encode()).hexdigest()
            conn.execute(
                text(
                    "INSERT INTO audit_records (seq, at, actor_id, actor, action, entity_type,"
                    " entity_id, before, after, prev_hash, hash) VALUES (:seq, :at, :actor_id,"
                    " :actor, :action, :entity_type, :entity_id, :before, :after, :prev_hash, :h)"
                ),
                {**fields, "h": prev},
            )
    database.upgrade(eng)
    factory = make_sessionmaker(eng)
    with transaction(factory) as s:
        make_org(s)
    with transaction(factory) as s:
        report = _verify(s)
        assert report.ok, report.problems()
        assert report.legacy_records == 2 and report.chain.checked == 3
    eng.dispose()
