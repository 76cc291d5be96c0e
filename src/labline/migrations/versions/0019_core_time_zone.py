"""A person's time zone: the IANA zone times outside facilities are shown in (NULL: the
platform's `time_zone` setting).

Revision ID: 0019_core_time_zone
Revises: 0018_core_visits
Create Date: 2026-12-07 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_core_time_zone"
down_revision = "0018_core_visits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("time_zone")
