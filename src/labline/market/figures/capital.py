"""The money after signing, as live figures for the indicators: royalty income and
milestone payments invoiced (万元, where the licensor sells: the contract's region), licences
signed by type (exclusive, sole, non-exclusive), and equity investment into companies (万元,
shares issued to investors, by the company's province; and by field, the company's GB/T 4754
division, as `equity_investment_<division>`). Sums are decimals until handed over."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.models import Organisation
from labline.core.refdata import province_of
from labline.market.captable.models import CapIssuance, CapStakeholder
from labline.market.deals.schemas import CURRENCIES as CNY_RATES
from labline.market.ledger.models import LicenceInvoice
from labline.market.licensing.models import LicenceOffer
from labline.market.models import Contract

WAN = Decimal(10_000)
LICENCE_TYPES = ("exclusive", "sole", "non_exclusive")


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def by_region(
    session: Session, *, start: date | datetime, end: date | datetime
) -> list[tuple[str, str, float]]:
    first, last = _day(start), _day(end)
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for kind, amount, region in session.execute(
        select(LicenceInvoice.kind, LicenceInvoice.amount_cny, Contract.region_code)
        .join(Contract, Contract.id == LicenceInvoice.contract_id)
        .where(
            LicenceInvoice.issued_on >= first,
            LicenceInvoice.issued_on < last,
            LicenceInvoice.kind.in_(("royalty", "milestone")),
        )
    ):
        code = "royalty_income" if kind == "royalty" else "milestone_payments"
        sums[(province_of(region), code)] += Decimal(amount) / WAN
    for exclusivity, region in session.execute(
        select(LicenceOffer.exclusivity, Contract.region_code)
        .join(Contract, Contract.deal_id == LicenceOffer.deal_id)
        .where(
            LicenceOffer.accepted_at.is_not(None),
            Contract.signed_on >= first,
            Contract.signed_on < last,
        )
    ):
        if exclusivity in LICENCE_TYPES:
            sums[(province_of(region), f"licences_{exclusivity}")] += 1
    for quantity, price, currency, region, country, industry in session.execute(
        select(
            CapIssuance.quantity,
            CapIssuance.share_price,
            CapIssuance.currency,
            Organisation.region_code,
            Organisation.country,
            Organisation.industry_code,
        )
        .join(CapStakeholder, CapStakeholder.id == CapIssuance.stakeholder_id)
        .join(Organisation, Organisation.id == CapIssuance.issuer_id)
        .where(
            CapStakeholder.relationship == "INVESTOR",
            CapIssuance.issued_on >= first,
            CapIssuance.issued_on < last,
        )
    ):
        money = Decimal(quantity) * Decimal(price) * CNY_RATES.get(currency, Decimal(0)) / WAN
        province = province_of(region, country)
        sums[(province, "equity_investment")] += money
        if industry:
            sums[(province, f"equity_investment_{industry[:2]}")] += money
    return [
        (region, code, float(round(value, 6))) for (region, code), value in sorted(sums.items())
    ]
