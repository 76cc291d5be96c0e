"""A cap-table issuance may name the company's team it funds (investment into a team).

The contract kind `equity` (an equity investment contract) needs no change: contract kinds
are stored as text without a constraint.

Revision ID: 0019_market_issuance_team
Revises: 0018_market_investor_role
Create Date: 2026-12-07 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_market_issuance_team"
down_revision = "0018_market_investor_role"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("market_cap_issuances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_market_cap_issuances_team_id_teams"),
            "teams",
            ["team_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("market_cap_issuances", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_market_cap_issuances_team_id_teams"), type_="foreignkey"
        )
        batch_op.drop_column("team_id")
