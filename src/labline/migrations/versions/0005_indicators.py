"""indicators: panels and their imports

Revision ID: 0005_indicators
Revises: 0001_core
Create Date: 2026-11-23 05:58:35.813801
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_indicators"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicator_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_stored", sa.Integer(), nullable=False),
        sa.Column("rows_refused", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["people.id"],
            name=op.f("fk_indicator_imports_imported_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_imports")),
    )
    op.create_table(
        "indicator_observations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_code", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["indicator_imports.id"],
            name=op.f("fk_indicator_observations_import_id_indicator_imports"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_observations")),
        sa.UniqueConstraint(
            "indicator_code",
            "region_code",
            "year",
            name=op.f("uq_indicator_observations_indicator_code"),
        ),
    )
    with op.batch_alter_table("indicator_observations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_indicator_observations_region", ["region_code", "year"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("indicator_observations", schema=None) as batch_op:
        batch_op.drop_index("ix_indicator_observations_region")

    op.drop_table("indicator_observations")
    op.drop_table("indicator_imports")
