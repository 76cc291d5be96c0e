"""Cap tables of the market: stakeholders, stock classes and stock issuances (OCF subset).

Revision ID: 0015_market_capital
Revises: 0012_market_ledger
Create Date: 2026-12-06 20:10:52.366461
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_market_capital"
down_revision = "0012_market_ledger"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "market_cap_stakeholders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("ocf_id", sa.String(length=200), nullable=False),
        sa.Column("legal_name", sa.String(length=200), nullable=False),
        sa.Column("stakeholder_type", sa.String(length=12), nullable=False),
        sa.Column("relationship", sa.String(length=20), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "stakeholder_type IN ('INDIVIDUAL', 'INSTITUTION')",
            name=op.f("ck_market_cap_stakeholders_stakeholder_type_known"),
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["organisations.id"],
            name=op.f("fk_market_cap_stakeholders_issuer_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_market_cap_stakeholders_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_cap_stakeholders")),
        sa.UniqueConstraint("issuer_id", "ocf_id", name="uq_market_cap_stakeholders_ocf"),
    )
    with op.batch_alter_table("market_cap_stakeholders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_market_cap_stakeholders_issuer_id"), ["issuer_id"], unique=False
        )

    op.create_table(
        "market_cap_stock_classes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("ocf_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("class_type", sa.String(length=10), nullable=False),
        sa.Column("default_id_prefix", sa.String(length=200), nullable=False),
        sa.Column("authorized", sa.String(length=40), nullable=False),
        sa.Column("votes_per_share", sa.Numeric(precision=26, scale=10), nullable=False),
        sa.Column("seniority", sa.Numeric(precision=26, scale=10), nullable=False),
        sa.Column("price_per_share", sa.Numeric(precision=26, scale=10), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column(
            "liquidation_preference_multiple", sa.Numeric(precision=26, scale=10), nullable=True
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "class_type IN ('COMMON', 'PREFERRED')",
            name=op.f("ck_market_cap_stock_classes_class_type_known"),
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["organisations.id"],
            name=op.f("fk_market_cap_stock_classes_issuer_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_cap_stock_classes")),
        sa.UniqueConstraint("issuer_id", "ocf_id", name="uq_market_cap_stock_classes_ocf"),
    )
    with op.batch_alter_table("market_cap_stock_classes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_market_cap_stock_classes_issuer_id"), ["issuer_id"], unique=False
        )

    op.create_table(
        "market_cap_issuances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("ocf_id", sa.String(length=200), nullable=False),
        sa.Column("security_id", sa.String(length=200), nullable=False),
        sa.Column("custom_id", sa.String(length=200), nullable=False),
        sa.Column("stakeholder_id", sa.Integer(), nullable=False),
        sa.Column("stock_class_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=26, scale=10), nullable=False),
        sa.Column("share_price", sa.Numeric(precision=26, scale=10), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_market_cap_issuances_quantity_positive")),
        sa.CheckConstraint(
            "share_price >= 0", name=op.f("ck_market_cap_issuances_share_price_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["market_deals.id"],
            name=op.f("fk_market_cap_issuances_deal_id_market_deals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["organisations.id"],
            name=op.f("fk_market_cap_issuances_issuer_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stakeholder_id"],
            ["market_cap_stakeholders.id"],
            name=op.f("fk_market_cap_issuances_stakeholder_id_market_cap_stakeholders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stock_class_id"],
            ["market_cap_stock_classes.id"],
            name=op.f("fk_market_cap_issuances_stock_class_id_market_cap_stock_classes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_cap_issuances")),
        sa.UniqueConstraint("issuer_id", "ocf_id", name="uq_market_cap_issuances_ocf"),
        sa.UniqueConstraint("issuer_id", "security_id", name="uq_market_cap_issuances_security"),
    )
    with op.batch_alter_table("market_cap_issuances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_market_cap_issuances_issuer_id"), ["issuer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_market_cap_issuances_stakeholder_id"), ["stakeholder_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_market_cap_issuances_stock_class_id"), ["stock_class_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("market_cap_issuances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_market_cap_issuances_stock_class_id"))
        batch_op.drop_index(batch_op.f("ix_market_cap_issuances_stakeholder_id"))
        batch_op.drop_index(batch_op.f("ix_market_cap_issuances_issuer_id"))

    op.drop_table("market_cap_issuances")
    with op.batch_alter_table("market_cap_stock_classes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_market_cap_stock_classes_issuer_id"))

    op.drop_table("market_cap_stock_classes")
    with op.batch_alter_table("market_cap_stakeholders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_market_cap_stakeholders_issuer_id"))

    op.drop_table("market_cap_stakeholders")
