"""The ledger of a signed licence.

The licensor's side (the seller) and operators issue invoices and record payments; the
licensee's side (the buyer) files royalty reports; both read the ledger. Amounts are
decimals in the contract's currency, with the CNY equivalent kept beside them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor, require_signed_in
from labline.core.models import Organisation
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from labline.market.deals.schemas import CURRENCIES as CNY_RATES
from labline.market.deals.service import deals
from labline.market.engine import royalties
from labline.market.ledger.models import LicenceInvoice, LicencePayment, RoyaltyReport
from labline.market.ledger.schemas import (
    CnyTotals,
    ContractBook,
    InvoiceRead,
    Ledger,
    MilestoneAchieved,
    OrganisationBooks,
    PaymentCreate,
    PaymentRead,
    ReportRead,
    RoyaltyReportCreate,
    Totals,
)
from labline.market.licensing.models import LicenceMilestone, LicenceOffer
from labline.market.models import Contract

PAYMENT_DAYS = 30  # an invoice is due this many days after it is issued


def _contract(session: Session, actor: Actor, contract_id: int) -> Contract:
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound(f"There is no contract {contract_id} of yours.", contract_id=contract_id)
    try:
        deals.get_deal(session, actor=actor, deal_id=contract.deal_id)
    except NotFound:
        raise NotFound(
            f"There is no contract {contract_id} of yours.", contract_id=contract_id
        ) from None
    return contract


def _require_side(actor: Actor, contract: Contract, side: str) -> None:
    org = contract.seller_id if side == "seller" else contract.buyer_id
    if not (actor.is_operator or org in actor.org_roles):
        who = "licensor (seller)" if side == "seller" else "licensee (buyer)"
        raise NotPermitted(f"Only the {who} and operators do this.")


def terms(session: Session, contract: Contract) -> LicenceOffer | None:
    """The accepted licence offer of the contract's deal, carried to the contract."""
    offer = session.scalar(
        select(LicenceOffer).where(
            LicenceOffer.deal_id == contract.deal_id, LicenceOffer.accepted_at.is_not(None)
        )
    )
    if offer is not None and offer.contract_id is None:
        offer.contract_id = contract.id
    return offer


def _require_terms(session: Session, contract: Contract) -> LicenceOffer:
    offer = terms(session, contract)
    if offer is None:
        raise Conflict(
            "This contract has no accepted licence terms; accept an offer on the deal first.",
            fields=[FieldError("contract_id", "no accepted licence offer")],
        )
    return offer


def _invoice(
    session: Session,
    contract: Contract,
    *,
    kind: str,
    description: str,
    amount: Decimal,
    issued: date,
) -> LicenceInvoice:
    invoice = LicenceInvoice(
        contract_id=contract.id,
        kind=kind,
        description=description[:300],
        amount=amount,
        currency=contract.currency,
        amount_cny=round(amount * CNY_RATES[contract.currency], 2),
        issued_on=issued,
        due_on=issued + timedelta(days=PAYMENT_DAYS),
    )
    session.add(invoice)
    return invoice


def invoice_upfront(session: Session, *, actor: Actor, contract_id: int) -> LicenceInvoice:
    """The upfront fee and the patent costs the licensee reimburses, invoiced once."""
    contract = _contract(session, actor, contract_id)
    _require_side(actor, contract, "seller")
    offer = _require_terms(session, contract)
    taken = session.scalar(
        select(LicenceInvoice.id).where(
            LicenceInvoice.contract_id == contract.id, LicenceInvoice.kind == "upfront"
        )
    )
    if taken is not None:
        raise Conflict(
            f"The upfront fee is already invoiced (invoice {taken}).",
            fields=[FieldError("contract_id", "upfront already invoiced")],
        )
    invoice = _invoice(
        session,
        contract,
        kind="upfront",
        description="upfront fee and patent costs",
        amount=offer.upfront_cash + offer.patent_costs,
        issued=contract.signed_on,
    )
    session.flush()
    return invoice


def contract_of(session: Session, actor: Actor, contract_id: int) -> Contract:
    """The contract, if the actor is of either side or an operator (else not found)."""
    return _contract(session, actor, contract_id)


def sides_of(session: Session, *, actor: Actor, contract_id: int) -> list[int]:
    """The contract's parties whose books this actor may open (its own; both, an operator)."""
    c = _contract(session, actor, contract_id)
    return [o for o in (c.seller_id, c.buyer_id) if actor.is_operator or o in actor.org_roles]


def require_terms(session: Session, contract: Contract) -> LicenceOffer:
    """The contract's accepted licence terms, or a conflict naming what is missing."""
    return _require_terms(session, contract)


def term_end(signed_on: date, years: int) -> date:
    return _term_end(signed_on, years)


def _term_end(signed_on: date, years: int) -> date:
    """The licence term's last day: `years` after signing (29 February falls to the 28th)."""
    try:
        return signed_on.replace(year=signed_on.year + years)
    except ValueError:
        return signed_on.replace(year=signed_on.year + years, day=28)


def invoice_milestone(
    session: Session, *, actor: Actor, contract_id: int, data: MilestoneAchieved
) -> LicenceInvoice:
    contract = _contract(session, actor, contract_id)
    _require_side(actor, contract, "seller")
    offer = _require_terms(session, contract)
    milestone = session.get(LicenceMilestone, data.milestone_id)
    if milestone is None or milestone.offer_id != offer.id:
        raise InvalidInput(
            f"Milestone {data.milestone_id} is not one of this contract's terms.",
            fields=[
                FieldError("milestone_id", "not in the terms", [m.id for m in offer.milestones])
            ],
        )
    latest = clock.latest_today()
    if data.achieved_on < contract.signed_on or data.achieved_on > latest:
        raise InvalidInput(
            "A milestone is achieved between the signing and today.",
            fields=[
                FieldError(
                    "achieved_on",
                    f"between {contract.signed_on} and today",
                    {"min": contract.signed_on.isoformat(), "max": latest.isoformat()},
                )
            ],
        )
    term_end = _term_end(contract.signed_on, offer.term_years)
    if data.achieved_on > term_end:
        raise InvalidInput(
            f"Milestone {milestone.event!r} cannot fall after the licence term ends ({term_end}).",
            fields=[FieldError("achieved_on", f"after the term's end {term_end}")],
        )
    if session.scalar(select(LicenceInvoice.id).where(LicenceInvoice.milestone_id == milestone.id)):
        raise Conflict(
            f"Milestone {milestone.event!r} is already invoiced.",
            fields=[FieldError("milestone_id", "already invoiced")],
        )
    invoice = _invoice(
        session,
        contract,
        kind="milestone",
        description=milestone.event,
        amount=milestone.amount,
        issued=data.achieved_on,
    )
    invoice.milestone_id = milestone.id
    session.flush()
    return invoice


def file_report(
    session: Session, *, actor: Actor, contract_id: int, data: RoyaltyReportCreate
) -> RoyaltyReport:
    """A royalty report: the royalty is computed by the tiers on the period's net sales,
    the minimum annual royalty (pro rata for a shorter period) applied; invoiced at once."""
    contract = _contract(session, actor, contract_id)
    _require_side(actor, contract, "buyer")
    offer = _require_terms(session, contract)
    if data.period_start < contract.signed_on:
        raise InvalidInput(
            "A royalty period starts on or after the signing.",
            fields=[FieldError("period_start", f"on or after {contract.signed_on}")],
        )
    overlap = session.scalar(
        select(RoyaltyReport.id).where(
            RoyaltyReport.contract_id == contract.id,
            RoyaltyReport.period_start <= data.period_end,
            RoyaltyReport.period_end >= data.period_start,
        )
    )
    if overlap is not None:
        raise Conflict(
            f"That period is already reported (report {overlap}).",
            fields=[FieldError("period_start", "overlaps a period already reported")],
        )
    net = sum((line.net_sales for line in data.lines), Decimal(0))
    days = (data.period_end - data.period_start).days + 1
    minimum = (
        (offer.minimum_annual_royalty * min(days, 365) / 365).quantize(Decimal("0.01"))
        if offer.minimum_annual_royalty is not None
        else None
    )
    tiers = [royalties.Tier(t.from_sales, t.to_sales, t.rate_percent) for t in offer.tiers]
    due, applied = royalties.royalty(net, tiers, minimum=minimum)
    report = RoyaltyReport(
        contract_id=contract.id,
        period_start=data.period_start,
        period_end=data.period_end,
        lines=json.dumps([line.model_dump(mode="json") for line in data.lines], ensure_ascii=False),
        net_sales=net,
        royalty=due,
        minimum_applied=applied,
        reported_by_id=actor.person_id,
    )
    session.add(report)
    session.flush()
    invoice = _invoice(
        session,
        contract,
        kind="royalty",
        description=f"royalties {data.period_start} – {data.period_end}",
        amount=due,
        issued=max(data.period_end, contract.signed_on),
    )
    invoice.report_id = report.id
    session.flush()
    return report


def record_payment(
    session: Session, *, actor: Actor, invoice_id: int, data: PaymentCreate
) -> LicencePayment:
    invoice = session.get(LicenceInvoice, invoice_id)
    if invoice is None:
        raise NotFound(f"There is no invoice {invoice_id} of yours.", invoice_id=invoice_id)
    contract = _contract(session, actor, invoice.contract_id)
    _require_side(actor, contract, "seller")
    if data.currency not in CNY_RATES:
        raise InvalidInput(
            f"{data.currency} is not a currency labline keeps.",
            fields=[FieldError("currency", "unknown currency", list(CNY_RATES))],
        )
    if data.currency != invoice.currency:
        raise InvalidInput(
            f"Invoice {invoice.id} is in {invoice.currency}; record the payment in it.",
            fields=[FieldError("currency", f"must be {invoice.currency}", [invoice.currency])],
        )
    paid = sum((p.amount for p in invoice.payments), Decimal(0))
    if paid + data.amount > invoice.amount:
        raise InvalidInput(
            f"That pays more than invoice {invoice.id} still owes ({invoice.amount - paid}).",
            fields=[FieldError("amount", f"at most {invoice.amount - paid}")],
        )
    latest = clock.latest_today()
    if data.received_on > latest:
        raise InvalidInput(
            "A payment is recorded once received.",
            fields=[FieldError("received_on", "not in the future", {"max": latest.isoformat()})],
        )
    payment = LicencePayment(
        invoice_id=invoice.id,
        amount=data.amount,
        currency=data.currency,
        received_on=data.received_on,
    )
    session.add(payment)
    session.flush()
    session.refresh(invoice)
    return payment


def ledger(session: Session, *, actor: Actor, contract_id: int) -> Ledger:
    """What was due, invoiced, paid and outstanding on the contract; overdue flagged."""
    contract = _contract(session, actor, contract_id)
    offer = terms(session, contract)
    today = clock.today()
    invoices = list(
        session.scalars(
            select(LicenceInvoice)
            .where(LicenceInvoice.contract_id == contract.id)
            .order_by(LicenceInvoice.issued_on, LicenceInvoice.id)
        )
    )
    rows = []
    for inv in invoices:
        paid = sum((p.amount for p in inv.payments), Decimal(0))
        rows.append(
            InvoiceRead(
                id=inv.id,
                kind=inv.kind,
                description=inv.description,
                amount=inv.amount,
                currency=inv.currency,
                amount_cny=inv.amount_cny,
                issued_on=inv.issued_on,
                due_on=inv.due_on,
                paid=paid,
                outstanding=inv.amount - paid,
                overdue=inv.amount > paid and inv.due_on < today,
                payments=[PaymentRead.model_validate(p) for p in inv.payments],
            )
        )
    reports = list(
        session.scalars(
            select(RoyaltyReport)
            .where(RoyaltyReport.contract_id == contract.id)
            .order_by(RoyaltyReport.period_start)
        )
    )
    invoiced_milestones = {i.milestone_id for i in invoices if i.milestone_id is not None}
    return Ledger(
        contract_id=contract.id,
        currency=contract.currency,
        offer_id=offer.id if offer else None,
        invoices=rows,
        reports=[ReportRead.model_validate(r) for r in reports],
        milestones_due=[
            {"id": m.id, "event": m.event, "amount": str(m.amount), "due_on": m.due_on}
            for m in (offer.milestones if offer else [])
            if m.id not in invoiced_milestones
        ],
        totals=_totals(rows, CNY_RATES[contract.currency], today),
    )


def _totals(rows: list[InvoiceRead], rate: Decimal, today: date) -> Totals:
    def total(values: Any) -> Decimal:
        return sum(values, Decimal(0))

    invoiced = total(r.amount for r in rows)
    due = total(r.amount for r in rows if r.due_on <= today)
    paid = total(r.paid for r in rows)
    outstanding = total(r.outstanding for r in rows)
    overdue = total(r.outstanding for r in rows if r.overdue)
    return Totals(
        invoiced=invoiced,
        due=due,
        paid=paid,
        outstanding=outstanding,
        overdue=overdue,
        invoiced_cny=total(r.amount_cny for r in rows),
        due_cny=round(due * rate, 2),
        paid_cny=round(paid * rate, 2),
        outstanding_cny=round(outstanding * rate, 2),
        overdue_cny=round(overdue * rate, 2),
    )


def books(session: Session, *, actor: Actor, organisation_id: int) -> OrganisationBooks:
    """Every licence ledger of an organisation, per contract and summed in yuan. Its own
    people and operators read it; nobody else learns what it is owed or owes."""
    require_signed_in(actor)
    if session.get(Organisation, organisation_id) is None or not (
        actor.is_operator or organisation_id in actor.org_roles
    ):
        raise NotFound(
            f"There are no licence books of yours for {organisation_id}.",
            organisation_id=organisation_id,
        )
    contracts = session.scalars(
        select(Contract)
        .where(
            or_(Contract.buyer_id == organisation_id, Contract.seller_id == organisation_id),
            Contract.id.in_(select(LicenceInvoice.contract_id)),
        )
        .order_by(Contract.signed_on, Contract.id)
    ).all()
    names = {
        o.id: o.name_zh or o.name_en
        for o in session.scalars(
            select(Organisation).where(
                Organisation.id.in_(
                    {c.buyer_id for c in contracts} | {c.seller_id for c in contracts}
                )
            )
        )
    }
    out = []
    sums: dict[str, dict[str, Decimal]] = {
        "licensor": defaultdict(Decimal),
        "licensee": defaultdict(Decimal),
    }
    for c in contracts:
        side = "licensor" if c.seller_id == organisation_id else "licensee"
        other = c.buyer_id if side == "licensor" else c.seller_id
        totals = ledger(session, actor=actor, contract_id=c.id).totals
        out.append(
            ContractBook(
                contract_id=c.id,
                registration_no=c.registration_no,
                side=side,
                counterparty_id=other,
                counterparty=names.get(other, ""),
                currency=c.currency,
                totals=totals,
            )
        )
        for key in ("invoiced", "due", "paid", "outstanding", "overdue"):
            sums[side][key] += getattr(totals, f"{key}_cny")
    zero = dict.fromkeys(("invoiced", "due", "paid", "outstanding", "overdue"), Decimal(0))
    return OrganisationBooks(
        organisation_id=organisation_id,
        contracts=out,
        receivable_cny=CnyTotals(**(zero | sums["licensor"])),
        payable_cny=CnyTotals(**(zero | sums["licensee"])),
    )
