"""A reviewer's queue: the proposals still to review (calls under review only: decided
calls drop out) and the reviews they have submitted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from labline.core.access import Actor, require_signed_in
from labline.i18n import pick
from labline.review.models import (
    Call,
    CallStatus,
    Proposal,
    ProposalStatus,
    Review,
    ReviewAssignment,
)


@dataclass(frozen=True)
class QueueItem:
    """A proposal in the reviewer's queue, named by its call and its title."""

    proposal_id: int
    proposal_title: str
    call_id: int
    call_title: str
    reviews_due: date
    affinity: float
    submitted_at: datetime | None = None  # set once the reviewer's review is in


def open_primary_assignments(actor: Actor) -> tuple[ColumnElement[bool], ...]:
    """The conditions on a query joining ReviewAssignment, Proposal and Call that keep the
    actor's active primary assignments to proposals under review in calls under review."""
    return (
        ReviewAssignment.reviewer_id == actor.person_id,
        ReviewAssignment.kind == "primary",
        ReviewAssignment.is_active.is_(True),
        Call.status == CallStatus.reviewing,
        Proposal.status == ProposalStatus.under_review,
    )


def review_queue(session: Session, *, actor: Actor) -> tuple[list[QueueItem], list[QueueItem]]:
    """(to review, reviewed): the actor's active primary assignments in calls still under
    review, split by whether the review is submitted; the earliest deadline first."""
    require_signed_in(actor)
    rows = session.execute(
        select(ReviewAssignment, Proposal, Call)
        .join(Proposal, Proposal.id == ReviewAssignment.proposal_id)
        .join(Call, Call.id == Proposal.call_id)
        .where(*open_primary_assignments(actor))
        .order_by(Call.reviews_due, Proposal.id)
    ).all()
    submitted = dict(
        session.execute(
            select(Review.assignment_id, Review.submitted_at).where(
                Review.assignment_id.in_([a.id for a, _p, _c in rows]),
                Review.submitted_at.is_not(None),
            )
        ).all()
    )
    todo: list[QueueItem] = []
    done: list[QueueItem] = []
    for a, p, c in rows:
        item = QueueItem(
            proposal_id=p.id,
            proposal_title=pick(p.title_zh, p.title_en),
            call_id=c.id,
            call_title=pick(c.title_zh, c.title_en),
            reviews_due=c.reviews_due,
            affinity=a.affinity,
            submitted_at=submitted.get(a.id),
        )
        (done if item.submitted_at else todo).append(item)
    return todo, done


def my_review(session: Session, *, actor: Actor, proposal_id: int) -> Review | None:
    """The actor's own submitted review of this proposal, if any."""
    if actor.person_id is None:
        return None
    return session.scalar(
        select(Review).where(
            Review.proposal_id == proposal_id,
            Review.reviewer_id == actor.person_id,
            Review.submitted_at.is_not(None),
        )
    )
