"""Review tables: calls and their criteria, proposals, reviewers' publications and
conflicts, assignments, reviews and scores, golden tickets, committee notes and lotteries.

A proposal has one status (`ProposalStatus`); the call has one phase (`CallStatus`).
Every blocked reviewer-proposal pair is a `ReviewConflict` row naming the rule that
blocked it. The lottery stores its seed and a SHA-256 of its inputs so that anyone can
replay it and see the same draw.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from labline.core.models import _enum
from labline.db import Base, Timestamped
from labline.review import reasons


class CallStatus(enum.StrEnum):
    draft = "draft"  # being set up; not visible to applicants
    open = "open"  # taking proposals
    reviewing = "reviewing"  # closed; reviewers assigned and scoring
    committee = "committee"  # reviews in; committee deliberating
    decided = "decided"  # decisions made


class ProposalStatus(enum.StrEnum):
    submitted = "submitted"
    ineligible = "ineligible"  # failed an eligibility check when the call closed
    withdrawn = "withdrawn"
    under_review = "under_review"
    funded = "funded"
    waitlisted = "waitlisted"
    rejected = "rejected"


DECISIONS = (ProposalStatus.funded, ProposalStatus.waitlisted, ProposalStatus.rejected)
ACTIVE = (ProposalStatus.submitted, ProposalStatus.under_review)


class ConflictRule(enum.StrEnum):
    same_organisation = "same_organisation"
    coauthor = "coauthor"
    declared = "declared"
    avoid_list = "avoid_list"
    applicant = "applicant"  # the reviewer is the applicant


class Stance(enum.StrEnum):
    advocate = "advocate"
    critic = "critic"
    note = "note"
    vote_fund = "vote_fund"  # a committee member's vote, with its written reason
    vote_reject = "vote_reject"


VOTES = (Stance.vote_fund, Stance.vote_reject)


class Call(Timestamped, Base):
    __tablename__ = "review_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title_zh: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    budget: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    max_request: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    reviewers_per_proposal: Mapped[int] = mapped_column(Integer, default=3)
    max_load: Mapped[int] = mapped_column(Integer, default=8)
    min_load: Mapped[int] = mapped_column(Integer, default=0)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    reviews_due: Mapped[date] = mapped_column(Date)
    decision_working_days: Mapped[int] = mapped_column(Integer, default=30)
    # ISO dates, comma-separated: public holidays, and weekend days worked instead (调休).
    holidays: Mapped[str] = mapped_column(Text, default="")
    extra_workdays: Mapped[str] = mapped_column(Text, default="")
    coauthor_years: Mapped[int] = mapped_column(Integer, default=3)
    calibration_min_reviews: Mapped[int] = mapped_column(Integer, default=3)
    split_band: Mapped[float] = mapped_column(Float, default=1 / 3)
    originality_threshold: Mapped[float] = mapped_column(Float, default=0.7)
    # Non-consensus trigger: a rank interval reaching into the top share (0 = off).
    uncertain_top_share: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[CallStatus] = mapped_column(
        _enum(CallStatus, "review_call_status"), default=CallStatus.draft
    )
    # JSON of the last assignment run: objective, bound, ratio, seconds, status.
    assignment_report: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="call", order_by="Criterion.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("budget >= 0", name="budget_not_negative"),
        CheckConstraint("reviewers_per_proposal >= 1", name="reviewers_positive"),
        CheckConstraint("max_load >= min_load AND min_load >= 0", name="loads"),
        CheckConstraint("closes_on >= opens_on", name="call_dates"),
    )


class Criterion(Base):
    __tablename__ = "review_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("review_calls.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(40))
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    scale_min: Mapped[int] = mapped_column(Integer, default=1)
    scale_max: Mapped[int] = mapped_column(Integer, default=9)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    # The originality criterion feeds the non-consensus trigger.
    is_originality: Mapped[bool] = mapped_column(Boolean, default=False)

    call: Mapped[Call] = relationship(back_populates="criteria")

    __table_args__ = (
        UniqueConstraint("call_id", "code"),
        CheckConstraint("scale_max > scale_min", name="criterion_scale"),
        CheckConstraint("weight > 0", name="criterion_weight"),
    )


class Proposal(Timestamped, Base):
    __tablename__ = "review_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("review_calls.id", ondelete="CASCADE"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    title_zh: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    abstract_zh: Mapped[str] = mapped_column(Text, default="")
    abstract_en: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[str] = mapped_column(String(500), default="")
    requested_budget: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    status: Mapped[ProposalStatus] = mapped_column(
        _enum(ProposalStatus, "review_proposal_status"), default=ProposalStatus.submitted
    )
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Analysis, refreshed by `analyse`: raw and calibrated weighted means, ranks, split.
    raw_score: Mapped[float | None] = mapped_column(Float)
    calibrated_score: Mapped[float | None] = mapped_column(Float)
    raw_rank: Mapped[int | None] = mapped_column(Integer)
    calibrated_rank: Mapped[int | None] = mapped_column(Integer)
    score_spread: Mapped[float | None] = mapped_column(Float)
    split: Mapped[bool] = mapped_column(Boolean, default=False)
    non_consensus: Mapped[bool] = mapped_column(Boolean, default=False)
    # Every reason the proposal entered the non-consensus track, and the decision's reason:
    # codes with parameters (labline.review.reasons), rendered there in each reader's language.
    non_consensus_why: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    awarded: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    by_lottery: Mapped[bool] = mapped_column(Boolean, default=False)

    call: Mapped[Call] = relationship()

    @property
    def decision_reason(self) -> str:
        """The decision's reason as the API's English line."""
        return reasons.record(self.decision)

    @property
    def non_consensus_reasons(self) -> str:
        """The non-consensus flags as the API's English lines."""
        return reasons.flags_record(self.non_consensus_why)

    __table_args__ = (
        CheckConstraint("requested_budget > 0", name="requested_positive"),
        Index("ix_review_proposals_call", "call_id", "status"),
        Index("ix_review_proposals_applicant", "applicant_id"),
    )


class Panel(Base):
    """A reviewer on a call's panel, with an optional personal load limit."""

    __tablename__ = "review_panel"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("review_calls.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    max_load: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("call_id", "person_id"),)


class Publication(Base):
    """A paper or patent: reviewers' expertise, and co-authorship for conflicts."""

    __tablename__ = "review_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="paper")  # paper | patent
    title: Mapped[str] = mapped_column(String(500))
    keywords: Mapped[str] = mapped_column(String(500), default="")
    abstract: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int] = mapped_column(Integer)


class Authorship(Base):
    __tablename__ = "review_authorships"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("review_publications.id", ondelete="CASCADE")
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))

    __table_args__ = (
        UniqueConstraint("publication_id", "person_id"),
        Index("ix_review_authorships_person", "person_id"),
    )


class InstitutionAlias(Base):
    """Two organisation records that are one institution (a campus, a renamed institute)."""

    __tablename__ = "review_institution_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True
    )
    same_as_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))

    __table_args__ = (CheckConstraint("organisation_id <> same_as_id", name="alias_not_self"),)


class ConflictDeclaration(Timestamped, Base):
    """A conflict a reviewer declared, or an expert the applicant asked to avoid."""

    __tablename__ = "review_conflict_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("review_proposals.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    rule: Mapped[ConflictRule] = mapped_column(_enum(ConflictRule, "review_declared_rule"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("proposal_id", "reviewer_id", "rule"),)


class ReviewConflict(Base):
    """A blocked pair and the rule that blocked it (recomputed before each assignment)."""

    __tablename__ = "review_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("review_calls.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("review_proposals.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    rule: Mapped[ConflictRule] = mapped_column(_enum(ConflictRule, "review_conflict_rule"))
    detail: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (
        UniqueConstraint("proposal_id", "reviewer_id", "rule"),
        Index("ix_review_conflicts_call", "call_id"),
    )


class ReviewAssignment(Timestamped, Base):
    __tablename__ = "review_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("review_calls.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("review_proposals.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    # primary: must review; alternate: next in line if a primary drops out (rank 1, 2...)
    kind: Mapped[str] = mapped_column(String(16), default="primary")
    alternate_rank: Mapped[int | None] = mapped_column(Integer)
    affinity: Mapped[float] = mapped_column(Float, default=0.0)
    source: Mapped[str] = mapped_column(String(16), default="solver")  # solver | manual
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    proposal: Mapped[Proposal] = relationship()

    __table_args__ = (
        UniqueConstraint("proposal_id", "reviewer_id"),
        Index("ix_review_assignments_reviewer", "reviewer_id", "call_id"),
    )


class AssignmentOverride(Base):
    """A manual change to the solver's assignment: who changed what, and why."""

    __tablename__ = "review_assignment_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("review_calls.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("review_proposals.id", ondelete="CASCADE"))
    removed_reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    added_reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(String(500))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Review(Timestamped, Base):
    __tablename__ = "review_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("review_assignments.id", ondelete="CASCADE"), unique=True
    )
    proposal_id: Mapped[int] = mapped_column(ForeignKey("review_proposals.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    confidence: Mapped[int] = mapped_column(Integer, default=3)  # 1..5
    comment: Mapped[str] = mapped_column(Text, default="")
    overall: Mapped[float] = mapped_column(Float)  # weighted mean on a 0..1 scale
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    scores: Mapped[list[ReviewScore]] = relationship(
        back_populates="review", cascade="all, delete-orphan"
    )

    __table_args__ = (Index("ix_review_reviews_proposal", "proposal_id"),)


class ReviewScore(Base):
    __tablename__ = "review_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review_reviews.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("review_criteria.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="scores")

    __table_args__ = (UniqueConstraint("review_id", "criterion_id"),)


class GoldenTicket(Base):
    """A named senior expert sends a proposal to the non-consensus track (one per call)."""

    __tablename__ = "review_golden_tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("review_calls.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("review_proposals.id", ondelete="CASCADE"))
    expert_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("call_id", "expert_id"),)


class CommitteeNote(Base):
    """An advocate's or critic's statement, or a note, in the committee's deliberation."""

    __tablename__ = "review_committee_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("review_proposals.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    stance: Mapped[Stance] = mapped_column(_enum(Stance, "review_stance"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_review_committee_notes_proposal", "proposal_id"),)


class Lottery(Base):
    """A draw at the funding line: seed, candidates and a hash of every input."""

    __tablename__ = "review_lotteries"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("review_calls.id", ondelete="CASCADE"))
    seed: Mapped[int] = mapped_column(Integer)
    slots: Mapped[int] = mapped_column(Integer)
    candidates: Mapped[str] = mapped_column(Text)  # JSON list of proposal ids
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    order: Mapped[str] = mapped_column(Text)  # JSON list, the draw's order
    winners: Mapped[str] = mapped_column(Text)  # JSON list
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --- the committee's discussion and staged funding (see service/discussion.py, milestones.py) ---


class PostStance(enum.StrEnum):
    support = "support"
    concern = "concern"
    question = "question"


class DiscussionPost(Base):
    """A post in the committee's threaded discussion of a proposal's dossier. Append-only:
    its author may correct it for 15 minutes; replies name their parent post."""

    __tablename__ = "review_discussion_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("review_proposals.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_discussion_posts.id", ondelete="CASCADE")
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    stance: Mapped[PostStance | None] = mapped_column(_enum(PostStance, "review_post_stance"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_review_discussion_posts_proposal", "proposal_id", "id"),)


class MilestoneStatus(enum.StrEnum):
    planned = "planned"  # waiting for the grantee's report
    reported = "reported"  # report in; waiting for the programme officer
    released = "released"  # money paid out
    withheld = "withheld"  # not paid, with the reason; later milestones stay locked


class Milestone(Timestamped, Base):
    """One stage of a funded proposal's money, released in order after its report."""

    __tablename__ = "review_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("review_proposals.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    status: Mapped[MilestoneStatus] = mapped_column(
        _enum(MilestoneStatus, "review_milestone_status"), default=MilestoneStatus.planned
    )
    report: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    withheld_reason: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("proposal_id", "position"),
        CheckConstraint("amount > 0", name="milestone_amount_positive"),
    )
