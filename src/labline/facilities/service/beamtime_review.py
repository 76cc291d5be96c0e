"""A beamtime round reviewed with labline's review module.

`send_to_review` turns a closed cycle's proposals into a review call (criteria for
beamtime: scientific merit, feasibility, need for this instrument), already past its
application stage: the programme manager adds a panel, runs the assignment and reviewers
score as in any call, and the analysis calibrates the scores and flags split reviews.
`scores_from_review` then brings each proposal's calibrated score back as its beamtime
score, so the ranks the scheduler uses are the review's. A review "budget" here counts
shifts, not yuan.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor
from labline.errors import FieldError, InvalidInput
from labline.facilities.beamtime.schemas import ProposalScore
from labline.facilities.beamtime.service.cycles import (
    CycleStateError,
    clear_draft,
    n_shifts,
)
from labline.facilities.beamtime.service.cycles import managed_cycle as _managed
from labline.facilities.beamtime.service.cycles import require_state as _state
from labline.facilities.beamtime.service.cycles import rerank as _rerank
from labline.facilities.models import BeamtimeProposal, CycleStatus
from labline.review.models import Call
from labline.review.schemas import CallCreate, CriterionCreate, ProposalImport
from labline.review.service import intake
from labline.review.service.calls import create_call, require_manager

CRITERIA = [
    CriterionCreate(
        code="merit",
        name_zh="科学价值",
        name_en="Scientific merit",
        weight=0.5,
        is_originality=True,
    ),
    CriterionCreate(code="feasibility", name_zh="可行性", name_en="Feasibility", weight=0.3),
    CriterionCreate(
        code="need", name_zh="机时必要性", name_en="Need for this instrument", weight=0.2
    ),
]


def send_to_review(
    session: Session,
    *,
    actor: Actor,
    cycle_id: int,
    reviews_due: date,
    reviewers_per_proposal: int = 2,
    max_load: int = 8,
) -> Call:
    """Open a review call holding the cycle's proposals (a facility manager who is also
    a programme manager: the review module's rules stay its own)."""
    cycle, facility = _managed(session, actor, cycle_id)
    require_manager(actor)
    _state(cycle, CycleStatus.reviewing, doing="sending the proposals to review")
    if cycle.review_call_id is not None:
        raise CycleStateError(
            f"Cycle {cycle.code} is already in review call {cycle.review_call_id}.",
            cycle_status=str(cycle.status),
        )
    proposals = session.scalars(
        select(BeamtimeProposal)
        .where(BeamtimeProposal.cycle_id == cycle.id)
        .order_by(BeamtimeProposal.id)
    ).all()
    if not proposals:
        raise InvalidInput(f"Cycle {cycle.code} has no proposals to review.")
    today = clock.today()  # the platform's, on which the review call's days are judged
    if reviews_due <= today:
        raise InvalidInput(
            "Reviews cannot be due today or earlier.",
            fields=[FieldError("reviews_due", f"a date after {today}")],
        )
    call = create_call(
        session,
        actor=actor,
        data=CallCreate(
            code=f"BT-{cycle.code}"[:40],
            title_zh=f"{facility.name_zh} 机时申请评审 {cycle.code}",
            title_en=f"{facility.name_en} beamtime review {cycle.code}",
            description=f"Proposals of beamtime cycle {cycle.code}; budgets count shifts.",
            budget=Decimal(n_shifts(cycle) * len(cycle.instrument_ids.split(","))),
            reviewers_per_proposal=reviewers_per_proposal,
            max_load=max_load,
            opens_on=today,
            closes_on=today,
            reviews_due=reviews_due,
            calibration_min_reviews=2,
            criteria=CRITERIA,
        ),
    )
    # Past its application stage: the proposals were submitted to the facility; review
    # takes them in through its own transitions.
    rows = intake.import_proposals(
        session,
        actor=actor,
        call_id=call.id,
        proposals=[
            ProposalImport(
                ref=str(p.id),
                applicant_id=p.person_id,
                organisation_id=p.organisation_id,
                title_zh=p.title[:300],
                title_en=p.title[:300],
                abstract_en=p.abstract,
                keywords=p.setup[:500],
                requested_budget=Decimal(p.shifts_requested),
                submitted_at=p.created_at,
            )
            for p in proposals
        ],
    )
    for p, row in zip(proposals, rows, strict=True):
        p.review_proposal_id = row.id
    cycle.review_call_id = call.id
    session.flush()
    return call


def scores_from_review(session: Session, *, actor: Actor, cycle_id: int) -> int:
    """Each proposal's calibrated review score becomes its beamtime score; ranks follow.
    Refused while any proposal still lacks one (run the review's analysis first)."""
    cycle, _ = _managed(session, actor, cycle_id)
    _state(cycle, CycleStatus.reviewing, CycleStatus.scheduled, doing="taking review scores")
    if cycle.review_call_id is None:
        raise CycleStateError(
            f"Cycle {cycle.code} has not been sent to review.", cycle_status=str(cycle.status)
        )
    linked = session.scalars(
        select(BeamtimeProposal).where(
            BeamtimeProposal.cycle_id == cycle.id, BeamtimeProposal.review_proposal_id.is_not(None)
        )
    ).all()
    scores = intake.calibrated_scores(
        session, proposal_ids=[bp.review_proposal_id for bp in linked if bp.review_proposal_id]
    )
    pairs = [(bp, scores.get(bp.review_proposal_id or 0)) for bp in linked]
    unscored = [bp.id for bp, score in pairs if score is None]
    if unscored:
        raise InvalidInput(
            f"{len(unscored)} proposals have no calibrated review score yet (e.g. {unscored[:5]});"
            " finish the reviews and run the review analysis first.",
            fields=[FieldError("review", f"unscored proposals: {unscored[:20]}")],
        )
    if cycle.status == CycleStatus.scheduled:
        clear_draft(session, cycle)
    for bp, calibrated in pairs:
        # Calibrated scores are on the criteria's scale and may step slightly outside it.
        raw = float(calibrated or 0.0)
        score = ProposalScore(score=Decimal(str(round(min(max(raw, 0.0), 999.0), 3))))
        bp.score = score.score
        if bp.shifts_awarded is None:
            bp.shifts_awarded = bp.shifts_requested
            bp.status = "awarded"
    session.flush()
    _rerank(session, cycle)
    return len(pairs)
