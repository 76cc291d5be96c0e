"""The review services for scoring: submitted reviews and who sees them, the analysis
that calibrates and flags non-consensus proposals, and golden tickets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import Conflict, InvalidInput, NotPermitted
from labline.review.models import CallStatus
from labline.review.schemas import AssignmentRun, ReviewSubmit, ScoreIn
from labline.review.service import assign, reviews
from tests.factories import make_person
from tests.review.small_call import SYSTEM, assigned, review_all, scores, world


def test_reviews_are_checked_and_seen_only_by_those_allowed(db):
    call, proposals, reviewers = world(db)
    assign.run_assignment(db, actor=SYSTEM, call_id=call.id, data=AssignmentRun())
    p = proposals[0]
    ra, rb = assigned(db, call)[p.id]
    a, b = actor_for(db, ra), actor_for(db, rb)
    with pytest.raises(InvalidInput) as err:
        reviews.submit_review(db, actor=a, proposal_id=p.id, data=scores(10, 5, 5))
    assert err.value.fields[0].field == "scores.0.score"
    with pytest.raises(InvalidInput) as err:
        reviews.submit_review(
            db,
            actor=a,
            proposal_id=p.id,
            data=ReviewSubmit(scores=[ScoreIn(criterion="value", score=5)]),
        )
    assert {f.field for f in err.value.fields} == {"scores"}
    outsider = next(r.id for r in reviewers if r.id not in (ra, rb))
    with pytest.raises(NotPermitted):
        reviews.submit_review(
            db, actor=actor_for(db, outsider), proposal_id=p.id, data=scores(5, 5, 5)
        )
    reviews.submit_review(db, actor=a, proposal_id=p.id, data=scores(9, 9, 9))
    owed = {
        rid: pids
        for rid, _email, pids in reviews.outstanding_reviews(db, actor=SYSTEM, call_id=call.id)
    }
    assert p.id not in owed.get(ra, []) and p.id in owed[rb]
    assert sum(len(v) for v in owed.values()) == 2 * len(proposals) - 1
    # b has not submitted: sees nothing; a sees only their own so far.
    assert reviews.reviews_of(db, actor=b, proposal_id=p.id) == []
    reviews.submit_review(db, actor=b, proposal_id=p.id, data=scores(1, 1, 1))
    seen = reviews.reviews_of(db, actor=a, proposal_id=p.id)
    assert [(r.reviewer_id, named) for r, named in seen] == [(ra, True), (rb, False)]
    applicant = actor_for(db, p.applicant_id)
    assert reviews.reviews_of(db, actor=applicant, proposal_id=p.id) == []
    # After the deadline nothing more is accepted.
    call.reviews_due = date.today() - timedelta(days=1)
    with pytest.raises(Conflict) as err2:
        reviews.submit_review(db, actor=a, proposal_id=p.id, data=scores(5, 5, 5))
    assert "deadline" in err2.value.message


def test_analysis_calibrates_and_flags_split_original_proposals(db):
    call, proposals, _reviewers = world(db)
    assign.run_assignment(db, actor=SYSTEM, call_id=call.id, data=AssignmentRun())

    def pattern(i, k):
        if i == 0:  # one enthusiast and one sceptic, very original
            return (9, 9, 8) if k == 0 else (2, 1, 1)
        return (5 + i % 3, 5, 5)

    review_all(db, call, pattern)
    report = reviews.analyse(db, actor=SYSTEM, call_id=call.id)
    assert call.status == CallStatus.committee
    assert report.reviewed == 8 and report.split >= 1
    p0 = proposals[0]
    assert p0.split and p0.non_consensus and "originality" in p0.non_consensus_reasons
    assert all(p.calibrated_rank is not None for p in proposals)
    assert not any(p.non_consensus for p in proposals[1:])


def test_rank_uncertainty_reaching_the_top_share_is_a_reason(db):
    call, proposals, _r = world(db)
    call.uncertain_top_share = 0.25  # the top 2 of 8
    assign.run_assignment(db, actor=SYSTEM, call_id=call.id, data=AssignmentRun())

    def pattern(i, k):
        if i in (1, 2):  # clearly best, and agreed
            return (8, 8, 8)
        if i == 3:  # one reviewer loves it, one is lukewarm: wide interval
            return (9, 9, 9) if k == 0 else (4, 4, 4)
        return (4, 4, 4)

    review_all(db, call, pattern)
    reviews.analyse(db, actor=SYSTEM, call_id=call.id)
    p3 = proposals[3]
    assert p3.non_consensus and "rank uncertain" in p3.non_consensus_reasons
    assert not any(p.non_consensus for p in proposals if p is not p3)


def test_golden_ticket_one_per_expert_and_only_for_experts(db):
    _call, proposals, _r = world(db)
    expert = actor_for(db, make_person(db, roles=(Role.committee_member,)).id)
    reviewer = actor_for(db, make_person(db, roles=(Role.reviewer,)).id)
    with pytest.raises(NotPermitted):
        reviews.golden_ticket(db, actor=reviewer, proposal_id=proposals[1].id, reason="x" * 20)
    reviews.golden_ticket(db, actor=expert, proposal_id=proposals[1].id, reason="bold idea " * 3)
    assert proposals[1].non_consensus and "golden ticket" in proposals[1].non_consensus_reasons
    with pytest.raises(Conflict) as err:
        reviews.golden_ticket(db, actor=expert, proposal_id=proposals[2].id, reason="another " * 3)
    assert "already" in err.value.message
