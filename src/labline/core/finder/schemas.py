"""What the one search box answers: groups of found records, one per kind."""

from __future__ import annotations

from pydantic import Field

from labline.schemas import Output


class FoundRead(Output):
    kind: str
    id: int
    path: str
    title: str
    title_en: str
    detail: str
    score: float
    matched_terms: list[str]
    lexical: float = Field(description="the score's part from the query's own words")
    bridge: float = Field(description="the score's part from the query's dictionary translation")
    semantic: float = Field(description="the score's part from the sentence vectors (meaning)")


class GroupRead(Output):
    kind: str
    label_en: str
    label_zh: str
    found: list[FoundRead]
