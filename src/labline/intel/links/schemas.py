"""What the links of a document are: each mention with the records it points at, each link
with its confidence (0–1) and the words it was found by."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class RecordLink(BaseModel):
    kind: str  # organisation, team, need, achievement, region
    id: str  # a record id, or a region code
    title: str
    url: str
    confidence: float
    # How it was found: "name" (the record's name), "text" (the term stands in the
    # record's public text), "search" (the search ranked it, by translation or meaning).
    basis: str
    via: list[str]  # the document's words that lead to it
    organisation_zh: str = ""
    organisation_en: str = ""


class MentionRead(BaseModel):
    kind: str  # organisation, place, term
    text: str
    paragraphs: list[int]
    count: int
    code: str | None = None
    ambiguous: bool = False
    links: list[RecordLink]


class DocumentLinksRead(BaseModel):
    document_id: int
    title: str
    language: str
    organisations: list[MentionRead]
    places: list[MentionRead]
    terms: list[MentionRead]
    # The market's live records the document's terms lead to, best first.
    achievements: list[RecordLink]
    needs: list[RecordLink]


class AboutRead(BaseModel):
    """A recent document about a term or a record's field."""

    id: int
    title: str
    source: str
    date: dt.date | None  # the first day of its period
    date_precision: str  # day, month or year
    date_label: str  # as shown: 2024-03-05, 2024-03 or 2024
    language: str
    score: float
    paragraph: int | None
    snippet: str


class AboutListRead(BaseModel):
    query: str
    documents: list[AboutRead]
