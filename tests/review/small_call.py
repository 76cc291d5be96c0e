"""A whole small call for the review service tests: proposals on four topics from different
universities, reviewers who publish on them, the panel and the closed call; and the steps
that score it."""

from __future__ import annotations

from sqlalchemy import select

from labline.core.access import command_line_actor
from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.review.models import Proposal, ReviewAssignment
from labline.review.schemas import PanelAdd, PublicationCreate, ReviewSubmit, ScoreIn
from labline.review.service import calls, conflicts, reviews
from tests.factories import make_call, make_org, make_person, make_proposal

SYSTEM = command_line_actor("test")
TOPICS = [
    ("钙钛矿叠层太阳能电池", "perovskite tandem solar cell efficiency"),
    ("固态锂电池电解质", "solid-state lithium battery electrolyte"),
    ("CRISPR 基因编辑 水稻", "CRISPR gene editing rice yield"),
    ("量子点 显示 发光", "quantum dot display emission"),
]


def world(db, *, n_proposals=8, n_reviewers=6, per=2, load=4):
    """Proposals on four topics from different universities; reviewers who publish on them."""
    call = make_call(db, reviewers_per_proposal=per, max_load=load, budget="500000")
    proposals = []
    for i in range(n_proposals):
        zh, en = TOPICS[i % len(TOPICS)]
        proposals.append(make_proposal(db, call=call, title_zh=zh, title_en=en, keywords=en))
    reviewers = []
    for i in range(n_reviewers):
        org = make_org(db, kind="research_institute")
        person = make_person(db, org=org, roles=(Role.reviewer,))
        zh, en = TOPICS[i % len(TOPICS)]
        conflicts.add_publication(
            db,
            actor=SYSTEM,
            data=PublicationCreate(
                title=f"{en} study", keywords=en, year=2025, author_ids=[person.id]
            ),
        )
        reviewers.append(person)
    calls.add_to_panel(
        db, actor=SYSTEM, call_id=call.id, data=PanelAdd(person_ids=[r.id for r in reviewers])
    )
    calls.close_call(db, actor=SYSTEM, call_id=call.id)
    return call, proposals, reviewers


def scores(o, v, f):
    return ReviewSubmit(
        scores=[
            ScoreIn(criterion="originality", score=o),
            ScoreIn(criterion="value", score=v),
            ScoreIn(criterion="feasibility", score=f),
        ],
        comment="ok",
    )


def assigned(db, call):
    out: dict[int, list[int]] = {}
    for a in db.scalars(
        select(ReviewAssignment).where(
            ReviewAssignment.call_id == call.id,
            ReviewAssignment.kind == "primary",
            ReviewAssignment.is_active.is_(True),
        )
    ):
        out.setdefault(a.proposal_id, []).append(a.reviewer_id)
    return out


def review_all(db, call, pattern):
    """Every assigned reviewer reviews; pattern(proposal_index, k) -> (o, v, f)."""
    ids = [
        p.id
        for p in db.scalars(
            select(Proposal).where(Proposal.call_id == call.id).order_by(Proposal.id)
        )
    ]
    for pid, revs in assigned(db, call).items():
        for k, rid in enumerate(sorted(revs)):
            reviews.submit_review(
                db,
                actor=actor_for(db, rid),
                proposal_id=pid,
                data=scores(*pattern(ids.index(pid), k)),
            )
