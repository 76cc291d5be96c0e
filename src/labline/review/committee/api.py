"""JSON API for the committee's discussion of a dossier and for staged funding."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from labline.review.committee.schemas import (
    FundingRead,
    MilestonePlan,
    MilestoneRead,
    MilestoneReport,
    MilestoneWithhold,
    PostCreate,
    PostRead,
    PostUpdate,
)
from labline.review.committee.service import discussion, milestones
from labline.web.deps import CurrentActor, Db

router = APIRouter(prefix="/api/v1/review/proposals/{proposal_id}", tags=["review"])


@router.get("/discussion", response_model=list[PostRead], summary="The committee's discussion")
def thread(db: Db, actor: CurrentActor, proposal_id: int) -> Any:
    """Every post, oldest first; replies name their parent. Committee and programme
    officers only (never the applicant or the proposal's reviewers)."""
    return discussion.thread(db, actor=actor, proposal_id=proposal_id)


@router.post("/discussion", response_model=PostRead, status_code=201, summary="Post or reply")
def post(db: Db, actor: CurrentActor, proposal_id: int, data: PostCreate) -> Any:
    return discussion.post(db, actor=actor, proposal_id=proposal_id, data=data)


@router.patch("/discussion/{post_id}", response_model=PostRead, summary="Correct a post")
def edit(db: Db, actor: CurrentActor, proposal_id: int, post_id: int, data: PostUpdate) -> Any:
    """Its author, within 15 minutes of writing it."""
    return discussion.edit(db, actor=actor, proposal_id=proposal_id, post_id=post_id, data=data)


@router.get("/milestones", response_model=FundingRead, summary="Milestones and totals")
def funding(db: Db, actor: CurrentActor, proposal_id: int) -> Any:
    return milestones.funding(db, actor=actor, proposal_id=proposal_id)


@router.post("/milestones", response_model=FundingRead, status_code=201, summary="Set the plan")
def set_plan(db: Db, actor: CurrentActor, proposal_id: int, data: MilestonePlan) -> Any:
    """A programme officer stages the award (amounts add up to no more than it)."""
    return milestones.set_plan(db, actor=actor, proposal_id=proposal_id, data=data)


@router.post("/milestones/{milestone_id}/report", response_model=MilestoneRead)
def report(
    db: Db, actor: CurrentActor, proposal_id: int, milestone_id: int, data: MilestoneReport
) -> Any:
    """The grantee reports on the current milestone, with its evidence."""
    return milestones.report(
        db, actor=actor, proposal_id=proposal_id, milestone_id=milestone_id, data=data
    )


@router.post("/milestones/{milestone_id}/release", response_model=MilestoneRead)
def release(db: Db, actor: CurrentActor, proposal_id: int, milestone_id: int) -> Any:
    """Release the current milestone's money (in order, after its report)."""
    return milestones.release(db, actor=actor, proposal_id=proposal_id, milestone_id=milestone_id)


@router.post("/milestones/{milestone_id}/withhold", response_model=MilestoneRead)
def withhold(
    db: Db, actor: CurrentActor, proposal_id: int, milestone_id: int, data: MilestoneWithhold
) -> Any:
    """Withhold the current milestone with a reason; later milestones stay locked."""
    return milestones.withhold(
        db, actor=actor, proposal_id=proposal_id, milestone_id=milestone_id, data=data
    )
