"""Document tables: collections, documents with their numbered paragraphs, the copies of a
document seen elsewhere (near-duplicates are linked here, not stored twice) and feeds.

A collection is published to every signed-in member, or private to one organisation.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from labline.db import Base, Timestamped, utcnow
from labline.intel.documents import dates


class Collection(Timestamped, Base):
    __tablename__ = "intel_collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    # Private to this organisation's people (and operators) when set.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=True, index=True
    )


class Document(Timestamped, Base):
    __tablename__ = "intel_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("intel_collections.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(200), default="", index=True)
    # The first day of the period the source gives: a day, a month or only a year
    # (documents/dates.py: how a year-precision date is filtered, sorted and shown).
    issued_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    date_precision: Mapped[str] = mapped_column(String(5), default="day", server_default="day")
    language: Mapped[str] = mapped_column(String(8), index=True)
    url: Mapped[str] = mapped_column(String(2000), default="")
    doc_number: Mapped[str] = mapped_column(String(100), default="")  # 文号, e.g. 国发〔2024〕7号
    doc_type: Mapped[str] = mapped_column(String(20), index=True)  # html, pdf, docx, text, ...
    file_name: Mapped[str] = mapped_column(String(500), default="")
    # SHA-256 of the original file (kept under the data folder) or of the entry's text.
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # Near-duplicate keys: the text without spaces and punctuation, and the title so.
    text_key: Mapped[str] = mapped_column(String(64), index=True)
    title_key: Mapped[str] = mapped_column(String(64), index=True)
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    chars: Mapped[int] = mapped_column(Integer, default=0)

    collection: Mapped[Collection] = relationship(lazy="joined")
    paragraphs: Mapped[list[Paragraph]] = relationship(
        order_by="Paragraph.n", cascade="all, delete-orphan", back_populates="document"
    )

    @property
    def issued_label(self) -> str:
        """The date as shown: 2024-03-05, 2024-03 or 2024 (empty without one)."""
        return dates.label(self.issued_on, self.date_precision)


class Paragraph(Base):
    __tablename__ = "intel_paragraphs"
    __audited__ = False  # thousands per import; the document's own row is audited

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("intel_documents.id", ondelete="CASCADE"), index=True
    )
    n: Mapped[int] = mapped_column(Integer)  # 1-based, as cited: [n]
    text: Mapped[str] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="paragraphs")


class DocumentCopy(Base):
    """Another file or entry carrying (nearly) the same text as a stored document."""

    __tablename__ = "intel_document_copies"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("intel_documents.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(String(2000), default="")
    file_name: Mapped[str] = mapped_column(String(500), default="")
    similarity: Mapped[float] = mapped_column(Float)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Feed(Timestamped, Base):
    __tablename__ = "intel_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("intel_collections.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(200), default="")
    last_polled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class FeedPoll(Base):
    """What one poll of a feed fetched: entries imported, linked, rejected, or why it failed."""

    __tablename__ = "intel_feed_polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("intel_feeds.id", ondelete="CASCADE"))
    polled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    entries: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(String(500), default="")

    @property
    def already(self) -> int:
        """Entries imported by an earlier poll (the rest of what it read)."""
        return max(0, (self.entries or 0) - self.imported - self.duplicates - self.rejected)
