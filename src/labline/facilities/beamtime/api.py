"""JSON API for beamtime cycles: the call, proposals, scores, the solver's draft, manager
edits and publication. Registered before the facilities router (its /{facility_id} would
otherwise swallow /cycles)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from labline.core.deps import CurrentActor, Db
from labline.facilities.beamtime.schemas import (
    CycleCreate,
    CycleRead,
    ProposalCreate,
    ProposalRead,
    ProposalScore,
    ScheduleRead,
    SendToReview,
    SlotEdit,
    SlotRead,
)
from labline.facilities.beamtime.service import cycles, schedule
from labline.facilities.models import BeamtimeCycle, BeamtimeSlot
from labline.facilities.schemas import BookingRead
from labline.facilities.service import beamtime_review

router = APIRouter(prefix="/api/v1/facilities/cycles", tags=["beamtime"])


def slot_read(cycle: BeamtimeCycle, slot: BeamtimeSlot, title: str = "") -> SlotRead:
    return SlotRead(
        id=slot.id,
        proposal_id=slot.proposal_id,
        instrument_id=slot.instrument_id,
        start_shift=slot.start_shift,
        end_shift=slot.end_shift,
        starts_at=cycles.shift_time(cycle, slot.start_shift),
        ends_at=cycles.shift_time(cycle, slot.end_shift),
        title=title,
    )


def schedule_read(db: Db, actor: Any, cycle_id: int) -> ScheduleRead:
    cycle = cycles.get_cycle(db, actor=actor, cycle_id=cycle_id)
    rows = schedule.slots(db, actor=actor, cycle_id=cycle_id)
    titles = {p.id: p.title for p in cycles.list_proposals(db, actor=actor, cycle_id=cycle_id)}
    return ScheduleRead(
        cycle=CycleRead.model_validate(cycle),
        report=schedule.solve_report(cycle),
        slots=[slot_read(cycle, s, titles.get(s.proposal_id, "")) for s in rows],
    )


@router.get("", response_model=list[CycleRead], summary="Beamtime cycles (calls for proposals)")
def list_cycles(db: Db, actor: CurrentActor) -> Any:
    return cycles.list_cycles(db, actor=actor)


@router.post("", response_model=CycleRead, status_code=201, summary="Open a beamtime cycle")
def create_cycle(db: Db, actor: CurrentActor, data: CycleCreate) -> Any:
    return cycles.create_cycle(db, actor=actor, data=data)


@router.get("/{cycle_id}", response_model=CycleRead)
def get_cycle(db: Db, actor: CurrentActor, cycle_id: int) -> Any:
    return cycles.get_cycle(db, actor=actor, cycle_id=cycle_id)


@router.post("/{cycle_id}/close", response_model=CycleRead, summary="Close the call for review")
def close_cycle(db: Db, actor: CurrentActor, cycle_id: int) -> Any:
    return cycles.close_cycle(db, actor=actor, cycle_id=cycle_id)


@router.get("/{cycle_id}/proposals", response_model=list[ProposalRead])
def list_proposals(db: Db, actor: CurrentActor, cycle_id: int) -> Any:
    return cycles.list_proposals(db, actor=actor, cycle_id=cycle_id)


@router.post(
    "/{cycle_id}/proposals", response_model=ProposalRead, status_code=201, summary="Propose"
)
def submit_proposal(db: Db, actor: CurrentActor, cycle_id: int, data: ProposalCreate) -> Any:
    return cycles.submit_proposal(db, actor=actor, cycle_id=cycle_id, data=data)


@router.put(
    "/{cycle_id}/proposals/{proposal_id}/score",
    response_model=ProposalRead,
    summary="Record a proposal's review score and awarded shifts",
)
def score_proposal(
    db: Db, actor: CurrentActor, cycle_id: int, proposal_id: int, data: ProposalScore
) -> Any:
    cycles.get_cycle(db, actor=actor, cycle_id=cycle_id)
    return cycles.score_proposal(db, actor=actor, proposal_id=proposal_id, data=data)


@router.post("/{cycle_id}/solve", response_model=ScheduleRead, summary="Draft the schedule")
def solve(
    db: Db,
    actor: CurrentActor,
    cycle_id: int,
    time_limit: Annotated[float, Query(gt=0, le=120)] = 10.0,
) -> Any:
    schedule.solve(db, actor=actor, cycle_id=cycle_id, time_limit_s=time_limit)
    return schedule_read(db, actor, cycle_id)


@router.get("/{cycle_id}/schedule", response_model=ScheduleRead)
def get_schedule(db: Db, actor: CurrentActor, cycle_id: int) -> Any:
    return schedule_read(db, actor, cycle_id)


@router.put(
    "/{cycle_id}/schedule/{proposal_id}",
    response_model=ScheduleRead,
    summary="Move an experiment (start_shift) or take it off the schedule (null)",
)
def move_slot(db: Db, actor: CurrentActor, cycle_id: int, proposal_id: int, data: SlotEdit) -> Any:
    schedule.move_slot(
        db, actor=actor, cycle_id=cycle_id, proposal_id=proposal_id, start_shift=data.start_shift
    )
    return schedule_read(db, actor, cycle_id)


@router.post(
    "/{cycle_id}/review",
    response_model=CycleRead,
    summary="Send the proposals to a review call (programme managers who manage the facility)",
)
def send_to_review(db: Db, actor: CurrentActor, cycle_id: int, data: SendToReview) -> Any:
    beamtime_review.send_to_review(
        db,
        actor=actor,
        cycle_id=cycle_id,
        reviews_due=data.reviews_due,
        reviewers_per_proposal=data.reviewers_per_proposal,
        max_load=data.max_load,
    )
    return cycles.get_cycle(db, actor=actor, cycle_id=cycle_id)


@router.post(
    "/{cycle_id}/review-scores",
    response_model=list[ProposalRead],
    summary="Take each proposal's calibrated review score as its beamtime score",
)
def review_scores(db: Db, actor: CurrentActor, cycle_id: int) -> Any:
    beamtime_review.scores_from_review(db, actor=actor, cycle_id=cycle_id)
    return cycles.list_proposals(db, actor=actor, cycle_id=cycle_id)


@router.post(
    "/{cycle_id}/publish",
    response_model=list[BookingRead],
    summary="Publish the schedule as bookings",
)
def publish(db: Db, actor: CurrentActor, cycle_id: int) -> Any:
    return schedule.publish(db, actor=actor, cycle_id=cycle_id)
