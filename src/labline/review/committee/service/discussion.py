"""The committee's threaded discussion of a proposal's dossier.

Who takes part: committee members, programme officers and platform operators (in labline
the programme officers of a call are its platform operators). Never the applicant, nor
anyone who reviews the proposal or is in conflict with it, even if they also sit on the
committee: the discussion is where the committee speaks freely about reviews.

Posts are append-only. The author may correct a post for `EDIT_WINDOW` after writing it;
after that it stands as written. Nobody posts once the proposal is decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor, require_signed_in
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from labline.review.committee.schemas import PostCreate, PostUpdate
from labline.review.models import (
    DECISIONS,
    CallStatus,
    ConflictDeclaration,
    DiscussionPost,
    Proposal,
    ProposalStatus,
    ReviewAssignment,
    ReviewConflict,
)
from labline.review.service.calls import is_committee

EDIT_WINDOW = timedelta(minutes=15)
SITTING = (CallStatus.reviewing, CallStatus.committee)


def _aware(at: datetime) -> datetime:
    # SQLite hands back naive datetimes; they are stored in UTC.
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def excluded_reason(session: Session, actor: Actor, proposal: Proposal) -> str | None:
    """Why this committee member may not take part in this proposal's discussion."""
    pid = actor.person_id
    if pid is None:
        return None
    if pid == proposal.applicant_id:
        return "you are the applicant"
    reviews = select(func.count()).where(
        ReviewAssignment.proposal_id == proposal.id, ReviewAssignment.reviewer_id == pid
    )
    if session.scalar(reviews):
        return "you are one of its reviewers"
    declared = select(func.count()).where(
        ConflictDeclaration.proposal_id == proposal.id, ConflictDeclaration.reviewer_id == pid
    )
    found = select(func.count()).where(
        ReviewConflict.proposal_id == proposal.id, ReviewConflict.reviewer_id == pid
    )
    if session.scalar(declared) or session.scalar(found):
        return "you have a conflict of interest with it"
    return None


def can_discuss(session: Session, actor: Actor, proposal: Proposal) -> bool:
    return is_committee(actor) and excluded_reason(session, actor, proposal) is None


def _dossier(session: Session, *, actor: Actor, proposal_id: int) -> Proposal:
    """The proposal, if the actor may read its discussion (404 before 403 only for
    proposals that do not exist)."""
    require_signed_in(actor)
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(f"There is no proposal {proposal_id}.", proposal_id=proposal_id)
    if not is_committee(actor):
        raise NotPermitted(
            "Only committee members, programme officers and platform operators take part in"
            " the committee's discussion."
        )
    why = excluded_reason(session, actor, proposal)
    if why:
        raise NotPermitted(f"You may not take part in this proposal's discussion: {why}.")
    return proposal


def thread(session: Session, *, actor: Actor, proposal_id: int) -> Sequence[DiscussionPost]:
    """Every post of the proposal's discussion, oldest first (replies name their parent)."""
    proposal = _dossier(session, actor=actor, proposal_id=proposal_id)
    return session.scalars(
        select(DiscussionPost)
        .where(DiscussionPost.proposal_id == proposal.id)
        .order_by(DiscussionPost.at, DiscussionPost.id)
    ).all()


def is_open(proposal: Proposal) -> bool:
    """Whether the proposal's discussion takes posts (under review, while the call sits)."""
    return proposal.status == ProposalStatus.under_review and proposal.call.status in SITTING


def _open_for_posts(proposal: Proposal) -> None:
    if proposal.status in DECISIONS:
        raise Conflict(
            f"The proposal is decided ({proposal.status.value}); its discussion is closed.",
            proposal_status=proposal.status.value,
        )
    if not is_open(proposal):
        raise Conflict(
            "The committee discusses proposals under review while the call is being reviewed"
            f" or is with the committee; this proposal is {proposal.status.value} and the call"
            f" is {proposal.call.status.value}.",
            proposal_status=proposal.status.value,
        )


def post(session: Session, *, actor: Actor, proposal_id: int, data: PostCreate) -> DiscussionPost:
    proposal = _dossier(session, actor=actor, proposal_id=proposal_id)
    if actor.person_id is None:
        raise NotPermitted("Posts are signed: act as a person (--as on the command line).")
    _open_for_posts(proposal)
    if data.reply_to is not None:
        parent = session.get(DiscussionPost, data.reply_to)
        if parent is None:
            raise InvalidInput(
                f"There is no post {data.reply_to} to reply to.",
                fields=[FieldError("reply_to", f"no post {data.reply_to}")],
            )
        if parent.proposal_id != proposal.id:
            raise InvalidInput(
                f"Post {parent.id} belongs to another proposal's discussion.",
                fields=[
                    FieldError(
                        "reply_to", "reply to a post of this proposal's discussion", "post ids"
                    )
                ],
            )
    row = DiscussionPost(
        proposal_id=proposal.id,
        parent_id=data.reply_to,
        author_id=actor.person_id,
        stance=data.stance,
        text=data.text,
        at=clock.now(),
    )
    session.add(row)
    session.flush()
    return row


def editable(actor: Actor, row: DiscussionPost, *, now: datetime | None = None) -> bool:
    now = now or clock.now()
    return actor.person_id == row.author_id and now - _aware(row.at) <= EDIT_WINDOW


def edit(
    session: Session, *, actor: Actor, proposal_id: int, post_id: int, data: PostUpdate
) -> DiscussionPost:
    proposal = _dossier(session, actor=actor, proposal_id=proposal_id)
    row = session.get(DiscussionPost, post_id)
    if row is None or row.proposal_id != proposal.id:
        raise NotFound(f"This discussion has no post {post_id}.", post_id=post_id)
    if actor.person_id != row.author_id:
        raise NotPermitted("Only its author may correct a post.")
    _open_for_posts(proposal)
    if not editable(actor, row):
        raise Conflict(
            "A post can be corrected for 15 minutes after it is written; after that the"
            " discussion is append-only: reply to it instead.",
            post_id=post_id,
        )
    row.text = data.text
    row.edited_at = clock.now()
    session.flush()
    return row


def as_tree(posts: Sequence[DiscussionPost]) -> list[tuple[DiscussionPost, int]]:
    """Posts in reading order (each reply under its parent), with their depth."""
    children: dict[int | None, list[DiscussionPost]] = {}
    for p in posts:
        children.setdefault(p.parent_id, []).append(p)
    out: list[tuple[DiscussionPost, int]] = []
    stack = [(p, 0) for p in reversed(children.get(None, []))]
    while stack:
        p, depth = stack.pop()
        out.append((p, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(p.id, [])))
    return out
