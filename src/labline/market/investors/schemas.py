"""Investor input and output."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field

from labline.schemas import Output, Page, StrictInput

InvestorKind = Literal["guidance_fund", "venture_fund", "corporate_venture"]
FollowKind = Literal["field", "region", "project", "achievement", "team"]


class InvestorCreate(StrictInput):
    """An investor's profile: for which organisation (one the person holds the investor
    role for), as which kind of investor. An operator may name the person; everyone else
    registers themselves."""

    model_config = ConfigDict(extra="forbid")

    organisation_id: int = Field(ge=1)
    kind: InvestorKind
    thesis: str = Field(default="", max_length=2000)
    person_id: int | None = Field(default=None, ge=1)


class FollowCreate(StrictInput):
    model_config = ConfigDict(extra="forbid")

    kind: FollowKind
    value: str = Field(min_length=1, max_length=12, pattern=r"^[0-9A-Za-z]+$")


class IntroductionCreate(StrictInput):
    model_config = ConfigDict(extra="forbid")

    achievement_id: int = Field(ge=1)
    note: str = Field(default="", max_length=2000)


class InvestorSummary(Output):
    id: int
    person_id: int
    person_name: str
    person_name_en: str
    organisation_id: int
    name_zh: str
    name_en: str
    kind: str
    thesis: str


class FollowRead(Output):
    id: int
    kind: str
    value: str
    label: str


class FollowChoice(Output):
    """A suggestion of a follow picker: the id to follow and its name(s)."""

    value: str
    label: str


class FeedItem(Output):
    kind: str  # achievement | team | project
    id: int
    title: str
    why: str  # which follow brought it


class BoardDeal(Output):
    id: int
    title: str
    other_party: str
    due_on: date | None
    overdue: bool


class BoardColumn(Output):
    state: str
    deals: list[BoardDeal]


class InvestorRead(Output):
    investor: InvestorSummary
    follows: list[FollowRead]
    feed: Page[FeedItem]  # one page; `GET …/{investor_id}/feed?page=` pages on
    board: list[BoardColumn]


class IntroductionRead(Output):
    deal_id: int
    state: str
