"""A signed licence's diligence checklist: obligations, due days and the evidence they
were met.

Revision ID: 0020_market_licence_diligence
Revises: 0019_market_issuance_team
Create Date: 2026-12-07 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_market_licence_diligence"
down_revision = "0019_market_issuance_team"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "market_licence_diligence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("obligation", sa.String(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("evidence_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["market_contracts.id"],
            name=op.f("fk_market_licence_diligence_contract_id_market_contracts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evidence_by_id"],
            ["people.id"],
            name=op.f("fk_market_licence_diligence_evidence_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_licence_diligence")),
    )
    with op.batch_alter_table("market_licence_diligence", schema=None) as batch_op:
        batch_op.create_index("ix_market_licence_diligence_contract", ["contract_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("market_licence_diligence", schema=None) as batch_op:
        batch_op.drop_index("ix_market_licence_diligence_contract")
    op.drop_table("market_licence_diligence")
