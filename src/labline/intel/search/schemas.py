"""Search results: documents with their best paragraphs and, on request, their digest."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from labline.intel.digests.schemas import DigestRead


class SnippetRead(BaseModel):
    n: int
    text: str
    # [start, end) character offsets of the matched terms in text
    highlights: list[tuple[int, int]]


class ResultRead(BaseModel):
    id: int
    title: str
    source: str
    date: dt.date | None  # the first day of its period
    date_precision: str  # day, month or year
    date_label: str  # as shown: 2024-03-05, 2024-03 or 2024
    language: str
    doc_number: str
    doc_type: str
    collection_id: int
    score: float
    paragraphs: list[SnippetRead]
    matched_terms: list[str]
    digest: DigestRead | None = None


class WordsOnlyRead(BaseModel):
    """The results are found by their words only (and the dictionary bridge), not by
    meaning: the worker has not encoded every paragraph yet, or this server has no
    sentence encoder."""

    paragraphs: int = Field(description="paragraphs in the index")
    waiting: int = Field(description="paragraphs the worker has not encoded yet")
    note: str = Field(description="the same, said in the reader's language")


class SearchRead(BaseModel):
    results: list[ResultRead]
    words_only: WordsOnlyRead | None = Field(
        default=None, description="set while results are found by their words only"
    )
