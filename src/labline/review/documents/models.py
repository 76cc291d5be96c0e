"""Review tables for the paperwork around a proposal: its documents (each version kept,
the file stored in the data folder under its SHA-256) and the issue of a call's decision
letters (who issued them, when; the letters themselves are composed from the decision).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from labline.core.models import _enum
from labline.db import Base


class DocumentKind(enum.StrEnum):
    proposal_text = "proposal_text"
    cv = "cv"
    budget_justification = "budget_justification"
    letter_of_support = "letter_of_support"
    other = "other"


# A proposal has one current document of these kinds: a new upload replaces the last one.
SINGLE_KINDS = (DocumentKind.proposal_text, DocumentKind.budget_justification)


class ProposalDocument(Base):
    """One uploaded version of a document. Replacing it adds a row and points the old one
    at its successor; nothing is deleted, and the stored file is never overwritten."""

    __tablename__ = "review_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("review_proposals.id", ondelete="CASCADE"))
    kind: Mapped[DocumentKind] = mapped_column(_enum(DocumentKind, "review_document_kind"))
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_documents.id", ondelete="SET NULL")
    )

    __table_args__ = (
        CheckConstraint("size > 0", name="document_not_empty"),
        Index("ix_review_documents_proposal", "proposal_id"),
    )


class LetterIssue(Base):
    """A programme officer issued the call's decision letters: applicants see them from now."""

    __tablename__ = "review_letter_issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(
        ForeignKey("review_calls.id", ondelete="CASCADE"), unique=True
    )
    letters: Mapped[int] = mapped_column(Integer)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
