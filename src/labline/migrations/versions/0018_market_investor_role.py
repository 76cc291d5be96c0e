"""Investor is a role a person holds: a profile belongs to a person (one each), no longer
one per organisation. Existing profiles move to their organisation's first admin, who is
granted the investor role for it; a profile whose organisation has no admin is dropped.

Revision ID: 0018_market_investor_role
Revises: 0017_market_listing_figures
Create Date: 2026-12-06 23:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_market_investor_role"
down_revision = "0017_market_listing_figures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("market_investors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, organisation_id FROM market_investors")).all()
    for investor_id, org_id in rows:
        person = conn.execute(
            sa.text(
                "SELECT person_id FROM memberships WHERE organisation_id = :org"
                " AND role = 'org_admin' ORDER BY id LIMIT 1"
            ),
            {"org": org_id},
        ).scalar()
        taken = (
            person is not None
            and conn.execute(
                sa.text("SELECT 1 FROM market_investors WHERE person_id = :p"), {"p": person}
            ).scalar()
        )
        if person is None or taken:
            conn.execute(
                sa.text("DELETE FROM market_investor_follows WHERE investor_id = :i"),
                {"i": investor_id},
            )
            conn.execute(sa.text("DELETE FROM market_investors WHERE id = :i"), {"i": investor_id})
            continue
        conn.execute(
            sa.text("UPDATE market_investors SET person_id = :p WHERE id = :i"),
            {"p": person, "i": investor_id},
        )
        granted = conn.execute(
            sa.text(
                "SELECT 1 FROM role_grants WHERE person_id = :p AND role = 'investor'"
                " AND organisation_id = :org"
            ),
            {"p": person, "org": org_id},
        ).scalar()
        if not granted:
            conn.execute(
                sa.text(
                    "INSERT INTO role_grants (person_id, role, organisation_id, created_at,"
                    " updated_at) VALUES (:p, 'investor', :org, CURRENT_TIMESTAMP,"
                    " CURRENT_TIMESTAMP)"
                ),
                {"p": person, "org": org_id},
            )
    with op.batch_alter_table("market_investors", schema=None) as batch_op:
        batch_op.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("uq_market_investors_organisation_id", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_market_investors_person_id"), ["person_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_market_investors_person_id_people"),
            "people",
            ["person_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(
            batch_op.f("ix_market_investors_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    # One profile per organisation again: keep each organisation's first.
    op.execute(
        "DELETE FROM market_investor_follows WHERE investor_id NOT IN"
        " (SELECT MIN(id) FROM market_investors GROUP BY organisation_id)"
    )
    op.execute(
        "DELETE FROM market_investors WHERE id NOT IN"
        " (SELECT MIN(id) FROM market_investors GROUP BY organisation_id)"
    )
    op.execute("DELETE FROM role_grants WHERE role = 'investor'")
    with op.batch_alter_table("market_investors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_market_investors_organisation_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_market_investors_person_id_people"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_market_investors_person_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_market_investors_organisation_id"), ["organisation_id"]
        )
        batch_op.drop_column("person_id")
