"""The audit trail: every change to an audited table becomes an append-only,
hash-chained AuditRecord, written in the same transaction as the change.

Recording hooks into the ORM flush and into statements run through a session (bulk insert,
update, delete), so no service can forget it. Each record carries the keyed digest of every
row the change left (``state``), read back from the database, so that verification can
compare the tables with the trail; rows that a foreign key's ON DELETE changes are recorded
too. Descriptive records (demo generation, imports) are written with `record()`.
Hashes are HMAC-SHA256 with a key kept outside the database (audit_keys.py); records from
before keyed chains (version 0) keep their plain SHA-256 and still verify.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, event, func, insert, inspect, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from labline.core import guards
from labline.core.audit_keys import (  # noqa: F401 - the chain's rules, re-exported
    GENESIS,
    HASHED_FIELDS,
    KEYED_FIELDS,
    VERSION,
    canonical,
    head_mac,
    record_hash,
    row_digest,
)
from labline.core.audit_rows import (
    ALWAYS_IGNORED,
    REDACTED,
    SECRET_COLUMNS,
    AuditedTable,
    audited_tables,
    dependents,
    fetch,
    key_string,
    plain,
)
from labline.core.audit_verify import ChainReport, verify_chain  # noqa: F401 - public
from labline.core.models import AuditHead, AuditRecord
from labline.db import Base, utcnow

_PG_AUDIT_LOCK = 727_001  # advisory lock key serialising appends to the chain


@dataclass(frozen=True)
class AuditActor:
    person_id: int | None
    label: str


SYSTEM = AuditActor(None, "system")
_current_actor: contextvars.ContextVar[AuditActor] = contextvars.ContextVar(
    "labline_audit_actor", default=SYSTEM
)


@contextmanager
def acting_as(actor: AuditActor) -> Iterator[None]:
    token = _current_actor.set(actor)
    try:
        yield
    finally:
        _current_actor.reset(token)


def current_actor() -> AuditActor:
    return _current_actor.get()


def _row(obj: Base, *, use_history_before: bool) -> dict[str, Any]:
    # The before-image, from the ORM's attribute history (the database already changed).
    state = inspect(obj)
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if use_history_before:
            hist = state.attrs[key].history
            value = hist.deleted[0] if hist.deleted else state.dict.get(key)
        else:
            value = state.dict.get(key)
        out[key] = REDACTED if key in SECRET_COLUMNS and value is not None else plain(value)
    return out


def _changed(obj: Base) -> bool:
    # Bookkeeping columns (updated_at, a token's last use) alone are not worth an audit record.
    ignored = {*ALWAYS_IGNORED, *getattr(type(obj), "__audit_ignore__", ())}
    state = inspect(obj)
    return any(
        state.attrs[a.key].history.has_changes()
        for a in state.mapper.column_attrs
        if a.key not in ignored
    )


def _lock_chain(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})


def _append(conn: Connection, entries: list[dict[str, Any]]) -> None:
    if not entries:
        return
    _lock_chain(conn)
    head = conn.execute(
        select(AuditHead.seq, AuditHead.hash, AuditHead.keyed_from).where(AuditHead.id == 1)
    ).first()
    # The head names the last record (one read fewer per write); a chain without one yet
    # (new, or from before keyed chains) is read from its last record.
    last = (
        (head[0], head[1])
        if head
        else conn.execute(
            select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)
        ).first()
    )
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    rows = []
    for entry in entries:
        seq += 1
        fields = {**entry, "seq": seq, "prev_hash": prev, "v": VERSION}
        fields["hash"] = record_hash(fields)
        prev = fields["hash"]
        rows.append(fields)
    conn.execute(insert(AuditRecord), rows)
    # The signed head moves with the chain, in the same transaction.
    keyed_from = (head[2] if head else None) or rows[0]["seq"]
    values = {"seq": seq, "hash": prev, "keyed_from": keyed_from}
    values["mac"] = head_mac(seq, prev, keyed_from)
    if head:
        conn.execute(update(AuditHead).where(AuditHead.id == 1).values(**values))
    else:
        conn.execute(insert(AuditHead).values(id=1, **values))


def _entry(
    session: Session,
    action: str,
    entity_type: str,
    entity_id: Any,
    before: Any,
    after: Any,
    state: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    # The request or command puts its actor on the session; the context variable is the
    # fallback for code that runs outside one (threads copy contexts, sessions travel).
    actor = session.info.get("audit_actor") or current_actor()
    return {
        "at": utcnow().isoformat(timespec="microseconds"),
        "actor_id": actor.person_id,
        "actor": actor.label,
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "before": None if before is None else canonical(before),
        "after": None if after is None else canonical(after),
        "state": None if state is None else canonical(state),
    }


def record(
    session: Session,
    *,
    action: str,
    entity_type: str,
    entity_id: Any,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append one descriptive record (demo generation, an import, letters issued); the rows
    themselves are recorded by the hooks below."""
    entry = _entry(session, action, entity_type, entity_id, before, after)
    _append(session.connection(), [entry])


def _audited(obj: object) -> bool:
    return isinstance(obj, Base) and getattr(type(obj), "__audited__", True)


def _identity(obj: Base) -> tuple[Any, ...]:
    # New objects have their key values but no identity yet during after_flush.
    mapper = inspect(obj).mapper
    values = dict(
        zip(
            (c.name for c in mapper.primary_key), mapper.primary_key_from_instance(obj), strict=True
        )
    )
    table: Table = mapper.local_table  # type: ignore[assignment]
    return tuple(values[c.name] for c in table.primary_key.columns)


def _states(
    conn: Connection, table: AuditedTable, keys: list[tuple[Any, ...]]
) -> tuple[dict[str, Any], dict[str, str | None]]:
    """Rows as the database now holds them, and their digests (None: the row is gone)."""
    rows = {table.key(r): r for r in fetch(conn, table.table, keys)}
    digests: dict[str, str | None] = {}
    for k in keys:
        ks = key_string(k)
        row = rows.get(ks)
        digests[ks] = None if row is None else row_digest(table.name, table.compared(row))
    return rows, digests


def _cascade_entries(
    session: Session, conn: Connection, cascade: dict[str, list[tuple[Any, ...]]]
) -> list[dict[str, Any]]:
    tables = audited_tables()
    out = []
    for name, keys in cascade.items():
        _rows, digests = _states(conn, tables[name], keys)
        entity = key_string(keys[0]) if len(digests) == 1 else "*"
        out.append(_entry(session, "cascade", name, entity, None, {"rows": len(digests)}, digests))
    return out


def _merge(into: dict[str, list[tuple[Any, ...]]], more: dict[str, list[tuple[Any, ...]]]) -> None:
    for name, keys in more.items():
        into.setdefault(name, []).extend(keys)


@event.listens_for(Session, "before_flush")
def _capture_before(session: Session, _ctx: UOWTransaction, _instances: Any) -> None:
    # Before-images must be taken before the flush resets attribute history.
    pending = session.info.setdefault("audit_pending", [])
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj) and _changed(obj):
            pending.append(("update", obj, _row(obj, use_history_before=True)))
    deleted: dict[Table, list[tuple[Any, ...]]] = {}
    for obj in session.deleted:
        if _audited(obj):
            pending.append(("delete", obj, _row(obj, use_history_before=True)))
            deleted.setdefault(inspect(obj).mapper.local_table, []).append(_identity(obj))
    for obj in session.new:
        if _audited(obj):
            pending.append(("create", obj, None))
    if pending:
        # Take the chain's lock before this flush writes, not after: a transaction that
        # wrote rows and then waited for the lock could deadlock with the holder waiting on
        # those rows (two bookings checking one exclusion constraint did exactly that).
        conn = session.connection()
        _lock_chain(conn)
        cascade = session.info.setdefault("audit_cascade", {})
        for table, keys in deleted.items():
            _merge(cascade, dependents(conn, table, keys))


@event.listens_for(Session, "after_flush")
def _write_after(session: Session, _ctx: UOWTransaction) -> None:
    pending = session.info.pop("audit_pending", [])
    cascade = session.info.pop("audit_cascade", {})
    if not pending and not cascade:
        return
    conn = session.connection()
    tables = audited_tables()
    wanted: dict[str, list[tuple[Any, ...]]] = {}
    for _action, obj, _before in pending:
        wanted.setdefault(type(obj).__table__.name, []).append(_identity(obj))
    found = {name: _states(conn, tables[name], keys) for name, keys in wanted.items()}
    entries = []
    for action, obj, before in pending:
        name = type(obj).__table__.name
        key = key_string(_identity(obj))
        rows, digests = found[name]
        row = None if action == "delete" else rows.get(key)
        after = None if row is None else tables[name].shown(row)
        state = {key: None if row is None else digests[key]}
        entries.append(_entry(session, action, name, key, before, after, state))
    entries += _cascade_entries(session, conn, cascade)
    _append(conn, entries)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous: Any) -> None:
    session.info.pop("audit_pending", None)
    session.info.pop("audit_cascade", None)


def _keys_in(params: Any, pk: list[Any]) -> list[tuple[Any, ...]] | None:
    """Primary keys named in a statement's parameters (a bulk insert or update by key)."""
    rows = params if isinstance(params, list) else [params] if isinstance(params, dict) else []
    names = [c.name for c in pk]
    if not rows or not all(all(n in r for n in names) for r in rows):
        return None
    return [tuple(r[n] for n in names) for r in rows]


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> Any:
    """Insert, update and delete statements run through a session bypass the flush: record
    the rows they touch, read back once the statement has run."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    table = audited_tables().get(getattr(getattr(state.statement, "table", None), "name", ""))
    if table is None:
        return None
    session, stmt = state.session, state.statement
    conn = session.connection()
    _lock_chain(conn)
    pk = list(table.table.primary_key.columns)
    keys = _keys_in(state.parameters, pk)
    since = None
    cascade: dict[str, list[tuple[Any, ...]]] = {}
    if keys is None and state.is_insert:
        # New rows without explicit keys: those past the largest key (the chain's lock
        # keeps other writers of audited tables out meanwhile).
        since = conn.scalar(select(func.max(pk[0]))) if len(pk) == 1 else None
    elif keys is None:
        where = getattr(stmt, "whereclause", None)
        query = select(*pk) if where is None else select(*pk).where(where)
        keys = [tuple(r) for r in conn.execute(query)]
    if state.is_delete and keys:
        cascade = dependents(conn, table.table, keys)
    result = state.invoke_statement()
    if keys is None:
        query = select(*pk) if since is None else select(*pk).where(pk[0] > since)
        keys = [tuple(r) for r in conn.execute(query)] if len(pk) == 1 else []
    verb = "insert" if state.is_insert else "update" if state.is_update else "delete"
    _rows, digests = _states(conn, table, keys)
    entity = key_string(keys[0]) if len(digests) == 1 else "*"
    entries = [
        _entry(session, f"bulk_{verb}", table.name, entity, None, {"rows": len(digests)}, digests)
    ]
    _append(conn, entries + _cascade_entries(session, conn, cascade))
    return result


# --- append-only guard (installed by the migration) -----------------------------------------


def install_guard(conn: Connection) -> None:
    guards.install(
        conn, "audit_records", "labline_audit_append_only", "audit records are append-only"
    )


def remove_guard(conn: Connection) -> None:
    guards.remove(conn, "audit_records")
