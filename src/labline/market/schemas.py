"""Validated input and output for needs, achievements, access, suggestions and feedback
(the sub-features keep theirs: deals/, figures/, profiles/, watches/).

Every rule names its field, says what is wrong and what is allowed; the services re-check
what needs the database (the organisation exists, the state allows the change).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from labline import clock
from labline.core import refdata
from labline.market.models import (
    AccessStatus,
    AchievementKind,
    CloseReason,
    FeedbackAction,
    Mode,
    State,
)
from labline.schemas import Name, Output, StrictInput

TEXT = 20_000  # characters in a long text field; a 50 MB description is refused
MONEY = {"max_digits": 14, "decimal_places": 2}
RECORD_ACTIONS = ("submit", "publish", "return", "negotiate", "reopen", "close")


def _industry(value: str) -> str:
    if not refdata.is_industry_code(value):
        raise ValueError(
            "unknown industry code; use a GB/T 4754 code such as 3825 (photovoltaic equipment)"
        )
    return value


def _modes(value: list[Mode]) -> list[Mode]:
    if not value:
        raise ValueError(
            f"choose at least one cooperation mode: {', '.join(m.value for m in Mode)}"
        )
    return sorted(set(value), key=list(Mode).index)


def _modes_in(value: object) -> object:
    # Forms, CSV cells and the CLI give modes as "transfer, joint_development".
    if isinstance(value, str):
        return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
    return value


def not_negative(v: Decimal | None) -> Decimal | None:
    """A money amount's check: none, or zero and more."""
    if v is not None and v < 0:
        raise ValueError("cannot be negative")
    return v


class _CodedRecord(StrictInput):
    """The checks needs and achievements share: a GB/T 4754 industry code and at least one
    cooperation mode (given as a list, or as text "transfer, joint_development")."""

    @field_validator("industry_code", check_fields=False)
    @classmethod
    def _industry_ok(cls, v: str) -> str:
        return _industry(v)

    @field_validator("modes", mode="before", check_fields=False)
    @classmethod
    def _modes_text(cls, v: object) -> object:
        return _modes_in(v)

    @field_validator("modes", check_fields=False)
    @classmethod
    def _modes_ok(cls, v: list[Mode]) -> list[Mode]:
        return _modes(v)


class NeedFields(_CodedRecord):
    title: Name = Field(min_length=4, max_length=200)
    summary: str = Field(default="", max_length=5000)
    problem: str = Field(default="", max_length=TEXT)
    requirements: str = Field(default="", max_length=TEXT)
    field: str = Field(default="", max_length=200)
    industry_code: str = Field(max_length=4)
    budget_min: Decimal | None = Field(default=None, **MONEY)  # type: ignore[call-overload]
    budget_max: Decimal | None = Field(default=None, **MONEY)  # type: ignore[call-overload]
    deadline: date | None = None
    modes: list[Mode] = Field(default_factory=lambda: [Mode.transfer], max_length=6)
    min_readiness: int | None = Field(default=None, ge=1, le=9)
    language: Literal["zh", "en"] = "zh"

    @field_validator("budget_min", "budget_max")
    @classmethod
    def _budget(cls, v: Decimal | None) -> Decimal | None:
        return not_negative(v)

    # A field's own check (not the model's, which runs only once every field is valid): a
    # form shows this error together with the others, beside its field.
    @field_validator("budget_max")
    @classmethod
    def _budget_range(cls, v: Decimal | None, info: ValidationInfo) -> Decimal | None:
        low = info.data.get("budget_min")
        if v is not None and low is not None and low > v:
            raise ValueError("must be at least budget_min")
        return v


def check_deadline(deadline: date | None, today: date | None = None) -> None:
    """A new or changed deadline must lie ahead (a year at most is not required): after the
    platform's today, which later finds it passed (`clock.today`)."""
    today = today or clock.today()
    if deadline is not None and deadline <= today:
        raise ValueError("deadline: must be after today")
    if deadline is not None and deadline > today + timedelta(days=3660):
        raise ValueError("deadline: must be within ten years")


class NeedCreate(NeedFields):
    organisation_id: int = Field(ge=1)

    @field_validator("deadline")
    @classmethod
    def _future(cls, v: date | None) -> date | None:
        try:
            check_deadline(v)
        except ValueError as exc:  # "deadline: why", said of this field
            raise ValueError(str(exc).removeprefix("deadline: ")) from None
        return v


class NeedPatch(StrictInput):
    title: Name | None = None
    summary: str | None = None
    problem: str | None = None
    requirements: str | None = None
    field: str | None = None
    industry_code: str | None = None
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    deadline: date | None = None
    modes: list[Mode] | None = None
    min_readiness: int | None = None
    language: Literal["zh", "en"] | None = None

    @field_validator("modes", mode="before")
    @classmethod
    def _modes_text(cls, v: object) -> object:
        return _modes_in(v)


class AchievementFields(_CodedRecord):
    kind: AchievementKind
    title: Name = Field(min_length=4, max_length=200)
    summary: str = Field(default="", max_length=5000)
    details: str = Field(default="", max_length=TEXT)
    field: str = Field(default="", max_length=200)
    industry_code: str = Field(max_length=4)
    readiness: int = Field(ge=1, le=9)
    ip_status: str = Field(default="", max_length=60)
    ip_numbers: str = Field(default="", max_length=300)
    owners: Name = Field(default="", max_length=300)
    inventors: str = Field(default="", max_length=300)
    price: Decimal | None = Field(default=None, **MONEY)  # type: ignore[call-overload]
    modes: list[Mode] = Field(default_factory=lambda: [Mode.transfer], max_length=6)
    language: Literal["zh", "en"] = "zh"
    team_id: int | None = Field(default=None, ge=1)

    @field_validator("price")
    @classmethod
    def _price(cls, v: Decimal | None) -> Decimal | None:
        return not_negative(v)


class AchievementCreate(AchievementFields):
    organisation_id: int = Field(ge=1)


class AchievementPatch(StrictInput):
    kind: AchievementKind | None = None
    title: Name | None = None
    summary: str | None = None
    details: str | None = None
    field: str | None = None
    industry_code: str | None = None
    readiness: int | None = None
    ip_status: str | None = None
    ip_numbers: str | None = None
    owners: Name | None = None
    inventors: str | None = None
    price: Decimal | None = None
    modes: list[Mode] | None = None
    language: Literal["zh", "en"] | None = None
    team_id: int | None = None

    @field_validator("modes", mode="before")
    @classmethod
    def _modes_text(cls, v: object) -> object:
        return _modes_in(v)


class Transition(StrictInput):
    action: Literal["submit", "publish", "return", "negotiate", "reopen", "close"]
    reason: str = Field(default="", max_length=2000)
    close_reason: CloseReason | None = None

    @model_validator(mode="after")
    def _rules(self) -> Transition:
        if self.action == "return" and not self.reason:
            raise ValueError("reason: say why the record is sent back, so its owner can fix it")
        if self.action == "close" and self.close_reason is None:
            raise ValueError(
                "close_reason: required to close; one of " + ", ".join(c.value for c in CloseReason)
            )
        return self


class AccessRequest(StrictInput):
    nda_accepted: bool

    @field_validator("nda_accepted")
    @classmethod
    def _accepted(cls, v: bool) -> bool:
        if not v:
            raise ValueError("accept the non-disclosure terms to ask for the details")
        return v


class AccessDecision(StrictInput):
    admit: bool


class AccessRead(Output):
    id: int
    record_kind: str
    record_id: int
    person_id: int
    status: AccessStatus
    nda_accepted_at: datetime


# --- output ---------------------------------------------------------------------------------------


class _RecordPublic(Output):
    id: int
    organisation_id: int
    title: str
    summary: str
    field: str
    industry_code: str
    region_code: str | None
    modes: list[str]
    language: str
    state: State
    close_reason: CloseReason | None
    published_at: datetime | None
    details_visible: bool = False

    @field_validator("modes", mode="before")
    @classmethod
    def _split(cls, v: object) -> object:
        return [m for m in v.split(",") if m] if isinstance(v, str) else v


class NeedPublic(_RecordPublic):
    """What anyone sees of a need: never its problem, requirements or budget."""

    deadline: date | None
    min_readiness: int | None


class NeedRead(NeedPublic):
    """A need in full, for its enterprise, operators and admitted parties."""

    problem: str
    requirements: str
    budget_min: Decimal | None
    budget_max: Decimal | None
    screening_note: str
    created_by_id: int | None


class AchievementPublic(_RecordPublic):
    kind: AchievementKind
    readiness: int
    ip_status: str
    owners: str
    price: Decimal | None
    team_id: int | None


class AchievementRead(AchievementPublic):
    details: str
    ip_numbers: str
    inventors: str
    screening_note: str
    created_by_id: int | None


class FeedbackCreate(StrictInput):
    need_id: int = Field(ge=1)
    achievement_id: int = Field(ge=1)
    side: Literal["need", "achievement"]
    action: FeedbackAction
    reason: str = Field(default="", max_length=500)
    rank: int | None = Field(default=None, ge=1, le=1000)
    score: float | None = Field(default=None, ge=-1000, le=1000)

    @model_validator(mode="after")
    def _reason(self) -> FeedbackCreate:
        if self.action == FeedbackAction.dismiss and not self.reason:
            raise ValueError("reason: say why the suggestion does not fit (it teaches the matcher)")
        return self


class FeedbackRead(Output):
    id: int
    need_id: int
    achievement_id: int
    side: str
    action: FeedbackAction
    reason: str
    rank: int | None
    created_at: datetime


class QualityRead(Output):
    suggestions_judged: int
    accepted: int
    contacted: int
    dismissed: int
    precision: float | None
    acceptance_rate: float | None
    dismiss_reasons: dict[str, int]


class ImportReport(Output):
    kind: str
    imported: int
    ids: list[int]
