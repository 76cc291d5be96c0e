"""What ties an index snapshot to its database: the audit trail's first hash and the hash
at the snapshot's seq (a snapshot of another database, or from its future, is refused)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.indexes import store
from labline.core.models import AuditRecord


def last_seq(session: Session) -> int:
    return int(
        session.scalar(select(AuditRecord.seq).order_by(AuditRecord.seq.desc()).limit(1)) or 0
    )


def _hash_at(session: Session, seq: int | None) -> str:
    if seq is None:
        stmt = select(AuditRecord.hash).order_by(AuditRecord.seq).limit(1)
    else:
        stmt = select(AuditRecord.hash).where(AuditRecord.seq == seq)
    return str(session.scalar(stmt) or "")


def anchors(session: Session, seq: int) -> dict[str, Any]:
    """What ties a snapshot to its database: the first audit record's hash (every database
    has its own) and the hash of the record at the snapshot's seq."""
    return {
        "audit_seq": seq,
        "first_hash": _hash_at(session, None),
        "seq_hash": _hash_at(session, seq),
    }


def foreign(session: Session, meta: dict[str, Any], version: int = 1) -> str | None:
    """Why a snapshot is not of this database or this version of its records (or None)."""
    seq = int(meta.get("audit_seq", -1))
    if meta.get("first_hash") != _hash_at(session, None):
        return "it was made from another database (its first audit record differs)"
    if seq > last_seq(session):
        return f"it is newer (audit seq {seq}) than this database ({last_seq(session)})"
    if seq and meta.get("seq_hash") != _hash_at(session, seq):
        return f"its audit record {seq} differs from this database's"
    return store.outdated(meta, version)
