"""Funded projects as the other domains may see them: a decision to fund is public (the
title, the organisation, the amount awarded); nothing of the review behind it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.review.models import Proposal, ProposalStatus


@dataclass(frozen=True)
class FundedProject:
    id: int
    title_zh: str
    title_en: str
    organisation_id: int
    awarded: Decimal | None
    decided_at: datetime | None


def funded_projects(
    session: Session, *, ids: list[int] | None = None, limit: int = 50
) -> list[FundedProject]:
    """Funded proposals (those named in `ids`, or the latest decided), newest first."""
    stmt = select(Proposal).where(Proposal.status == ProposalStatus.funded)
    if ids is not None:
        stmt = stmt.where(Proposal.id.in_(ids or [0]))
    rows = session.scalars(
        stmt.order_by(Proposal.decided_at.desc(), Proposal.id.desc()).limit(limit)
    )
    return [
        FundedProject(p.id, p.title_zh, p.title_en, p.organisation_id, p.awarded, p.decided_at)
        for p in rows
    ]
