"""Investors of the market and what they follow.

Revision ID: 0016_market_investors
Revises: 0015_market_capital
Create Date: 2026-12-06 20:35:31.292089
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_market_investors"
down_revision = "0015_market_capital"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "market_investors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("thesis", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('guidance_fund', 'venture_fund', 'corporate_venture')",
            name=op.f("ck_market_investors_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_market_investors_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_investors")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_market_investors_organisation_id")),
    )
    op.create_table(
        "market_investor_follows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("value", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('field', 'region', 'project', 'achievement', 'team')",
            name=op.f("ck_market_investor_follows_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["investor_id"],
            ["market_investors.id"],
            name=op.f("fk_market_investor_follows_investor_id_market_investors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_investor_follows")),
        sa.UniqueConstraint("investor_id", "kind", "value", name="uq_market_investor_follows"),
    )
    with op.batch_alter_table("market_investor_follows", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_market_investor_follows_investor_id"), ["investor_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("market_investor_follows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_market_investor_follows_investor_id"))

    op.drop_table("market_investor_follows")
    op.drop_table("market_investors")
