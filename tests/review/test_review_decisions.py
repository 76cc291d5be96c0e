"""The review services for the committee's decision: notes and votes, funding within the
budget with a reproducible lottery, and the figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import Conflict, InvalidInput, NotPermitted
from labline.review.committee.service import decisions
from labline.review.models import Lottery, ProposalStatus
from labline.review.schemas import AssignmentRun, DecideRequest, NoteCreate
from labline.review.service import assign, reviews
from tests.factories import make_call, make_person, make_proposal
from tests.review.small_call import SYSTEM, review_all, world


def test_votes_need_a_committee_member_and_a_reason_and_count_once(db):
    _call, proposals, _r = world(db)
    member = actor_for(db, make_person(db, roles=(Role.committee_member,)).id)
    other = actor_for(db, make_person(db, roles=(Role.committee_member,)).id)
    operator = actor_for(db, make_person(db, roles=(Role.platform_operator,)).id)
    pid = proposals[0].id
    with pytest.raises(NotPermitted):
        decisions.add_note(
            db,
            actor=operator,
            proposal_id=pid,
            data=NoteCreate(stance="vote_fund", text="a good idea indeed"),
        )
    with pytest.raises(InvalidInput) as err:
        decisions.add_note(
            db, actor=member, proposal_id=pid, data=NoteCreate(stance="vote_fund", text="yes")
        )
    assert err.value.fields[0].field == "text"
    decisions.add_note(
        db,
        actor=member,
        proposal_id=pid,
        data=NoteCreate(stance="vote_fund", text="original and feasible"),
    )
    decisions.add_note(
        db,
        actor=member,
        proposal_id=pid,
        data=NoteCreate(stance="vote_reject", text="on reflection, too early"),
    )
    decisions.add_note(
        db,
        actor=other,
        proposal_id=pid,
        data=NoteCreate(stance="vote_fund", text="worth the risk here"),
    )
    decisions.add_note(
        db, actor=operator, proposal_id=pid, data=NoteCreate(stance="note", text="budget checked")
    )
    notes = decisions.notes(db, actor=member, proposal_id=pid)
    assert decisions.tally(notes) == {"fund": 1, "reject": 1}
    assert len(notes) == 3
    reviewer = actor_for(db, make_person(db, roles=(Role.reviewer,)).id)
    with pytest.raises(NotPermitted):
        decisions.add_note(
            db,
            actor=reviewer,
            proposal_id=pid,
            data=NoteCreate(stance="advocate", text="let me in"),
        )


def test_decision_funds_within_budget_with_a_reproducible_lottery(db):
    call, proposals, _r = world(db)
    assign.run_assignment(db, actor=SYSTEM, call_id=call.id, data=AssignmentRun())

    def pattern(i, k):
        if i == 0:
            return (9, 9, 8) if k == 0 else (2, 1, 1)
        # 1, 2 clearly best; 3..7 tied in the middle
        return (9, 9, 9) if i in (1, 2) else (5, 5, 5)

    review_all(db, call, pattern)
    reviews.analyse(db, actor=SYSTEM, call_id=call.id)
    committee_member = actor_for(db, make_person(db, roles=(Role.committee_member,)).id)
    decisions.add_note(
        db,
        actor=committee_member,
        proposal_id=proposals[0].id,
        data=NoteCreate(stance="advocate", text="Could change the field."),
    )
    assert len(decisions.notes(db, actor=committee_member, proposal_id=proposals[0].id)) == 1
    with pytest.raises(InvalidInput):  # proposal 1 is not on the non-consensus track
        decisions.decide(
            db,
            actor=SYSTEM,
            call_id=call.id,
            data=DecideRequest(fund_non_consensus=[proposals[1].id]),
        )
    # Budget 500k, 100k each: p0 (non-consensus pick), p1, p2, then 2 of the 5 tied by lot.
    report = decisions.decide(
        db,
        actor=SYSTEM,
        call_id=call.id,
        data=DecideRequest(fund_non_consensus=[proposals[0].id], seed=20261123, waitlist=2),
    )
    assert report.funded == 5 and report.amount == Decimal("500000")
    assert report.waitlisted == 2 and report.rejected == 1
    funded = {p.id for p in proposals if p.status == ProposalStatus.funded}
    assert {proposals[0].id, proposals[1].id, proposals[2].id} <= funded
    assert "non-consensus" in proposals[0].decision_reason
    draw = db.scalars(select(Lottery)).one()
    # Which of the five middle proposals a reviewer's calibration lifts depends on who
    # reviewed what (the assignment follows the texts); the lot decides the tie left for
    # the remaining places, and only that tie.
    middle = proposals[3:]
    direct = [p for p in middle if p.status == ProposalStatus.funded and not p.by_lottery]
    tied = [p for p in middle if p.by_lottery]
    assert draw.seed == 20261123 and draw.slots == 2 - len(direct) >= 1
    assert len(eval(draw.candidates)) == len(tied) > draw.slots
    assert len({p.calibrated_score for p in tied}) == 1
    replay = decisions.replay_lottery(db, actor=SYSTEM, call_id=call.id)
    assert replay["same"] and replay["winners"] == [str(x) for x in eval(draw.winners)]
    # Applicants now see their reviews, without names.
    seen = reviews.reviews_of(
        db, actor=actor_for(db, proposals[0].applicant_id), proposal_id=proposals[0].id
    )
    assert seen and not any(named for _r, named in seen)
    figures = decisions.review_figures(db, start=date.today(), end=date.today() + timedelta(1))
    assert figures == {"proposals": 8, "funded": 5, "amount": 500000.0, "non_consensus_funded": 1}
    # Changing a candidate's score makes the replay refuse.
    tied = next(p for p in proposals if p.by_lottery)
    tied.calibrated_score = (tied.calibrated_score or 0) + 0.5
    db.flush()
    with pytest.raises(Conflict) as err:
        decisions.replay_lottery(db, actor=SYSTEM, call_id=call.id)
    assert "changed" in err.value.message


def test_figures_count_only_the_period(db):
    call = make_call(db)
    make_proposal(db, call=call, submitted_at=datetime(2020, 5, 1, tzinfo=UTC))
    assert (
        decisions.review_figures(db, start=date(2020, 1, 1), end=date(2021, 1, 1))["proposals"] == 1
    )
    assert decisions.review_figures(db, start=date(2021, 1, 1), end=date(2022, 1, 1)) == {
        "proposals": 0,
        "funded": 0,
        "amount": 0.0,
        "non_consensus_funded": 0,
    }
