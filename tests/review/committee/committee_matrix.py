"""Permission rows for the committee's discussion and staged funding, and the records they
need; merged into tests/review/test_permissions.py's MATRIX and world."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from labline.core.service.auth import actor_for
from labline.review.committee.schemas import PostCreate
from labline.review.committee.service import discussion
from labline.review.models import Milestone, MilestoneStatus, ProposalStatus
from tests.factories import make_call, make_proposal
from tests.permissions import Case, only

OP = ("platform_operator",)
COMMITTEE = ("platform_operator", "committee_member")
FOLLOWS = ("platform_operator", "committee_member", "member")  # member is the grantee
DISCUSSION = "/api/v1/review/proposals/{proposal_id}/discussion"
MILESTONES = "/api/v1/review/proposals/{funded_id}/milestones"
PLAN = {"milestones": [{"title": "Pilot", "due_on": "2027-06-30", "amount": "50000"}]}
PLAN_FORM = {"title_0": "Pilot", "due_on_0": "2027-06-30", "amount_0": "50000"}

COMMITTEE_MATRIX: dict[tuple[str, str], Case] = {
    ("GET", DISCUSSION): Case(only(200, COMMITTEE)),
    ("POST", DISCUSSION): Case(only(201, COMMITTEE), body={"text": "bold but risky"}),
    ("PATCH", DISCUSSION + "/{post_id}"): Case(
        only(200, ("committee_member",)), body={"text": "corrected"}
    ),
    ("GET", MILESTONES): Case(only(200, FOLLOWS)),
    ("POST", "/api/v1/review/proposals/{unplanned_id}/milestones"): Case(only(201, OP), body=PLAN),
    ("POST", MILESTONES + "/{milestone_id}/report"): Case(
        only(200, ("member",)), body={"evidence": "the pilot line ran"}
    ),
    ("POST", MILESTONES + "/{milestone_id}/release"): Case(only(200, OP)),
    ("POST", MILESTONES + "/{milestone_id}/withhold"): Case(
        only(200, OP), body={"reason": "the pilot was not run"}
    ),
    # pages
    ("POST", "/review/proposals/{proposal_id}/discussion"): Case(
        only(303, COMMITTEE), form={"text": "a page post"}
    ),
    ("POST", "/review/proposals/{proposal_id}/discussion/{post_id}/edit"): Case(
        only(303, ("committee_member",)), form={"text": "corrected on the page"}
    ),
    ("POST", "/review/proposals/{unplanned_id}/milestones"): Case(only(303, OP), form=PLAN_FORM),
    ("POST", "/review/proposals/{funded_id}/milestones/{milestone_id}/report"): Case(
        only(303, ("member",)), form={"evidence": "the pilot line ran"}
    ),
    ("POST", "/review/proposals/{funded_id}/milestones/{milestone_id}/release"): Case(
        only(303, OP), form={}
    ),
    ("POST", "/review/proposals/{funded_id}/milestones/{milestone_id}/withhold"): Case(
        only(303, OP), form={"reason": "the pilot was not run"}
    ),
}

COMMITTEE_ALIASES = {"{funded_id}": "{proposal_id}", "{unplanned_id}": "{proposal_id}"}


def build_committee_world(
    db: Session, *, people: dict[str, Any], org: Any, proposal: Any
) -> dict[str, int]:
    """A post by the committee member on `proposal`; two proposals funded to the member
    (the grantee): one with a reported first milestone, one without a plan."""
    post = discussion.post(
        db,
        actor=actor_for(db, people["committee_member"].id),
        proposal_id=proposal.id,
        data=PostCreate(text="first thoughts"),
    )
    decided = make_call(db, status="decided")
    funded, unplanned = (
        make_proposal(
            db,
            call=decided,
            applicant=people["member"],
            org=org,
            status=ProposalStatus.funded,
            awarded=Decimal("100000"),
        )
        for _ in range(2)
    )
    first = Milestone(
        proposal_id=funded.id,
        position=1,
        title="Pilot",
        due_on=decided.reviews_due,
        amount=Decimal("60000"),
        status=MilestoneStatus.reported,
        report="the pilot line ran",
    )
    db.add(first)
    db.add(
        Milestone(
            proposal_id=funded.id,
            position=2,
            title="Transfer",
            due_on=decided.reviews_due,
            amount=Decimal("40000"),
        )
    )
    db.flush()
    return {
        "{post_id}": post.id,
        "{funded_id}": funded.id,
        "{unplanned_id}": unplanned.id,
        "{milestone_id}": first.id,
    }
