"""Validated input and output for deals, their messages and contracts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from labline import clock
from labline.market.models import ContractKind, DealState
from labline.market.schemas import MONEY, not_negative
from labline.schemas import Output, StrictInput

# Reference rates to yuan for contracts signed in another currency (registry practice: the
# contract is registered at the rate of its signing month; these are 2026 averages).
CURRENCIES: dict[str, Decimal] = {
    "CNY": Decimal("1"),
    "USD": Decimal("7.10"),
    "EUR": Decimal("7.75"),
    "HKD": Decimal("0.91"),
    "JPY": Decimal("0.047"),
    "GBP": Decimal("9.05"),
}
REGISTRATION = r"^[0-9A-Za-z][0-9A-Za-z-]{5,39}$"
REGISTRATION = r"^[0-9A-Za-z][0-9A-Za-z-]{5,39}$"
DEAL_ACTIONS = ("introduce", "accept_nda", "negotiate", "deliver", "abandon")


class DealCreate(StrictInput):
    achievement_id: int = Field(ge=1)
    need_id: int | None = Field(default=None, ge=1)
    buyer_id: int | None = Field(
        default=None, ge=1, description="The buying organisation when there is no need"
    )
    note: str = Field(default="", max_length=5000)


class DealTransition(StrictInput):
    """introduce (interest → introduction), accept_nda (each side once; both → nda),
    negotiate (nda → negotiating), deliver (signed → delivered), abandon (with a reason).
    The contract itself (negotiating → signed) is registered through ContractCreate."""

    action: Literal["introduce", "accept_nda", "negotiate", "deliver", "abandon"]
    reason: str = Field(default="", max_length=500)
    side: Literal["buyer", "seller"] | None = Field(
        default=None,
        description="accept_nda: the side whose acceptance an operator records",
    )

    @model_validator(mode="after")
    def _reason(self) -> DealTransition:
        if self.action == "abandon" and not self.reason:
            raise ValueError("reason: say why the deal is abandoned")
        return self


class DealDue(StrictInput):
    """When the deal's next step is due; the service checks the stage's limits."""

    due_on: date


class MessageCreate(StrictInput):
    body: str = Field(min_length=1, max_length=5000)
    proposed_amount: Decimal | None = Field(default=None, **MONEY)  # type: ignore[call-overload]
    proposed_terms: str = Field(default="", max_length=5000)

    @field_validator("proposed_amount")
    @classmethod
    def _amount(cls, v: Decimal | None) -> Decimal | None:
        return not_negative(v)


class MessageRead(Output):
    id: int
    person_id: int | None
    body: str
    proposed_amount: Decimal | None
    proposed_terms: str
    created_at: datetime


class ContractCreate(StrictInput):
    kind: ContractKind
    amount: Decimal = Field(**MONEY)  # type: ignore[call-overload]
    currency: str = Field(default="CNY", min_length=3, max_length=3)
    signed_on: date
    registration_no: str = Field(pattern=REGISTRATION)

    @field_validator("amount")
    @classmethod
    def _amount(cls, v: Decimal) -> Decimal:
        if v < 0:
            raise ValueError("a contract amount cannot be negative")
        return v

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        if v.upper() not in CURRENCIES:
            raise ValueError(f"unknown currency; one of {', '.join(CURRENCIES)}")
        return v.upper()

    @field_validator("signed_on")
    @classmethod
    def _signed(cls, v: date) -> date:
        if v > clock.latest_today():
            raise ValueError("a contract cannot be signed in the future")
        return v


class ContractRead(Output):
    id: int
    deal_id: int
    kind: ContractKind
    amount: Decimal
    currency: str
    amount_cny: Decimal
    signed_on: date
    registration_no: str
    buyer_id: int
    seller_id: int
    region_code: str | None


class DealRead(Output):
    id: int
    need_id: int | None
    achievement_id: int
    buyer_id: int
    seller_id: int
    opened_by_id: int | None
    state: DealState
    note: str
    abandon_reason: str
    introduced_by_id: int | None
    introduced_at: datetime | None
    buyer_nda_at: datetime | None
    seller_nda_at: datetime | None
    due_on: date | None
    overdue: bool
    created_at: datetime
    updated_at: datetime


class DealFull(DealRead):
    messages: list[MessageRead]
    contract: ContractRead | None
