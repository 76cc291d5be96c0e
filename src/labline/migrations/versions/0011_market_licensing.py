"""Licence offers on deals: scope, upfront, milestones and royalty tiers.

Revision ID: 0011_market_licensing
Revises: 0007_market_deal_stages
Create Date: 2026-12-06 04:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_market_licensing"
down_revision = "0007_market_deal_stages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "market_licence_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("proposed_by_side", sa.String(length=8), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("field_of_use", sa.Text(), nullable=False),
        sa.Column("territory", sa.String(length=200), nullable=False),
        sa.Column("exclusivity", sa.String(length=16), nullable=False),
        sa.Column("term_years", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("upfront_cash", sa.Numeric(16, 2), nullable=False),
        sa.Column("upfront_equity_percent", sa.Numeric(5, 2), nullable=False),
        sa.Column("minimum_annual_royalty", sa.Numeric(16, 2), nullable=True),
        sa.Column("sublicence_share_percent", sa.Numeric(5, 2), nullable=False),
        sa.Column("patent_costs", sa.Numeric(16, 2), nullable=False),
        sa.Column("diligence", sa.Text(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "exclusivity IN ('exclusive', 'sole', 'non_exclusive')",
            name=op.f("ck_market_licence_offers_exclusivity_known"),
        ),
        sa.CheckConstraint(
            "term_years BETWEEN 1 AND 50", name=op.f("ck_market_licence_offers_term_in_range")
        ),
        sa.CheckConstraint(
            "upfront_cash >= 0 AND patent_costs >= 0 AND upfront_equity_percent BETWEEN 0 AND 100"
            " AND sublicence_share_percent BETWEEN 0 AND 100",
            name=op.f("ck_market_licence_offers_amounts_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["market_deals.id"],
            name=op.f("fk_market_licence_offers_deal_id_market_deals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["people.id"],
            name=op.f("fk_market_licence_offers_proposed_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["market_contracts.id"],
            name=op.f("fk_market_licence_offers_contract_id_market_contracts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_licence_offers")),
    )
    op.create_table(
        "market_royalty_tiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("from_sales", sa.Numeric(18, 2), nullable=False),
        sa.Column("to_sales", sa.Numeric(18, 2), nullable=True),
        sa.Column("rate_percent", sa.Numeric(6, 3), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["market_licence_offers.id"],
            name=op.f("fk_market_royalty_tiers_offer_id_market_licence_offers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_royalty_tiers")),
    )
    op.create_index(op.f("ix_market_royalty_tiers_offer_id"), "market_royalty_tiers", ["offer_id"])
    op.create_table(
        "market_licence_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Numeric(16, 2), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("trigger", sa.String(length=200), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["market_licence_offers.id"],
            name=op.f("fk_market_licence_milestones_offer_id_market_licence_offers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_licence_milestones")),
    )
    op.create_index(
        op.f("ix_market_licence_milestones_offer_id"), "market_licence_milestones", ["offer_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_market_licence_milestones_offer_id"), "market_licence_milestones")
    op.drop_table("market_licence_milestones")
    op.drop_index(op.f("ix_market_royalty_tiers_offer_id"), "market_royalty_tiers")
    op.drop_table("market_royalty_tiers")
    op.drop_table("market_licence_offers")
