"""Valuation input and output."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Stage = Literal["preclinical", "phase1", "phase2", "phase3", "filing", "market"]


class CashFlowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=0, le=100, description="Years from today; discounted at the year's end.")
    amount: Decimal = Field(
        max_digits=18, decimal_places=2, description="Signed amount (costs negative)."
    )
    stage: Stage


class RnpvRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rate: Decimal = Field(gt=-1, le=1, description="Annual discount rate, e.g. 0.10.")
    stage: Stage = Field(description="The stage the asset is in today.")
    cashflows: list[CashFlowIn] = Field(min_length=1, max_length=1000)
    probabilities: dict[Stage, Decimal] | None = Field(
        default=None,
        description="Passing probability per stage (to the next one), overriding the table.",
    )


class StageValueRead(BaseModel):
    stage: Stage
    probability: Decimal
    npv: Decimal
    rnpv: Decimal


class RnpvRead(BaseModel):
    npv: Decimal
    rnpv: Decimal
    probability_of_approval: Decimal
    by_stage: list[StageValueRead]
    probabilities: dict[str, Decimal]
    source: str


class SuccessRates(BaseModel):
    """The stage table: data an operator can replace (file in the data folder)."""

    name: str
    source: str = Field(min_length=1)
    passing: dict[Stage, Decimal]
