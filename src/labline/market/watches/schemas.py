"""Validated input and output for watches and the inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, model_validator

from labline.schemas import Output, StrictInput


class WatchCreate(StrictInput):
    """search: `query` (and filters) over new needs or achievements; need: new achievements
    that could meet `need_id`; field: new records in `industry_code` or whose field names
    `field`."""

    kind: Literal["search", "need", "field"]
    record_kind: Literal["need", "achievement"] = "achievement"
    query: str = Field(default="", max_length=500)
    need_id: int | None = Field(default=None, ge=1)
    industry_code: str | None = Field(default=None, pattern=r"^\d{2,4}$")
    field: str = Field(default="", max_length=200)
    region_code: str | None = Field(default=None, pattern=r"^\d{6}$")
    min_readiness: int | None = Field(default=None, ge=1, le=9)

    @model_validator(mode="after")
    def _what(self) -> WatchCreate:
        if self.kind == "search" and not self.query.strip():
            raise ValueError("query: a saved search needs words to search for")
        if self.kind == "need" and self.need_id is None:
            raise ValueError("need_id: say which need to follow")
        if self.kind == "field" and not (self.industry_code or self.field.strip()):
            raise ValueError("industry_code: give an industry code or a field to follow")
        return self


class WatchRead(Output):
    id: int
    kind: str
    record_kind: str
    query: str
    need_id: int | None
    industry_code: str | None
    field: str
    region_code: str | None
    min_readiness: int | None
    checked_at: datetime


class InboxItemRead(Output):
    id: int
    watch_id: int
    record_kind: str
    record_id: int
    title: str
    reason: str
    created_at: datetime
    read_at: datetime | None
