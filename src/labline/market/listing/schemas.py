"""Listing readiness input and output."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import ConfigDict, Field

from labline.schemas import Output, StrictInput

Yuan = Field(default=Decimal(0), max_digits=18, decimal_places=2)


class ListingFigures(StrictInput):
    """A company's figures in yuan (the last financial years), for the SSE STAR Market."""

    model_config = ConfigDict(extra="forbid")

    market_value: Decimal = Field(ge=0, max_digits=18, decimal_places=2)
    revenue_last_year: Decimal = Field(default=Decimal(0), ge=0, max_digits=18, decimal_places=2)
    revenue_last_3_years: Decimal = Field(default=Decimal(0), ge=0, max_digits=18, decimal_places=2)
    rd_last_3_years: Decimal = Field(default=Decimal(0), ge=0, max_digits=18, decimal_places=2)
    net_profit_last_year: Decimal = Yuan
    net_profit_previous_year: Decimal = Yuan
    operating_cash_flow_last_3_years: Decimal = Yuan
    pharmaceutical: bool = False
    core_products_in_phase2: int = Field(default=0, ge=0, le=1000)
    technology_advantage: bool = False


FIGURE_FIELDS = frozenset(ListingFigures.model_fields)


class ListingEntryCreate(ListingFigures):
    """A company's figures to keep, with the last day of the financial years they cover."""

    period_end: date


class ListingEntryRead(Output):
    id: int
    organisation_id: int
    period_end: date
    market_value: Decimal
    revenue_last_year: Decimal
    revenue_last_3_years: Decimal
    rd_last_3_years: Decimal
    net_profit_last_year: Decimal
    net_profit_previous_year: Decimal
    operating_cash_flow_last_3_years: Decimal
    pharmaceutical: bool
    core_products_in_phase2: int
    technology_advantage: bool
    entered_by: str
    created_at: datetime


class CriterionRead(Output):
    criterion: str
    operator: str
    threshold: Decimal
    unit: str
    value: Decimal | None
    met: bool
    gap: Decimal
    rule_zh: str
    rule_en: str


class AlternativeRead(Output):
    alternative: str
    met: bool
    criteria: list[CriterionRead]


class StandardRead(Output):
    standard: int
    article: str
    met: bool
    alternatives: list[AlternativeRead]


class ReadinessRead(Output):
    source: str
    standards: list[StandardRead]
    met_any: bool
    met: list[int]


class ThresholdRead(Output):
    standard: int
    alternative: str
    criterion: str
    operator: str
    threshold: Decimal
    unit: str
    article: str
    rule_zh: str
    rule_en: str


class OrganisationReadinessRead(Output):
    """A company's latest figures against the standards, and every entry (newest first)."""

    organisation_id: int
    name_zh: str
    name_en: str
    latest: ListingEntryRead | None
    readiness: ReadinessRead | None
    history: list[ListingEntryRead]
