"""Saved document searches and the inbox of new documents they found."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from labline.db import Base, utcnow


class DocumentWatch(Base):
    __tablename__ = "intel_watches"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    query: Mapped[str] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(8), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    collection_id: Mapped[int | None] = mapped_column(
        ForeignKey("intel_collections.id", ondelete="CASCADE"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Documents stored after this were not yet looked at by the watch.
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_mailed_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class DocumentInboxItem(Base):
    __tablename__ = "intel_inbox"
    __table_args__ = (UniqueConstraint("watch_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    watch_id: Mapped[int] = mapped_column(ForeignKey("intel_watches.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("intel_documents.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(500))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    mailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
