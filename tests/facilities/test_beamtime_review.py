"""A beamtime round reviewed with the review module: proposals become a review call,
reviewers are assigned by the exact solver and score, the analysis calibrates, and the
calibrated scores come back as the ranks the scheduler uses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from labline.core.access import command_line_actor
from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import InvalidInput, NotPermitted
from labline.facilities.beamtime.service import cycles, schedule
from labline.facilities.beamtime.service.cycles import CycleStateError
from labline.facilities.service.beamtime_review import scores_from_review, send_to_review
from labline.review.models import CallStatus, Proposal, ReviewAssignment
from labline.review.schemas import AssignmentRun, PanelAdd, PublicationCreate, ReviewSubmit, ScoreIn
from labline.review.service import assign, calls, conflicts, reviews
from tests.facilities.beamtime.test_beamtime import propose, ring  # noqa: F401  (the fixture)
from tests.factories import make_org, make_person

SYSTEM = command_line_actor("test")
TOPICS = ["perovskite film crystallisation", "battery cathode valence", "protein crystal"]


def test_round_through_review_and_back(db, ring):  # noqa: F811
    b0, b1 = ring["beamlines"]
    props = [
        propose(db, ring, ring["users"][i % 4], (b0, b1)[i % 2], 6 + i, abstract=TOPICS[i % 3])
        for i in range(6)
    ]
    cycles.close_cycle(db, actor=ring["manager"], cycle_id=ring["cycle"].id)
    due = datetime.now(UTC).date() + timedelta(days=20)
    # The facility manager alone is not a programme manager of the review module.
    with pytest.raises(NotPermitted):
        send_to_review(db, actor=ring["manager"], cycle_id=ring["cycle"].id, reviews_due=due)
    call = send_to_review(db, actor=SYSTEM, cycle_id=ring["cycle"].id, reviews_due=due)
    assert call.status == CallStatus.reviewing
    with pytest.raises(CycleStateError, match="already in review call"):
        send_to_review(db, actor=SYSTEM, cycle_id=ring["cycle"].id, reviews_due=due)
    linked = db.scalars(select(Proposal).where(Proposal.call_id == call.id)).all()
    assert len(linked) == 6 and all(p.review_proposal_id for p in props)
    # Scores cannot come back before the reviews are in.
    with pytest.raises(InvalidInput, match="no calibrated review score"):
        scores_from_review(db, actor=ring["manager"], cycle_id=ring["cycle"].id)

    reviewers = []
    for i in range(4):
        person = make_person(
            db, org=make_org(db, kind="research_institute"), roles=(Role.reviewer,)
        )
        conflicts.add_publication(
            db,
            actor=SYSTEM,
            data=PublicationCreate(
                title=f"{TOPICS[i % 3]} study",
                keywords=TOPICS[i % 3],
                year=2025,
                author_ids=[person.id],
            ),
        )
        reviewers.append(person)
    calls.add_to_panel(
        db, actor=SYSTEM, call_id=call.id, data=PanelAdd(person_ids=[r.id for r in reviewers])
    )
    assign.run_assignment(db, actor=SYSTEM, call_id=call.id, data=AssignmentRun())
    # Reviewers like the proposals in reverse order of submission.
    order = {p.review_proposal_id: i for i, p in enumerate(props)}
    for a in db.scalars(
        select(ReviewAssignment).where(
            ReviewAssignment.call_id == call.id, ReviewAssignment.kind == "primary"
        )
    ):
        s = 3 + order[a.proposal_id]
        reviews.submit_review(
            db,
            actor=actor_for(db, a.reviewer_id),
            proposal_id=a.proposal_id,
            data=ReviewSubmit(
                scores=[
                    ScoreIn(criterion="merit", score=s),
                    ScoreIn(criterion="feasibility", score=s),
                    ScoreIn(criterion="need", score=s),
                ],
                comment="ok",
            ),
        )
    reviews.analyse(db, actor=SYSTEM, call_id=call.id)

    assert scores_from_review(db, actor=ring["manager"], cycle_id=ring["cycle"].id) == 6
    assert [p.rank for p in props] == [6, 5, 4, 3, 2, 1]
    assert all(p.shifts_awarded == p.shifts_requested for p in props)
    result = schedule.solve(db, actor=ring["manager"], cycle_id=ring["cycle"].id, time_limit_s=3)
    assert len(result.placements) == 6
