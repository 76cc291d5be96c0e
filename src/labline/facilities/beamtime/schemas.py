"""Validated input and output for beamtime cycles, proposals, scores and the schedule."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import Field, field_validator, model_validator

from labline.facilities.models import CycleStatus
from labline.facilities.schemas import CODE, require_aware
from labline.schemas import Name, Output, StrictInput


class CycleCreate(StrictInput):
    facility_id: int = Field(ge=1)
    code: str = Field(pattern=CODE)
    name: Name = Field(min_length=1, max_length=200)
    starts_at: datetime
    ends_at: datetime
    shift_hours: int = Field(default=8, ge=1, le=24)
    changeover_shifts: int = Field(default=0, ge=0, le=30)
    instrument_ids: list[int] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _order(self) -> CycleCreate:
        require_aware("starts_at", self.starts_at)
        require_aware("ends_at", self.ends_at)
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at: the cycle must end after it starts")
        if 24 % self.shift_hours:
            raise ValueError("shift_hours: must divide a day (1, 2, 3, 4, 6, 8, 12 or 24)")
        return self


class CycleRead(Output):
    id: int
    facility_id: int
    code: str
    name: str
    starts_at: datetime
    ends_at: datetime
    shift_hours: int
    changeover_shifts: int
    status: CycleStatus
    instrument_ids: str
    solve_report: str
    review_call_id: int | None = None


class SendToReview(StrictInput):
    reviews_due: date
    reviewers_per_proposal: int = Field(default=2, ge=1, le=10)
    max_load: int = Field(default=8, ge=1, le=200)


class ProposalCreate(StrictInput):
    instrument_id: int = Field(ge=1)
    title: Name = Field(min_length=3, max_length=300)
    abstract: str = Field(default="", max_length=20_000)
    shifts_requested: int = Field(ge=1, le=500)
    setup: str = Field(default="standard", min_length=1, max_length=60)
    unavailable_dates: list[str] = Field(default_factory=list, max_length=400)
    local_contact_id: int | None = Field(default=None, ge=1)
    organisation_id: int | None = Field(default=None, ge=1)

    @field_validator("unavailable_dates")
    @classmethod
    def _dates(cls, v: list[str]) -> list[str]:
        from datetime import date

        for item in v:
            try:
                date.fromisoformat(item)
            except ValueError:
                raise ValueError(f"{item!r} is not a date; use YYYY-MM-DD") from None
        return sorted(set(v))


class ProposalScore(StrictInput):
    score: Decimal = Field(ge=0, le=1000, max_digits=8, decimal_places=3)
    shifts_awarded: int | None = Field(default=None, ge=0, le=500)


class ProposalRead(Output):
    id: int
    cycle_id: int
    instrument_id: int
    person_id: int
    title: str
    shifts_requested: int
    setup: str
    unavailable_dates: str
    local_contact_id: int | None
    score: Decimal | None
    rank: int | None
    shifts_awarded: int | None
    status: str
    review_proposal_id: int | None = None


class SlotEdit(StrictInput):
    # None takes the experiment off the schedule.
    start_shift: int | None = Field(ge=0, le=100_000)


class SlotRead(Output):
    id: int
    proposal_id: int
    instrument_id: int
    start_shift: int
    end_shift: int
    starts_at: datetime
    ends_at: datetime
    title: str = ""


class ScheduleRead(Output):
    cycle: CycleRead
    report: dict[str, Any]
    slots: list[SlotRead]
