"""Cap table input and output."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from labline.market.deals.schemas import CURRENCIES
from labline.schemas import Output, StrictInput

OcfId = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:-]+$")


class NewStakeholder(StrictInput):
    model_config = ConfigDict(extra="forbid")

    legal_name: str = Field(min_length=1, max_length=200)
    stakeholder_type: Literal["INDIVIDUAL", "INSTITUTION"] = "INSTITUTION"
    relationship: Literal["FOUNDER", "INVESTOR", "EMPLOYEE", "ADVISOR", "OTHER"] = "INVESTOR"
    organisation_id: int | None = None


class IssuanceCreate(StrictInput):
    """Shares issued in an equity deal: to a stakeholder already on the table, or a new one."""

    model_config = ConfigDict(extra="forbid")

    stakeholder_id: str | None = Field(default=None, max_length=200)
    new_stakeholder: NewStakeholder | None = None
    stock_class_id: str = Field(min_length=1, max_length=200)
    quantity: Decimal = Field(gt=0, max_digits=25, decimal_places=10)
    share_price: Decimal = Field(ge=0, max_digits=25, decimal_places=10)
    currency: str = Field(default="CNY", min_length=3, max_length=3)
    issued_on: date
    deal_id: int | None = None
    team_id: int | None = None  # the company's team the money funds

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        if v.upper() not in CURRENCIES:
            raise ValueError(f"unknown currency; one of {', '.join(CURRENCIES)}")
        return v.upper()

    @model_validator(mode="after")
    def _who(self) -> IssuanceCreate:
        if (self.stakeholder_id is None) == (self.new_stakeholder is None):
            raise ValueError("give stakeholder_id or new_stakeholder, not both")
        return self


class HolderRow(Output):
    stakeholder_id: str
    legal_name: str
    stakeholder_type: str
    relationship: str | None
    organisation_id: int | None
    shares: dict[str, Decimal]  # stock class id -> shares
    total: Decimal
    percent: Decimal  # of all shares issued
    votes: Decimal
    invested_cny: Decimal


class ClassRow(Output):
    id: str
    name: str
    class_type: str
    authorized: str
    issued: Decimal
    votes_per_share: Decimal
    seniority: Decimal
    price_per_share: Decimal | None
    currency: str | None
    liquidation_preference_multiple: Decimal | None


class IssuanceRow(Output):
    id: str
    security_id: str
    custom_id: str
    stakeholder_id: str
    stock_class_id: str
    quantity: Decimal
    share_price: Decimal
    currency: str
    issued_on: date
    deal_id: int | None
    team_id: int | None


class TeamOption(Output):
    id: int
    name_zh: str
    name_en: str


class CapTableRead(Output):
    issuer_id: int
    issuer_name: str  # the OCF package's legal name
    issuer_name_zh: str = ""  # the company's names, for pages in the reader's language
    issuer_name_en: str = ""
    classes: list[ClassRow]
    holders: list[HolderRow]
    issuances: list[IssuanceRow]
    total_shares: Decimal
    total_invested_cny: Decimal
    can_edit: bool
    teams: list[TeamOption]  # the company's teams, which an issuance may name


class ImportRead(Output):
    issuer_id: int
    stakeholders: int
    stock_classes: int
    issuances: int
