"""Validated input and output for the committee's discussion and for staged funding."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from labline.review.models import MilestoneStatus, PostStance
from labline.schemas import Output, StrictInput

# A post is a paragraph or a page, not a document: 10,000 characters is about five pages.
MAX_POST = 10_000


class PostCreate(StrictInput):
    text: str = Field(min_length=1, max_length=MAX_POST)
    reply_to: int | None = Field(default=None, ge=1)
    stance: PostStance | None = None


class PostUpdate(StrictInput):
    text: str = Field(min_length=1, max_length=MAX_POST)


class PostRead(Output):
    id: int
    proposal_id: int
    parent_id: int | None
    author_id: int
    stance: PostStance | None
    text: str
    at: datetime
    edited_at: datetime | None


class MilestoneIn(StrictInput):
    title: str = Field(min_length=1, max_length=200)
    due_on: date
    amount: Decimal = Field(gt=0, max_digits=16, decimal_places=2)


class MilestonePlan(StrictInput):
    milestones: list[MilestoneIn] = Field(min_length=1, max_length=24)


class MilestoneReport(StrictInput):
    evidence: str = Field(min_length=10, max_length=MAX_POST)


class MilestoneWithhold(StrictInput):
    reason: str = Field(min_length=10, max_length=2_000)


class MilestoneRead(Output):
    id: int
    position: int
    title: str
    due_on: date
    amount: Decimal
    status: MilestoneStatus
    report: str
    reported_at: datetime | None
    decided_at: datetime | None
    withheld_reason: str


class FundingRead(Output):
    proposal_id: int
    awarded: Decimal
    planned: Decimal
    released: Decimal
    withheld: Decimal
    remaining: Decimal  # awarded minus released
    milestones: list[MilestoneRead]
