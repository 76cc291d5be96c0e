"""Shared schema pieces: strict input models and paginated output."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

T = TypeVar("T")

MAX_PER_PAGE = 100


class StrictInput(BaseModel):
    """Input models reject unknown fields and NUL characters, and trim whitespace."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL cannot store U+0000 in text; no form or record needs it.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("contains a NUL character (U+0000), which is not allowed")
        return value


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    @model_validator(mode="after")
    def _aware_datetimes(self) -> Output:
        # SQLite hands back naive datetimes even for DateTime(timezone=True) columns; they
        # are stored in UTC, and the API promises RFC 3339 date-times (with an offset).
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, datetime) and value.tzinfo is None:
                object.__setattr__(self, name, value.replace(tzinfo=UTC))
        return self


class PageParams(StrictInput):
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=25, ge=1, le=MAX_PER_PAGE)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class ErrorField(BaseModel):
    field: str
    message: str
    allowed: object | None = None


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    fields: list[ErrorField] = []


class ErrorResponse(BaseModel):
    """The one error shape of the JSON API."""

    error: ErrorBody
