"""The licence ledger: `/api/v1/market/contracts/{contract_id}/ledger` and its entries."""

from __future__ import annotations

from fastapi import APIRouter

from labline.core.deps import CurrentActor, Db
from labline.market.ledger import service
from labline.market.ledger.schemas import (
    Ledger,
    MilestoneAchieved,
    OrganisationBooks,
    PaymentCreate,
    PaymentRead,
    ReportRead,
    RoyaltyReportCreate,
)

router = APIRouter(prefix="/api/v1/market", tags=["market"])


@router.get("/contracts/{contract_id}/ledger", response_model=Ledger, summary="A licence's ledger")
def read(db: Db, actor: CurrentActor, contract_id: int) -> Ledger:
    return service.ledger(db, actor=actor, contract_id=contract_id)


@router.post(
    "/contracts/{contract_id}/invoices/upfront",
    response_model=Ledger,
    status_code=201,
    summary="Invoice the upfront fee and patent costs",
)
def invoice_upfront(db: Db, actor: CurrentActor, contract_id: int) -> Ledger:
    service.invoice_upfront(db, actor=actor, contract_id=contract_id)
    return service.ledger(db, actor=actor, contract_id=contract_id)


@router.post(
    "/contracts/{contract_id}/invoices/milestone",
    response_model=Ledger,
    status_code=201,
    summary="Invoice an achieved milestone",
)
def invoice_milestone(
    db: Db, actor: CurrentActor, contract_id: int, data: MilestoneAchieved
) -> Ledger:
    service.invoice_milestone(db, actor=actor, contract_id=contract_id, data=data)
    return service.ledger(db, actor=actor, contract_id=contract_id)


@router.post(
    "/contracts/{contract_id}/royalty-reports",
    response_model=ReportRead,
    status_code=201,
    summary="File a royalty report (the royalty is computed by the tiers)",
)
def file_report(
    db: Db, actor: CurrentActor, contract_id: int, data: RoyaltyReportCreate
) -> ReportRead:
    return ReportRead.model_validate(
        service.file_report(db, actor=actor, contract_id=contract_id, data=data)
    )


@router.post(
    "/invoices/{invoice_id}/payments",
    response_model=PaymentRead,
    status_code=201,
    summary="Record a payment received",
)
def record_payment(
    db: Db, actor: CurrentActor, invoice_id: int, data: PaymentCreate
) -> PaymentRead:
    return PaymentRead.model_validate(
        service.record_payment(db, actor=actor, invoice_id=invoice_id, data=data)
    )


@router.get(
    "/organisations/{organisation_id}/ledger",
    response_model=OrganisationBooks,
    summary="An organisation's licence ledgers, per contract and summed in yuan",
)
def books(db: Db, actor: CurrentActor, organisation_id: int) -> OrganisationBooks:
    return service.books(db, actor=actor, organisation_id=organisation_id)
