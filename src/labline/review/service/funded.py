"""Funded projects as the other domains may see them: a decision to fund is public (the
title, the organisation, the amount awarded); nothing of the review behind it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session

from labline.review.models import Proposal, ProposalStatus
from labline.text import LIKE_ESCAPE, like_contains


@dataclass(frozen=True)
class FundedProject:
    id: int
    title_zh: str
    title_en: str
    organisation_id: int
    awarded: Decimal | None
    decided_at: datetime | None


def funded_projects(
    session: Session, *, ids: list[int] | None = None, text: str = "", limit: int = 50
) -> list[FundedProject]:
    """Funded proposals (those named in `ids`, or the latest decided), newest first; with
    `text`, those whose id it is (first) or whose title (in either language) holds it."""
    stmt = select(Proposal).where(Proposal.status == ProposalStatus.funded)
    if ids is not None:
        stmt = stmt.where(Proposal.id.in_(ids or [0]))
    text = text.strip()
    the_id = int(text) if text.isdigit() and len(text) < 10 else 0
    if text:
        like = like_contains(text)
        stmt = stmt.where(
            or_(
                Proposal.id == the_id,
                Proposal.title_zh.ilike(like, escape=LIKE_ESCAPE),
                Proposal.title_en.ilike(like, escape=LIKE_ESCAPE),
            )
        )
    first = case((Proposal.id == the_id, 0), else_=1)  # the one whose id was typed
    rows = session.scalars(
        stmt.order_by(first, Proposal.decided_at.desc(), Proposal.id.desc()).limit(limit)
    )
    return [
        FundedProject(p.id, p.title_zh, p.title_en, p.organisation_id, p.awarded, p.decided_at)
        for p in rows
    ]
