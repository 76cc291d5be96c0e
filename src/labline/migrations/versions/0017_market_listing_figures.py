"""A company's STAR Market listing figures, kept per period with who entered them.

Revision ID: 0017_market_listing_figures
Revises: 0016_market_investors
Create Date: 2026-12-06 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_market_listing_figures"
down_revision = "0016_market_investors"
branch_labels = None
depends_on = None

YUAN = sa.Numeric(precision=18, scale=2)


def upgrade() -> None:
    op.create_table(
        "market_listing_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("market_value", YUAN, nullable=False),
        sa.Column("revenue_last_year", YUAN, nullable=False),
        sa.Column("revenue_last_3_years", YUAN, nullable=False),
        sa.Column("rd_last_3_years", YUAN, nullable=False),
        sa.Column("net_profit_last_year", YUAN, nullable=False),
        sa.Column("net_profit_previous_year", YUAN, nullable=False),
        sa.Column("operating_cash_flow_last_3_years", YUAN, nullable=False),
        sa.Column("pharmaceutical", sa.Boolean(), nullable=False),
        sa.Column("core_products_in_phase2", sa.Integer(), nullable=False),
        sa.Column("technology_advantage", sa.Boolean(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "market_value >= 0", name=op.f("ck_market_listing_figures_market_value_not_negative")
        ),
        sa.CheckConstraint(
            "core_products_in_phase2 >= 0",
            name=op.f("ck_market_listing_figures_products_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["people.id"],
            name=op.f("fk_market_listing_figures_entered_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_market_listing_figures_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_listing_figures")),
    )
    with op.batch_alter_table("market_listing_figures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_market_listing_figures_organisation_id"),
            ["organisation_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("market_listing_figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_market_listing_figures_organisation_id"))
    op.drop_table("market_listing_figures")
