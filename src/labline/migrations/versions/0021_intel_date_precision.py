"""A document's date precision: day, month or year (a Government Work Report gives only
its year; its date is then the year's first day).

Revision ID: 0021_intel_date_precision
Revises: 0017_intel_llm_digests
Create Date: 2026-12-07 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_intel_date_precision"
down_revision = "0017_intel_llm_digests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intel_documents") as batch:
        batch.add_column(
            sa.Column("date_precision", sa.String(length=5), nullable=False, server_default="day")
        )


def downgrade() -> None:
    with op.batch_alter_table("intel_documents") as batch:
        batch.drop_column("date_precision")
