"""Staged funding: a funded proposal's award paid out milestone by milestone.

A programme officer (platform operator) sets the plan: at least one milestone, each with
a title, a due date and an amount, due dates in order, the amounts adding up to no more
than the award. The grantee (the applicant) reports on the current milestone with its
evidence; the programme officer then releases it, or withholds it with a reason. Money is
released strictly in order: milestone n only after n-1 is released. A withheld milestone
stops the plan: every later milestone stays locked.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from labline.review.committee.schemas import (
    FundingRead,
    MilestonePlan,
    MilestoneRead,
    MilestoneReport,
    MilestoneWithhold,
)
from labline.review.models import Milestone, MilestoneStatus, Proposal, ProposalStatus
from labline.review.service.calls import get_proposal, is_committee, is_manager, require_manager

ZERO = Decimal("0.00")


def _funded(session: Session, *, actor: Actor, proposal_id: int) -> Proposal:
    """The proposal, for those who follow its funding: the grantee, the committee and the
    programme officers (its reviewers see the proposal, not its money)."""
    proposal = get_proposal(session, actor=actor, proposal_id=proposal_id)
    if not (is_committee(actor) or actor.person_id == proposal.applicant_id):
        raise NotPermitted(
            "Only the grantee, the committee and programme officers follow a proposal's funding."
        )
    return proposal


def plan_of(session: Session, proposal_id: int) -> Sequence[Milestone]:
    return session.scalars(
        select(Milestone).where(Milestone.proposal_id == proposal_id).order_by(Milestone.position)
    ).all()


def funding(session: Session, *, actor: Actor, proposal_id: int) -> FundingRead:
    proposal = _funded(session, actor=actor, proposal_id=proposal_id)
    rows = plan_of(session, proposal.id)
    released = sum((m.amount for m in rows if m.status == MilestoneStatus.released), ZERO)
    awarded = proposal.awarded or ZERO
    return FundingRead(
        proposal_id=proposal.id,
        awarded=awarded,
        planned=sum((m.amount for m in rows), ZERO),
        released=released,
        withheld=sum((m.amount for m in rows if m.status == MilestoneStatus.withheld), ZERO),
        remaining=awarded - released,
        milestones=[MilestoneRead.model_validate(m) for m in rows],
    )


def set_plan(
    session: Session, *, actor: Actor, proposal_id: int, data: MilestonePlan
) -> FundingRead:
    """Set (or, before any report, replace) a funded proposal's milestone plan."""
    require_manager(actor)
    proposal = _funded(session, actor=actor, proposal_id=proposal_id)
    if proposal.status != ProposalStatus.funded or not proposal.awarded:
        raise Conflict(
            f"Only a funded proposal gets a milestone plan; this one is {proposal.status.value}.",
            proposal_status=proposal.status.value,
        )
    old = plan_of(session, proposal.id)
    if not plan_replaceable(old):
        raise Conflict(
            "The grantee has reported on this plan (or money was released): it can no longer"
            " be replaced."
        )
    errors = [
        FieldError(
            f"milestones.{i}.due_on",
            f"due before milestone {i} ({data.milestones[i - 1].due_on}); list them in order",
        )
        for i in range(1, len(data.milestones))
        if data.milestones[i].due_on < data.milestones[i - 1].due_on
    ]
    total = sum((m.amount for m in data.milestones), ZERO)
    if total > proposal.awarded:
        errors.append(
            FieldError(
                "milestones",
                f"the amounts add up to {total:,.2f}, more than the award of"
                f" {proposal.awarded:,.2f}",
                {"max_total": float(proposal.awarded)},
            )
        )
    if errors:
        raise InvalidInput("The milestone plan does not fit.", fields=errors)
    for m in old:
        session.delete(m)
    session.flush()
    for i, item in enumerate(data.milestones, start=1):
        session.add(
            Milestone(
                proposal_id=proposal.id,
                position=i,
                title=item.title,
                due_on=item.due_on,
                amount=item.amount,
                status=MilestoneStatus.planned,
            )
        )
    session.flush()
    return funding(session, actor=actor, proposal_id=proposal.id)


def _milestone(session: Session, proposal: Proposal, milestone_id: int) -> Milestone:
    row = session.get(Milestone, milestone_id)
    if row is None or row.proposal_id != proposal.id:
        raise NotFound(
            f"Proposal {proposal.id} has no milestone {milestone_id}.", milestone_id=milestone_id
        )
    return row


def current(rows: Sequence[Milestone]) -> Milestone | None:
    """The milestone now open (the first not released), or None when all are released or
    one was withheld (the plan is stopped)."""
    for m in rows:
        if m.status == MilestoneStatus.withheld:
            return None
        if m.status != MilestoneStatus.released:
            return m
    return None


def _require_current(rows: Sequence[Milestone], row: Milestone, doing: str) -> None:
    if row.status == MilestoneStatus.released:
        raise Conflict(f"Milestone {row.position} is already released.", milestone_id=row.id)
    if row.status == MilestoneStatus.withheld:
        raise Conflict(
            f"Milestone {row.position} was withheld: {row.withheld_reason}", milestone_id=row.id
        )
    now = current(rows)
    if now is None:
        raise Conflict(
            f"An earlier milestone was withheld; milestone {row.position} stays locked.",
            milestone_id=row.id,
        )
    if now.id != row.id:
        raise Conflict(
            f"Milestones are {doing} in order: milestone {now.position} ({now.title}) comes first.",
            milestone_id=row.id,
            next_milestone_id=now.id,
        )


def report(
    session: Session, *, actor: Actor, proposal_id: int, milestone_id: int, data: MilestoneReport
) -> Milestone:
    """The grantee reports on the current milestone (a new report replaces an earlier one
    until the milestone is released)."""
    proposal = _funded(session, actor=actor, proposal_id=proposal_id)
    if actor.person_id != proposal.applicant_id:
        raise NotPermitted("Only the grantee (the applicant) reports on a milestone.")
    rows = plan_of(session, proposal.id)
    row = _milestone(session, proposal, milestone_id)
    _require_current(rows, row, "reported on")
    row.report = data.evidence
    row.reported_at = clock.now()
    row.reported_by_id = actor.person_id
    row.status = MilestoneStatus.reported
    session.flush()
    return row


def release(session: Session, *, actor: Actor, proposal_id: int, milestone_id: int) -> Milestone:
    require_manager(actor)
    proposal = _funded(session, actor=actor, proposal_id=proposal_id)
    rows = plan_of(session, proposal.id)
    row = _milestone(session, proposal, milestone_id)
    _require_current(rows, row, "released")
    if row.status != MilestoneStatus.reported:
        raise Conflict(
            f"Milestone {row.position} has no report yet: the grantee reports first, then the"
            " money is released.",
            milestone_id=row.id,
        )
    row.status = MilestoneStatus.released
    row.decided_at, row.decided_by_id = clock.now(), actor.person_id
    session.flush()
    return row


def withhold(
    session: Session,
    *,
    actor: Actor,
    proposal_id: int,
    milestone_id: int,
    data: MilestoneWithhold,
) -> Milestone:
    require_manager(actor)
    proposal = _funded(session, actor=actor, proposal_id=proposal_id)
    rows = plan_of(session, proposal.id)
    row = _milestone(session, proposal, milestone_id)
    _require_current(rows, row, "decided")
    row.status = MilestoneStatus.withheld
    row.withheld_reason = data.reason
    row.decided_at, row.decided_by_id = clock.now(), actor.person_id
    session.flush()
    return row


def is_settled(row: Milestone) -> bool:
    """Released or withheld: the milestone's outcome is final."""
    return row.status in (MilestoneStatus.released, MilestoneStatus.withheld)


def can_release(row: Milestone) -> bool:
    """The grantee has reported: the officer may release (or withhold) it."""
    return row.status == MilestoneStatus.reported


def plan_replaceable(rows: Sequence[Milestone]) -> bool:
    """The plan may be replaced until the grantee first reports on it."""
    return all(m.status == MilestoneStatus.planned for m in rows)


def can_manage(actor: Actor) -> bool:
    return is_manager(actor)
