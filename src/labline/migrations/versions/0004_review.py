"""review: calls, criteria, proposals, panel, publications, conflicts, assignments,
reviews, golden tickets, committee notes and lotteries

Revision ID: 0004_review
Revises: 0001_core
Create Date: 2026-11-23 10:56:22.447257
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_review"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("keywords", sa.String(length=500), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_publications")),
    )
    op.create_table(
        "review_authorships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_review_authorships_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["review_publications.id"],
            name=op.f("fk_review_authorships_publication_id_review_publications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_authorships")),
        sa.UniqueConstraint(
            "publication_id", "person_id", name=op.f("uq_review_authorships_publication_id")
        ),
    )
    with op.batch_alter_table("review_authorships", schema=None) as batch_op:
        batch_op.create_index("ix_review_authorships_person", ["person_id"], unique=False)

    op.create_table(
        "review_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title_zh", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("budget", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("max_request", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("reviewers_per_proposal", sa.Integer(), nullable=False),
        sa.Column("max_load", sa.Integer(), nullable=False),
        sa.Column("min_load", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("reviews_due", sa.Date(), nullable=False),
        sa.Column("decision_working_days", sa.Integer(), nullable=False),
        sa.Column("holidays", sa.Text(), nullable=False),
        sa.Column("extra_workdays", sa.Text(), nullable=False),
        sa.Column("coauthor_years", sa.Integer(), nullable=False),
        sa.Column("calibration_min_reviews", sa.Integer(), nullable=False),
        sa.Column("split_band", sa.Float(), nullable=False),
        sa.Column("originality_threshold", sa.Float(), nullable=False),
        sa.Column("uncertain_top_share", sa.Float(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "open",
                "reviewing",
                "committee",
                "decided",
                name="review_call_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("assignment_report", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("budget >= 0", name=op.f("ck_review_calls_budget_not_negative")),
        sa.CheckConstraint("closes_on >= opens_on", name=op.f("ck_review_calls_call_dates")),
        sa.CheckConstraint(
            "max_load >= min_load AND min_load >= 0", name=op.f("ck_review_calls_loads")
        ),
        sa.CheckConstraint(
            "reviewers_per_proposal >= 1", name=op.f("ck_review_calls_reviewers_positive")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["people.id"],
            name=op.f("fk_review_calls_created_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_calls")),
        sa.UniqueConstraint("code", name=op.f("uq_review_calls_code")),
    )
    op.create_table(
        "review_institution_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("same_as_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "organisation_id <> same_as_id",
            name=op.f("ck_review_institution_aliases_alias_not_self"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_review_institution_aliases_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["same_as_id"],
            ["organisations.id"],
            name=op.f("fk_review_institution_aliases_same_as_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_institution_aliases")),
        sa.UniqueConstraint(
            "organisation_id", name=op.f("uq_review_institution_aliases_organisation_id")
        ),
    )
    op.create_table(
        "review_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("scale_min", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("is_originality", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "scale_max > scale_min", name=op.f("ck_review_criteria_criterion_scale")
        ),
        sa.CheckConstraint("weight > 0", name=op.f("ck_review_criteria_criterion_weight")),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["review_calls.id"],
            name=op.f("fk_review_criteria_call_id_review_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_criteria")),
        sa.UniqueConstraint("call_id", "code", name=op.f("uq_review_criteria_call_id")),
    )
    op.create_table(
        "review_lotteries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("slots", sa.Integer(), nullable=False),
        sa.Column("candidates", sa.Text(), nullable=False),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=False),
        sa.Column("order", sa.Text(), nullable=False),
        sa.Column("winners", sa.Text(), nullable=False),
        sa.Column("drawn_by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["review_calls.id"],
            name=op.f("fk_review_lotteries_call_id_review_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["drawn_by_id"],
            ["people.id"],
            name=op.f("fk_review_lotteries_drawn_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_lotteries")),
    )
    op.create_table(
        "review_panel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("max_load", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["review_calls.id"],
            name=op.f("fk_review_panel_call_id_review_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_review_panel_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_panel")),
        sa.UniqueConstraint("call_id", "person_id", name=op.f("uq_review_panel_call_id")),
    )
    op.create_table(
        "review_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title_zh", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("abstract_zh", sa.Text(), nullable=False),
        sa.Column("abstract_en", sa.Text(), nullable=False),
        sa.Column("keywords", sa.String(length=500), nullable=False),
        sa.Column("requested_budget", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "ineligible",
                "withdrawn",
                "under_review",
                "funded",
                "waitlisted",
                "rejected",
                name="review_proposal_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw_score", sa.Float(), nullable=True),
        sa.Column("calibrated_score", sa.Float(), nullable=True),
        sa.Column("raw_rank", sa.Integer(), nullable=True),
        sa.Column("calibrated_rank", sa.Integer(), nullable=True),
        sa.Column("score_spread", sa.Float(), nullable=True),
        sa.Column("split", sa.Boolean(), nullable=False),
        sa.Column("non_consensus", sa.Boolean(), nullable=False),
        sa.Column("non_consensus_reasons", sa.Text(), nullable=False),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("awarded", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("by_lottery", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "requested_budget > 0", name=op.f("ck_review_proposals_requested_positive")
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["people.id"],
            name=op.f("fk_review_proposals_applicant_id_people"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["review_calls.id"],
            name=op.f("fk_review_proposals_call_id_review_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["people.id"],
            name=op.f("fk_review_proposals_decided_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_review_proposals_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_proposals")),
    )
    with op.batch_alter_table("review_proposals", schema=None) as batch_op:
        batch_op.create_index("ix_review_proposals_applicant", ["applicant_id"], unique=False)
        batch_op.create_index("ix_review_proposals_call", ["call_id", "status"], unique=False)

    op.create_table(
        "review_assignment_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("removed_reviewer_id", sa.Integer(), nullable=True),
        sa.Column("added_reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["people.id"],
            name=op.f("fk_review_assignment_overrides_actor_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["added_reviewer_id"],
            ["people.id"],
            name=op.f("fk_review_assignment_overrides_added_reviewer_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["review_calls.id"],
            name=op.f("fk_review_assignment_overrides_call_id_review_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["review_proposals.id"],
            name=op.f("fk_review_assignment_overrides_proposal_id_review_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["removed_reviewer_id"],
            ["people.id"],
            name=op.f("fk_review_assignment_overrides_removed_reviewer_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_assignment_overrides")),
    )
    op.create_table(
        "review_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("alternate_rank", sa.Integer(), nullable=True),
        sa.Column("affinity", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["review_calls.id"],
            name=op.f("fk_review_assignments_call_id_review_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["review_proposals.id"],
            name=op.f("fk_review_assignments_proposal_id_review_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["people.id"],
            name=op.f("fk_review_assignments_reviewer_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_assignments")),
        sa.UniqueConstraint(
            "proposal_id", "reviewer_id", name=op.f("uq_review_assignments_proposal_id")
        ),
    )
    with op.batch_alter_table("review_assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_assignments_reviewer", ["reviewer_id", "call_id"], unique=False
        )

    op.create_table(
        "review_committee_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column(
            "stance",
            sa.Enum(
                "advocate",
                "critic",
                "note",
                "vote_fund",
                "vote_reject",
                name="review_stance",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["people.id"],
            name=op.f("fk_review_committee_notes_author_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["review_proposals.id"],
            name=op.f("fk_review_committee_notes_proposal_id_review_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_committee_notes")),
    )
    with op.batch_alter_table("review_committee_notes", schema=None) as batch_op:
        batch_op.create_index("ix_review_committee_notes_proposal", ["proposal_id"], unique=False)

    op.create_table(
        "review_conflict_declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column(
            "rule",
            sa.Enum(
                "same_organisation",
                "coauthor",
                "declared",
                "avoid_list",
                "applicant",
                name="review_declared_rule",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("declared_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["declared_by_id"],
            ["people.id"],
            name=op.f("fk_review_conflict_declarations_declared_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["review_proposals.id"],
            name=op.f("fk_review_conflict_declarations_proposal_id_review_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["people.id"],
            name=op.f("fk_review_conflict_declarations_reviewer_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_conflict_declarations")),
        sa.UniqueConstraint(
            "proposal_id",
            "reviewer_id",
            "rule",
            name=op.f("uq_review_conflict_declarations_proposal_id"),
        ),
    )
    op.create_table(
        "review_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column(
            "rule",
            sa.Enum(
                "same_organisation",
                "coauthor",
                "declared",
                "avoid_list",
                "applicant",
                name="review_conflict_rule",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["review_calls.id"],
            name=op.f("fk_review_conflicts_call_id_review_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["review_proposals.id"],
            name=op.f("fk_review_conflicts_proposal_id_review_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["people.id"],
            name=op.f("fk_review_conflicts_reviewer_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_conflicts")),
        sa.UniqueConstraint(
            "proposal_id", "reviewer_id", "rule", name=op.f("uq_review_conflicts_proposal_id")
        ),
    )
    with op.batch_alter_table("review_conflicts", schema=None) as batch_op:
        batch_op.create_index("ix_review_conflicts_call", ["call_id"], unique=False)

    op.create_table(
        "review_golden_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["review_calls.id"],
            name=op.f("fk_review_golden_tickets_call_id_review_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"],
            ["people.id"],
            name=op.f("fk_review_golden_tickets_expert_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["review_proposals.id"],
            name=op.f("fk_review_golden_tickets_proposal_id_review_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_golden_tickets")),
        sa.UniqueConstraint("call_id", "expert_id", name=op.f("uq_review_golden_tickets_call_id")),
    )
    op.create_table(
        "review_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("overall", sa.Float(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["review_assignments.id"],
            name=op.f("fk_review_reviews_assignment_id_review_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["review_proposals.id"],
            name=op.f("fk_review_reviews_proposal_id_review_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["people.id"],
            name=op.f("fk_review_reviews_reviewer_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_reviews")),
        sa.UniqueConstraint("assignment_id", name=op.f("uq_review_reviews_assignment_id")),
    )
    with op.batch_alter_table("review_reviews", schema=None) as batch_op:
        batch_op.create_index("ix_review_reviews_proposal", ["proposal_id"], unique=False)

    op.create_table(
        "review_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["review_criteria.id"],
            name=op.f("fk_review_scores_criterion_id_review_criteria"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review_reviews.id"],
            name=op.f("fk_review_scores_review_id_review_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_scores")),
        sa.UniqueConstraint("review_id", "criterion_id", name=op.f("uq_review_scores_review_id")),
    )


def downgrade() -> None:
    op.drop_table("review_scores")
    with op.batch_alter_table("review_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_review_reviews_proposal")

    op.drop_table("review_reviews")
    op.drop_table("review_golden_tickets")
    with op.batch_alter_table("review_conflicts", schema=None) as batch_op:
        batch_op.drop_index("ix_review_conflicts_call")

    op.drop_table("review_conflicts")
    op.drop_table("review_conflict_declarations")
    with op.batch_alter_table("review_committee_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_review_committee_notes_proposal")

    op.drop_table("review_committee_notes")
    with op.batch_alter_table("review_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_review_assignments_reviewer")

    op.drop_table("review_assignments")
    op.drop_table("review_assignment_overrides")
    with op.batch_alter_table("review_proposals", schema=None) as batch_op:
        batch_op.drop_index("ix_review_proposals_call")
        batch_op.drop_index("ix_review_proposals_applicant")

    op.drop_table("review_proposals")
    op.drop_table("review_panel")
    op.drop_table("review_lotteries")
    op.drop_table("review_criteria")
    op.drop_table("review_institution_aliases")
    op.drop_table("review_calls")
    with op.batch_alter_table("review_authorships", schema=None) as batch_op:
        batch_op.drop_index("ix_review_authorships_person")

    op.drop_table("review_authorships")
    op.drop_table("review_publications")
