"""Validated input and output for calls, proposals, conflicts, assignments, reviews,
the committee and decisions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from labline.review.models import CallStatus, ConflictRule, ProposalStatus, Stance
from labline.schemas import Name, Output, StrictInput

CODE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"


class CriterionCreate(StrictInput):
    code: str = Field(pattern=CODE)
    name_zh: Name = Field(min_length=1, max_length=120)
    name_en: Name = Field(min_length=1, max_length=120)
    scale_min: int = Field(default=1, ge=0, le=100)
    scale_max: int = Field(default=9, ge=1, le=100)
    weight: float = Field(default=1.0, gt=0, le=100)
    is_originality: bool = False

    @model_validator(mode="after")
    def _scale(self) -> CriterionCreate:
        if self.scale_max <= self.scale_min:
            raise ValueError("scale_max: must be greater than scale_min")
        return self


class CriterionRead(Output):
    id: int
    code: str
    name_zh: str
    name_en: str
    scale_min: int
    scale_max: int
    weight: float
    is_originality: bool


def _dates(value: str) -> str:
    items = [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]
    for item in items:
        try:
            date.fromisoformat(item)
        except ValueError:
            raise ValueError(f"{item!r} is not a date (YYYY-MM-DD)") from None
    return ",".join(sorted(set(items)))


class CallCreate(StrictInput):
    code: str = Field(pattern=CODE)
    title_zh: Name = Field(min_length=1, max_length=300)
    title_en: Name = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=10_000)
    budget: Decimal = Field(max_digits=16, decimal_places=2)
    max_request: Decimal | None = Field(default=None, max_digits=16, decimal_places=2)
    reviewers_per_proposal: int = Field(default=3, ge=1, le=20)
    max_load: int = Field(default=8, ge=1, le=1000)
    min_load: int = Field(default=0, ge=0, le=1000)
    opens_on: date
    closes_on: date
    reviews_due: date
    decision_working_days: int = Field(default=30, ge=1, le=365)
    holidays: str = Field(default="", max_length=20_000)
    extra_workdays: str = Field(default="", max_length=5000)
    coauthor_years: int = Field(default=3, ge=0, le=50)
    calibration_min_reviews: int = Field(default=3, ge=0, le=100)
    split_band: float = Field(default=1 / 3, gt=0, lt=0.5)
    originality_threshold: float = Field(default=0.7, ge=0, le=1)
    uncertain_top_share: float = Field(default=0.0, ge=0, le=1)
    criteria: list[CriterionCreate] = Field(min_length=1, max_length=20)

    _holidays = field_validator("holidays", "extra_workdays")(_dates)

    # (Constraints on Decimal fields are checked here: their limits are not JSON-friendly.)
    @field_validator("budget")
    @classmethod
    def _budget(cls, v: Decimal) -> Decimal:
        if v < 0:
            raise ValueError("the budget cannot be negative")
        return v

    @field_validator("max_request")
    @classmethod
    def _max_request(cls, v: Decimal | None) -> Decimal | None:
        if v is not None and v <= 0:
            raise ValueError("must be more than 0 (or left out for no limit)")
        return v

    @field_validator("opens_on", "closes_on", "reviews_due")
    @classmethod
    def _plausible(cls, v: date) -> date:
        if not date(2000, 1, 1) <= v <= date(2100, 12, 31):
            raise ValueError("must be between 2000-01-01 and 2100-12-31")
        return v

    # The order of the dates, each its field's own check (a model's check runs only once
    # every field is valid): a form shows them together with the other errors.
    @field_validator("closes_on")
    @classmethod
    def _after_opening(cls, v: date, info: ValidationInfo) -> date:
        opens = info.data.get("opens_on")
        if opens is not None and v < opens:
            raise ValueError("must be on or after opens_on")
        return v

    @field_validator("reviews_due")
    @classmethod
    def _after_closing(cls, v: date, info: ValidationInfo) -> date:
        closes = info.data.get("closes_on")
        if closes is not None and v < closes:
            raise ValueError("must be on or after closes_on")
        return v

    @model_validator(mode="after")
    def _rules(self) -> CallCreate:
        if self.min_load > self.max_load:
            raise ValueError("min_load: must not exceed max_load")
        codes = [c.code for c in self.criteria]
        if len(set(codes)) != len(codes):
            raise ValueError("criteria: each criterion needs its own code")
        if self.max_request is not None and self.max_request > self.budget:
            raise ValueError("max_request: cannot exceed the call's budget")
        return self


class CallRead(Output):
    id: int
    code: str
    title_zh: str
    title_en: str
    description: str
    budget: Decimal
    max_request: Decimal | None
    reviewers_per_proposal: int
    max_load: int
    min_load: int
    opens_on: date
    closes_on: date
    reviews_due: date
    decision_working_days: int
    holidays: str
    extra_workdays: str
    coauthor_years: int
    calibration_min_reviews: int
    split_band: float
    originality_threshold: float
    uncertain_top_share: float
    status: CallStatus
    criteria: list[CriterionRead]


class CallClock(Output):
    """The working-day clock: when the decision is due and how many working days are left."""

    call: CallRead
    decision_due: date
    working_days_left: int
    proposals: int


class ProposalImport(StrictInput):
    """A proposal submitted elsewhere (a beamtime cycle) brought into a review call; `ref`
    is the source's id, named in errors."""

    ref: str = Field(min_length=1, max_length=40)
    applicant_id: int = Field(ge=1)
    organisation_id: int | None = Field(default=None, ge=1)
    title_zh: str = Field(default="", max_length=300)
    title_en: str = Field(default="", max_length=300)
    abstract_zh: str = Field(default="", max_length=20_000)
    abstract_en: str = Field(default="", max_length=20_000)
    keywords: str = Field(default="", max_length=500)
    requested_budget: Decimal = Field(gt=0, max_digits=16, decimal_places=2)
    submitted_at: datetime | None = None


class ProposalCreate(StrictInput):
    call_id: int = Field(ge=1)
    organisation_id: int = Field(ge=1)
    title_zh: Name = Field(default="", max_length=300)
    title_en: Name = Field(default="", max_length=300, validate_default=True)
    abstract_zh: str = Field(default="", max_length=20_000)
    abstract_en: str = Field(default="", max_length=20_000, validate_default=True)
    keywords: str = Field(default="", max_length=500)
    requested_budget: Decimal = Field(max_digits=16, decimal_places=2)
    avoid_reviewer_ids: list[int] = Field(default_factory=list, max_length=10)

    @field_validator("requested_budget")
    @classmethod
    def _requested(cls, v: Decimal) -> Decimal:
        if v <= 0:
            raise ValueError("must be more than 0")
        return v

    # Each a field's own check (a model's check runs only once every field is valid), so
    # that a form shows them together with the others, beside the English field.
    @field_validator("title_en")
    @classmethod
    def _a_title(cls, v: str, info: ValidationInfo) -> str:
        if not (v or info.data.get("title_zh")):
            raise ValueError("give a title in Chinese or English (or both)")
        return v

    @field_validator("abstract_en")
    @classmethod
    def _an_abstract(cls, v: str, info: ValidationInfo) -> str:
        if not (v or info.data.get("abstract_zh")):
            raise ValueError("give an abstract in Chinese or English (or both)")
        return v


class ProposalRead(Output):
    id: int
    call_id: int
    applicant_id: int
    organisation_id: int
    title_zh: str
    title_en: str
    abstract_zh: str
    abstract_en: str
    keywords: str
    requested_budget: Decimal
    status: ProposalStatus
    submitted_at: datetime | None
    decision_reason: str
    awarded: Decimal | None


class RankedRead(Output):
    """A proposal as the committee sees it: scores, ranks, spread and the track."""

    id: int
    title_zh: str
    title_en: str
    requested_budget: Decimal
    status: ProposalStatus
    raw_score: float | None
    calibrated_score: float | None
    raw_rank: int | None
    calibrated_rank: int | None
    score_spread: float | None
    split: bool
    non_consensus: bool
    non_consensus_reasons: str
    by_lottery: bool
    awarded: Decimal | None


class PanelAdd(StrictInput):
    person_ids: list[int] = Field(min_length=1, max_length=5000)
    max_load: int | None = Field(default=None, ge=1, le=1000)


class PublicationCreate(StrictInput):
    kind: str = Field(default="paper", pattern=r"^(paper|patent)$")
    title: Name = Field(min_length=1, max_length=500)
    keywords: str = Field(default="", max_length=500)
    abstract: str = Field(default="", max_length=20_000)
    year: int = Field(ge=1900, le=2100)
    author_ids: list[int] = Field(min_length=1, max_length=100)


class PublicationRead(Output):
    id: int
    kind: str
    title: str
    year: int


class AliasCreate(StrictInput):
    organisation_id: int = Field(ge=1)
    same_as_id: int = Field(ge=1)


class AliasRead(Output):
    id: int
    organisation_id: int
    same_as_id: int


class ConflictDeclare(StrictInput):
    reason: str = Field(min_length=1, max_length=500)


class AvoidRequest(StrictInput):
    reviewer_ids: list[int] = Field(min_length=1, max_length=10)
    reason: str = Field(default="", max_length=500)


class ConflictRead(Output):
    proposal_id: int
    reviewer_id: int
    rule: ConflictRule
    detail: str


class AssignmentRun(StrictInput):
    fairness_floor: float | None = Field(default=None, ge=0, le=100)
    randomised: bool = False
    max_pair_probability: float = Field(default=1.0, gt=0, le=1)
    alternates: int = Field(default=2, ge=0, le=5)
    seed: int | None = Field(default=None, ge=0, lt=2**31)


class AssignmentReport(Output):
    pairs: int
    alternates: int
    objective: float
    bound: float
    ratio: float
    seconds: float
    status: str
    conflicts: int


class AssignmentRead(Output):
    id: int
    proposal_id: int
    reviewer_id: int
    kind: str
    alternate_rank: int | None
    affinity: float
    source: str
    is_active: bool


class OverrideCreate(StrictInput):
    remove_reviewer_id: int | None = Field(default=None, ge=1)
    add_reviewer_id: int | None = Field(default=None, ge=1)
    reason: str = Field(min_length=3, max_length=500)

    @model_validator(mode="after")
    def _something(self) -> OverrideCreate:
        if self.remove_reviewer_id is None and self.add_reviewer_id is None:
            raise ValueError("add_reviewer_id: name a reviewer to add or one to remove")
        return self


class ScoreIn(StrictInput):
    criterion: str = Field(pattern=CODE)
    score: int
    comment: str = Field(default="", max_length=5000)


class ReviewSubmit(StrictInput):
    scores: list[ScoreIn] = Field(min_length=1, max_length=20)
    confidence: int = Field(default=3, ge=1, le=5)
    comment: str = Field(default="", max_length=20_000)


class ScoreRead(Output):
    criterion_id: int
    score: int
    comment: str


class ReviewRead(Output):
    id: int
    proposal_id: int
    # None where the reader may not know who wrote it (applicants, fellow reviewers).
    reviewer_id: int | None
    confidence: int
    comment: str
    overall: float
    submitted_at: datetime | None
    scores: list[ScoreRead]


class AnalysisReport(Output):
    reviewed: int
    calibrated_reviewers: int
    split: int
    non_consensus: int


class TicketCreate(StrictInput):
    reason: str = Field(min_length=10, max_length=5000)


class TicketRead(Output):
    id: int
    call_id: int
    proposal_id: int
    expert_id: int
    reason: str
    at: datetime


class NoteCreate(StrictInput):
    stance: Stance
    text: str = Field(min_length=1, max_length=10_000)


class NoteRead(Output):
    id: int
    proposal_id: int
    author_id: int
    stance: Stance
    text: str
    at: datetime


class DecideRequest(StrictInput):
    # Non-consensus proposals the committee funds outright, before the funding line.
    fund_non_consensus: list[int] = Field(default_factory=list, max_length=100)
    # Calibrated scores this close to the line cannot be told apart: they go to a draw.
    tie_tolerance: float = Field(default=0.02, ge=0, le=1)
    seed: int | None = Field(default=None, ge=0, lt=2**31)
    waitlist: int = Field(default=5, ge=0, le=1000)


class LotteryRead(Output):
    id: int
    call_id: int
    seed: int
    slots: int
    candidates: str
    inputs_sha256: str
    order: str
    winners: str
    at: datetime


class DecisionReport(Output):
    funded: int
    waitlisted: int
    rejected: int
    amount: Decimal
    lottery: LotteryRead | None


class ReplayRead(Output):
    same: bool
    seed: int
    inputs_sha256: str
    order: list[str]
    winners: list[str]


class FiguresRead(Output):
    proposals: int
    funded: int
    amount: float
    non_consensus_funded: int
