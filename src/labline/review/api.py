"""JSON API for review: calls, proposals, conflicts, assignment, reviews, analysis, the
committee, decisions, the lottery and figures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from labline.core.deps import CurrentActor, Db
from labline.review.committee.service import decisions
from labline.review.letters import service as letters
from labline.review.schemas import (
    AliasCreate,
    AliasRead,
    AnalysisReport,
    AssignmentRead,
    AssignmentReport,
    AssignmentRun,
    AvoidRequest,
    CallClock,
    CallCreate,
    CallRead,
    ConflictDeclare,
    ConflictRead,
    DecideRequest,
    DecisionReport,
    FiguresRead,
    NoteCreate,
    NoteRead,
    OverrideCreate,
    PanelAdd,
    ProposalCreate,
    ProposalRead,
    PublicationCreate,
    PublicationRead,
    RankedRead,
    ReplayRead,
    ReviewRead,
    ReviewSubmit,
    TicketCreate,
    TicketRead,
)
from labline.review.service import assign, calls, conflicts, reviews
from labline.schemas import IsoDate

router = APIRouter(prefix="/api/v1/review", tags=["review"])


def proposals_read(db: Db, actor: CurrentActor, rows: Any) -> list[ProposalRead]:
    """Proposals as the actor may see them: outside the committee, the decision's recorded
    reason loses any expert's name or id (a golden ticket names its expert)."""
    if calls.is_committee(actor):
        return [ProposalRead.model_validate(p) for p in rows]
    cleaners: dict[int, Any] = {}
    out = []
    for p in rows:
        clean = cleaners.setdefault(p.call_id, letters.redactor(db, p.call_id))
        read = ProposalRead.model_validate(p)
        out.append(read.model_copy(update={"decision_reason": clean(p.decision_reason)}))
    return out


def review_read(review: Any, named: bool) -> ReviewRead:
    out = ReviewRead.model_validate(review)
    return out if named else out.model_copy(update={"reviewer_id": None})


# --- calls --------------------------------------------------------------------------------------


@router.get("/calls", response_model=list[CallRead], summary="Funding calls")
def list_calls(db: Db, actor: CurrentActor) -> Any:
    return calls.list_calls(db, actor=actor)


@router.post("/calls", response_model=CallRead, status_code=201, summary="Create a call")
def create_call(db: Db, actor: CurrentActor, data: CallCreate) -> Any:
    return calls.create_call(db, actor=actor, data=data)


@router.put("/calls/{call_id}", response_model=CallRead, summary="Change a draft call")
def update_call(db: Db, actor: CurrentActor, call_id: int, data: CallCreate) -> Any:
    return calls.update_call(db, actor=actor, call_id=call_id, data=data)


@router.get("/calls/{call_id}", response_model=CallClock, summary="A call and its clock")
def get_call(db: Db, actor: CurrentActor, call_id: int) -> Any:
    call = calls.get_call(db, actor=actor, call_id=call_id)
    return CallClock(
        call=CallRead.model_validate(call),
        decision_due=calls.decision_due(call),
        working_days_left=calls.working_days_left(call),
        proposals=len(calls.list_proposals(db, actor=actor, call_id=call.id))
        if not actor.is_anonymous
        else 0,
    )


@router.post("/calls/{call_id}/open", response_model=CallRead, summary="Open for proposals")
def open_call(db: Db, actor: CurrentActor, call_id: int) -> Any:
    return calls.open_call(db, actor=actor, call_id=call_id)


@router.post("/calls/{call_id}/close", response_model=CallRead, summary="Close and check")
def close_call(db: Db, actor: CurrentActor, call_id: int) -> Any:
    return calls.close_call(db, actor=actor, call_id=call_id)


@router.post("/calls/{call_id}/panel", response_model=list[int], summary="Add reviewers")
def add_panel(db: Db, actor: CurrentActor, call_id: int, data: PanelAdd) -> Any:
    return [p.person_id for p in calls.add_to_panel(db, actor=actor, call_id=call_id, data=data)]


@router.get("/calls/{call_id}/proposals", response_model=list[ProposalRead])
def list_proposals(db: Db, actor: CurrentActor, call_id: int) -> Any:
    """The committee sees every proposal; others their own and those they review."""
    return proposals_read(db, actor, calls.list_proposals(db, actor=actor, call_id=call_id))


@router.post("/calls/{call_id}/conflicts", response_model=list[ConflictRead])
def compute_conflicts(db: Db, actor: CurrentActor, call_id: int) -> Any:
    """Recompute every blocked pair, each with the rule that blocks it."""
    return conflicts.compute_conflicts(db, actor=actor, call_id=call_id)


@router.get("/calls/{call_id}/conflicts", response_model=list[ConflictRead])
def list_conflicts(db: Db, actor: CurrentActor, call_id: int) -> Any:
    return conflicts.list_conflicts(db, actor=actor, call_id=call_id)


@router.post("/calls/{call_id}/assignment", response_model=AssignmentReport)
def run_assignment(db: Db, actor: CurrentActor, call_id: int, data: AssignmentRun) -> Any:
    """Solve the assignment exactly; report the objective and its ratio to the optimum."""
    return assign.run_assignment(db, actor=actor, call_id=call_id, data=data)


@router.get("/calls/{call_id}/assignments", response_model=list[AssignmentRead])
def list_assignments(db: Db, actor: CurrentActor, call_id: int) -> Any:
    return assign.list_assignments(db, actor=actor, call_id=call_id)


@router.post("/calls/{call_id}/analysis", response_model=AnalysisReport)
def analyse(db: Db, actor: CurrentActor, call_id: int) -> Any:
    """Calibrate, measure disagreement, flag non-consensus proposals."""
    return reviews.analyse(db, actor=actor, call_id=call_id)


@router.get("/calls/{call_id}/ranking", response_model=list[RankedRead])
def ranking(db: Db, actor: CurrentActor, call_id: int) -> Any:
    return decisions.ranking(db, actor=actor, call_id=call_id)


@router.post("/calls/{call_id}/decision", response_model=DecisionReport)
def decide(db: Db, actor: CurrentActor, call_id: int, data: DecideRequest) -> Any:
    return decisions.decide(db, actor=actor, call_id=call_id, data=data)


@router.post("/calls/{call_id}/lottery/replay", response_model=ReplayRead)
def replay_lottery(db: Db, actor: CurrentActor, call_id: int) -> Any:
    """Re-run the recorded draw; refused if any of its inputs changed."""
    return decisions.replay_lottery(db, actor=actor, call_id=call_id)


# --- proposals ----------------------------------------------------------------------------------


@router.post("/proposals", response_model=ProposalRead, status_code=201, summary="Submit")
def submit(db: Db, actor: CurrentActor, data: ProposalCreate) -> Any:
    return calls.submit_proposal(db, actor=actor, data=data)


@router.get("/proposals/mine", response_model=list[ProposalRead], summary="My proposals")
def my_proposals(db: Db, actor: CurrentActor) -> Any:
    return proposals_read(db, actor, calls.my_proposals(db, actor=actor))


@router.get("/assignments/mine", response_model=list[AssignmentRead], summary="What I review")
def my_assignments(db: Db, actor: CurrentActor) -> Any:
    return assign.my_assignments(db, actor=actor)


@router.get("/proposals/{proposal_id}", response_model=ProposalRead)
def get_proposal(db: Db, actor: CurrentActor, proposal_id: int) -> Any:
    return proposals_read(
        db, actor, [calls.get_proposal(db, actor=actor, proposal_id=proposal_id)]
    )[0]


@router.post("/proposals/{proposal_id}/withdraw", response_model=ProposalRead)
def withdraw(db: Db, actor: CurrentActor, proposal_id: int) -> Any:
    return calls.withdraw(db, actor=actor, proposal_id=proposal_id)


@router.post("/proposals/{proposal_id}/avoid", response_model=list[int])
def avoid(db: Db, actor: CurrentActor, proposal_id: int, data: AvoidRequest) -> Any:
    """The applicant names experts who should not review the proposal."""
    rows = calls.avoid(
        db,
        actor=actor,
        proposal_id=proposal_id,
        reviewer_ids=data.reviewer_ids,
        reason=data.reason,
    )
    return [r.reviewer_id for r in rows]


@router.post("/proposals/{proposal_id}/conflict", response_model=ConflictRead, status_code=201)
def declare_conflict(db: Db, actor: CurrentActor, proposal_id: int, data: ConflictDeclare) -> Any:
    """A reviewer declares a conflict of interest and leaves the proposal."""
    row = conflicts.declare_conflict(db, actor=actor, proposal_id=proposal_id, reason=data.reason)
    return ConflictRead(
        proposal_id=row.proposal_id, reviewer_id=row.reviewer_id, rule=row.rule, detail=row.reason
    )


@router.post("/proposals/{proposal_id}/override", response_model=list[AssignmentRead])
def override(db: Db, actor: CurrentActor, proposal_id: int, data: OverrideCreate) -> Any:
    """Swap reviewers by hand (logged with the reason)."""
    return assign.override(db, actor=actor, proposal_id=proposal_id, data=data)


@router.post("/proposals/{proposal_id}/reviews", response_model=ReviewRead, status_code=201)
def submit_review(db: Db, actor: CurrentActor, proposal_id: int, data: ReviewSubmit) -> Any:
    return reviews.submit_review(db, actor=actor, proposal_id=proposal_id, data=data)


@router.get("/proposals/{proposal_id}/reviews", response_model=list[ReviewRead])
def list_reviews(db: Db, actor: CurrentActor, proposal_id: int) -> Any:
    """Reviewer names only for the committee (and a reviewer's own review)."""
    return [
        review_read(r, named)
        for r, named in reviews.reviews_of(db, actor=actor, proposal_id=proposal_id)
    ]


@router.post("/proposals/{proposal_id}/golden-ticket", response_model=TicketRead, status_code=201)
def golden_ticket(db: Db, actor: CurrentActor, proposal_id: int, data: TicketCreate) -> Any:
    """A named senior expert sends the proposal to the non-consensus track (one per call)."""
    return reviews.golden_ticket(db, actor=actor, proposal_id=proposal_id, reason=data.reason)


@router.get("/proposals/{proposal_id}/notes", response_model=list[NoteRead])
def list_notes(db: Db, actor: CurrentActor, proposal_id: int) -> Any:
    return decisions.notes(db, actor=actor, proposal_id=proposal_id)


@router.post("/proposals/{proposal_id}/notes", response_model=NoteRead, status_code=201)
def add_note(db: Db, actor: CurrentActor, proposal_id: int, data: NoteCreate) -> Any:
    """An advocate's or critic's statement, or a note, for the committee."""
    return decisions.add_note(db, actor=actor, proposal_id=proposal_id, data=data)


# --- records for conflicts and expertise; figures -----------------------------------------------


@router.post("/publications", response_model=PublicationRead, status_code=201)
def add_publication(db: Db, actor: CurrentActor, data: PublicationCreate) -> Any:
    """A paper or patent: expertise for assignment, co-authorship for conflicts."""
    return conflicts.add_publication(db, actor=actor, data=data)


@router.post("/aliases", response_model=AliasRead, status_code=201)
def add_alias(db: Db, actor: CurrentActor, data: AliasCreate) -> Any:
    """Two organisation records that are one institution, for same-organisation conflicts."""
    return conflicts.add_alias(db, actor=actor, data=data)


@router.get("/figures", response_model=FiguresRead, summary="Proposals and funding")
def figures(db: Db, actor: CurrentActor, start: IsoDate, end: IsoDate) -> Any:
    return decisions.review_figures(db, start=start, end=end)
