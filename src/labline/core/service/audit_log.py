"""Reading the audit trail (writing happens in labline.core.audit)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labline.core.access import Actor, Permission, require
from labline.core.models import AuditRecord
from labline.schemas import PageParams


def list_records(
    session: Session, *, actor: Actor, page: PageParams, entity_type: str | None = None
) -> tuple[list[AuditRecord], int]:
    require(actor, Permission.view_audit)
    stmt = select(AuditRecord)
    if entity_type:
        stmt = stmt.where(AuditRecord.entity_type == entity_type)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(AuditRecord.seq.desc()).offset(page.offset).limit(page.per_page)
    ).all()
    return list(rows), total
