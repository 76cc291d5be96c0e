"""Validated input and output for watches and the inbox."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator

from labline.core import refdata
from labline.schemas import CrossChecked, Output


class WatchCreate(CrossChecked):
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

    @field_validator("industry_code")
    @classmethod
    def _known_industry(cls, v: str | None) -> str | None:
        if v is not None and not refdata.is_industry_code(v):
            raise ValueError("a GB/T 4754 division, group or class code")
        return v

    @classmethod
    def cross_problems(cls, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        kind = values.get("kind")
        if kind == "search" and not str(values.get("query") or "").strip():
            return [("query", "a saved search needs words to search for")]
        if kind == "need" and values.get("need_id") in (None, ""):
            return [("need_id", "say which need to follow")]
        if kind == "field" and not (
            values.get("industry_code") or str(values.get("field") or "").strip()
        ):
            return [("industry_code", "give an industry code or a field to follow")]
        return []


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
