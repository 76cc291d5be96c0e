"""Tables of the shared indexes: encoded vectors (written by the worker) and failed jobs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from labline.db import Base, utcnow


class IndexVector(Base):
    """A record's sentence vector, for the processes that replay the audit tail: they read
    it here instead of encoding. `digest` is of the text it was encoded from, so a vector
    of an older text is never used."""

    __tablename__ = "index_vectors"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[str] = mapped_column(String(80))
    encoder: Mapped[str] = mapped_column(String(80))
    digest: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    encoded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_index_vectors_record_encoder", "record_id", "encoder", unique=True),
    )


class JobFailure(Base):
    """A background job that failed after its retries: kept for the operators, never dropped."""

    __tablename__ = "job_failures"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(120))
    arguments: Mapped[str] = mapped_column(Text)
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
