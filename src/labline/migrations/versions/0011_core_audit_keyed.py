"""Keyed audit chain: a version and row-state digests on audit records, and the signed head.

Existing records keep version 0 (plain SHA-256) and still verify; records appended from now on
are HMAC-keyed (version 1).

Revision ID: 0011_core_audit_keyed
Revises: 0010_core_mail
Create Date: 2026-12-06 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_core_audit_keyed"
down_revision = "0010_core_mail"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Adding columns fires no UPDATE trigger, so the append-only guard can stay in place.
    with op.batch_alter_table("audit_records", recreate="never") as batch:
        batch.add_column(sa.Column("v", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("state", sa.Text(), nullable=True))
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("keyed_from", sa.Integer(), nullable=True),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )


def downgrade() -> None:
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_records", recreate="never") as batch:
        batch.drop_column("state")
        batch.drop_column("v")
