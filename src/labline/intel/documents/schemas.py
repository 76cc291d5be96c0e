"""Documents in and out: collections, documents with paragraphs, import reports."""

from __future__ import annotations

import datetime as dt
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from labline.schemas import Output


class CollectionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    published: bool = True
    organisation_id: int | None = Field(
        default=None, description="Private to this organisation when set"
    )


class CollectionRead(Output):
    id: int
    name: str
    description: str
    published: bool
    organisation_id: int | None
    created_at: datetime


class ParagraphRead(Output):
    n: int
    text: str


class CopyRead(Output):
    title: str
    source: str
    url: str
    file_name: str
    similarity: float
    seen_at: datetime


class DocumentSummary(Output):
    id: int
    collection_id: int
    title: str
    source: str
    # The first day of the period the source gives, with its precision (day, month or
    # year) and as shown: 2024-03-05, 2024-03 or 2024.
    date: dt.date | None = Field(validation_alias="issued_on")
    date_precision: str
    date_label: str = Field(validation_alias="issued_label")
    language: str
    url: str
    doc_number: str
    doc_type: str
    sha256: str
    pages: int | None
    chars: int


class DocumentRead(DocumentSummary):
    file_name: str
    created_at: datetime
    paragraphs: list[ParagraphRead]
    copies: list[CopyRead] = Field(default_factory=list)


class TextDocumentCreate(BaseModel):
    """A document posted as text (the API's way to add one without a file)."""

    model_config = ConfigDict(extra="forbid")

    collection: str = Field(min_length=1, max_length=200)
    title: str = Field(default="", max_length=500)
    text: str = Field(min_length=1)
    source: str = Field(default="", max_length=200)
    date: dt.date | None = None
    year: int | None = Field(
        default=None, ge=1000, le=9999, description="Only the year is known (instead of date)"
    )
    url: str = Field(default="", max_length=2000)
    language: str = Field(default="", pattern="^(|zh|en)$")

    @model_validator(mode="after")
    def _one_date(self) -> TextDocumentCreate:
        if self.date is not None and self.year is not None:
            raise ValueError("give a date or a year, not both")
        return self


class RejectedFile(BaseModel):
    file: str
    reason: str
    message: str


class ImportReport(BaseModel):
    imported: list[int] = Field(default_factory=list)
    # the stored documents that new copies were linked to
    duplicates: list[int] = Field(default_factory=list)
    skipped: int = 0  # already imported (same SHA-256): a re-run resumes
    rejected: list[RejectedFile] = Field(default_factory=list)


class FeedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=8, max_length=2000, pattern="^https?://")
    collection: str = Field(min_length=1, max_length=200)
    source: str = Field(default="", max_length=200)


class FeedRead(Output):
    id: int
    url: str
    collection_id: int
    source: str
    last_polled_at: datetime | None


class FeedPollRead(Output):
    feed_id: int
    polled_at: datetime
    entries: int
    imported: int
    duplicates: int
    rejected: int
    already: int = Field(description="entries an earlier poll imported")
    error: str
