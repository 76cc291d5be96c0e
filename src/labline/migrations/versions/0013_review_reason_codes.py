"""review: decision reasons and non-consensus flags as codes with parameters

The English sentences in `decision_reason` and `non_consensus_reasons` become JSON codes
(`decision`, `non_consensus_why`; see labline.review.reasons), converted here once; a
sentence no pattern matches is kept as `{"code": "text"}`. The downgrade writes the
English lines back.

Revision ID: 0013_review_reason_codes
Revises: 0009_review_documents
Create Date: 2026-12-06 04:40:00
"""

from __future__ import annotations

import json
import re
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013_review_reason_codes"
down_revision = "0009_review_documents"
branch_labels = None
depends_on = None

# The patterns the committee service wrote before codes (frozen here: the conversion is
# historical, the live code never parses text).
_FLAGS: list[tuple[str, Any]] = [
    (
        r"split reviews \(scores ([\d.]+)–([\d.]+)\) with an originality score of ([\d.]+)",
        lambda m: {"code": "split_originality", "low": m[1], "high": m[2], "originality": m[3]},
    ),
    (
        r"rank uncertain: between (\d+) and (\d+), reaching the top (\S+) \(rank (\d+) or better\)",
        lambda m: {
            "code": "rank_uncertain",
            "best": int(m[1]),
            "worst": int(m[2]),
            "share": m[3],
            "cutoff": int(m[4]),
        },
    ),
    (
        r"golden ticket from expert (\d+)",
        lambda m: {"code": "golden_ticket", "expert_id": int(m[1])},
    ),
]
_DECISIONS: list[tuple[str, Any]] = [
    (r"funded: calibrated rank (\d+|None) within the budget", "funded_rank"),
    (r"waitlisted: calibrated rank (\d+|None), below the funding line", "waitlisted_rank"),
    (r"rejected: calibrated rank (\d+|None), below the funding line", "rejected_rank"),
]
_PROBLEMS: list[tuple[str, Any]] = [
    (
        r"organisation_id: funds and government offices cannot apply",
        lambda m: {"code": "organisation_kind", "field": "organisation_id"},
    ),
    (
        r"requested_budget: more than this call's limit of (\S+)",
        lambda m: {"code": "over_limit", "field": "requested_budget", "limit": m[1]},
    ),
]


def _match(table: list[tuple[str, Any]], text: str) -> dict[str, Any]:
    for pattern, make in table:
        m = re.fullmatch(pattern, text)
        if m:
            return dict(make(m))
    return {"code": "text", "text": text}


def _flags(text: str) -> list[dict[str, Any]]:
    return [_match(_FLAGS, line.strip()) for line in re.split(r";|\n", text) if line.strip()]


def _decision(text: str, status: str) -> dict[str, Any] | None:
    text = text.strip()
    if not text:
        return None
    for pattern, code in _DECISIONS:
        m = re.fullmatch(pattern, text)
        if m:
            return {"code": code, "rank": None if m[1] == "None" else int(m[1])}
    m = re.fullmatch(r"funded by lot among (\d+) tied proposals \(seed (\d+)\)", text)
    if m:
        return {"code": "funded_lottery", "n": int(m[1]), "seed": int(m[2])}
    if text == "waitlisted: not drawn in the lottery":
        return {"code": "waitlisted_not_drawn"}
    if text == "not reviewed":
        return {"code": "not_reviewed"}
    m = re.fullmatch(r"funded on the non-consensus track: (.*)", text, re.S)
    if m:
        return {"code": "funded_non_consensus", "flags": _flags(m[1])}
    if status == "ineligible":
        parts = [p.strip() for p in text.split("; ") if p.strip()]
        return {"code": "ineligible", "problems": [_match(_PROBLEMS, p) for p in parts]}
    return {"code": "text", "text": text}


def upgrade() -> None:
    with op.batch_alter_table("review_proposals") as batch:
        batch.add_column(sa.Column("non_consensus_why", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("decision", sa.JSON(none_as_null=True), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, status, non_consensus_reasons, decision_reason FROM review_proposals")
    ).all()
    for pid, status, flags, reason in rows:
        decision = _decision(reason or "", status)
        conn.execute(
            sa.text(
                "UPDATE review_proposals SET non_consensus_why = :w, decision = :d WHERE id = :i"
            ),
            {
                "w": json.dumps(_flags(flags or "")),
                "d": None if decision is None else json.dumps(decision),
                "i": pid,
            },
        )
    conn.execute(
        sa.text(
            "UPDATE review_proposals SET non_consensus_why = '[]' WHERE non_consensus_why IS NULL"
        )
    )
    with op.batch_alter_table("review_proposals") as batch:
        batch.alter_column("non_consensus_why", existing_type=sa.JSON(), nullable=False)
        batch.drop_column("non_consensus_reasons")
        batch.drop_column("decision_reason")


def downgrade() -> None:
    from labline.review import reasons  # the renderer of the codes' English lines

    with op.batch_alter_table("review_proposals") as batch:
        batch.add_column(sa.Column("non_consensus_reasons", sa.Text(), nullable=True))
        batch.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, non_consensus_why, decision FROM review_proposals")
    ).all()
    for pid, why, decision in rows:
        why = json.loads(why) if isinstance(why, str) else why
        decision = json.loads(decision) if isinstance(decision, str) else decision
        conn.execute(
            sa.text(
                "UPDATE review_proposals SET non_consensus_reasons = :w, decision_reason = :d"
                " WHERE id = :i"
            ),
            {"w": reasons.flags_record(why), "d": reasons.record(decision), "i": pid},
        )
    with op.batch_alter_table("review_proposals") as batch:
        batch.alter_column("non_consensus_reasons", existing_type=sa.Text(), nullable=False)
        batch.alter_column("decision_reason", existing_type=sa.Text(), nullable=False)
        batch.drop_column("non_consensus_why")
        batch.drop_column("decision")
