"""A decision letter, declared once: the letters service builds it, the pages and files
render it, and the API returns it (the fields only the rendering needs stay out of JSON)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field, computed_field

from labline.schemas import Output


class LetterScore(Output):
    criterion: str
    score: int
    scale_max: int


class LetterReview(Output):
    label: str  # "Reviewer 1", never a name
    overall: float
    scores: list[LetterScore]
    comment: str


class LetterStatement(Output):
    what: str  # what it is ("A vote to fund"), unsigned
    text: str


class LetterClock(Output):
    submitted_on: date | None
    closes_on: date
    decided_on: date | None
    decision_due: date
    working_days_used: int | None  # from the call's close to the decision
    working_days_limit: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def on_time(self) -> bool:
        return self.working_days_used is not None and (
            self.working_days_used <= self.working_days_limit
        )


class Letter(Output):
    proposal_id: int
    call_id: int
    language: str
    decision: str  # funded | waitlisted | not_funded | not_eligible
    lottery: str | None  # won | not_drawn | None
    headline: str
    requested: Decimal
    amount: Decimal | None
    reasons: list[str]
    reviews: list[LetterReview]
    committee: list[LetterStatement]
    clock: LetterClock
    issued_at: datetime | None
    text: str = ""  # the plain-text letter, filled in where it is rendered (the API)
    # For the rendering only (the page, files): not part of the API's JSON.
    call_code: str = Field(exclude=True)
    call_title: str = Field(exclude=True)
    title: str = Field(exclude=True)
    applicant: str = Field(exclude=True)
    organisation: str = Field(exclude=True)
    labels: dict[str, str] = Field(default_factory=dict, exclude=True)


class LetterIssueRead(Output):
    call_id: int
    letters: int
    at: datetime
