"""Licence offers in and out, and the comparison of a deal's offers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from labline.market.deals.schemas import CURRENCIES as CNY_RATES
from labline.market.valuation.schemas import Stage
from labline.schemas import StrictInput

# The currencies a contract may be written in (amounts are also kept in CNY).
CURRENCIES = tuple(CNY_RATES)
Money = Field(default=Decimal(0), ge=0, max_digits=16, decimal_places=2)


class TierIn(StrictInput):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    from_sales: Decimal = Field(ge=0, max_digits=18, decimal_places=2)
    to_sales: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    rate_percent: Decimal = Field(ge=0, le=100, max_digits=6, decimal_places=3)


class MilestoneIn(StrictInput):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    event: str = Field(min_length=1, max_length=200)
    amount: Decimal = Field(ge=0, max_digits=16, decimal_places=2)
    due_on: date | None = None
    trigger: str = Field(default="", max_length=200)
    stage: Stage = "market"


class OfferCreate(StrictInput):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=120)
    field_of_use: str = Field(default="", max_length=2000)
    territory: str = Field(default="", max_length=200)
    exclusivity: Literal["exclusive", "sole", "non_exclusive"]
    term_years: int = Field(ge=1, le=50)
    currency: str = Field(default="CNY", min_length=3, max_length=3)
    upfront_cash: Decimal = Money
    upfront_equity_percent: Decimal = Field(default=Decimal(0), ge=0, le=100, decimal_places=2)
    minimum_annual_royalty: Decimal | None = Field(
        default=None, ge=0, max_digits=16, decimal_places=2
    )
    sublicence_share_percent: Decimal = Field(default=Decimal(0), ge=0, le=100, decimal_places=2)
    patent_costs: Decimal = Field(default=Decimal(0), ge=0, max_digits=16, decimal_places=2)
    diligence: str = Field(default="", max_length=4000)
    tiers: list[TierIn] = Field(default_factory=list, max_length=20)
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=50)


class OfferRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    deal_id: int
    label: str
    proposed_by_side: str
    field_of_use: str
    territory: str
    exclusivity: str
    term_years: int
    currency: str
    upfront_cash: Decimal
    upfront_equity_percent: Decimal
    minimum_annual_royalty: Decimal | None
    sublicence_share_percent: Decimal
    patent_costs: Decimal
    diligence: str
    accepted_at: datetime | None
    contract_id: int | None
    tiers: list[TierIn]
    milestones: list[MilestoneIn]


class SalesYear(StrictInput):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=0, le=50)
    net_sales: Decimal = Field(ge=0, max_digits=18, decimal_places=2)


class CompareRequest(StrictInput):
    """How to value the offers: a discount rate, the asset's stage today and a sales forecast
    (the same for every offer, so that only the terms differ)."""

    model_config = ConfigDict(extra="forbid")

    rate: Decimal = Field(default=Decimal("0.10"), gt=-1, le=1)
    stage: Stage = "phase1"
    forecast: list[SalesYear] = Field(default_factory=list, max_length=50)


class OfferValue(BaseModel):
    offer: OfferRead
    npv: Decimal
    rnpv: Decimal
    rnpv_upfront: Decimal
    rnpv_milestones: Decimal
    rnpv_royalties: Decimal
    by_rate: list[tuple[Decimal, Decimal]]  # (discount rate, rNPV)
    by_probability: dict[str, tuple[Decimal, Decimal]]  # stage -> rNPV at p-0.1, p+0.1


class Comparison(BaseModel):
    deal_id: int
    rate: Decimal
    stage: str
    source: str
    offers: list[OfferValue]
    assumptions: list[str]
