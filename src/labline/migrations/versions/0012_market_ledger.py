"""The licence ledger: royalty reports, invoices and payments.

Revision ID: 0012_market_ledger
Revises: 0011_market_licensing
Create Date: 2026-12-06 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_market_ledger"
down_revision = "0011_market_licensing"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "market_royalty_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("net_sales", sa.Numeric(18, 2), nullable=False),
        sa.Column("royalty", sa.Numeric(16, 2), nullable=False),
        sa.Column("minimum_applied", sa.Boolean(), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        *_stamps(),
        sa.CheckConstraint(
            "period_end >= period_start", name=op.f("ck_market_royalty_reports_period_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["market_contracts.id"],
            name=op.f("fk_market_royalty_reports_contract_id_market_contracts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["people.id"],
            name=op.f("fk_market_royalty_reports_reported_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_royalty_reports")),
    )
    op.create_index(
        op.f("ix_market_royalty_reports_contract_id"), "market_royalty_reports", ["contract_id"]
    )
    op.create_table(
        "market_licence_invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("amount", sa.Numeric(16, 2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_cny", sa.Numeric(16, 2), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        *_stamps(),
        sa.CheckConstraint(
            "kind IN ('upfront', 'milestone', 'royalty')",
            name=op.f("ck_market_licence_invoices_kind_known"),
        ),
        sa.CheckConstraint(
            "amount >= 0", name=op.f("ck_market_licence_invoices_amount_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["market_contracts.id"],
            name=op.f("fk_market_licence_invoices_contract_id_market_contracts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["market_licence_milestones.id"],
            name=op.f("fk_market_licence_invoices_milestone_id_market_licence_milestones"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["market_royalty_reports.id"],
            name=op.f("fk_market_licence_invoices_report_id_market_royalty_reports"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_licence_invoices")),
        sa.UniqueConstraint("milestone_id", name=op.f("uq_market_licence_invoices_milestone_id")),
        sa.UniqueConstraint("report_id", name=op.f("uq_market_licence_invoices_report_id")),
    )
    op.create_index(
        op.f("ix_market_licence_invoices_contract_id"), "market_licence_invoices", ["contract_id"]
    )
    op.create_table(
        "market_licence_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(16, 2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        *_stamps(),
        sa.CheckConstraint("amount > 0", name=op.f("ck_market_licence_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["market_licence_invoices.id"],
            name=op.f("fk_market_licence_payments_invoice_id_market_licence_invoices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_licence_payments")),
    )
    op.create_index(
        op.f("ix_market_licence_payments_invoice_id"), "market_licence_payments", ["invoice_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_market_licence_payments_invoice_id"), "market_licence_payments")
    op.drop_table("market_licence_payments")
    op.drop_index(op.f("ix_market_licence_invoices_contract_id"), "market_licence_invoices")
    op.drop_table("market_licence_invoices")
    op.drop_index(op.f("ix_market_royalty_reports_contract_id"), "market_royalty_reports")
    op.drop_table("market_royalty_reports")
