"""market: deal stages introduction and nda, NDA acceptance per side, due days

The deal state is stored as a VARCHAR(32) without a CHECK constraint (non-native enum, see
0002_market), on SQLite and PostgreSQL alike: the new values 'introduction' and 'nda' need
no DDL, and existing deals (including 'negotiating' ones) stay valid.

Revision ID: 0007_market_deal_stages
Revises: 0006_market_watches
Create Date: 2026-11-23 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_market_deal_stages"
down_revision = "0006_market_watches"
branch_labels = None
depends_on = None

PEOPLE_COLUMNS = ("introduced_by_id", "buyer_nda_by_id", "seller_nda_by_id")


def upgrade() -> None:
    with op.batch_alter_table("market_deals", schema=None) as batch_op:
        for name in PEOPLE_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("introduced_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("buyer_nda_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("seller_nda_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        for name in PEOPLE_COLUMNS:
            batch_op.create_foreign_key(
                batch_op.f(f"fk_market_deals_{name}_people"),
                "people",
                [name],
                ["id"],
                ondelete="SET NULL",
            )
        batch_op.create_index("ix_market_deals_due", ["state", "due_on"], unique=False)


def downgrade() -> None:
    # Deals in the new stages fall back to the nearest old one.
    op.execute("UPDATE market_deals SET state = 'interest' WHERE state IN ('introduction', 'nda')")
    with op.batch_alter_table("market_deals", schema=None) as batch_op:
        batch_op.drop_index("ix_market_deals_due")
        for name in PEOPLE_COLUMNS:
            batch_op.drop_constraint(
                batch_op.f(f"fk_market_deals_{name}_people"), type_="foreignkey"
            )
        for name in (
            "due_on",
            "seller_nda_at",
            "buyer_nda_at",
            "introduced_at",
            *reversed(PEOPLE_COLUMNS),
        ):
            batch_op.drop_column(name)
