"""The audit trail: every change to an audited table becomes an append-only,
hash-chained AuditRecord, written in the same transaction as the change.

Recording hooks into the ORM flush, so no service can forget it. Bulk writes that
bypass the ORM (demo generation, bulk loads) call `record()` themselves.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import enum
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, UOWTransaction

from labline.core import guards
from labline.core.models import AuditRecord
from labline.db import Base, utcnow

GENESIS = "0" * 64
REDACTED = "***"
SECRET_COLUMNS = frozenset({"password_hash", "token_hash"})
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


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _row(obj: Base, *, use_history_before: bool) -> dict[str, Any]:
    state = inspect(obj)
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if use_history_before:
            hist = state.attrs[key].history
            value = hist.deleted[0] if hist.deleted else state.dict.get(key)
        else:
            value = state.dict.get(key)
        out[key] = REDACTED if key in SECRET_COLUMNS and value is not None else _plain(value)
    return out


def _changed(obj: Base) -> bool:
    # Bookkeeping columns (updated_at, a token's last use) alone are not worth an audit record.
    ignored = {"updated_at", *getattr(type(obj), "__audit_ignore__", ())}
    state = inspect(obj)
    return any(
        state.attrs[a.key].history.has_changes()
        for a in state.mapper.column_attrs
        if a.key not in ignored
    )


def record_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields).encode()).hexdigest()


def _lock_chain(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})


def _append(conn: Connection, entries: list[dict[str, Any]]) -> None:
    if not entries:
        return
    _lock_chain(conn)
    last = conn.execute(
        select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    rows = []
    for entry in entries:
        seq += 1
        fields = {**entry, "seq": seq, "prev_hash": prev}
        fields["hash"] = record_hash(fields)
        prev = fields["hash"]
        rows.append(fields)
    conn.execute(insert(AuditRecord), rows)


def _entry(
    session: Session, action: str, entity_type: str, entity_id: Any, before: Any, after: Any
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
    """Append one record for a change made outside the ORM (bulk loads, commands)."""
    entry = _entry(session, action, entity_type, entity_id, before, after)
    _append(session.connection(), [entry])


def _pk(obj: Base) -> str:
    # New objects have their key values but no identity yet during after_flush.
    state = inspect(obj)
    ident = state.mapper.primary_key_from_instance(obj)
    return ",".join(str(i) for i in ident)


def _audited(obj: object) -> bool:
    return isinstance(obj, Base) and getattr(type(obj), "__audited__", True)


@event.listens_for(Session, "before_flush")
def _capture_before(session: Session, _ctx: UOWTransaction, _instances: Any) -> None:
    # Before-images must be taken before the flush resets attribute history.
    pending = session.info.setdefault("audit_pending", [])
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj) and _changed(obj):
            pending.append(("update", obj, _row(obj, use_history_before=True)))
    for obj in session.deleted:
        if _audited(obj):
            pending.append(("delete", obj, _row(obj, use_history_before=True)))
    for obj in session.new:
        if _audited(obj):
            pending.append(("create", obj, None))
    if pending:
        # Take the chain's lock before this flush writes, not after: a transaction that
        # wrote rows and then waited for the lock could deadlock with the holder waiting on
        # those rows (two bookings checking one exclusion constraint did exactly that).
        _lock_chain(session.connection())


@event.listens_for(Session, "after_flush")
def _write_after(session: Session, _ctx: UOWTransaction) -> None:
    pending = session.info.pop("audit_pending", [])
    entries = []
    for action, obj, before in pending:
        after = None if action == "delete" else _row(obj, use_history_before=False)
        entries.append(_entry(session, action, type(obj).__tablename__, _pk(obj), before, after))
    _append(session.connection(), entries)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous: Any) -> None:
    session.info.pop("audit_pending", None)


# --- verification -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    checked: int
    ok: bool
    first_broken_seq: int | None = None
    reason: str = ""


HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor",
    "action",
    "entity_type",
    "entity_id",
    "before",
    "after",
    "prev_hash",
)


def verify_chain(session: Session, *, batch: int = 5000) -> ChainReport:
    """Recompute every hash in order; name the first record that does not fit."""
    prev, expected_seq, checked = GENESIS, 1, 0
    cols = [getattr(AuditRecord, f) for f in HASHED_FIELDS] + [AuditRecord.hash]
    result = session.execute(select(*cols).order_by(AuditRecord.seq)).yield_per(batch)
    for row in result:
        fields = dict(zip(HASHED_FIELDS, row[:-1], strict=True))
        seq = fields["seq"]
        if seq != expected_seq:
            return ChainReport(checked, False, seq, f"expected record {expected_seq}, found {seq}")
        if fields["prev_hash"] != prev:
            return ChainReport(checked, False, seq, "its prev_hash does not match record before")
        if record_hash(fields) != row[-1]:
            return ChainReport(checked, False, seq, "its content does not match its hash")
        prev, expected_seq, checked = row[-1], expected_seq + 1, checked + 1
    return ChainReport(checked, True)


# --- append-only guard (installed by the migration) -----------------------------------------


def install_guard(conn: Connection) -> None:
    guards.install(
        conn, "audit_records", "labline_audit_append_only", "audit records are append-only"
    )


def remove_guard(conn: Connection) -> None:
    guards.remove(conn, "audit_records")
