"""Language-model digests asked for in the background: one row per request, the worker's
progress on it, and the checked digest it stored (or why it failed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from labline.db import Base, utcnow

# queued: waiting for the worker; asking: the model is writing; checking: its points are
# checked against the cited paragraphs; retrying: an attempt failed, the queue tries again;
# done; failed: every attempt failed (the job is on the operators' page).
STATES = ("queued", "asking", "checking", "retrying", "done", "failed")
FINISHED = ("done", "failed")


class LlmDigestRun(Base):
    __tablename__ = "intel_llm_digests"
    __audited__ = False  # a derived result and its progress, not a record anyone edits

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("intel_documents.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(8))
    model: Mapped[str] = mapped_column(String(200), default="")
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), nullable=True
    )
    state: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[str] = mapped_column(Text, default="")  # AbstractiveDigestRead as JSON
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
