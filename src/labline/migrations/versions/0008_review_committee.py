"""review: the committee's threaded discussion and staged funding (milestones)

Revision ID: 0008_review_committee
Revises: 0004_review
Create Date: 2026-11-23 14:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_review_committee"
down_revision = "0004_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_discussion_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column(
            "stance",
            sa.Enum(
                "support",
                "concern",
                "question",
                name="review_post_stance",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["people.id"],
            name=op.f("fk_review_discussion_posts_author_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["review_discussion_posts.id"],
            name=op.f("fk_review_discussion_posts_parent_id_review_discussion_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["review_proposals.id"],
            name=op.f("fk_review_discussion_posts_proposal_id_review_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_discussion_posts")),
    )
    with op.batch_alter_table("review_discussion_posts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_discussion_posts_proposal", ["proposal_id", "id"], unique=False
        )

    op.create_table(
        "review_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "reported",
                "released",
                "withheld",
                name="review_milestone_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("withheld_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "amount > 0", name=op.f("ck_review_milestones_milestone_amount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["people.id"],
            name=op.f("fk_review_milestones_decided_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["review_proposals.id"],
            name=op.f("fk_review_milestones_proposal_id_review_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["people.id"],
            name=op.f("fk_review_milestones_reported_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_milestones")),
        sa.UniqueConstraint(
            "proposal_id", "position", name=op.f("uq_review_milestones_proposal_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("review_milestones")
    with op.batch_alter_table("review_discussion_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_review_discussion_posts_proposal")

    op.drop_table("review_discussion_posts")
