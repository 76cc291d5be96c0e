"""The mail outbox as JSON (for administrators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from labline.core.mail import service as mail
from labline.core.mail.schemas import OutboxMailRead
from labline.web.deps import CurrentActor, Db

router = APIRouter(prefix="/api/v1", tags=["core"])


@router.get("/mail/outbox", response_model=list[OutboxMailRead], summary="The mail outbox")
def mail_outbox(
    db: Db,
    actor: CurrentActor,
    pending: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[OutboxMailRead]:
    rows = mail.outbox(db, actor=actor, pending_only=pending, limit=limit)
    return [OutboxMailRead.model_validate(m) for m in rows]
