"""Language-model digests run by the worker: progress, stored result, failure.

Revision ID: 0017_intel_llm_digests
Revises: 0014_intel
Create Date: 2026-12-06 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_intel_llm_digests"
down_revision = "0014_intel"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intel_llm_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["intel_documents.id"],
            name=op.f("fk_intel_llm_digests_document_id_intel_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["people.id"],
            name=op.f("fk_intel_llm_digests_requested_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_llm_digests")),
    )
    op.create_index(op.f("ix_intel_llm_digests_document_id"), "intel_llm_digests", ["document_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_intel_llm_digests_document_id"), table_name="intel_llm_digests")
    op.drop_table("intel_llm_digests")
