"""Briefing requests: documents chosen by id or by a search."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Format = Literal["md", "docx", "pdf"]


class BriefingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(default="", max_length=300)
    document_ids: list[int] = Field(default_factory=list, max_length=50)
    query: str = Field(default="", max_length=2000, description="Or: the top results of a search")
    limit: int = Field(default=5, ge=1, le=50)
    format: Format = "md"

    @model_validator(mode="after")
    def _something(self) -> BriefingCreate:
        if not self.document_ids and not self.query.strip():
            raise ValueError("document_ids: name documents or give a query")
        return self
