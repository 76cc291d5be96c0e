"""review: proposal documents (every version kept) and the issue of decision letters

Revision ID: 0009_review_documents
Revises: 0004_review
Create Date: 2026-11-23 14:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_review_documents"
down_revision = "0004_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "proposal_text",
                "cv",
                "budget_justification",
                "letter_of_support",
                "other",
                name="review_document_kind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("size > 0", name=op.f("ck_review_documents_document_not_empty")),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["review_proposals.id"],
            name=op.f("fk_review_documents_proposal_id_review_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"],
            ["review_documents.id"],
            name=op.f("fk_review_documents_replaced_by_id_review_documents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["people.id"],
            name=op.f("fk_review_documents_uploaded_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_documents")),
    )
    with op.batch_alter_table("review_documents", schema=None) as batch_op:
        batch_op.create_index("ix_review_documents_proposal", ["proposal_id"], unique=False)

    op.create_table(
        "review_letter_issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("letters", sa.Integer(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["review_calls.id"],
            name=op.f("fk_review_letter_issues_call_id_review_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["people.id"],
            name=op.f("fk_review_letter_issues_issued_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_letter_issues")),
        sa.UniqueConstraint("call_id", name=op.f("uq_review_letter_issues_call_id")),
    )


def downgrade() -> None:
    op.drop_table("review_letter_issues")
    with op.batch_alter_table("review_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_review_documents_proposal")

    op.drop_table("review_documents")
