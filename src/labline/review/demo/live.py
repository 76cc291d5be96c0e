"""Two calls still at work in the demo world, so that a newcomer sees every review flow:
one under review with the demo reviewer's reviews due, one before the committee with
non-consensus proposals to discuss (the first demo call is already decided)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from labline.core.access import command_line_actor
from labline.core.models import Person
from labline.review.demo.rows import (
    AT,
    call_row,
    criteria_rows,
    next_id,
    proposal_row,
    review_rows,
)
from labline.review.demo.topics import ANGLES, TOPICS
from labline.review.models import (
    Call,
    Criterion,
    Panel,
    Proposal,
    Review,
    ReviewAssignment,
    ReviewScore,
)
from labline.review.service import reviews

if TYPE_CHECKING:
    from labline.demo.api import World

PER_CALL = 8


def _person(world: World, email: str) -> int | None:
    found = world.session.scalar(select(Person.id).where(Person.email == email))
    return int(found) if found is not None else None


def step_review_live(world: World) -> None:
    session = world.session
    rng = world.rng("review-live")
    first = session.scalar(select(Call.id).order_by(Call.id))
    if first is None:
        return
    reviewer = _person(world, "reviewer@labline.demo")
    committee = _person(world, "committee@labline.demo")
    pool = [
        int(p)
        for p in session.scalars(select(Panel.person_id).where(Panel.call_id == first))
        if p not in (reviewer, committee)
    ]
    applicants = list(
        dict.fromkeys(
            (int(a), int(o))
            for a, o in session.execute(
                select(Proposal.applicant_id, Proposal.organisation_id)
                .where(Proposal.call_id == first)
                .order_by(Proposal.id)
            )
        )
    )
    if len(pool) < 6 or len(applicants) < 2 * PER_CALL:
        return
    call_id = next_id(world, Call)
    calls = [
        call_row(
            call_id,
            f"NSF-{call_id:03d}-R",
            "2026年度省自然科学基金·交叉学科青年项目",
            "2026 Provincial Natural Science Fund: Interdisciplinary Young Investigators",
            status="reviewing",
            opens_on=date(2026, 8, 1),
            closes_on=date(2026, 11, 10),
            reviews_due=date(2026, 12, 31),
            calibration_min_reviews=2,
        ),
        call_row(
            call_id + 1,
            f"NSF-{call_id + 1:03d}-C",
            "2026年度省自然科学基金·颠覆性技术探索",
            "2026 Provincial Natural Science Fund: Disruptive Technology Exploration",
            status="reviewing",  # analysed below, which brings it before the committee
            opens_on=date(2026, 6, 15),
            closes_on=date(2026, 9, 30),
            reviews_due=date(2026, 11, 15),
            calibration_min_reviews=2,
        ),
    ]
    world.bulk("review", Call, calls)
    criteria = criteria_rows(next_id(world, Criterion), calls)
    world.bulk("review", Criterion, criteria)
    panel_id = next_id(world, Panel)
    members = pool[:12] + ([reviewer] if reviewer is not None else [])
    world.bulk(
        "review",
        Panel,
        [
            {"id": panel_id + i, "call_id": c["id"], "person_id": pid, "max_load": None}
            for i, (c, pid) in enumerate((c, p) for c in calls for p in members)
        ],
    )
    proposals = _proposals(world, rng, calls, applicants)
    _reviews(world, rng, calls, proposals, criteria, pool[:12], reviewer)
    reviews.analyse(session, actor=command_line_actor("demo"), call_id=calls[1]["id"])


def _proposals(
    world: World, rng: random.Random, calls: list[dict[str, Any]], applicants: list[Any]
) -> list[dict[str, Any]]:
    first = next_id(world, Proposal)
    rows = []
    for n in range(2 * PER_CALL):
        call = calls[n // PER_CALL]
        zh, en, kw = TOPICS[(n * 5 + 2) % len(TOPICS)]
        a_zh, a_en = ANGLES[(n + 1) % len(ANGLES)]
        applicant, org = applicants[-(n + 1)]
        rows.append(
            proposal_row(
                id=first + n,
                call_id=call["id"],
                applicant_id=applicant,
                organisation_id=org,
                title_zh=f"{zh}的{a_zh}（交叉探索）",
                title_en=f"{en}: {a_en} (cross-disciplinary)",
                abstract_zh=f"本项目围绕{zh}，开展{a_zh}，结合材料、数据与器件的交叉方法。",
                abstract_en=f"This project addresses {en.lower()} through {a_en} work,"
                " combining materials, data and device methods.",
                keywords=kw,
                requested_budget=rng.choice([3, 5, 8]) * 100_000,
                submitted_at=datetime(2026, 9, 1, tzinfo=UTC) + timedelta(hours=n * 7),
            )
        )
    world.bulk("review", Proposal, rows)
    return rows


def _reviews(
    world: World,
    rng: random.Random,
    calls: list[dict[str, Any]],
    proposals: list[dict[str, Any]],
    criteria: list[dict[str, Any]],
    pool: list[int],
    reviewer: int | None,
) -> None:
    """Three reviewers a proposal. Under review: the demo reviewer has four of them still to
    do. Before the committee: every review is in, and two original proposals split their
    reviewers (an enthusiast against two sceptics), which flags them as non-consensus."""
    assignment_id, review_id = next_id(world, ReviewAssignment), next_id(world, Review)
    score_id = next_id(world, ReviewScore)
    assignments: list[dict[str, Any]] = []
    review_made: list[dict[str, Any]] = []
    scores: list[dict[str, Any]] = []
    for n, p in enumerate(proposals):
        live = p["call_id"] == calls[0]["id"]
        mine = live and reviewer is not None and n < 4
        panel = [pool[(n * 3 + k) % len(pool)] for k in range(3)]
        if mine and reviewer is not None:
            panel[0] = reviewer
        split = not live and n % PER_CALL in (1, 4)
        quality = min(0.9, max(0.2, rng.gauss(0.55, 0.12)))
        crit = [c for c in criteria if c["call_id"] == p["call_id"]]
        for k, rid in enumerate(panel):
            aid = assignment_id + len(assignments)
            assignments.append(
                {
                    "id": aid,
                    "call_id": p["call_id"],
                    "proposal_id": p["id"],
                    "reviewer_id": rid,
                    "kind": "primary",
                    "alternate_rank": None,
                    "affinity": round(rng.uniform(0.3, 0.9), 3),
                    "source": "solver",
                    "is_active": True,
                    "created_at": AT,
                    "updated_at": AT,
                }
            )
            if (mine and k == 0) or (live and not mine and k == 2):
                continue  # not submitted yet
            base = (0.9 if k == 0 else 0.15) if split else quality + rng.gauss(0, 0.05)
            values = [max(1, min(9, round(1 + 8 * (base + rng.gauss(0, 0.04))))) for _ in crit]
            rvid = review_id + len(review_made)
            review, scores_made = review_rows(
                rng,
                review_id=rvid,
                assignment_id=aid,
                proposal_id=p["id"],
                reviewer_id=rid,
                crit=crit,
                values=values,
                submitted_at=datetime(2026, 10, 1, tzinfo=UTC) + timedelta(hours=rvid % 500),
                first_score_id=score_id + len(scores),
            )
            review_made.append(review)
            scores += scores_made
    world.bulk("review", ReviewAssignment, assignments)
    world.bulk("review", Review, review_made)
    world.bulk("review", ReviewScore, scores)
