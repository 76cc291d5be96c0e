"""Market watches: saved searches and subscriptions, and the inbox they fill.

Revision ID: 0006_market_watches
Revises: 0002_market
Create Date: 2026-11-23 12:00:22.026540
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_market_watches"
down_revision = "0002_market"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "market_watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("record_kind", sa.String(length=12), nullable=False),
        sa.Column("query", sa.String(length=500), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("industry_code", sa.String(length=4), nullable=True),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("min_readiness", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["market_needs.id"],
            name=op.f("fk_market_watches_need_id_market_needs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_market_watches_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_watches")),
    )
    with op.batch_alter_table("market_watches", schema=None) as batch_op:
        batch_op.create_index("ix_market_watches_person", ["person_id"], unique=False)

    op.create_table(
        "market_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("record_kind", sa.String(length=12), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_market_inbox_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["watch_id"],
            ["market_watches.id"],
            name=op.f("fk_market_inbox_watch_id_market_watches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_inbox")),
        sa.UniqueConstraint(
            "watch_id", "record_kind", "record_id", name=op.f("uq_market_inbox_watch_id")
        ),
    )
    with op.batch_alter_table("market_inbox", schema=None) as batch_op:
        batch_op.create_index("ix_market_inbox_person", ["person_id", "read_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("market_inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_market_inbox_person")

    op.drop_table("market_inbox")
    with op.batch_alter_table("market_watches", schema=None) as batch_op:
        batch_op.drop_index("ix_market_watches_person")

    op.drop_table("market_watches")
