"""Ledger input and output."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from labline.schemas import StrictInput

Amount = Field(gt=0, max_digits=16, decimal_places=2)


class SalesLine(StrictInput):
    model_config = ConfigDict(extra="forbid")

    product: str = Field(min_length=1, max_length=200)
    territory: str = Field(min_length=1, max_length=100)
    net_sales: Decimal = Field(ge=0, max_digits=18, decimal_places=2)


class RoyaltyReportCreate(StrictInput):
    model_config = ConfigDict(extra="forbid")

    period_start: date
    period_end: date
    lines: list[SalesLine] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _ordered(self) -> RoyaltyReportCreate:
        if self.period_end < self.period_start:
            raise ValueError("period_end must be on or after period_start")
        if (self.period_end - self.period_start).days > 366:
            raise ValueError("a report covers at most one year")
        return self


class MilestoneAchieved(StrictInput):
    model_config = ConfigDict(extra="forbid")

    milestone_id: int
    achieved_on: date


class PaymentCreate(StrictInput):
    model_config = ConfigDict(extra="forbid")

    amount: Decimal = Amount
    currency: str = Field(min_length=3, max_length=3)
    received_on: date


class PaymentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    amount: Decimal
    currency: str
    received_on: date


class InvoiceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    description: str
    amount: Decimal
    currency: str
    amount_cny: Decimal
    issued_on: date
    due_on: date
    paid: Decimal
    outstanding: Decimal
    overdue: bool
    payments: list[PaymentRead]


class ReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    period_start: date
    period_end: date
    net_sales: Decimal
    royalty: Decimal
    minimum_applied: bool


class Totals(BaseModel):
    """In the contract's currency, and in yuan: invoiced = paid + outstanding; `due` is
    what was invoiced with its due day come, `overdue` what of it is still unpaid."""

    invoiced: Decimal
    due: Decimal
    paid: Decimal
    outstanding: Decimal
    overdue: Decimal
    invoiced_cny: Decimal
    due_cny: Decimal
    paid_cny: Decimal
    outstanding_cny: Decimal
    overdue_cny: Decimal


class CnyTotals(BaseModel):
    invoiced: Decimal
    due: Decimal
    paid: Decimal
    outstanding: Decimal
    overdue: Decimal


class ContractBook(BaseModel):
    contract_id: int
    registration_no: str
    side: str  # licensor (owed) | licensee (owes)
    counterparty_id: int
    counterparty: str
    currency: str
    totals: Totals


class OrganisationBooks(BaseModel):
    """An organisation's licence ledgers, each in its contract's currency and in yuan, and
    summed in yuan: what it is owed (as licensor) and what it owes (as licensee)."""

    organisation_id: int
    contracts: list[ContractBook]
    receivable_cny: CnyTotals
    payable_cny: CnyTotals


class Ledger(BaseModel):
    contract_id: int
    currency: str
    offer_id: int | None
    invoices: list[InvoiceRead]
    reports: list[ReportRead]
    milestones_due: list[dict[str, object]]  # milestones of the terms not yet invoiced
    totals: Totals
