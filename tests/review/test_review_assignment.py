"""The review services for conflicts of interest and assignment: the rule behind each
conflict, the optimal assignment and its overrides, alternates, and an assignment that
cannot be met."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from labline.core.service.auth import actor_for
from labline.errors import Conflict, InvalidInput, NotPermitted
from labline.review.models import AssignmentOverride, ConflictRule, ReviewAssignment
from labline.review.schemas import AliasCreate, AssignmentRun, OverrideCreate, PublicationCreate
from labline.review.service import assign, calls, conflicts
from tests.factories import make_org
from tests.review.small_call import SYSTEM, world


def test_conflicts_name_the_rule_that_blocks_each_pair(db):
    call, proposals, reviewers = world(db)
    p0, p1, p2, p3 = proposals[:4]
    r0, r1, r2, r3 = reviewers[:4]
    # r0 works at a campus that is an alias of p0's university.
    campus = make_org(db, kind="university")
    from labline.core.models import Membership

    db.add(Membership(person_id=r0.id, organisation_id=campus.id))
    conflicts.add_alias(
        db, actor=SYSTEM, data=AliasCreate(organisation_id=campus.id, same_as_id=p0.organisation_id)
    )
    # r1 co-authored with p1's applicant last year; r2 with p2's applicant long ago.
    conflicts.add_publication(
        db,
        actor=SYSTEM,
        data=PublicationCreate(
            title="joint", year=date.today().year - 1, author_ids=[r1.id, p1.applicant_id]
        ),
    )
    conflicts.add_publication(
        db,
        actor=SYSTEM,
        data=PublicationCreate(title="old joint", year=2001, author_ids=[r2.id, p2.applicant_id]),
    )
    # p3's applicant asks to avoid r3.
    calls.avoid(
        db,
        actor=actor_for(db, p3.applicant_id),
        proposal_id=p3.id,
        reviewer_ids=[r3.id],
        reason="competitor",
    )
    found = {
        (c.proposal_id, c.reviewer_id): c
        for c in conflicts.compute_conflicts(db, actor=SYSTEM, call_id=call.id)
    }
    assert found[(p0.id, r0.id)].rule == ConflictRule.same_organisation
    assert found[(p1.id, r1.id)].rule == ConflictRule.coauthor
    assert "joint" in found[(p1.id, r1.id)].detail
    assert (p2.id, r2.id) not in found  # outside the co-authorship window
    assert found[(p3.id, r3.id)].rule == ConflictRule.avoid_list
    assert len(found) == 3 + 0  # nothing else is blocked
    # The applicant of p3 cannot use someone else's proposal to add conflicts.
    with pytest.raises(NotPermitted):
        calls.avoid(
            db,
            actor=actor_for(db, p3.applicant_id),
            proposal_id=p0.id,
            reviewer_ids=[r0.id],
            reason="",
        )


def test_assignment_is_optimal_respects_conflicts_and_loads_and_logs_overrides(db):
    call, proposals, reviewers = world(db)
    r0 = reviewers[0]
    calls.avoid(
        db,
        actor=actor_for(db, proposals[0].applicant_id),
        proposal_id=proposals[0].id,
        reviewer_ids=[r0.id],
        reason="",
    )
    report = assign.run_assignment(db, actor=SYSTEM, call_id=call.id, data=AssignmentRun())
    assert report.status == "OPTIMAL" and report.ratio == pytest.approx(1.0, abs=1e-6)
    assert report.pairs == len(proposals) * 2 and report.conflicts == 1
    rows = assign.list_assignments(db, actor=SYSTEM, call_id=call.id)
    primary = [a for a in rows if a.kind == "primary"]
    assert len(primary) == 16 and any(a.kind == "alternate" for a in rows)
    assert (proposals[0].id, r0.id) not in {(a.proposal_id, a.reviewer_id) for a in primary}
    loads: dict[int, int] = {}
    for a in primary:
        loads[a.reviewer_id] = loads.get(a.reviewer_id, 0) + 1
    assert max(loads.values()) <= 4
    # Expertise: the perovskite proposals get at least one perovskite reviewer (r0 or r4).
    pv = {reviewers[0].id, reviewers[4].id}
    for p in proposals[4:5]:
        assert pv & {a.reviewer_id for a in primary if a.proposal_id == p.id}
    # Overrides: a conflicted reviewer is refused; a good swap is logged.
    with pytest.raises(InvalidInput):
        assign.override(
            db,
            actor=SYSTEM,
            proposal_id=proposals[0].id,
            data=OverrideCreate(add_reviewer_id=r0.id, reason="needed"),
        )
    current = [a.reviewer_id for a in primary if a.proposal_id == proposals[1].id]
    spare = next(r.id for r in reviewers if r.id not in current)
    after = assign.override(
        db,
        actor=SYSTEM,
        proposal_id=proposals[1].id,
        data=OverrideCreate(
            remove_reviewer_id=current[0], add_reviewer_id=spare, reason="asked to step down"
        ),
    )
    assert sorted(a.reviewer_id for a in after) == sorted([current[1], spare])
    log = db.scalars(select(AssignmentOverride)).all()
    assert [(o.removed_reviewer_id, o.added_reviewer_id) for o in log] == [(current[0], spare)]
    with pytest.raises(NotPermitted):
        assign.run_assignment(db, actor=actor_for(db, r0.id), call_id=call.id, data=AssignmentRun())


def test_assignment_that_cannot_be_met_says_so(db):
    call, _p, _r = world(db, n_reviewers=2, per=2, load=1)
    with pytest.raises(Conflict) as err:
        assign.run_assignment(db, actor=SYSTEM, call_id=call.id, data=AssignmentRun())
    assert "No assignment" in err.value.message


def test_alternates_see_a_proposal_only_once_promoted(db):
    call, _proposals, _reviewers = world(db)
    assign.run_assignment(db, actor=SYSTEM, call_id=call.id, data=AssignmentRun(alternates=1))
    alt = db.scalars(
        select(ReviewAssignment).where(
            ReviewAssignment.call_id == call.id, ReviewAssignment.kind == "alternate"
        )
    ).first()
    assert alt is not None
    actor = actor_for(db, alt.reviewer_id)
    with pytest.raises(NotPermitted):
        calls.get_proposal(db, actor=actor, proposal_id=alt.proposal_id)
    assert alt.proposal_id not in {
        p.id for p in calls.list_proposals(db, actor=actor, call_id=call.id)
    }
    assign.override(
        db,
        actor=SYSTEM,
        proposal_id=alt.proposal_id,
        data=OverrideCreate(add_reviewer_id=alt.reviewer_id, reason="promoted"),
    )
    assert calls.get_proposal(db, actor=actor, proposal_id=alt.proposal_id)
    assert alt.kind == "primary" and alt.source == "manual"


def test_an_assignment_short_of_reviewers_names_the_proposal_by_its_title(db):
    """Internal indexes never reach a reader: not "proposal 0 needs 3 reviews"."""
    from labline.core.models import Membership

    call, proposals, reviewers = world(db, n_proposals=2, n_reviewers=3, per=3, load=4)
    # One reviewer works where the first proposal comes from: a conflict.
    db.add(
        Membership(
            person_id=reviewers[0].id, organisation_id=proposals[0].organisation_id, role="member"
        )
    )
    db.flush()
    with pytest.raises(Conflict) as err:
        assign.run_assignment(db, actor=SYSTEM, call_id=call.id, data=AssignmentRun())
    message = err.value.message
    assert proposals[0].title_en in message or proposals[0].title_zh in message, message
    assert "needs 3 reviews but only 2 panel members have no conflict" in message
    assert "proposal 0" not in message and "proposal 1" not in message
