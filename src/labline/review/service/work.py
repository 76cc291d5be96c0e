"""What waits on a reviewer and on a committee member, for their home page."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labline.core.access import Actor
from labline.core.models import Role
from labline.i18n import N_, pick
from labline.review.committee.service.discussion import excluded_reason
from labline.review.models import (
    Call,
    CallStatus,
    Proposal,
    ProposalStatus,
    Review,
    ReviewAssignment,
)
from labline.review.service.calls import is_committee
from labline.review.service.queue import open_primary_assignments
from labline.work import SHOWN, WorkItem, WorkList


def _title(p: Proposal) -> str:
    return pick(p.title_zh, p.title_en)


def reviews_due(session: Session, *, actor: Actor) -> WorkList:
    """The reviewer's proposals still without a submitted review, in calls under review,
    the earliest deadline first (decided calls drop out)."""
    done = select(Review.id).where(
        Review.assignment_id == ReviewAssignment.id, Review.submitted_at.is_not(None)
    )
    rows = session.execute(
        select(Proposal, Call.reviews_due)
        .join(ReviewAssignment, ReviewAssignment.proposal_id == Proposal.id)
        .join(Call, Call.id == Proposal.call_id)
        .where(*open_primary_assignments(actor), ~done.exists())
        .order_by(Call.reviews_due, Proposal.id)
    ).all()
    items = tuple(
        WorkItem(_title(p), f"/review/proposals/{p.id}", due=due) for p, due in rows[:SHOWN]
    )
    return WorkList(
        key="reviews-due",
        title=N_("Reviews waiting for you"),
        href="/review",
        role=Role.reviewer.value,
        items=items,
        total=len(rows),
        empty=N_("No review is waiting for you."),
    )


def dossiers(session: Session, *, actor: Actor) -> WorkList:
    """Non-consensus proposals before the committee that this member may discuss."""
    rows = session.scalars(
        select(Proposal)
        .join(Call, Call.id == Proposal.call_id)
        .where(
            Proposal.non_consensus.is_(True),
            Proposal.status == ProposalStatus.under_review,
            Call.status.in_([CallStatus.reviewing, CallStatus.committee]),
        )
        .order_by(Call.status.desc(), Proposal.calibrated_rank, Proposal.id)
        .limit(200)
    ).all()
    mine = [p for p in rows if excluded_reason(session, actor, p) is None]
    items = tuple(
        WorkItem(_title(p), f"/review/proposals/{p.id}", state=N_("non-consensus"))
        for p in mine[:SHOWN]
    )
    return WorkList(
        key="dossiers",
        title=N_("Dossiers before the committee"),
        href="/review",
        role=Role.committee_member.value,
        items=items,
        total=len(mine),
        empty=N_("No dossier is waiting for the committee."),
    )


def work(session: Session, *, actor: Actor, holder: object = None) -> list[WorkList]:
    """The review lists for this person's home page (none for the anonymous)."""
    if actor.person_id is None:
        return []
    out = []
    if actor.has(Role.reviewer) or session.scalar(
        select(func.count())
        .select_from(ReviewAssignment)
        .where(ReviewAssignment.reviewer_id == actor.person_id)
    ):
        out.append(reviews_due(session, actor=actor))
    if is_committee(actor) and actor.has(Role.committee_member):
        out.append(dossiers(session, actor=actor))
    return out
