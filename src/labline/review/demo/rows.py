"""Rows the demo's review steps share: the next free id, a call, its criteria, a proposal,
a submitted review with its scores, and a reviewer's comment."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from labline.review.demo.topics import CRITERIA

if TYPE_CHECKING:
    from labline.demo.api import World

CALL_DAY = date(2026, 6, 1)
AT = datetime(2026, 9, 15, 10, tzinfo=UTC)


def next_id(world: World, model: Any) -> int:
    return int(world.session.scalar(select(func.max(model.id))) or 0) + 1


def call_row(call_id: int, code: str, zh: str, en: str, **extra: Any) -> dict[str, Any]:
    row = {
        "id": call_id,
        "code": code,
        "title_zh": zh,
        "title_en": en,
        "description": "",
        "budget": Decimal("20000000"),
        "max_request": Decimal("2000000"),
        "reviewers_per_proposal": 3,
        "max_load": 8,
        "min_load": 2,
        "opens_on": CALL_DAY,
        "closes_on": date(2026, 7, 15),
        "reviews_due": date(2026, 8, 31),
        "decision_working_days": 45,
        "holidays": "2026-10-01,2026-10-02,2026-10-05,2026-10-06,2026-10-07",
        "extra_workdays": "2026-09-27,2026-10-10",
        "coauthor_years": 3,
        "calibration_min_reviews": 5,
        "split_band": 1 / 3,
        "originality_threshold": 0.75,
        "uncertain_top_share": 0.03,
        "status": "committee",
        "assignment_report": "",
        "created_by_id": None,
        "created_at": AT,
        "updated_at": AT,
    }
    row.update(extra)
    return row


def criteria_rows(first_id: int, calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The demo's criteria (topics.CRITERIA) for each call, numbered from first_id."""
    return [
        {
            "id": first_id + k * len(CRITERIA) + pos,
            "call_id": c["id"],
            "position": pos,
            "code": code,
            "name_zh": zh,
            "name_en": en,
            "scale_min": 1,
            "scale_max": 9,
            "weight": weight,
            "is_originality": is_orig,
        }
        for k, c in enumerate(calls)
        for pos, (code, zh, en, weight, is_orig) in enumerate(CRITERIA)
    ]


def proposal_row(**fields: Any) -> dict[str, Any]:
    """A submitted proposal, under review and not yet analysed or decided."""
    return {
        **fields,
        "status": "under_review",
        "split": False,
        "non_consensus": False,
        "non_consensus_why": [],
        "decision": None,
        "by_lottery": False,
        "created_at": AT,
        "updated_at": AT,
    }


def overall(crit: list[dict[str, Any]], values: list[int]) -> float:
    """The weighted overall score on 0..1 of a review's 1..9 scores."""
    total = sum(c["weight"] * (v - 1) / 8 for c, v in zip(crit, values, strict=True))
    return float(total / sum(c["weight"] for c in crit))


def review_rows(
    rng: random.Random,
    *,
    review_id: int,
    assignment_id: int,
    proposal_id: int,
    reviewer_id: int,
    crit: list[dict[str, Any]],
    values: list[int],
    submitted_at: datetime,
    first_score_id: int,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A submitted review (confidence and comment drawn from rng) and its scores."""
    score = overall(crit, values)
    review = {
        "id": review_id,
        "assignment_id": assignment_id,
        "proposal_id": proposal_id,
        "reviewer_id": reviewer_id,
        "confidence": rng.randint(2, 5),
        "comment": comment(rng, score),
        "overall": round(score, 6),
        "submitted_at": submitted_at,
        "created_at": AT,
        "updated_at": AT,
    }
    scores = [
        {
            "id": first_score_id + j,
            "review_id": review_id,
            "criterion_id": c["id"],
            "score": v,
            "comment": "",
        }
        for j, (c, v) in enumerate(zip(crit, values, strict=True))
    ]
    return review, scores


def comment(rng: random.Random, overall: float) -> str:
    if overall >= 0.7:
        return rng.choice(
            [
                "思路新颖，基础扎实。Original and well grounded.",
                "团队积累充分，建议优先支持。A strong team; fund with priority.",
            ]
        )
    if overall >= 0.45:
        return rng.choice(
            [
                "有一定创新，技术路线需进一步论证。Some novelty; the route needs more argument.",
                "目标合理，但预算偏高。Reasonable aims, high budget.",
            ]
        )
    return rng.choice(
        [
            "创新性不足，与已有工作重复较多。Little novelty; overlaps existing work.",
            "可行性存疑。Feasibility is doubtful.",
        ]
    )
