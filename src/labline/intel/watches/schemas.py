"""Document watches in and out, and inbox items."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from labline.schemas import Output


class WatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=500)
    language: str = Field(default="", pattern="^(|zh|en)$")
    source: str = Field(default="", max_length=200)
    collection_id: int | None = None


class WatchRead(Output):
    id: int
    query: str
    language: str
    source: str
    collection_id: int | None
    created_at: datetime
    checked_at: datetime


class InboxItemRead(Output):
    id: int
    watch_id: int
    document_id: int
    title: str
    score: float
    created_at: datetime
    read_at: datetime | None
