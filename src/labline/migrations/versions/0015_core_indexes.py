"""Shared indexes: encoded vectors written by the worker; failed background jobs.

Revision ID: 0015_core_indexes
Revises: 0011_core_audit_keyed
Create Date: 2026-12-06 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_core_indexes"
down_revision = "0011_core_audit_keyed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "index_vectors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=80), nullable=False),
        sa.Column("encoder", sa.String(length=80), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("encoded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_vectors")),
    )
    op.create_index(
        "ix_index_vectors_record_encoder", "index_vectors", ["record_id", "encoder"], unique=True
    )
    op.create_table(
        "job_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(length=120), nullable=False),
        sa.Column("arguments", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_failures")),
    )


def downgrade() -> None:
    op.drop_table("job_failures")
    op.drop_index("ix_index_vectors_record_encoder", table_name="index_vectors")
    op.drop_table("index_vectors")
